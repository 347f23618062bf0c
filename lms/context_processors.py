"""Template context available on every page."""

from django.conf import settings
from django.utils.functional import SimpleLazyObject


def platform(request):
    """Site name and the roles the navigation needs, without extra queries for anonymous users."""
    return {
        "SITE_NAME": "Kommunal-Campus",
        "LANGUAGES": settings.LANGUAGES,
        # Asked only by pages that link to the HR area (one query, and only when used).
        "user_has_hr_scope": SimpleLazyObject(lambda: _has_hr_scope(request.user)),
    }


def _has_hr_scope(user) -> bool:
    from .selectors import organisations_visible_to

    return user.is_authenticated and organisations_visible_to(user).exists()

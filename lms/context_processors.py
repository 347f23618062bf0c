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
        # The bell loads its count only for sessions that may see pages: before the second
        # factor every request is redirected to it (and the bell would swap in that page).
        "notification_bell_live": SimpleLazyObject(lambda: _bell_live(request)),
    }


def _bell_live(request) -> bool:
    from .security.mfa import second_factor_missing

    user = getattr(request, "user", None)
    return bool(user and user.is_authenticated and not second_factor_missing(request))


def _has_hr_scope(user) -> bool:
    from .selectors import organisations_visible_to

    return user.is_authenticated and organisations_visible_to(user).exists()

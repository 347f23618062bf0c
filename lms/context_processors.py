"""Template context available on every page."""

from django.conf import settings


def platform(request):
    """Site name and the roles the navigation needs, without extra queries for anonymous users."""
    return {
        "SITE_NAME": "Kommunal-Campus",
        "LANGUAGES": settings.LANGUAGES,
    }

"""Response headers that keep personal data where it belongs, and request size limits.

- **Content-Security-Policy**: the site runs only its own scripts (no inline script, no
  ``eval``: htmx runs with ``allowEval: false``, the lesson heartbeat uses an event from
  ``static/js/visible-tick.js`` instead of a JavaScript trigger filter). The Wagtail and Django
  admins (``/cms/``, ``/django-admin/``) use inline scripts and styles of their own, so they get
  a separate, documented admin policy that still allows only this origin.
- **Permissions-Policy**: no camera, microphone, geolocation, payment, USB … for anyone.
- **Cache-Control: no-store** on every response to a signed-in person (their pages carry
  personal data); with ``hx-history="false"`` in the base template, neither the browser's
  cache nor htmx's history cache keeps an HR matrix after logout.
- **Request size**: a body larger than allowed is refused with 413 from its
  ``Content-Length`` before anything reads it (``MAX_REQUEST_BYTES``; the certificate check
  upload at ``/verify/`` has ``VERIFY_MAX_REQUEST_BYTES``).
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

SITE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Wagtail's and Django's admins ship inline scripts and styles; still nothing from elsewhere.
ADMIN_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
ADMIN_PREFIXES = ("/cms/", "/django-admin/")
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
        "interest-cohort",
    )
)


def _limit_for(path: str) -> int:
    if path.startswith("/verify/"):
        return settings.VERIFY_MAX_REQUEST_BYTES
    return settings.MAX_REQUEST_BYTES


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > _limit_for(request.path):
            response = HttpResponse(
                _("The upload is too large. Please send a smaller file."),
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        else:
            response = self.get_response(request)
        admin = request.path.startswith(ADMIN_PREFIXES)
        response.headers.setdefault(
            "Content-Security-Policy", ADMIN_POLICY if admin else SITE_POLICY
        )
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response

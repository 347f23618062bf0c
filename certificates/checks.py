"""System checks of the certificate signing settings (``manage.py check``, run at start-up).

A timestamp authority without named trust roots is the one configuration that fails only at
the first certificate: the validation data is collected up to the roots, by default the top of
the signing chain, and a TSA certified by another CA then has no path, so every render retries
and certificates stay pending. Said at start-up instead.
"""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def timestamp_authority_has_trust_roots(app_configs=None, **kwargs):
    if not getattr(settings, "CERTIFICATE_TIMESTAMP_URL", ""):
        return []
    if getattr(settings, "CERTIFICATE_TRUST_ROOTS_FILE", ""):
        return []
    return [
        checks.Warning(
            "CERTIFICATE_TIMESTAMP_URL is set but CERTIFICATE_TRUST_ROOTS_FILE is not.",
            hint=(
                "Name the root certificates (PEM) of the signing certificate and of the "
                "timestamp authority; without them only the signing chain's own root is known "
                "and a TSA certified by another CA makes every PAdES B-LT signature fail."
            ),
            id="certificates.W001",
        )
    ]

"""A second factor for everyone who can see or change other people's data.

Staff, superusers, trainers, HR and organisation admins (``user_is_privileged``, decided at
sign-in and kept in the session) must confirm each session with a code from an authenticator
app (TOTP, RFC 6238, django-otp) or a one-time backup code. Until they do, every page except
the second-factor pages and sign-out redirects there; someone without an app yet is led
through setting one up. Learners are not asked. ``MFA_REQUIRED`` switches the requirement
(on by default; the test settings switch it off for tests that sign in by ``force_login`` and
switch it on where they test it).
"""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import user_has_device

from .sessions import PRIVILEGED

MFA_BY_IDP = "_lms_mfa_by_idp"  # set by lms.services.sso when a trusted IdP reports a factor

ALLOWED_PREFIXES = ("/konto/zweiter-faktor/", "/konto/abmelden/", "/static/", "/sprache/")


def second_factor_missing(request) -> bool:
    user = getattr(request, "user", None)
    if not settings.MFA_REQUIRED or user is None or not user.is_authenticated:
        return False
    if not request.session.get(PRIVILEGED, False):
        return False
    if request.session.get(MFA_BY_IDP, False):  # the municipality's IdP asked for it
        return False
    return not user.is_verified()


class SecondFactorMiddleware:
    """After ``django_otp.middleware.OTPMiddleware``: privileged sessions without a verified
    second factor reach only the second-factor pages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if second_factor_missing(request) and not request.path.startswith(ALLOWED_PREFIXES):
            target = "mfa_verify" if user_has_device(request.user) else "mfa_setup"
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse(target)}?{query}")
        return self.get_response(request)

"""Idle timeout and absolute lifetime of a session, shorter for privileged people.

An HR officer's or administrator's session left open on a shared office PC is worth more to
an attacker than a learner's: after ``SESSION_IDLE_SECONDS_PRIVILEGED`` (30 min) without a
request, or ``SESSION_ABSOLUTE_SECONDS_PRIVILEGED`` (8 h) after sign-in, they sign in again;
learners after ``SESSION_IDLE_SECONDS`` (8 h) idle or ``SESSION_ABSOLUTE_SECONDS`` (24 h).
Whether a person is privileged is decided at sign-in (staff, superuser, trainer, HR or
organisation admin) and kept in the session.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect, resolve_url
from django.utils.http import urlencode

LOGIN_AT = "_lms_login_at"
SEEN_AT = "_lms_seen_at"
PRIVILEGED = "_lms_privileged"
SEEN_WRITE_EVERY = 60  # seconds: the session is not rewritten on every request


def user_is_privileged(user) -> bool:
    from ..models import Membership

    if user.is_staff or user.is_superuser:
        return True
    if user.groups.filter(name="Trainer").exists():
        return True
    return Membership.objects.filter(
        user=user, role__in=[Membership.Role.HR, Membership.Role.ORG_ADMIN]
    ).exists()


@receiver(user_logged_in, dispatch_uid="lms_session_started")
def session_started(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session[PRIVILEGED] = user_is_privileged(user)


def _limits(privileged: bool) -> tuple[int, int]:
    if privileged:
        return (
            settings.SESSION_IDLE_SECONDS_PRIVILEGED,
            settings.SESSION_ABSOLUTE_SECONDS_PRIVILEGED,
        )
    return settings.SESSION_IDLE_SECONDS, settings.SESSION_ABSOLUTE_SECONDS


class SessionTimeoutMiddleware:
    """Ends sessions past their idle or absolute limit (then: the login page, with a note)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            now = int(time.time())
            login_at = session.get(LOGIN_AT)
            if login_at is None:  # a session from before these limits: start counting now
                session_started(None, request, user)
            else:
                idle, absolute = _limits(session.get(PRIVILEGED, True))
                seen_at = session.get(SEEN_AT, login_at)
                if now - seen_at > idle or now - login_at > absolute:
                    logout(request)
                    query = urlencode({"abgelaufen": 1, "next": request.get_full_path()})
                    return redirect(f"{resolve_url(settings.LOGIN_URL)}?{query}")
                if now - seen_at >= SEEN_WRITE_EVERY:
                    session[SEEN_AT] = now
        return self.get_response(request)

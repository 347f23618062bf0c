"""Idle timeout and absolute lifetime of a session, shorter for privileged people.

An HR officer's or administrator's session left open on a shared office PC is worth more to
an attacker than a learner's: after ``SESSION_IDLE_SECONDS_PRIVILEGED`` (30 min) without a
request, or ``SESSION_ABSOLUTE_SECONDS_PRIVILEGED`` (8 h) after sign-in, they sign in again;
learners after ``SESSION_IDLE_SECONDS`` (8 h) idle or ``SESSION_ABSOLUTE_SECONDS`` (24 h).
Whether a person is privileged is decided at sign-in (staff, superuser, trainer, HR or
organisation admin) and kept in the session. When it changes later (a learner made HR, an HR
officer's role withdrawn), the change is noticed at the person's next request: the session key
is rotated and the new limits and the second-factor requirement apply at once. A version per
person in the cache, bumped by the signals below, keeps that to one cache read per request.
"""

import time

from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.signals import user_logged_in
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.shortcuts import redirect, resolve_url
from django.utils.http import urlencode

LOGIN_AT = "_lms_login_at"
SEEN_AT = "_lms_seen_at"
PRIVILEGED = "_lms_privileged"
PRIVILEGE_VERSION = "_lms_privilege_version"
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


def _version_key(user_id) -> str:
    return f"lms:privilege-version:{user_id}"


def privilege_version(user_id) -> str:
    """The current version of a person's privileges (created on first use)."""
    key = _version_key(user_id)
    version = cache.get(key)
    if version is None:
        version = str(time.time_ns())
        cache.add(key, version, None)
        version = cache.get(key, version)
    return version


def privileges_may_have_changed(user_id) -> None:
    """Make every session of the person re-check its privileges at its next request."""
    cache.set(_version_key(user_id), str(time.time_ns()), None)


@receiver(post_save, sender="lms.Membership", dispatch_uid="lms_privilege_membership_saved")
@receiver(post_delete, sender="lms.Membership", dispatch_uid="lms_privilege_membership_gone")
def _membership_changed(sender, instance, **kwargs):
    privileges_may_have_changed(instance.user_id)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="lms_privilege_user_saved")
def _user_saved(sender, instance, created=False, update_fields=None, **kwargs):
    if not created and (update_fields is None or {"is_staff", "is_superuser"} & set(update_fields)):
        privileges_may_have_changed(instance.pk)


@receiver(m2m_changed, sender=get_user_model().groups.through, dispatch_uid="lms_privilege_groups")
def _groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        privileges_may_have_changed(instance.pk)
    elif pk_set:  # group.user_set.add(...): the people are in pk_set
        for user_id in pk_set:
            privileges_may_have_changed(user_id)
    else:  # group.user_set.clear(): unknown people, so every member of that group
        for user_id in instance.user_set.values_list("pk", flat=True):
            privileges_may_have_changed(user_id)


@receiver(user_logged_in, dispatch_uid="lms_session_started")
def session_started(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    now = int(time.time())
    request.session[LOGIN_AT] = now
    request.session[SEEN_AT] = now
    request.session[PRIVILEGED] = user_is_privileged(user)
    request.session[PRIVILEGE_VERSION] = privilege_version(user.pk)


def _recheck_privileges(request, user) -> None:
    """Rotate the session key when the person's privileges changed since sign-in."""
    session = request.session
    version = privilege_version(user.pk)
    if session.get(PRIVILEGE_VERSION) == version:
        return
    privileged = user_is_privileged(user)
    if privileged != session.get(PRIVILEGED):
        session.cycle_key()
        session[PRIVILEGED] = privileged
    session[PRIVILEGE_VERSION] = version


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
                _recheck_privileges(request, user)
                idle, absolute = _limits(session.get(PRIVILEGED, True))
                seen_at = session.get(SEEN_AT, login_at)
                if now - seen_at > idle or now - login_at > absolute:
                    logout(request)
                    query = urlencode({"abgelaufen": 1, "next": request.get_full_path()})
                    return redirect(f"{resolve_url(settings.LOGIN_URL)}?{query}")
                if now - seen_at >= SEEN_WRITE_EVERY:
                    session[SEEN_AT] = now
        return self.get_response(request)

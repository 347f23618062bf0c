"""Per-account slow-down after many failed sign-ins, from whatever addresses they come.

django-axes locks an (account, client address) pair after a few failures, so an attacker can
lock out only their own address. Spread over many addresses, guesses against one account would
still go unchecked: after ``LOGIN_SLOWDOWN_AFTER`` failures for an account (within an hour),
each further attempt for it must wait, doubling from 2 s up to ``LOGIN_SLOWDOWN_MAX_SECONDS``,
before its password is even checked. The real person is slowed down, never locked out: they
wait at most that long and sign in; a correct sign-in resets the count.
"""

import time

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver

WINDOW_SECONDS = 3600
LOCKED_BY_AXES = "lms_locked_by_axes"


def _key(email: str) -> str:
    return f"login-slowdown:{email.strip().lower()}"


def seconds_to_wait(request, email: str) -> int:
    """How long the account must wait before its next attempt is checked (0: go ahead).

    An (account, address) pair that axes has locked gets axes' answer (429) instead."""
    if not email:
        return 0
    failures, last_at = cache.get(_key(email), (0, 0.0))
    over = failures - settings.LOGIN_SLOWDOWN_AFTER
    if over < 0:
        return 0  # the usual case, decided by one cache read
    if AxesProxyHandler.is_locked(request, {"username": email}):
        setattr(request, LOCKED_BY_AXES, True)
        return 0
    delay = min(2 ** (over + 1), settings.LOGIN_SLOWDOWN_MAX_SECONDS)
    return max(0, int(last_at + delay - time.time() + 0.999))


@receiver(user_login_failed, dispatch_uid="lms_login_slowdown_failed")
def _count_failure(sender, credentials, request=None, **kwargs):
    email = (credentials or {}).get("username") or (credentials or {}).get("email") or ""
    if not email or getattr(request, LOCKED_BY_AXES, False):
        return  # refused by axes unchecked: no guess was made
    if request is not None and AxesProxyHandler.is_locked(request, {"username": email}):
        return  # this address is locked out for the account: axes answers, not a guess
    failures, _last = cache.get(_key(email), (0, 0.0))
    cache.set(_key(email), (failures + 1, time.time()), WINDOW_SECONDS)


@receiver(user_logged_in, dispatch_uid="lms_login_slowdown_reset")
def _reset(sender, request, user, **kwargs):
    cache.delete(_key(user.email))

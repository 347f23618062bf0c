"""The client's IP address behind the documented reverse proxy.

``X-Forwarded-For`` is written by whoever sends the request: trusted only for the number of
proxies the operator declares (``TRUSTED_PROXY_COUNT``, default 0 = no proxy, use the socket
address). With N trusted proxies, the nearest one is ``REMOTE_ADDR`` and the client is the
N-th address from the right of ``X-Forwarded-For``; anything further left is what the client
claimed and is ignored. Used by login throttling (django-axes) and every rate limit, so one
client cannot lock out others by sharing the proxy's address or by forging the header.
"""

import ipaddress

from django.conf import settings


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address, or ``None`` when the request has no valid socket address (requests
    built inside the process, such as the test client's ``force_login``): PostgreSQL stores the
    address as ``inet`` and refuses a placeholder word."""
    remote = _valid(request.META.get("REMOTE_ADDR", "") or "")
    trusted = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if trusted <= 0:
        return remote
    forwarded = [a for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
    if len(forwarded) < trusted:
        return remote  # fewer hops than proxies declared: do not believe the header
    return _valid(forwarded[-trusted]) or remote

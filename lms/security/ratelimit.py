"""A fixed-window rate limit per client IP address, kept in Django's cache.

With Redis as the cache (production) the count is shared by every web process. Behind a
reverse proxy the client is found by ``lms.security.client_ip`` (``TRUSTED_PROXY_COUNT``), the
same rule as login throttling, so clients neither share the proxy's budget nor forge their own.
"""

import time

from django.core.cache import cache

from .client_ip import client_ip


def rate_limit_exceeded(
    request, *, scope: str, limit: int, window: int = 60, subject: str | None = None
) -> bool:
    """Count this request; True when the client (or, with ``subject``, that subject, e.g. an
    e-mail address, whoever asks) made more than ``limit`` in this window."""
    client = subject if subject is not None else client_ip(request)
    key = f"ratelimit:{scope}:{client}:{int(time.time() // window)}"
    if cache.add(key, 1, window + 1):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 1)
        count = 1
    return count > limit

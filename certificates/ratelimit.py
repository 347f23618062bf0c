"""A fixed-window rate limit per client IP address, kept in Django's cache.

With Redis as the cache (production) the count is shared by every web process. Behind a
reverse proxy, ``REMOTE_ADDR`` must be the client's address (set by the proxy / gunicorn's
``--forwarded-allow-ips``), or all clients share one budget.
"""

import time

from django.core.cache import cache


def rate_limit_exceeded(request, *, scope: str, limit: int, window: int = 60) -> bool:
    """Count this request; True when the client made more than ``limit`` in this window."""
    client = request.META.get("REMOTE_ADDR", "unknown")
    key = f"ratelimit:{scope}:{client}:{int(time.time() // window)}"
    if cache.add(key, 1, window + 1):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window + 1)
        count = 1
    return count > limit

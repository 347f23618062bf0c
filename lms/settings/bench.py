"""Benchmarks (``bench/page_floor.py``, ``bench/exam_load.py``): production settings on loopback.

The benchmarks must measure what production runs (DEBUG off, manifest static files, Redis cache,
PostgreSQL), so this module only fills in what a loopback run lacks: ``ALLOWED_HOSTS=127.0.0.1``
and no HTTPS redirect or HSTS (there is no TLS proxy in front). The bench script generates
``SECRET_KEY`` and passes it in the environment, because every gunicorn worker and the script
itself (which signs the session cookies) must share one key; it also owns ``DATABASE_URL``
and ``REDIS_URL``.
"""

import os

os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SECURE_HSTS_SECONDS", "0")

from .production import *  # noqa: E402, F403

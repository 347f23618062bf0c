"""Production: PostgreSQL, Redis (broker and cache), gunicorn behind a TLS-terminating proxy.

Refuses to start without SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and CELERY_BROKER_URL (and
without S3_BUCKET when APP_NODES declares more than one machine): a
silent fallback to a development default would be a security hole, and without a broker every
PDF, mail and export would quietly run inside the web request (``CELERY_EAGER=true`` allows
that on purpose, for a single-process trial or the benchmarks).
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import (
    ALLOWED_HOSTS,
    CELERY_BROKER_URL,
    S3_BUCKET,
    SECRET_KEY,
    STORAGES,
    env_bool,
    logging_config,
)

DEBUG = False

if not SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be set (at least 50 characters).")
if not os.environ.get("ALLOWED_HOSTS") or not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set.")
if not os.environ.get("DATABASE_URL"):
    raise ImproperlyConfigured("DATABASE_URL must be set (PostgreSQL).")
if not CELERY_BROKER_URL and not env_bool("CELERY_EAGER", False):
    raise ImproperlyConfigured(
        "CELERY_BROKER_URL must be set (Redis): without a broker, certificate PDFs, mails and "
        "exports would run inside web requests. Set CELERY_EAGER=true only on purpose."
    )

# Media: local files on a single machine, the S3 bucket when S3_BUCKET is set (base settings).
STORAGES = {
    "default": STORAGES["default"],
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# More than one app server or worker (APP_NODES, as the operator declares it): files written on
# one machine's disk could not be read on another, so a bucket is required.
APP_NODES = int(os.environ.get("APP_NODES", "1"))
if APP_NODES > 1 and not S3_BUCKET:
    raise ImproperlyConfigured(
        "APP_NODES > 1 needs object storage: set S3_BUCKET (and S3_ENDPOINT_URL, "
        "S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY), see docs/betrieb.md."
    )

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Sessions are read on every signed-in request: from Redis when it is configured, with the
# database behind it (a Redis restart signs nobody out). Saves a query per request.
if os.environ.get("REDIS_URL"):
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# JSON lines for the log collector unless LOG_FORMAT=text; the access line stays on (ACCESS_LOG).
LOGGING = logging_config(
    level=os.environ.get("LOG_LEVEL", "WARNING"),
    json=os.environ.get("LOG_FORMAT", "json") == "json",
)
LOGGING["loggers"]["lms.access"] = {"level": "INFO" if env_bool("ACCESS_LOG", True) else "WARNING"}

"""Test settings: fast hashing, in-memory mail, and whatever DATABASE_URL / broker CI provides."""

from .base import *  # noqa: F403
from .base import SECRET_KEY

DEBUG = False
SECRET_KEY = SECRET_KEY or "test-only-insecure-key"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tasks run eagerly even when CI provides a broker; tests that need a real worker start one
# (tests/conftest.py: ``celery_worker_on_redis``) and switch eager mode off for themselves.
CELERY_TASK_ALWAYS_EAGER = True

# Serve static files straight from the finders: no collectstatic needed in tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

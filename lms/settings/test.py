"""Test settings: fast hashing, in-memory mail, and whatever DATABASE_URL / broker CI provides."""

import os
from pathlib import Path

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
# Most tests sign people in with ``force_login``; the second factor is switched on by the tests
# of it (tests/lms/test_security_mfa.py) and for the demo login browser test.
MFA_REQUIRED = False
# Tasks run eagerly even when CI provides a broker; tests that need a real worker start one
# (tests/conftest.py: ``celery_worker_on_redis``) and switch eager mode off for themselves.
CELERY_TASK_ALWAYS_EAGER = True
# Reliability tests slow rendering down in a worker subprocess to kill it mid-render.
CERTIFICATE_RENDER_TEST_DELAY = float(os.environ.get("CERTIFICATE_RENDER_TEST_DELAY", "0"))

# Serve static files straight from the finders: no collectstatic needed in tests.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

# A Celery worker started as a subprocess by the reliability tests writes mails and PDFs where
# the test can count them.
if os.environ.get("TEST_EMAIL_FILE_PATH"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["TEST_EMAIL_FILE_PATH"]
if os.environ.get("TEST_MEDIA_ROOT"):
    MEDIA_ROOT = Path(os.environ["TEST_MEDIA_ROOT"])
    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(MEDIA_ROOT)},
        },
    }

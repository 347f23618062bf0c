"""Local development: the embedded default (SQLite, eager Celery, console mail, local media)."""

from .base import *  # noqa: F403
from .base import SECRET_KEY

DEBUG = True
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"  # noqa: S105

WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True

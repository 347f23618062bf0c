"""Settings shared by every environment.

Every environment variable the platform reads is read here, in one place, and documented in
``.env.example``. Environment-specific modules (dev, test, production) only override values.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

from lms.logs import configure_structlog, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    """Read a boolean environment variable ("1", "true", "yes" mean true)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated environment variable into a list without blanks."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# --- Core -------------------------------------------------------------------------------------
SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Invitation links (lms/services/invitations.py) work once and for this many days.
INVITATION_DAYS = int(os.environ.get("INVITATION_DAYS", "14"))

INSTALLED_APPS = [
    "lms",
    "courses",
    "certificates",
    "cdo_network",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "lms.wagtail_users_app.CampusUsersAppConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "django.contrib.postgres",  # full-text and trigram lookups of the search (PostgreSQL)
    "django_prometheus",  # request, latency and query metrics (lms/metrics.py)
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Third party
    "guardian",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "lms.security.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "lms.security.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "lms.security.sessions.SessionTimeoutMiddleware",
    "lms.security.mfa.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes last, as its documentation requires (the metrics' closing half wraps everything).
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "lms.context_processors.platform",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------------------------
# The embedded default is a SQLite file; DATABASE_URL (postgres://…) switches to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
# Query counts and latencies per database for the metrics: django-prometheus's thin wrappers
# around Django's own backends.
DATABASES["default"]["ENGINE"] = DATABASES["default"]["ENGINE"].replace(
    "django.db.backends.", "django_prometheus.db.backends."
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# /metrics answers only with "Authorization: Bearer <METRICS_TOKEN>"; unset = 404.
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# --- Cache ------------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "lms.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
SESSION_COOKIE_HTTPONLY = True
# Session lifetimes (lms/security/sessions.py): idle and absolute, shorter for HR, admins and
# trainers. The cookie itself lives no longer than a learner's absolute lifetime.
SESSION_IDLE_SECONDS = int(os.environ.get("SESSION_IDLE_SECONDS", str(8 * 3600)))
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(24 * 3600)))
SESSION_IDLE_SECONDS_PRIVILEGED = int(os.environ.get("SESSION_IDLE_SECONDS_PRIVILEGED", "1800"))
SESSION_ABSOLUTE_SECONDS_PRIVILEGED = int(
    os.environ.get("SESSION_ABSOLUTE_SECONDS_PRIVILEGED", str(8 * 3600))
)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# Argon2id at OWASP's minimum first (lms/security/hashers.py); PBKDF2 hashes upgrade at login.
PASSWORD_HASHERS = [
    "lms.security.hashers.Argon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
SESSION_COOKIE_SAMESITE = "Lax"

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed attempts for one e-mail
# address from one IP address, logins are refused for AXES_COOLOFF_HOURS.
AXES_CLIENT_IP_CALLABLE = "lms.security.client_ip.client_ip"
# Reverse proxies in front of the app whose X-Forwarded-For entry is trusted (0: none, the
# socket address is the client). Behind the documented nginx/HAProxy: 1.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the login form keeps Django's field name
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Per-account slow-down (lms/security/slowdown.py): after this many failures for one account
# from any addresses within an hour, each attempt waits 2, 4, 8 … up to the maximum seconds.
LOGIN_SLOWDOWN_AFTER = int(os.environ.get("LOGIN_SLOWDOWN_AFTER", "10"))
LOGIN_SLOWDOWN_MAX_SECONDS = int(os.environ.get("LOGIN_SLOWDOWN_MAX_SECONDS", "60"))

# django-guardian: no anonymous user row; object permissions only for real accounts.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("German")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES

# --- Static and media files -------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


def s3_storage(*, bucket: str, endpoint_url: str = "", access_key: str = "", secret_key: str = ""):
    """Media in an S3-compatible bucket (AWS, SeaweedFS, MinIO, Ceph, IONOS, STACKIT …), so every
    app server and worker reads what another wrote. Private: objects get the bucket's (private)
    policy, never a public-read ACL; downloads go through the permission-checking views, and
    where a storage URL is handed out at all it is signed and short-lived."""
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "region_name": os.environ.get("S3_REGION", "us-east-1"),
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": int(os.environ.get("S3_SIGNED_URL_SECONDS", "300")),
            "file_overwrite": False,
            "signature_version": "s3v4",
            # Path-style addressing: self-hosted stores rarely have wildcard DNS per bucket.
            "addressing_style": "path" if endpoint_url else None,
        },
    }


S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    STORAGES["default"] = s3_storage(
        bucket=S3_BUCKET,
        endpoint_url=os.environ.get("S3_ENDPOINT_URL", ""),
        access_key=os.environ.get("S3_ACCESS_KEY_ID", ""),
        secret_key=os.environ.get("S3_SECRET_ACCESS_KEY", ""),
    )
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 10_485_760

# --- Certificates -----------------------------------------------------------------------------
# PEM key and certificate for the PAdES signature on issued certificate PDFs (both or neither),
# an optional PEM chain of intermediate CA certificates to embed, and the key's passphrase.
# Unset: a self-signed pair is generated once under CERTIFICATE_SIGNING_DIR; it proves that a PDF
# is unchanged, but no viewer trusts it, so production should configure a real certificate.
CERTIFICATE_SIGNING_KEY_FILE = os.environ.get("CERTIFICATE_SIGNING_KEY_FILE", "")
CERTIFICATE_SIGNING_CERT_FILE = os.environ.get("CERTIFICATE_SIGNING_CERT_FILE", "")
CERTIFICATE_SIGNING_CHAIN_FILE = os.environ.get("CERTIFICATE_SIGNING_CHAIN_FILE", "")
CERTIFICATE_SIGNING_KEY_PASSPHRASE = os.environ.get("CERTIFICATE_SIGNING_KEY_PASSPHRASE", "")
CERTIFICATE_SIGNING_DIR = Path(
    os.environ.get("CERTIFICATE_SIGNING_DIR", MEDIA_ROOT.parent / "var" / "signing")
)
# PAdES B-LT: an RFC 3161 timestamp authority (URL, optional HTTP Basic credentials) for the
# signature timestamp; the validation data (certificates, CRLs, OCSP) is collected up to the roots
# in CERTIFICATE_TRUST_ROOTS_FILE (PEM; default: the top of the signing chain) and stored in the
# PDF. Unset URL: level B-B, logged at the first signature. CERTIFICATE_PADES_LTA adds a document
# timestamp (B-LTA).
CERTIFICATE_TIMESTAMP_URL = os.environ.get("CERTIFICATE_TIMESTAMP_URL", "")
CERTIFICATE_TIMESTAMP_USERNAME = os.environ.get("CERTIFICATE_TIMESTAMP_USERNAME", "")
CERTIFICATE_TIMESTAMP_PASSWORD = os.environ.get("CERTIFICATE_TIMESTAMP_PASSWORD", "")
CERTIFICATE_TIMESTAMP_TIMEOUT = int(os.environ.get("CERTIFICATE_TIMESTAMP_TIMEOUT", "10"))
CERTIFICATE_TRUST_ROOTS_FILE = os.environ.get("CERTIFICATE_TRUST_ROOTS_FILE", "")
CERTIFICATE_PADES_LTA = env_bool("CERTIFICATE_PADES_LTA", False)
# Sign issued PDFs (PAdES) at all; off only for experiments, verification then rests on SHA-256.
CERTIFICATE_SIGN_PDF = env_bool("CERTIFICATE_SIGN_PDF", True)
CERTIFICATE_SERIAL_PREFIX = os.environ.get("CERTIFICATE_SERIAL_PREFIX", "KDSR")
CERTIFICATE_ISSUER_NAME = "Kompetenzzentrum Digitale Städte und Regionen"
# Requests per minute and client IP address on the public verification page and PDF check.
CERTIFICATE_VERIFY_RATE_LIMIT = int(os.environ.get("CERTIFICATE_VERIFY_RATE_LIMIT", "30"))
CERTIFICATE_UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# Organisation units with more certificates than this get their ZIP built by a Celery task.
CERTIFICATE_ZIP_STREAM_LIMIT = int(os.environ.get("CERTIFICATE_ZIP_STREAM_LIMIT", "500"))
CERTIFICATE_RENDER_TEST_DELAY = 0.0  # seconds; only test settings set it (reliability tests)

# --- Mail -------------------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Kommunal-Campus <no-reply@kommunal-campus.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The SAML service provider's key pair (PEM files, the same on every node): with it, requests to
# SAML IdPs are signed and single logout is offered (lms/services/saml.py). Unset: neither.
SAML_SP_KEY_FILE = os.environ.get("SAML_SP_KEY_FILE", "")
SAML_SP_CERT_FILE = os.environ.get("SAML_SP_CERT_FILE", "")

# Whom people write to when nobody in their own administration can help (registration page).
SUPPORT_EMAIL = os.environ.get("SUPPORT_EMAIL", "support@kommunal-campus.example")
# Where accessibility feedback goes when the accessibility statement names no address.
ACCESSIBILITY_FEEDBACK_EMAIL = os.environ.get("ACCESSIBILITY_FEEDBACK_EMAIL", "")

# --- Celery -----------------------------------------------------------------------------------
# Without a broker URL, tasks run eagerly in the web process (the embedded default).
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Redis redelivers a task whose worker died (acks_late) after this many seconds. Workers look
# for such tasks every ``unacked_restore_interval`` × ``unacked_restore_throttle`` seconds (kombu:
# 10 × 10), under a lock that expires after ``unacked_mutex_expire`` seconds (a worker killed
# while holding it blocks every redelivery that long). The reliability tests kill workers and
# shorten all of them.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "3600")),
    "unacked_restore_interval": int(os.environ.get("CELERY_UNACKED_RESTORE_INTERVAL", "10")),
    "unacked_restore_throttle": int(os.environ.get("CELERY_UNACKED_RESTORE_THROTTLE", "10")),
    "unacked_mutex_expire": int(os.environ.get("CELERY_UNACKED_MUTEX_EXPIRE", "300")),
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Exports (matrix XLSX, certificate ZIPs) list people: kept this long after they were asked
# for, then deleted with their files; one still pending after EXPORT_STUCK_MINUTES has failed.
EXPORT_RETENTION_DAYS = int(os.environ.get("EXPORT_RETENTION_DAYS", "7"))
# Retention per kind of personal data (``lms.services.retention``), in days; 0 keeps forever.
# The privacy notice's default text states these periods: change both together.
RETENTION_DAYS = {
    "login_logs": int(os.environ.get("RETENTION_LOGIN_LOGS_DAYS", "90")),
    "audit_log": int(os.environ.get("RETENTION_AUDIT_LOG_DAYS", "730")),
    "learning_statements": int(os.environ.get("RETENTION_LEARNING_STATEMENTS_DAYS", "1825")),
    "accessibility_feedback": int(os.environ.get("RETENTION_ACCESSIBILITY_FEEDBACK_DAYS", "730")),
    "leavers": int(os.environ.get("RETENTION_LEAVERS_DAYS", "365")),
    "people_syncs": int(os.environ.get("RETENTION_PEOPLE_SYNC_DAYS", "30")),
}
EXPORT_STUCK_MINUTES = 60
# HR sync: a file that would make more than this share of a unit leave needs explicit consent.
PEOPLE_SYNC_LEAVER_GUARD = float(os.environ.get("PEOPLE_SYNC_LEAVER_GUARD", "0.1"))
# Timed quizzes: answers arriving this long after the deadline still count (network, a click).
QUIZ_DEADLINE_GRACE_SECONDS = int(os.environ.get("QUIZ_DEADLINE_GRACE_SECONDS", "30"))
# Forwarding the learning record to external xAPI stores (lms/services/lrs.py).
LRS_TIMEOUT_SECONDS = int(os.environ.get("LRS_TIMEOUT_SECONDS", "20"))

CELERY_BEAT_SCHEDULE = {
    "registrations-purge": {
        "task": "lms.registrations_purge",
        "schedule": crontab(hour=3, minute=40),
    },
    "reminders-send-due": {
        "task": "lms.reminders_send_due",
        "schedule": crontab(hour=6, minute=30),
    },
    "lesson-review-due": {
        "task": "courses.lesson_review_due_notify",
        "schedule": crontab(hour=6, minute=30),
    },
    "qualification-status-refresh-due": {
        "task": "lms.qualification_status_refresh_due",
        "schedule": crontab(hour=0, minute=15),  # statuses move with the date: after midnight
    },
    "unit-status-counts-compact": {
        "task": "lms.unit_status_counts_compact",
        "schedule": 600.0,  # the matrix sums each unit's count changes: keep them few
    },
    "assigned-mails-send": {
        "task": "lms.assigned_mails_send",
        "schedule": 3600.0,  # newcomers whom an assignment reached: told within the hour
    },
    "digest-send-weekly": {
        "task": "lms.digest_send_weekly",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
    "certificates-requeue-stuck": {
        "task": "certificates.requeue_stuck",
        "schedule": 300.0,  # every five minutes: certificates pending for more than ten
    },
    "matrix-exports-purge": {
        "task": "lms.matrix_exports_purge",
        "schedule": 3600.0,  # hourly: exports older than EXPORT_RETENTION_DAYS go
    },
    "certificate-exports-purge": {
        "task": "certificates.exports_purge",
        "schedule": 3600.0,
    },
    "retention-enforce": {
        "task": "lms.retention_enforce",
        "schedule": crontab(hour=3, minute=0),  # nightly: data past its retention period goes
    },
    "quiz-attempts-close-expired": {
        "task": "lms.quiz_attempts_close_expired",
        "schedule": 300.0,  # timed attempts left open: graded with the answers saved in time
    },
    "notification-digests-daily": {
        "task": "lms.notification_digests_send",
        "schedule": crontab(hour=7, minute=15),
        "args": ("daily",),
    },
    "notification-digests-weekly": {
        "task": "lms.notification_digests_send",
        "schedule": crontab(hour=7, minute=20, day_of_week="mon"),
        "args": ("weekly",),
    },
    "lrs-forward": {
        "task": "lms.lrs_forward",
        "schedule": 60.0,  # the learning record reaches the record stores within a minute
    },
    "certificates-expiry-reminders": {
        "task": "certificates.expiry_reminders",
        "schedule": 6 * 3600.0,  # four times a day; each reminder goes out once (a DB row)
    },
}

# --- Wagtail ----------------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Kommunal-Campus"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAIL_ENABLE_UPDATE_CHECK = False  # the machines have no internet: nothing may call out
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "csv", "txt"]
WAGTAIL_FINISH_WORKFLOW_ACTION = "courses.workflows.publish_approved_revision"
WAGTAILEMBEDS_FINDERS = []  # no oEmbed look-ups to the internet; trainers paste the video URL

# --- Security (tightened further in production.py) --------------------------------------------
X_FRAME_OPTIONS = "DENY"
# Second factor (TOTP app or backup code) for staff, trainers, HR and organisation admins.
PASSWORD_RESET_LIMIT_PER_EMAIL = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_EMAIL", "3"))
PASSWORD_RESET_LIMIT_PER_CLIENT = int(os.environ.get("PASSWORD_RESET_LIMIT_PER_CLIENT", "10"))
MFA_REQUIRED = os.environ.get("MFA_REQUIRED", "true").lower() in ("1", "true", "yes")
OTP_TOTP_ISSUER = "Kommunal-Campus"
OTP_TOTP_THROTTLE_FACTOR = 1  # django-otp waits 1, 2, 4, 8 … seconds after each wrong code
# Request bodies above these sizes are refused (413) before they are read
# (lms.security.headers); the largest upload (a proof or attachment) stays below.
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_BYTES", str(25 * 1024 * 1024)))
VERIFY_MAX_REQUEST_BYTES = int(os.environ.get("VERIFY_MAX_REQUEST_BYTES", str(11 * 1024 * 1024)))
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Structured logs (lms/logs.py): JSON lines in production (LOG_FORMAT=json), readable lines in
# development; a request id on every line, personal data redacted. ACCESS_LOG=false drops the
# one line per request.
LOGGING = logging_config(
    level=os.environ.get("LOG_LEVEL", "INFO"), json=os.environ.get("LOG_FORMAT", "text") == "json"
)
LOGGING["loggers"]["lms.access"] = {
    "level": "INFO" if env_bool("ACCESS_LOG", True) else "WARNING",
}
configure_structlog()

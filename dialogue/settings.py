"""Settings for Đối thoại, read from the environment (django-environ).

The embedded default needs nothing: SQLite in var/, tasks run eagerly in-process, a local-memory
cache and console e-mail. Production gives DATABASE_URL, REDIS_URL, EMAIL_URL, SECRET_KEY,
ALLOWED_HOSTS and HTTPS=on. See .env.example.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment (or DEBUG=1 for development)."
        )
    SECRET_KEY = _DEV_SECRET_KEY

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "dialogue.apps.DialogueConfig",
    "sessions.apps.SessionsConfig",
    "petitions.apps.PetitionsConfig",
    "followups.apps.FollowupsConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "dialogue.middleware.ContentSecurityPolicyMiddleware",
    # The console's unchanged poll answered 304 from the cache alone, before sessions and auth
    # (it checks the session and the tag itself; anything else goes on): sessions.middleware.
    "sessions.middleware.UnchangedPollMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dialogue.middleware.DefaultLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Keeps a signed-in session alive while it is used, writing it at most once a minute.
    "dialogue.middleware.SlidingSessionMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Sends administrators and supervisors (and anyone with a device) through the second step.
    "dialogue.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # django-axes wants to be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dialogue.urls"
WSGI_APPLICATION = "dialogue.wsgi.application"
ASGI_APPLICATION = "dialogue.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dialogue.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite file in var/ by default, PostgreSQL (psycopg 3) in production.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets the dev server and an in-process task read while another request writes.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )
    # A file, not memory: tests that start a second process must see the same database.
    # TEST_SQLITE_NAME lets two test runs on one checkout keep out of each other's way.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("TEST_SQLITE_NAME", default=str(VAR_DIR / "test.sqlite3"))
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "dialogue.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login rate limiting (django-axes): lock a username from one address after a few failures, and
# an address after more failures across usernames (one address trying a password on every
# account); both unlock by themselves after a cool-off, or earlier by an administrator
# (dialogue.security.user_unlock). Axes has one failure limit: dialogue.login_limits'
# handler gives the address-only count its own, higher limit, so a commune office behind one NAT
# address is not locked by one colleague's typos.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_IP_FAILURE_LIMIT = env.int("AXES_IP_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "dialogue.login_limits.LoginAttemptHandler"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# The client address: REMOTE_ADDR, unless TRUSTED_PROXY_COUNT reverse proxies stand in front of
# the app; then the address the outermost of them saw, read from the right of X-Forwarded-For.
# Never more than the proxies really there: anything further left is what the client claims.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "dialogue.login_limits.client_ip"

# Two-factor sign-in (django-otp, TOTP with recovery codes): required for these roles
# ("superuser" and "staff" stand for Django's flags), optional for everyone else. An empty list
# requires it of nobody (the test suite does so; its two-factor tests switch it back on).
OTP_REQUIRED_ROLES = env.list(
    "OTP_REQUIRED_ROLES", default=["administrator", "supervisor", "superuser", "staff"]
)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Đối thoại")
#: How many recovery codes enrolment hands out (each works once).
OTP_RECOVERY_CODES = 10

# Internationalisation: Vietnamese by default, English available; dates dd/mm/yyyy.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["dialogue.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_AUTOREFRESH = DEBUG
# Uploaded files above this size are refused while they stream in (dialogue.uploads); it is the
# signed response's limit (followups.services.MAX_ATTACHMENT_MB), the largest file the app takes.
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "dialogue.uploads.SizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=str(VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "dialogue.staticfiles.ManifestStaticFilesStorage"
        )
    },
}

# Redis: broker and cache when REDIS_URL is set; otherwise tasks run eagerly in-process.
REDIS_URL = env.str("REDIS_URL", default="")
REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=0.1)
if REDIS_URL:
    CACHES = {
        "default": {
            # A stopped Redis makes the cache miss instead of failing requests (dialogue.cache).
            "BACKEND": "dialogue.cache.ForgivingRedisCache",
            "LOCATION": REDIS_URL,
            # A hung Redis costs a page one short timeout; then the breaker skips Redis for a
            # while (dialogue.cache). Redis answers in well under a millisecond on a LAN.
            "OPTIONS": {
                "socket_connect_timeout": REDIS_SOCKET_TIMEOUT,
                "socket_timeout": REDIS_SOCKET_TIMEOUT,
                "breaker_seconds": env.float("REDIS_BREAKER_SECONDS", default=30),
            },
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="doithoai"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Sessions read from the cache (Redis in production), written through to the database: the
# console's polls must not cost a session query each (DESIGN §10: an unchanged poll ≤ 5 ms).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Time limits stay far under Redis' visibility timeout, so a slow task is never delivered twice.
# Short socket timeouts so a hung Redis cannot hold a request that queues a task for long (a
# failed send is logged and the rows are picked up by the sweep: dialogue.tasks.enqueue, which
# also stops trying for a while after a failure). One retry at most when publishing.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3600,
    "socket_connect_timeout": env.float("BROKER_SOCKET_TIMEOUT", default=0.5),
    "socket_timeout": env.float("BROKER_SOCKET_TIMEOUT", default=0.5),
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.1,
    "interval_max": 0.1,
}
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_TIME_LIMIT = 300
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Periodic jobs, declared in code; run exactly one `celery beat` process.
CELERY_BEAT_SCHEDULE: dict = {
    # Inserts the reminders owed today (nothing on a day off), then sends them.
    "followups-reminder-sweep-daily-0700": {
        "task": "followups.tasks.reminder_sweep_task",
        "schedule": crontab(hour=7, minute=0),
    },
    # Sends what is pending and retries failed rows and rows a dead worker left "sending".
    # Citizens' personal data past RETENTION_YEARS is anonymised (followups.anonymisation).
    "followups-retention-sweep-monthly": {
        "task": "followups.tasks.retention_sweep_task",
        "schedule": crontab(day_of_month=1, hour=2, minute=30),
    },
    # The dashboard's cells judge open assignments on the new day (followups.summary.roll).
    "followups-dashboard-summary-roll-daily-0005": {
        "task": "followups.tasks.dashboard_summary_roll_task",
        "schedule": crontab(hour=0, minute=5),
    },
    "followups-deliver-reminders-every-5-minutes": {
        "task": "followups.tasks.deliver_reminders_task",
        "schedule": crontab(minute="*/5"),
    },
    # Deletes exports past their 24 hours and writes any whose task was lost.
    "dialogue-export-sweep-every-10-minutes": {
        "task": "dialogue.tasks.export_purge_task",
        "schedule": crontab(minute="*/10"),
    },
    # Issued documents waiting for a worker whose task was lost or failed are queued again.
    "dialogue-issued-document-sweep-every-10-minutes": {
        "task": "dialogue.tasks.issued_document_sweep_task",
        "schedule": crontab(minute="*/10"),
    },
    # Deletes rendered drafts past DOCUMENT_CACHE_DAYS (a cache: rendered again on demand).
    "dialogue-document-cache-purge-daily": {
        "task": "dialogue.tasks.document_cache_purge_task",
        "schedule": crontab(hour=3, minute=15),
    },
}
# A draft document whose HTML is larger than this (about one A4 page) is rendered by a Celery
# task with a progress page, never by a web worker (dialogue.document_cache).
DOCUMENT_INLINE_MAX_BYTES = env.int("DOCUMENT_INLINE_MAX_BYTES", default=5_000)
# Rendered drafts older than this are deleted (rendered again when asked for).
DOCUMENT_CACHE_DAYS = env.int("DOCUMENT_CACHE_DAYS", default=30)
# An export with more rows than this runs as a Celery task with a progress page (dialogue.exports).
EXPORT_ASYNC_ROWS = env.int("EXPORT_ASYNC_ROWS", default=10_000)
# Seconds after which a reminder left "sending" (its worker died) or "failed" is tried again.
# Longer than CELERY_TASK_TIME_LIMIT, well under the visibility timeout (check followups.W001).
REMINDER_CLAIM_TIMEOUT = env.int("REMINDER_CLAIM_TIMEOUT", default=600)

# The public petition lookup: at most this many look-ups per client address per window (seconds).
PUBLIC_LOOKUP_LIMIT = env.int("PUBLIC_LOOKUP_LIMIT", default=20)
PUBLIC_LOOKUP_WINDOW = env.int("PUBLIC_LOOKUP_WINDOW", default=600)
# Citizens' personal data is anonymised this many years after their session (dialogue.retention).
RETENTION_YEARS = env.int("RETENTION_YEARS", default=5)

# E-mail: console by default; smtp+tls://user:pass@host:587 in production.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Đối thoại <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# A mail server that stops answering must not hold a reminder task until its time limit.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# The address of the site in links sent by e-mail (reminders), without a trailing slash. It has
# a default only for development: production must set it (check dialogue.W004).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000" if DEBUG else "")

# HTTPS: on in production (HTTPS=on), off for the embedded default on 127.0.0.1.
HTTPS = env.bool("HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=HTTPS)
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
# A session ends after this long without a request (dialogue.middleware.SlidingSessionMiddleware
# renews it at most once a minute, so the console's polls keep a secretary signed in without a
# session write each).
SESSION_COOKIE_AGE = 60 * env.int("SESSION_IDLE_MINUTES", default=120)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

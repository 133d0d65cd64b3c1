"""cellmeet settings: one module, driven by environment variables (see .env.example)."""

import hashlib
import importlib.util
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off.")
    # Development only: a fixed key so sessions survive restarts of `make run`.
    SECRET_KEY = "dev-only-insecure-key-cellmeet"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "members",
    "meetings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "cellmeet.middleware.ContentSecurityPolicyMiddleware",
    # Pages compress to a fifth of their size: it matters on a highland 3G link.
    # CSRF tokens are masked per response and Django pads gzip output against BREACH.
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cellmeet.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "cellmeet.middleware.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "cellmeet.urls"

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
                "meetings.context_processors.notifications",
            ],
        },
    },
]

# Summaries of the big pages (tree, rotation grid, compliance, home cards, signed meeting
# records, member list keys), keyed on the revision of the organisation they cover
# (members.revisions): each app server process keeps its own, unless CELLMEET_CACHE_URL
# names a Redis (redis://host:6379/0) that all of them share: then a summary is worked
# out once for every worker and server, and a restart keeps it.
WSGI_APPLICATION = "cellmeet.wsgi.application"

# SQLite is the embedded default; set DATABASE_URL for PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database serves one site (`make run`, a commune office): writers take
    # the lock when their transaction begins and wait their turn for up to 20 s, instead
    # of failing with "database is locked" when two of them meet; readers never wait
    # for a writer (write-ahead log).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Summaries of the big pages (tree, rotation grid, compliance, home cards, signed meeting
# records, member list keys), keyed on the revision of the organisation they cover
# (members.revisions): each app server process keeps its own, unless CELLMEET_CACHE_URL
# names a Redis (redis://host:6379/0) that all of them share: then a summary is worked
# out once for every worker and server, and a restart keeps it. Keys carry the name of
# the deployment (CELLMEET_DEPLOYMENT, else one made from the database's address), so
# that two sites sharing a Redis never read each other's.
CELLMEET_DEPLOYMENT = (
    os.environ.get("CELLMEET_DEPLOYMENT")
    or hashlib.sha256(
        "{ENGINE}:{HOST}:{PORT}:{NAME}".format(
            **{key: DATABASES["default"].get(key, "") for key in ("ENGINE", "HOST", "PORT", "NAME")}
        ).encode()
    ).hexdigest()[:12]
)
if os.environ.get("CELLMEET_CACHE_URL"):
    if importlib.util.find_spec("redis") is None:
        raise ImproperlyConfigured(
            "CELLMEET_CACHE_URL is set but the redis package is not installed: "
            "pip install 'cellmeet[redis]'."
        )
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CELLMEET_CACHE_URL"],
            "KEY_PREFIX": f"cellmeet:{CELLMEET_DEPLOYMENT}",
            # Raised when the class of a cached value moves, so that the new code never
            # unpickles what the old one stored (2: the compliance dashboard's rows moved
            # from meetings.compliance to meetings.compliance.figures).
            "VERSION": 2,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_PREFIX": f"cellmeet:{CELLMEET_DEPLOYMENT}",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("CELLMEET_CACHE_ENTRIES", "2000"))},
        }
    }


AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Every password check is counted; repeated failures lock the username for a while.
AUTHENTICATION_BACKENDS = ["members.auth.ThrottledModelBackend"]
CELLMEET_LOGIN_MAX_FAILURES = int(os.environ.get("CELLMEET_LOGIN_MAX_FAILURES", "5"))
CELLMEET_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("CELLMEET_LOGIN_LOCKOUT_MINUTES", "15"))
# Behind a reverse proxy, REMOTE_ADDR is the proxy: the client is its last X-Forwarded-For hop.
CELLMEET_BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
# PBKDF2-SHA256 with Django 5.2's 1,000,000 iterations; older hashes upgrade at next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Day first in every language; ISO dates are accepted too.
FORMAT_MODULE_PATH = ["cellmeet.formats"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Static instances of the document typeface, cut once from the font package.
CELLMEET_FONT_CACHE = os.environ.get("CELLMEET_FONT_CACHE", str(BASE_DIR / "var" / "fonts"))

# The longest a document may take to lay out; a render over it is stopped (the worker is
# freed) and the user told. Keep it under the app server's request timeout.
CELLMEET_RENDER_SECONDS = float(os.environ.get("CELLMEET_RENDER_SECONDS", "30"))

# Optional PAdES signature on stored documents: a PKCS#12 file and its password.
CELLMEET_PKCS12_PATH = os.environ.get("CELLMEET_PKCS12_PATH", "")
CELLMEET_PKCS12_PASSWORD = os.environ.get("CELLMEET_PKCS12_PASSWORD", "")

# Where printed minutes' QR codes and verification links point.
CELLMEET_BASE_URL = os.environ.get("CELLMEET_BASE_URL", "").rstrip("/")
if not CELLMEET_BASE_URL:
    if not DEBUG:
        # Printed on every signed PDF and never regenerated: no silent default in production.
        raise ImproperlyConfigured("CELLMEET_BASE_URL must be set when DJANGO_DEBUG is off.")
    CELLMEET_BASE_URL = "http://127.0.0.1:8000"

# Uploads (member imports): refuse anything larger than this many bytes.
CELLMEET_MAX_IMPORT_BYTES = int(os.environ.get("CELLMEET_MAX_IMPORT_BYTES", 5 * 1024 * 1024))
# Largest document a secretary may attach to a meeting (PDF, DOCX, XLSX, PNG, JPEG).
CELLMEET_MAX_DOCUMENT_BYTES = int(os.environ.get("CELLMEET_MAX_DOCUMENT_BYTES", 10 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# A session lasts a working day at most and ends when the browser closes: commune
# offices share computers.
SESSION_COOKIE_AGE = int(os.environ.get("DJANGO_SESSION_AGE", 8 * 3600))
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("DJANGO_SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", True)
    if CELLMEET_BEHIND_PROXY:
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "cellmeet@localhost")
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("DJANGO_EMAIL_PORT", "25"))
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
# Tries of one email before it is left as not delivered (shown on the notice page).
CELLMEET_EMAIL_MAX_ATTEMPTS = int(os.environ.get("CELLMEET_EMAIL_MAX_ATTEMPTS", "6"))
# Seconds before an unresponsive mail server counts as a failed send (retried later).
EMAIL_TIMEOUT = int(os.environ.get("DJANGO_EMAIL_TIMEOUT", "10"))

# The job queue (cellmeet/jobs.py; docs/architecture.md). CELLMEET_BROKER_URL names the
# broker every app server and worker shares: redis://host:6379/1 when they run on several
# machines. Without it, a folder under var/ on this machine (kombu's filesystem
# transport), which `make run` and `make serve` use with their own worker: no other
# service to install.
QUEUE_DIR = Path(os.environ.get("CELLMEET_QUEUE_DIR", BASE_DIR / "var" / "queue"))
CELERY_BROKER_URL = os.environ.get("CELLMEET_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(QUEUE_DIR / "messages"),
        "data_folder_out": str(QUEUE_DIR / "messages"),
        "control_folder": str(QUEUE_DIR / "control"),
        "store_processed": False,
    }
    for folder in ("messages", "control"):
        (QUEUE_DIR / folder).mkdir(parents=True, exist_ok=True)
else:
    # A job taken by a worker that dies is handed to another after this many seconds
    # (Redis). Longer than the longest job: a year's minute book takes seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ.get("CELLMEET_JOB_VISIBILITY_SECONDS", "600"))
    }
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Acknowledged when done, not when taken: a job whose worker is killed runs again.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Threads, not Celery's default prefork children: a job that lays out a PDF forks the
# layout process (meetings/documents/layout.py), which a daemonic pool child may not.
# For more parallel work, run more worker processes (`make serve` runs one per core).
CELERY_WORKER_POOL = "threads"
CELERY_TASK_IGNORE_RESULT = True  # each job writes its outcome in the database
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Jobs run inside the request instead (tests that do not start a worker; never production).
CELERY_TASK_ALWAYS_EAGER = env_bool("CELLMEET_JOBS_INLINE", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULE_FILENAME = str(QUEUE_DIR / "schedule")
CELERY_BEAT_SCHEDULE = {
    # The reminders due today and the emails to retry: safe to run any number of times.
    "reminders": {"task": "meetings.notices.send_reminders", "schedule": 3600.0},
    # Whatever the database says is still to do, queued again (a lost job, a dead worker).
    "sweep": {"task": "cellmeet.sweep", "schedule": 300.0},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # stdout, for the process manager or container runtime to collect.
    "handlers": {"console": {"class": "logging.StreamHandler", "stream": "ext://sys.stdout"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # 403s and 404s are expected (scoped access); only server errors are logged.
        "django.request": {"level": "ERROR"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

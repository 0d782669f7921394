"""Settings for the clinic backend, read from the environment (django-environ).

Two shapes of deployment share this one module:

* the embedded default (``DJANGO_ENV=development``, the default): SQLite in
  ``var/``, a kombu file-system broker in ``var/broker/`` and file outboxes in
  ``var/mail/`` and ``var/sms/``, so a newcomer needs no server;
* production (``DJANGO_ENV=production``): PostgreSQL and Redis by URL, and the
  values that must never have a default (``SECRET_KEY``, ``ALLOWED_HOSTS``,
  ``DATABASE_URL``) are required. A missing one stops start-up with a message
  naming it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import django_stubs_ext
import environ
from celery.schedules import crontab
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

# Lets Django's generic classes be subscripted at run time (ModelAdmin[Client]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
_env_file = BASE_DIR / ".env"
if _env_file.exists():
    environ.Env.read_env(str(_env_file))

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(
        f"DJANGO_ENV must be development, production or test, not {DJANGO_ENV!r}."
    )
PRODUCTION = DJANGO_ENV == "production"

VAR_DIR = Path(env.str("CLINIC_VAR_DIR", default=str(BASE_DIR / "var")))


def _required(name: str) -> str:
    """Read a variable production cannot run without; fail naming it."""
    value = env.str(name, default="")
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set when DJANGO_ENV=production (see .env.example)."
        )
    return value


if PRODUCTION:
    SECRET_KEY = _required("SECRET_KEY")
    _required("CELERY_BROKER_URL")
    ALLOWED_HOSTS = [h.strip() for h in _required("ALLOWED_HOSTS").split(",") if h.strip()]
    DATABASES = {"default": env.db_url_config(_required("DATABASE_URL"))}
    DEBUG = False
else:
    SECRET_KEY = env.str("SECRET_KEY", default="dev-only-not-secret-" + "x" * 40)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    DATABASES = {
        "default": env.db_url_config(
            env.str("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'clinic.sqlite3'}")
        )
    }
    DEBUG = env.bool("DEBUG", default=DJANGO_ENV == "development")

_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # The web server, the worker and beat all write to one file: wait for the
    # lock instead of failing, and take the write lock when a transaction
    # starts, which is what serializes competing bookings on SQLite.
    _db.setdefault("OPTIONS", {})
    _db["OPTIONS"].update(
        {
            "timeout": 30,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    _db.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    _db.setdefault("CONN_HEALTH_CHECKS", True)
_db.setdefault("TEST", {})

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    # Two-factor sign-in for staff: authenticator apps and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    # htmx for the workspace pages, its script served from our static files.
    "django_htmx",
    # Ours, lowest layer first (see ARCHITECTURE.md): each may import those above it
    # in this list, never those below.
    "clinic.core",
    "clinic.notifications",
    "intake",
    "scheduling",
    "notes",
    "homework",
    "records",
    "workspace",
    "clinic.project",
]

MIDDLEWARE = [
    "clinic.core.middleware.RequestIdMiddleware",
    # Before anything reads the body: 413 past CLINIC_MAX_BODY_BYTES, 400 for NUL.
    "clinic.core.api.middleware.BodyLimitMiddleware",
    "clinic.core.api.middleware.NulByteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy header on every response (policy below).
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second step.
    "django_otp.middleware.OTPMiddleware",
    # Staff who need a second step (or must set one up) reach nothing else first.
    "clinic.core.two_factor.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # request.htmx: whether a request came from htmx (a partial answer will do).
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Static files (admin, API docs) served by the app itself after collectstatic.
    MIDDLEWARE.insert(2, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "clinic.project.urls"
WSGI_APPLICATION = "clinic.project.wsgi.application"
ASGI_APPLICATION = "clinic.project.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # {{ CSP_NONCE }}: the request's nonce, for the rare inline <script>.
                "csp.context_processors.nonce",
                # The workspace's navigation bar, by role.
                "workspace.context.workspace_nav",
            ],
        },
    },
]

AUTH_USER_MODEL = "clinic.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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

# Login lockout (django-axes): after AXES_FAILURE_LIMIT failures for one
# username from one address, that pair is locked out for AXES_COOLOFF_TIME.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_LOCKOUT_CALLABLE = "clinic.project.handlers.lockout"
# Counts live in the database, so a sign-in never depends on the cache (Redis).
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# The same client address as throttling and the audit trail (clinic/core/net.py).
AXES_CLIENT_IP_CALLABLE = "clinic.core.net.client_address"
# Never written to the attempts table: what was typed as a code.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code", "otp", "recovery_code"]

# How many reverse proxies in front of the app append to X-Forwarded-For. 0 (the
# default): the header is ignored and the connecting address is the client's.
# Set it only when the app cannot be reached except through those proxies.
CLINIC_TRUSTED_PROXIES = env.int("CLINIC_TRUSTED_PROXIES", default=0)
if CLINIC_TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("CLINIC_TRUSTED_PROXIES must be 0 or a positive number.")

# Sessions live in the database: pages keep working when the cache is down.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Two-factor sign-in (django-otp): the name an authenticator app shows beside
# the code, and how long the second step may follow the password (seconds).
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Clinic")
CLINIC_TWO_FACTOR_STEP_SECONDS = env.int("CLINIC_TWO_FACTOR_STEP_SECONDS", default=600)

# API tokens: one per signed-in device (clinic.ApiToken), each valid for
# API_TOKEN_DAYS from sign-in (a fixed expiry, not extended by use); a user's
# oldest tokens go when they hold more than API_TOKENS_PER_USER. The tokens are
# django-rest-knox's (random, SHA-512 digest stored, REST_KNOX below) but the
# model is ours: "knox" is not an installed app, because its migrations create
# its own token table even when KNOX_TOKEN_MODEL swaps it out, and that unused
# table's foreign key to users stops PostgreSQL from flushing the user table.
API_TOKEN_DAYS = env.int("API_TOKEN_DAYS", default=30)
API_TOKENS_PER_USER = env.int("API_TOKENS_PER_USER", default=20)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_DAYS),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded files (client documents) live under MEDIA_ROOT in the embedded
# default. Nothing serves MEDIA_URL: a document is read only through the API,
# by those who may read the client's record, and every read is audited.
MEDIA_ROOT = Path(env.str("CLINIC_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Client documents: any storage backend by its dotted path, with its options as
# JSON, e.g. CLINIC_DOCUMENTS_STORAGE=storages.backends.s3.S3Storage and
# CLINIC_DOCUMENTS_STORAGE_OPTIONS={"bucket_name": "clinic-docs", "default_acl": "private"}
# (install django-storages for that). Default: local files under MEDIA_ROOT.
_DOCUMENTS_STORAGE: dict[str, object] = {
    "BACKEND": env.str(
        "CLINIC_DOCUMENTS_STORAGE", default="django.core.files.storage.FileSystemStorage"
    )
}
if env.str("CLINIC_DOCUMENTS_STORAGE_OPTIONS", default=""):
    _DOCUMENTS_STORAGE["OPTIONS"] = env.json("CLINIC_DOCUMENTS_STORAGE_OPTIONS")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": _DOCUMENTS_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- REST API -------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Per-device tokens; a session counts only once its second step is done.
        "clinic.core.api.authentication.ApiTokenAuthentication",
        "clinic.core.api.authentication.VerifiedSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "clinic.core.api.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    # Bodies: JSON no deeper than CLINIC_MAX_JSON_DEPTH, no NUL characters.
    "DEFAULT_PARSER_CLASSES": [
        "clinic.core.api.parsers.JSONParser",
        "clinic.core.api.parsers.FormParser",
        "clinic.core.api.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        # django-filter, with the input policy for ids, dates and datetimes.
        "clinic.core.api.filters.ClinicFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    # drf-spectacular's, describing times of day and blankable URLs as they are.
    "DEFAULT_SCHEMA_CLASS": "clinic.core.api.schema.ClinicAutoSchema",
    "EXCEPTION_HANDLER": "clinic.core.api.errors.exception_handler",
    # Keyed by the client address of clinic/core/net.py (never a raw header).
    "DEFAULT_THROTTLE_CLASSES": [
        "clinic.core.api.throttling.AnonRateThrottle",
        "clinic.core.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "login": env.str("LOGIN_THROTTLE_RATE", default="20/min"),
        "anon": env.str("API_ANON_THROTTLE_RATE", default="120/min") or None,
        "user": env.str("API_USER_THROTTLE_RATE", default="1200/min") or None,
    },
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# --- Request bodies -------------------------------------------------------
# A body larger than this (1 MiB) is refused with 413 before it is read (JSON,
# forms); the longest text field (a 10,000-character note section) fits many times.
CLINIC_MAX_BODY_BYTES = env.int("CLINIC_MAX_BODY_BYTES", default=1_048_576)
# The largest client document (a scanned letter, an imaging report) accepted.
CLINIC_DOCUMENT_MAX_BYTES = env.int("CLINIC_DOCUMENT_MAX_BYTES", default=10 * 1_048_576)
# Larger limits for some paths, the longest matching prefix wins; a "*" stands
# for one segment of the path (an id). Only the document upload takes more: the
# document, its form fields and the multipart framing.
CLINIC_BODY_LIMITS: dict[str, int] = {
    "/api/v1/clients/*/documents/": CLINIC_DOCUMENT_MAX_BYTES + 65_536,
}
# JSON nested deeper than this is refused with 400 (no form of ours needs 8).
CLINIC_MAX_JSON_DEPTH = 32
# Django's own limits on what it parses from a form (files excepted).
DATA_UPLOAD_MAX_MEMORY_SIZE = CLINIC_MAX_BODY_BYTES
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
DATA_UPLOAD_MAX_NUMBER_FILES = 20

SPECTACULAR_SETTINGS = {
    "TITLE": "Clinic practice-management API",
    "DESCRIPTION": (
        "Clients, therapists, scheduling, intake, session notes and homework for "
        "massage and manual-therapy clinics."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from drf-spectacular-sidecar so the docs page works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Every 4xx each operation can answer, in the project's error shape
    # (clinic/core/api/schema.py); tests/test_api_contract.py holds the API to it.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "clinic.core.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AppointmentStatusEnum": "scheduling.models.AppointmentStatus",
        "WaitlistStatusEnum": "scheduling.models.WaitlistStatus",
        "NotificationStatusEnum": "clinic.notifications.models.NotificationStatus",
        "RoomKindEnum": "scheduling.models.RoomKind",
        "OverrideKindEnum": "scheduling.models.OverrideKind",
        "UserRoleEnum": "clinic.core.models.users.Role",
        "FindingRoleEnum": "notes.models.FindingRole",
        "ProblemRoleEnum": "notes.models.ProblemRole",
        "ProblemStatusEnum": "notes.models.ProblemStatus",
        "NoteKindEnum": "notes.models.NoteKind",
        "QuestionnaireKindEnum": "intake.models.QuestionnaireKind",
        "DocumentKindEnum": "intake.models.DocumentKind",
        "ClearanceStatusEnum": "intake.models.ClearanceStatus",
        "SideEnum": "clinic.core.models.practice.Side",
        "FunctionalGroupEnum": "clinic.core.models.atlas.FunctionalGroup",
        "DoseKindEnum": "homework.models.DoseKind",
        "ExerciseKindEnum": "homework.models.ExerciseKind",
        "ReplyKindEnum": "homework.models.ReplyKind",
        "TestKindEnum": "notes.models.TestKind",
    },
}

# --- Cache ----------------------------------------------------------------
# The API's rate limits count in the cache: a shared Redis cache in production,
# so every web process sees the same counts. Redis fails open
# (clinic/core/cache.py): while it is unreachable each process counts on its
# own, logs it, and /healthz says "degraded"; nothing that must survive lives
# there (sessions and the sign-in lockout are in the database).
CACHE_URL = env.str("CACHE_URL", default="")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "clinic.core.cache.FailOpenRedisCache",
            "LOCATION": CACHE_URL,
            "OPTIONS": {"RETRY_SECONDS": env.float("CACHE_RETRY_SECONDS", default=30.0)},
        }
    }
elif CACHE_URL:
    CACHES = {"default": env.cache_url_config(CACHE_URL)}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Celery ---------------------------------------------------------------
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
# One queue per kind of work, so a channel whose provider hangs holds up only
# its own queue: the outbox sweep, e-mail sends, SMS sends, and everything
# else. A worker started without -Q consumes all four (`make run` starts one);
# production runs a worker per queue (README, Production).
CELERY_TASK_QUEUES = [Queue("sweep"), Queue("email"), Queue("sms"), Queue("default")]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "clinic.notifications.dispatch_due": {"queue": "sweep"},
    "clinic.notifications.send_email": {"queue": "email"},
    "clinic.notifications.send_sms": {"queue": "sms"},
}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# --- Notifications (the outbox) ----------------------------------------------
NOTIFICATIONS_SWEEP_SECONDS = env.float("NOTIFICATIONS_SWEEP_SECONDS", default=30.0)
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=500)
NOTIFICATIONS_TASK_CHUNK = env.int("NOTIFICATIONS_TASK_CHUNK", default=25)
# A claimed row not finished within the lease is taken again; keep it well
# above the longest send (EMAIL_TIMEOUT, SMS_HTTP_TIMEOUT) so a slow worker is
# never overtaken by a second one. (A send task that loses the database tries
# again within seconds with the same claim; the lease is for a worker that died.)
NOTIFICATIONS_LEASE_SECONDS = env.int("NOTIFICATIONS_LEASE_SECONDS", default=300)
# Transient failures (unreachable, timed out, "try later") are retried with
# exponential backoff from RETRY_BASE, capped at RETRY_MAX, for RETRY_WINDOW
# from the first try; a permanent refusal fails at once; an error we cannot
# classify (a template or data problem) gets MAX_ATTEMPTS tries.
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=6)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.float("NOTIFICATIONS_RETRY_BASE_SECONDS", default=60.0)
NOTIFICATIONS_RETRY_MAX_SECONDS = env.float("NOTIFICATIONS_RETRY_MAX_SECONDS", default=3600.0)
NOTIFICATIONS_RETRY_WINDOW_SECONDS = env.float(
    "NOTIFICATIONS_RETRY_WINDOW_SECONDS", default=24 * 3600.0
)
# After a channel cannot be reached, a worker process leaves it alone this long
# (its rows wait, uncounted) instead of waiting out a timeout per message.
NOTIFICATIONS_CHANNEL_PAUSE_SECONDS = env.float("NOTIFICATIONS_CHANNEL_PAUSE_SECONDS", default=30.0)
# How long a worker keeps trying to record the outcome of a message it has
# handed over while the database is unreachable (sending it again otherwise).
NOTIFICATIONS_OUTCOME_RETRY_SECONDS = env.float("NOTIFICATIONS_OUTCOME_RETRY_SECONDS", default=30.0)
CLINIC_BASE_URL = env.str("CLINIC_BASE_URL", default="http://127.0.0.1:8000")
# Homework plan and reply links stop working this many days after the plan's
# last day, or after it was stopped or replaced (homework/services/links.py).
HOMEWORK_LINK_GRACE_DAYS = env.int("HOMEWORK_LINK_GRACE_DAYS", default=14)

CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Claims due outbox rows and hands them to send tasks; the outbox row's
    # send_after is the only schedule a future message has.
    "dispatch-due-notifications": {
        "task": "clinic.notifications.dispatch_due",
        "schedule": NOTIFICATIONS_SWEEP_SECONDS,
    },
    # Writes the next 14 days of homework reminders of every active plan into
    # the outbox (keyed, so a second run adds nothing) and raises alerts.
    "daily-homework": {
        "task": "homework.daily",
        "schedule": crontab(hour=2, minute=30),
    },
}

# --- E-mail ---------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url_config(EMAIL_URL))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
    )
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="clinic@clinic.localhost")
# Seconds for each wait on the SMTP server (connect, each answer): a server that
# accepts and never answers costs one timeout, then the channel pauses.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)

# --- SMS ----------------------------------------------------------------------
SMS_BACKEND = env.str("SMS_BACKEND", default="clinic.notifications.channels.FileSmsBackend")
SMS_FILE_PATH = VAR_DIR / "sms"
SMS_FROM = env.str("SMS_FROM", default="Clinic")
SMS_HTTP_URL = env.str("SMS_HTTP_URL", default="")
SMS_HTTP_TOKEN = env.str("SMS_HTTP_TOKEN", default="")
SMS_HTTP_TIMEOUT = env.float("SMS_HTTP_TIMEOUT", default=10.0)

# --- Security -------------------------------------------------------------
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    # Submitting a domain to the browsers' HSTS preload list binds every
    # subdomain for years: a decision for the clinic, not a default of ours.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]

# --- Content-Security-Policy (django-csp 4) ---------------------------------
# Strict: scripts and styles come only from our own static files; no inline
# style attributes, no 'unsafe-inline', no 'unsafe-eval'. A page that truly
# needs an inline <script> (only the API docs, whose start-up script carries
# the schema URL and the CSRF token) marks it nonce="{{ CSP_NONCE }}"; the
# nonce appears in the header only on responses that used it. img-src allows
# data: URIs (CSS icons, the sign-in QR code); our SVG charts are inline
# elements styled by presentation attributes, so they need no exception.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# --- Logging --------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

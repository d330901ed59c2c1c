"""LocalLots settings.

One module; every value comes from the environment through typed reads, with defaults that
serve local development (SQLite, tasks run in-process, email to the console).
``DJANGO_ENV=production`` switches on the secure settings and insists on the secrets.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env")  # optional; a missing file is ignored

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'development' or 'production'.")
PRODUCTION = DJANGO_ENV == "production"

if PRODUCTION:
    # No defaults: production must say what its secret and hosts are, or refuse to start.
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
    ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
    DEBUG = False
else:
    SECRET_KEY = env.str(
        "DJANGO_SECRET_KEY", default="dev-only-insecure-key-do-not-use-in-production"
    )
    ALLOWED_HOSTS = env.list(
        "DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"]
    )
    DEBUG = env.bool("DJANGO_DEBUG", default=True)

SITE_NAME = "LocalLots"
# The address used in links inside emails. `make run` passes the one its server listens on as
# DEV_SERVER_URL (so `make run PORT=8101` links to port 8101); SITE_URL, when set, wins.
SITE_URL = env.str("SITE_URL", default=env.str("DEV_SERVER_URL", default="http://127.0.0.1:8000"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI for /api/docs/, served by us, not a CDN
    "axes",
    "core",
    "places",
    "sectors",
    "accounts",
    "suppliers",
    "anchors",
    "matching",
    "opportunities",
    "network",
    "events",
    "ocds",
    "demo",  # last: the demo builds on every app above (DESIGN section 2)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A refusal a page lets escape is the 403 page with its reason (core.web's policy).
    "core.web.RefusalMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into a 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "procurement.urls"
WSGI_APPLICATION = "procurement.wsgi.application"
ASGI_APPLICATION = "procurement.asgi.application"

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
                "core.context_processors.site",
                "accounts.context_processors.roles",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite by default; DATABASE_URL=postgres://... switches to PostgreSQL through psycopg 3.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections in production (one per worker, checked before reuse); none in
# development, where the runserver's threads would each keep one.
DATABASES["default"]["CONN_MAX_AGE"] = env.int(
    "DATABASE_CONN_MAX_AGE", default=60 if PRODUCTION else 0
)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a writer instead of failing at once when the dev server and a task overlap.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

# --- Authentication -------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out (email, IP) before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "opportunities:home"
LOGOUT_REDIRECT_URL = "opportunities:home"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24)
EMAIL_VERIFICATION_TIMEOUT = env.int("EMAIL_VERIFICATION_TIMEOUT", default=60 * 60 * 24 * 7)

# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed attempts for the same email
# from the same address, further attempts are refused for AXES_COOLOFF_TIME hours.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_VERBOSE = False
AXES_USERNAME_CALLABLE = "accounts.throttling.axes_username"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG  # development serves straight from the source folders
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        ),
    },
}

# --- Email ----------------------------------------------------------------------------------
# EMAIL_URL=smtp://user:pass@host:587 (or smtp+tls://...) switches from the console.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="LocalLots <no-reply@locallots.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery ---------------------------------------------------------------------------------
# Unset CELERY_BROKER_URL: tasks run eagerly, in-process. Set it (redis://...) for real workers.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # In-process tasks still borrow a producer from Celery's pool: an in-memory transport keeps
    # kombu from reaching for AMQP on localhost (and warning "No hostname was supplied").
    CELERY_BROKER_WRITE_URL = "memory://localhost/"
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
# Redis redelivers an unacknowledged task after the visibility timeout: keep it above the
# longest task's hard limit, or a slow task would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT * 2)
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# The one beat schedule. Times are Europe/London.
CELERY_BEAT_SCHEDULE: dict = {
    # Every night at 02:30, re-match every open lot against every business, in chunks that any
    # number of workers share (catches profile changes, closing dates and new reference data).
    "rematch-open-lots": {
        "task": "matching.tasks.rematch_open_lots",
        "schedule": crontab(hour=2, minute=30),
    },
    # Every morning at 07:00, email each business member a digest of their new matches.
    "send-match-digests": {
        "task": "matching.tasks.send_match_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Every morning at 08:00, remind each business with a confirmed place at a Meet the Buyer
    # event whose UK start date is EVENTS_REMINDER_DAYS_BEFORE days away or less and that has
    # not started (once per registration: each records its reminder, so late registrations and
    # waitlist promotions are reminded on the next run).
    "send-event-reminders": {
        "task": "events.tasks.send_event_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
}

# --- Meet the Buyer events ----------------------------------------------------------------------
EVENTS = {
    # Reminders go on the morning this many UK days before an event's start date.
    "REMINDER_DAYS_BEFORE": env.int("EVENTS_REMINDER_DAYS_BEFORE", default=2),
    # The 1:1 schedule solver (OR-Tools CP-SAT): a time cap, and one worker with a fixed seed so
    # the same inputs give the same schedule (200 businesses x 15 tables x 16 slots: ~0.4 s).
    "SCHEDULE_TIME_LIMIT_SECONDS": env.float("EVENTS_SCHEDULE_TIME_LIMIT_SECONDS", default=10.0),
    "SCHEDULE_SOLVER_WORKERS": env.int("EVENTS_SCHEDULE_SOLVER_WORKERS", default=1),
    "SCHEDULE_SOLVER_SEED": env.int("EVENTS_SCHEDULE_SOLVER_SEED", default=0),
}

# --- Find a Tender import (issue 7) -----------------------------------------------------------
# Off unless switched on; the beat entry below only exists when it is.
FIND_A_TENDER = {
    "ENABLED": env.bool("FIND_A_TENDER_ENABLED", default=False),
    "URL": env.str(
        "FIND_A_TENDER_URL",
        default="https://www.find-tender.service.gov.uk/api/1.0/ocdsReleasePackages",
    ),
    # The first run looks back this far; later runs start where the last successful one ended.
    "WINDOW_HOURS": env.int("FIND_A_TENDER_WINDOW_HOURS", default=24),
    "PAGE_LIMIT": env.int("FIND_A_TENDER_PAGE_LIMIT", default=100),  # the service's maximum
    # Applies to connecting and to each read of the response.
    "TIMEOUT_SECONDS": env.float("FIND_A_TENDER_TIMEOUT_SECONDS", default=20.0),
    # The service allows about 12 requests per 2 minutes: one every 10 seconds, and on HTTP 429
    # wait as long as Retry-After says, up to this cap, at most MAX_RETRIES times.
    "REQUEST_INTERVAL_SECONDS": env.float("FIND_A_TENDER_REQUEST_INTERVAL_SECONDS", default=10.0),
    "MAX_RETRY_AFTER_SECONDS": env.float("FIND_A_TENDER_MAX_RETRY_AFTER_SECONDS", default=120.0),
    "MAX_RETRIES": env.int("FIND_A_TENDER_MAX_RETRIES", default=3),
}
if FIND_A_TENDER["ENABLED"]:
    # Every hour at 20 past, import the notices Find a Tender updated since the last run.
    CELERY_BEAT_SCHEDULE["import-find-a-tender"] = {
        "task": "ocds.tasks.find_a_tender_import",
        "schedule": crontab(minute=20),
    }

# --- Matching (DESIGN section 4) ----------------------------------------------------------
MATCHING = {
    # Component weights (normalised to sum to 1) and the score a stored match needs.
    "WEIGHT_SECTOR": env.float("MATCHING_WEIGHT_SECTOR", default=0.40),
    "WEIGHT_LOCATION": env.float("MATCHING_WEIGHT_LOCATION", default=0.30),
    "WEIGHT_CAPACITY": env.float("MATCHING_WEIGHT_CAPACITY", default=0.15),
    "WEIGHT_INCLUSION": env.float("MATCHING_WEIGHT_INCLUSION", default=0.15),
    "THRESHOLD": env.float("MATCHING_THRESHOLD", default=0.5),
    # The most matches stored per lot, best first: beyond this, officers' lists and digests are
    # noise (the lot is still found by search and open to every business's interest).
    "MAX_MATCHES_PER_LOT": env.int("MATCHING_MAX_MATCHES_PER_LOT", default=1000),
    # The location score halves with every this many km from the delivery site.
    "HALF_DISTANCE_KM": env.float("MATCHING_HALF_DISTANCE_KM", default=8.0),
    # A lot worth more than this many times a business's limit is not emailed to it.
    "FAR_BEYOND_RATIO": env.float("MATCHING_FAR_BEYOND_RATIO", default=3.0),
    # Lots per task in the nightly re-match.
    "REMATCH_CHUNK_SIZE": env.int("MATCHING_REMATCH_CHUNK_SIZE", default=50),
}

# --- Django REST Framework ------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate header makes "not signed in" a 401, not a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "core.pagination.Pagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "core.exception_handlers.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="120/minute"),
        # POST /api/v1/auth/token/, per client, on top of django-axes' failed-login lockout.
        "auth_token": env.str("API_TOKEN_RATE", default="10/minute"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "LocalLots API",
    "DESCRIPTION": "Published lots, businesses, matches and interests for local procurement.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/ serves Swagger UI from the pinned drf-spectacular-sidecar package (static files),
    # never from a CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation documents the one error shape for the statuses it can answer.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.error_responses_hook",
    ],
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 1, "maximum": 10**18 - 1}},
    # Several models have a "status": name each choice set after its model.
    "ENUM_NAME_OVERRIDES": {
        "ContractStatusEnum": "anchors.models.Contract.Status",
        "InterestStatusEnum": "matching.models.Interest.Status",
        "EventStatusEnum": "events.models.Event.Status",
        "RegistrationStatusEnum": "events.models.Registration.Status",
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "core.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
    CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

# --- Reference data -------------------------------------------------------------------------
# A folder of reference files beside the clone (samples, official downloads), read by the bench
# and the OCDS schema checks. The app needs none of it: the CPV list, the B postcode districts and
# the East Birmingham wards ship in sectors/data/ and places/data/.
REFERENCE_DATA_DIR = Path(
    env.str("REFERENCE_DATA_DIR", default=str(BASE_DIR.parent / "shared" / "data"))
)

# --- Open data: the OCDS export at /ocds/releases.json (DESIGN section 5) -----------------------
# The ocid prefix is assigned by the Open Contracting Partnership; until LocalLots has one, the
# default marks the ids as ours. Every release is ``<OCID_PREFIX>-<contract id>``.
OCDS = {
    "OCID_PREFIX": env.str("OCDS_OCID_PREFIX", default="ocds-locallots"),
    "PUBLISHER_NAME": env.str("OCDS_PUBLISHER_NAME", default="LocalLots"),
    "PUBLISHER_URI": env.str("OCDS_PUBLISHER_URI", default=SITE_URL),
    "LICENSE": env.str(
        "OCDS_LICENSE",
        default="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    ),
    "PUBLICATION_POLICY": env.str(
        "OCDS_PUBLICATION_POLICY", default=f"{SITE_URL.rstrip('/')}/ocds/"
    ),
}

# --- Procurement law (England, Procurement Act 2023) ----------------------------------------
# Dated values: each entry applies from its date until the next one. All VAT-inclusive.
# Sources: PA23 Schedule 1 thresholds as amended by SI 2025/1200 (from 1 Jan 2026); notifiable
# values PA23 s.86/s.87 and the Procurement Regulations 2024. See PROCUREMENT_FACTS.md.
PROCUREMENT_THRESHOLDS = [
    {
        "from": "2024-01-01",
        "central_goods_services": "139688",
        "sub_central_goods_services": "214904",
        "works": "5372609",
        "light_touch": "663540",
    },
    {
        "from": "2026-01-01",
        "central_goods_services": "135018",
        "sub_central_goods_services": "207720",
        "works": "5193000",
        "light_touch": "663540",
    },
]
PROCUREMENT_NOTIFIABLE_VALUES = [
    {"from": "2025-02-24", "central": "12000", "sub_central": "30000"},
]
VAT_RATE = env.str("VAT_RATE", default="0.20")  # a Decimal string; read with Decimal()

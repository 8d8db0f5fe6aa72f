"""Settings for the PEA Smart Plus portal.

Every value comes from the environment (see .env.example). The defaults give the
embedded mode: SQLite and a Celery broker kept on the local file system, so the
portal runs with no servers at all. DATABASE_URL and CELERY_BROKER_URL switch to
PostgreSQL and Redis.
"""

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from pea_portal.env import (
    cache_from_url,
    database_from_url,
    env_bool,
    env_int,
    env_list,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("PEA_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# SECRET_KEY: 50 or more random characters. Unset, only DEBUG (or
# PEA_INSECURE_DEV_KEY=true, for a build step such as collectstatic) falls back
# to a published development key, which the system checks refuse with DEBUG off
# (core/checks.py): runserver, gunicorn and `check --deploy` stop on it.
SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_bool("PEA_INSECURE_DEV_KEY", False):
        raise ImproperlyConfigured(
            "SECRET_KEY must be set (50 or more random characters) when DEBUG is "
            "off. On a development checkout run management commands with "
            "DEBUG=true (e.g. DEBUG=true python manage.py makemigrations); "
            "scripts/demo.sh and scripts/test.sh set what they need."
        )
    SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789abcdef"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_htmx",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "requests_app",
    "payments",
    "meters",
    "sla",
    "fakepay",
    "notifications",
    "outages",
    "voc",
    "bills",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before CSRF and auth: logs their refusals too (core/security_log.py).
    "core.security_log.DeniedAccessLogMiddleware",
    "core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sessions end after STAFF_SESSION_IDLE_HOURS without a request.
    "accounts.middleware.StaffIdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # API answers are never kept by a browser or proxy cache.
    "api.middleware.NoStoreMiddleware",
    # Last: turns a locked-out login into the lockout page (accounts/security.py).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pea_portal.urls"
WSGI_APPLICATION = "pea_portal.wsgi.application"

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
                "payments.context_processors.test_payments",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"), BASE_DIR
    )
}
# One cache for every process (the API's throttles count in it): CACHE_URL
# redis://host:6379/1, or unset for a table of the database (`pea_cache`).
CACHES = {"default": cache_from_url(env_str("CACHE_URL", ""))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
# Customers stay logged in for Django's two weeks; staff sessions end after this
# many hours without a request (accounts/middleware.py).
STAFF_SESSION_IDLE_HOURS = env_int("STAFF_SESSION_IDLE_HOURS", 8)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login lockout (django-axes, accounts/security.py): AXES_FAILURE_LIMIT wrong
# passwords for one username from one address lock that pair out for
# AXES_COOLOFF_MINUTES, counted from the failure that locked it (tries while
# locked out neither count nor extend it). Username AND address, not either:
# someone guessing cannot lock a customer out everywhere, and one address
# cannot try more than 5 passwords per account per half hour (the API's login
# throttle caps the accounts per minute). Web form and API token endpoint
# alike. Staff unlock: `manage.py axes_reset_username <username>`.
AUTHENTICATION_BACKENDS = [
    "accounts.security.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "accounts.security.lockout_response"
AXES_USERNAME_CALLABLE = "accounts.security.axes_username"
AXES_CLIENT_IP_CALLABLE = "core.security_log.client_ip"
# Successes go to the security log (pea.security); no second table of them.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Linking an electricity account with a proof (bills.linking): after
# LINK_FAILURE_LIMIT wrong tries in a row, each within LINK_FAILURE_WINDOW_MINUTES
# of the first, the customer may not try again for LINK_COOLOFF_MINUTES after the
# last of them (tries while locked out neither count nor extend it).
LINK_FAILURE_LIMIT = env_int("LINK_FAILURE_LIMIT", 5)
LINK_FAILURE_WINDOW_MINUTES = env_int("LINK_FAILURE_WINDOW_MINUTES", 60)
LINK_COOLOFF_MINUTES = env_int("LINK_COOLOFF_MINUTES", 30)
# Proxies of ours in front of the portal that append to X-Forwarded-For
# (0: none, REMOTE_ADDR is the client). Lockouts, the reset throttle and the
# security log use the address this gives.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
# Refused CSRF checks are written to the security log.
CSRF_FAILURE_VIEW = "core.security_log.csrf_failure"

# Password reset by a code sent by SMS (accounts/services.py).
PASSWORD_RESET_CODE_MINUTES = env_int("PASSWORD_RESET_CODE_MINUTES", 10)
PASSWORD_RESET_CODE_TRIES = env_int("PASSWORD_RESET_CODE_TRIES", 5)
PASSWORD_RESET_PER_PHONE_HOUR = env_int("PASSWORD_RESET_PER_PHONE_HOUR", 3)
PASSWORD_RESET_PER_IP_HOUR = env_int("PASSWORD_RESET_PER_IP_HOUR", 10)
# Called, in its transaction, when a password reset sets a new password:
# hook(user=, at=). accounts (base layer) imports nothing above it (issue 17):
# the API revokes the user's tokens.
CREDENTIALS_CHANGED_HOOKS = ["api.services.api_tokens_revoke"]

# Thai first, English second. Times are stored in UTC, shown in Bangkok time.
LANGUAGE_CODE = "th"
LANGUAGES = [("th", _("Thai")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "pea_language"
TIME_ZONE = "Asia/Bangkok"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Customer documents: never under STATIC/MEDIA URLs, served only by a view
    # that checks who is asking.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env_str("PRIVATE_STORAGE_ROOT", str(VAR_DIR / "private")),
            "base_url": None,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env_bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads: documents are checked by content; this caps each file.
DOCUMENT_MAX_BYTES = env_int("DOCUMENT_MAX_BYTES", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# Celery: embedded default keeps the broker on the file system, no server needed.
_broker_dir = VAR_DIR / "broker"
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://localhost//")
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", "") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task still running when the broker connection is lost cannot be
# acknowledged on that connection: its message goes back to the queue and runs
# again anyway (acks_late). Celery stops such tasks at once (its coming default)
# instead of letting them finish and acknowledge on the dead channel. Twice the
# Redis-down drill (scripts/drills.sh) saw the worker die after Redis came back
# in kombu 5.7's redis _connparams ("'NoneType' object has no attribute
# 'hostname'": a channel whose connection was already collected); this is the
# likeliest path there, not a proven one.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
if CELERY_BROKER_URL.startswith("filesystem://"):
    for _sub in ("out", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "out"),
        "data_folder_out": str(_broker_dir / "out"),
        "data_folder_processed": str(_broker_dir / "processed"),
        # Broadcast (control) messages too, instead of ./control in the checkout.
        "control_folder": str(_broker_dir / "control"),
    }
elif CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    # acks_late on Redis: a task whose worker died before acknowledging it is
    # given to another worker once this many seconds have passed since it was
    # taken. Longer than any task runs (else a slow task runs twice); the
    # fault drills (scripts/drills.sh) shorten it and look for such tasks often.
    _visibility = env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": _visibility}
    if _visibility < 300:
        CELERY_BROKER_TRANSPORT_OPTIONS |= {
            "unacked_restore_interval": 2,
            "unacked_restore_throttle": 1,
        }
# The hosted-payment provider (adapter) and the secrets its callbacks are signed
# with: two during a rotation, the new one first. fakepay is the development,
# demo and test stand-in that behaves like a real provider.
# With DEBUG off, a test provider (fakepay), an unset secret or a published
# development secret is a system check error (payments/checks.py) that stops
# runserver, gunicorn and `check --deploy`, unless ALLOW_TEST_PAYMENTS says this
# is a staging demo: then every page says payments are tests. /fakepay/ is
# mounted only while fakepay is the provider.
# What the workflow core does after every step a request takes, in this order
# (requests_app.machine.request_transition calls each with a StepTaken), and
# after a request is filed. The apps own these functions; the core knows them
# only by name, so it never imports the apps above it (README: Architecture).
STEP_EFFECTS = [
    "sla.effects.clocks_follow",
    "sla.effects.tallies_follow",
    "requests_app.work_orders.step_taken",
    "requests_app.machine.customer_message",
    "payments.effects.open_invoices_cancel",
]
# After a step of the catalog is edited (requests_app.services.catalog_step_change).
CATALOG_STEP_CHANGED_HOOKS = ["sla.clocks.catalog_step_changed"]
FILING_EFFECTS = [
    "sla.effects.clocks_follow",
    "sla.effects.tallies_follow",
]

PAYMENT_PROVIDER = env_str("PAYMENT_PROVIDER", "fakepay.adapter.FakeProvider")
PAYMENT_PROVIDER_SECRETS = env_list("PAYMENT_PROVIDER_SECRETS", "dev-fakepay-secret")
# What paying an invoice that is not a request's does, by its kind, and where
# its payer goes back to (payments.services.invoice_paid_effects); who makes
# the invoice of a bank payment by a paper bill's references (CA, bill no.).
INVOICE_PAID_EFFECTS = {"bills": "bills.paying.bills_settle"}
INVOICE_BACK_URLS = {"bills": "/bills/pay/"}
PAYMENT_REFERENCE_RESOLVERS = ["bills.paying.bill_invoice_for_refs"]
ALLOW_TEST_PAYMENTS = env_bool("ALLOW_TEST_PAYMENTS", False)
FAKEPAY_SECRET = env_str("FAKEPAY_SECRET") or (PAYMENT_PROVIDER_SECRETS or [""])[0]
FAKEPAY_CALLBACK_URL = (
    env_str("FAKEPAY_CALLBACK_URL") or SITE_URL + "/payments/callback/"
)
# Deliver the fake's callbacks inside its own request instead of a task (demo
# and browser tests without a worker).
FAKEPAY_SYNC = env_bool("FAKEPAY_SYNC", False)
# How long the fake's hosted page may be paid (then `charge.expired`).
FAKEPAY_CHECKOUT_SECONDS = env_int("FAKEPAY_CHECKOUT_SECONDS", 900)

# Where electricity bills come from (bills/sources.py): the billing system's
# export files, imported by `import_billing` (bills.sources.ExportFiles), or the
# fake billing system of the embedded demo and tests, which issues each month's
# bills itself (the default). With DEBUG off the fake is a system check error
# (bills/checks.py) unless ALLOW_FAKE_BILLING says this is a staging demo.
BILLING_SOURCE = env_str("BILLING_SOURCE", "bills.fake_billing.FakeBillingSystem")
ALLOW_FAKE_BILLING = env_bool("ALLOW_FAKE_BILLING", False)

# Thai QR / cross-bank bill payment: PEA's biller ID (tax ID + suffix).
PEA_BILLER_ID = env_str("PEA_BILLER_ID", "099400016551001")

# Outage reports: reports of one office within this window join one incident
# when they share a feeder or lie within this distance of it.
OUTAGE_GROUP_MINUTES = env_int("OUTAGE_GROUP_MINUTES", 120)
OUTAGE_GROUP_METRES = env_int("OUTAGE_GROUP_METRES", 1500)
# Anonymous reports (web, API, Open311) are always filed, but acknowledged by
# SMS at most this often per phone and per client address in an hour.
OUTAGE_ACK_SMS_PER_PHONE_HOUR = env_int("OUTAGE_ACK_SMS_PER_PHONE_HOUR", 3)
OUTAGE_ACK_SMS_PER_IP_HOUR = env_int("OUTAGE_ACK_SMS_PER_IP_HOUR", 10)
# Open311 requests filed from one client address in an hour (then 429).
OPEN311_POSTS_PER_IP_HOUR = env_int("OPEN311_POSTS_PER_IP_HOUR", 30)
# Open311 GeoReport v2: keys a client must send to file (none: open, like the
# web form for visitors).
OPEN311_API_KEYS = env_list("OPEN311_API_KEYS", "")

# The SLA sweep's period; shorter in the worker test.
SLA_SWEEP_SECONDS = env_int("SLA_SWEEP_SECONDS", 60)

CELERY_BEAT_SCHEDULE = {
    # Provider callbacks stored while the broker was down.
    "payments-apply-pending-callbacks": {
        "task": "payments.tasks.provider_events_apply_pending",
        "schedule": crontab(minute="*"),
    },
    # Receipts whose PDF the after-commit task did not render (broker down).
    "payments-render-missing-receipts": {
        "task": "payments.tasks.receipts_render_missing",
        "schedule": crontab(minute="*"),
    },
    # Clocks newly at risk or past due: escalations (sla/sweep.py).
    "sla-sweep": {
        "task": "sla.tasks.sweep",
        "schedule": timedelta(seconds=SLA_SWEEP_SECONDS),
    },
    # Reconnection invoices past their day band (charter §3.7): expired and
    # priced again soon after midnight; a payment attempt renews at once.
    "meters-renew-reconnection-invoices": {
        "task": "meters.tasks.reconnection_invoices_renew",
        "schedule": crontab(minute="*/5"),
    },
    # Files kept from refused filings (requests_app.PendingUpload): a day on,
    # deleted with their rows.
    "requests-expire-pending-uploads": {
        "task": "requests_app.tasks.pending_uploads_expire",
        "schedule": crontab(minute="*/15"),
    },
    # The billing source's daily run: the fake billing system reads the meters
    # whose day it is and issues their bills (bills/sources.py).
    "bills-issue": {
        "task": "bills.tasks.issue_bills",
        "schedule": crontab(hour=6, minute=0),
    },
    # Bill notices: new bills, and unpaid ones due in three days (bills/notices.py).
    # Hourly in the daytime (no SMS at night); each bill is claimed once, so a
    # missed run only delays them.
    "bills-notices": {
        "task": "bills.tasks.send_bill_notices",
        "schedule": crontab(minute=10, hour="8-20"),
    },
    # Overdue bills: the first notice, then the disconnection notice after the
    # tariff's grace (bills/overdue.py); once a day, in the morning.
    "bills-overdue": {
        "task": "bills.tasks.send_overdue_notices",
        "schedule": crontab(minute=20, hour=8),
    },
    # Safety net: anything the on-commit delivery missed (broker down, worker
    # killed) is picked up here. Deadlines live in the database, not in ETAs.
    "notifications-flush-outbox": {
        "task": "notifications.tasks.outbox_flush",
        "schedule": crontab(minute="*"),
    },
}
if PAYMENT_PROVIDER.startswith("fakepay."):
    # The fake provider's own sweep: its unpaid pages expire.
    CELERY_BEAT_SCHEDULE["fakepay-expire-checkouts"] = {
        "task": "fakepay.tasks.expire_checkouts",
        "schedule": crontab(minute="*"),
    }

# Notifications: pluggable backends (dotted paths).
SMS_BACKEND = env_str("SMS_BACKEND", "notifications.backends.DatabaseSMSBackend")
# Called, in the delivery's transaction, when an SMS about a request has gone
# out: hook(request_id=, written_at=, sent_at=). The outbox knows nothing of
# what a sent message means to others (issue 17: the base layer imports
# nothing above it); sla stops the payment-result clock (Smart Plus SLA 4).
REQUEST_SMS_SENT_HOOKS = ["sla.clocks.message_sent"]
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "PEA Smart Plus <no-reply@pea.local>"
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)

# Security: production values come on with DEBUG off.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True  # no script of ours reads it: forms carry the token
LANGUAGE_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
LANGUAGE_COOKIE_HTTPONLY = True
# Lax, not Strict: the customer comes back from the payment provider's page by
# a top-level GET and must still be logged in.
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (core/csp.py): origins a form may be redirected to
# besides our own, i.e. the payment provider's hosted page (the pay button's
# POST is redirected there). fakepay needs none.
CSP_FORM_ACTION = env_list("CSP_FORM_ACTION", "")

# The REST API (/api/v1/) for the Smart Plus app: tokens (API_TOKEN_DAYS) or the
# session, one error shape, cursor pages, throttles per user and per address.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 30)
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # api/throttling.py: counted in the shared cache (CACHES), per client
    # address as the login lockout reads it (TRUSTED_PROXY_COUNT).
    "DEFAULT_THROTTLE_CLASSES": [
        "api.throttling.UserRateThrottle",
        "api.throttling.AnonRateThrottle",
    ],
    # For any stock DRF throttle: its X-Forwarded-For reading, near ours.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_RATES": {
        "user": env_str("API_THROTTLE_USER", "600/min"),
        "anon": env_str("API_THROTTLE_ANON", "120/min"),
        "login": env_str("API_THROTTLE_LOGIN", "10/min"),
        "outage": env_str("API_THROTTLE_OUTAGE", "20/min"),
    },
    "EXCEPTION_HANDLER": "api.errors.handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "PEA Smart Plus API",
    "DESCRIPTION": "The customer side of Smart Plus and the staff queue. Errors "
    'always have the shape {"error": {"code", "message", "fields"}}; messages '
    "follow Accept-Language (th or en).",
    "VERSION": "1.0.0",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and Redoc from our own static files (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# pea.security (core/security_log.py): every login attempt and refused access,
# stamped in UTC, at INFO whatever LOG_LEVEL says; to SECURITY_LOG_FILE too
# when set (a WatchedFileHandler: logrotate-friendly).
_SECURITY_LOG_FILE = env_str("SECURITY_LOG_FILE", "")
_SECURITY_HANDLERS = {
    "security": {
        "class": "logging.StreamHandler",
        "formatter": "utc",
        "filters": ["redact_personal_data"],
    },
}
if _SECURITY_LOG_FILE:
    _SECURITY_HANDLERS["security_file"] = {
        "class": "logging.handlers.WatchedFileHandler",
        "filename": _SECURITY_LOG_FILE,
        "formatter": "utc",
        "filters": ["redact_personal_data"],
    }
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "utc": {
            "()": "core.security_log.UTCFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    # The last line of defence for personal data (core/redaction.py): the code
    # logs none (tests/security/test_pdpa.py scans every record), and every
    # handler that writes text blanks national IDs and phone numbers anyway.
    "filters": {
        "redact_personal_data": {"()": "core.redaction.RedactPersonalDataFilter"}
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_personal_data"],
        },
        # runserver's access log (Django's own handler has no filter): the
        # staff search puts phone numbers and IDs in URLs.
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_personal_data"],
        },
        **_SECURITY_HANDLERS,
    },
    "loggers": {
        "pea.security": {
            "handlers": list(_SECURITY_HANDLERS),
            "level": "INFO",
            "propagate": False,
        },
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
        },
        # Axes' own lines repeat ours (with the username masked); keep errors.
        "axes": {"level": "ERROR"},
        # WeasyPrint says "Step 1 - Fetching…" at INFO seven times a page.
        "weasyprint.progress": {"level": "WARNING"},
        # fontTools subsets the embedded Sarabun and reports each table at INFO.
        "fontTools": {"level": "WARNING"},
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
# The 500 e-mail and the DEBUG page print POST data and frame variables.
DEFAULT_EXCEPTION_REPORTER_FILTER = "core.redaction.PersonalDataExceptionReporterFilter"

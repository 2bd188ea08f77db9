"""Tending's one settings module, driven by environment variables (see docs/deploy.md).

Defaults run a development copy on a fresh clone. ``TENDING_ENV=production``
turns on the production profile: secrets must come from the environment, and
``manage.py check --deploy --fail-level WARNING`` passes.
"""

import atexit
import os
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from tending.env import (
    SQLITE_OPTIONS,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TENDING_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

# Under pytest the default profile is "test": fast hashing, in-memory cache, no outside mail.
ENVIRONMENT = env_choice(
    "TENDING_ENV", "test" if "pytest" in sys.modules else "development", {"development", "test", "production"}
)
TESTING = ENVIRONMENT == "test"
PRODUCTION = ENVIRONMENT == "production"

_DEV_SECRET = "dev-only-not-secret-tending-0f6c2b1e9d8a4c7b"  # nosec B105 - refused in production below
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET):
    raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production")

# Field-encryption key ring, separate from SECRET_KEY so rotating one never
# touches the other: "id:base64-32-bytes,id:..."; the first key encrypts,
# every key decrypts (core/crypto.py).
_DEV_FIELD_KEYS = "dev1:ZGV2LW9ubHktZmllbGQta2V5LW5vdC1zZWNyZXQtMDE="
TENDING_FIELD_KEYS = env_str("TENDING_FIELD_KEYS", "" if PRODUCTION else _DEV_FIELD_KEYS)
if PRODUCTION and (not TENDING_FIELD_KEYS or TENDING_FIELD_KEYS == _DEV_FIELD_KEYS):
    raise ImproperlyConfigured("TENDING_FIELD_KEYS (or TENDING_FIELD_KEYS_FILE) must be set in production")

# Backups (backups/): sealed with their own AES-256-GCM key (base64 of 32 bytes), so a stolen
# backup file opens with neither SECRET_KEY nor the field keys alone. In production the
# backup and restore commands refuse to run without a key of its own (backups/sealing.py);
# the web process does not need it.
TENDING_DEV_BACKUP_KEY = "ZGV2LW9ubHktYmFja3VwLWtleS1ub3Qtc2VjcmV0LTE="  # nosec B105 - refused in production
TENDING_BACKUP_KEY = env_str("TENDING_BACKUP_KEY", "" if PRODUCTION else TENDING_DEV_BACKUP_KEY)
TENDING_BACKUP_DIR = Path(env_str("TENDING_BACKUP_DIR", str(VAR_DIR / "backups")))

# The audit log's keyed chain (audit/keys.py): HMAC-SHA256 under its own key ring, "id:base64-32-bytes,...";
# the first key signs new rows and checkpoints, every key verifies. Checkpoints (each chain's head, signed)
# are written beside the backups, outside the database (docs/deploy.md).
_DEV_AUDIT_KEYS = "dev1:ZGV2LW9ubHktYXVkaXQta2V5LW5vdC1zZWNyZXQtMDE="  # nosec B105 - refused in production
TENDING_AUDIT_KEYS = env_str("TENDING_AUDIT_KEYS", "" if PRODUCTION else _DEV_AUDIT_KEYS)
if PRODUCTION and (not TENDING_AUDIT_KEYS or _DEV_AUDIT_KEYS.split(":")[1] in TENDING_AUDIT_KEYS):
    raise ImproperlyConfigured("TENDING_AUDIT_KEYS (or TENDING_AUDIT_KEYS_FILE) must be set in production")
TENDING_AUDIT_CHECKPOINT = Path(env_str("TENDING_AUDIT_CHECKPOINT", str(TENDING_BACKUP_DIR / "audit-checkpoint.json")))

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Paying online through Stripe Checkout (docs/money.md, "Paying online"): off unless both keys are set.
# STRIPE_API_BASE is only for the tests' stand-in for Stripe.
STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "https://api.stripe.com").rstrip("/")

INSTALLED_APPS = [
    # Ours first, so our templates override allauth's.
    "core",
    "accounts",
    "practice",
    "audit",
    "crisis",
    "outbox",
    "bookings",
    "onboarding",
    "checkins",
    "measures",
    "risk",
    "journey",
    "mindfulness",
    "selfcare",
    "journal",
    "formulation",
    "notes",
    "caseload",
    "care",
    "safetyplan",
    "money",
    "messaging",
    "ending",
    "dataprivacy",
    "backups",
    "tending",  # the project's own commands, which use every app (seed_demo)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_htmx",
    "django_tasks_db",
]

MIDDLEWARE = [
    "core.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.StaffMfaMiddleware",
    "core.middleware.PrivateCacheMiddleware",
    "safetyplan.middleware.ClearOfflineCopyOnSignInOut",
    # Last, so it wraps the view alone: a page's audited reads are one row, written once the page exists.
    "audit.middleware.AuditReadsMiddleware",
]

# How many proxies of ours sit in front of gunicorn (1 behind nginx); 0 trusts no X-Forwarded-For.
TENDING_TRUSTED_PROXY_COUNT = env_int("TENDING_TRUSTED_PROXY_COUNT", 0, minimum=0)

ROOT_URLCONF = "tending.urls"
WSGI_APPLICATION = "tending.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "practice.context_processors.tending",
                "risk.context_processors.open_alerts",
                "core.context_processors.csrf_once",
            ],
            # ``{% url %}`` remembering the addresses without arguments (core/templatetags/constant_urls.py).
            # ``{% static %}`` remembering each file's address (core/templatetags/kept_static.py): no template loads
            # Django's ``static`` library, which would replace it.
            "builtins": ["core.templatetags.constant_urls", "core.templatetags.kept_static"],
        },
    },
]
# Forms: Django's renderer, writing its widget, label and error-list templates in Python (core/renderer.py).
FORM_RENDERER = "core.renderer.FormRenderer"

# Databases: SQLite under var/ by default, tuned for durability; DATABASE_URL overrides.
_database_url = env_str("DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": parse_database_url(_database_url)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "tending.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Tests use a file, not SQLite's shared in-memory database, so that races are tested with
    # the same WAL locking as production. One file per test process keeps parallel runs apart.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
# A PostgreSQL streaming replica (docs/deploy.md): only blocks that opt in read from it (core/replica.py),
# and only once it has replayed the primary's position at the start of the block.
_replica_url = env_str("DATABASE_REPLICA_URL", "")
if _replica_url:
    if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL")
    DATABASES["replica"] = parse_database_url(_replica_url)
    # A replica that does not answer costs a request 2 s at most, then the primary serves it.
    DATABASES["replica"]["OPTIONS"].setdefault("connect_timeout", "2")
    # Tests read the test database through the replica (the replica copies the whole cluster).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# Kept reads (core/compiled.py) are prepared statements on PostgreSQL: the server plans each once per connection.
# Turn off behind a connection pooler that does not keep prepared statements (PgBouncer's transaction pooling
# before 1.21, or without ``max_prepared_statements``).
TENDING_PREPARED_READS = env_bool("DATABASE_PREPARED_READS", True)
# How long a block waits for a replica that is behind before reading from the primary.
TENDING_REPLICA_WAIT_MS = env_int("TENDING_REPLICA_WAIT_MS", 200, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# A shared cache so allauth's login throttling and the booking rate limit hold across gunicorn workers
# and app servers (a per-process LocMemCache would give each worker its own count). The database cache
# by default; Redis when REDIS_URL is set (redis://host:6379/0), with a key prefix so several
# installations can share one Redis.
_redis_url = env_str("REDIS_URL", "")
if _redis_url:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_url,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "tending"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.db.DatabaseCache"),
            "LOCATION": env_str("CACHE_LOCATION", "tending_cache"),
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, loading the user's client or staff record with them.
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "practice:home"
# Password-reset links (allauth uses Django's token generator) last one hour.
PASSWORD_RESET_TIMEOUT = 60 * 60

# django-allauth: sign-in by email; nobody signs up on their own (people are invited).
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# Failed sign-ins: 10 a minute from one address, 5 per 15 minutes for one account.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/900s/key"}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if PRODUCTION else "http"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Tending"
# Staff must set up MFA before reaching anything else (production default; the demo offers it).
TENDING_STAFF_MFA_REQUIRED = env_bool("TENDING_STAFF_MFA_REQUIRED", PRODUCTION)

# Sessions: idle limits by role, an absolute limit, and an idle clock that is
# refreshed at most once a minute so a page view is not a database write.
# With Redis, sessions are read through the cache but written to the database too (cached_db), so a Redis
# restart signs nobody out; without it, the database alone. Django's stores, reading the row through a kept read.
SESSION_ENGINE = "accounts.sessions." + ("cached_db" if _redis_url else "db")
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
TENDING_IDLE_TIMEOUT_CLIENT = env_int("TENDING_IDLE_TIMEOUT_CLIENT", 30 * 60, minimum=60)
TENDING_IDLE_TIMEOUT_STAFF = env_int("TENDING_IDLE_TIMEOUT_STAFF", 15 * 60, minimum=60)
TENDING_ABSOLUTE_SESSION = 12 * 60 * 60
TENDING_IDLE_REFRESH = 60

# Invitations from a therapist or owner are single use and last this long.
TENDING_INVITATION_DAYS = env_int("TENDING_INVITATION_DAYS", 7, minimum=1)
# Public consultation bookings allowed per IP address per hour (bookings; kept in the shared cache).
TENDING_BOOKING_RATE_LIMIT = env_int("TENDING_BOOKING_RATE_LIMIT", 10, minimum=1)
# Owner emergency access to clinical content lasts this long after a reasoned request.
TENDING_EMERGENCY_ACCESS_MINUTES = 60
# Working hours (weekends not counted) before an unacknowledged risk alert goes to the owner: one working day.
TENDING_RISK_ESCALATE_HOURS = env_int("TENDING_RISK_ESCALATE_HOURS", 24, minimum=1)

# Security headers.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "media-src": [CSP.SELF],
    "worker-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    # "Pay online" posts to us and we redirect to Stripe's page: browsers hold that redirect to form-action.
    "form-action": [CSP.SELF, *(["https://checkout.stripe.com"] if STRIPE_SECRET_KEY else [])],
    "frame-ancestors": [CSP.NONE],
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# A link written without its scheme in a message ("www.nhs.uk") opens over HTTPS, as it will by default from Django 2028
# (messaging/words.py).
URLIZE_ASSUME_HTTPS = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": VAR_DIR / "media"}},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Outside production whitenoise serves straight from the apps' static folders (no collectstatic),
# so `bin/run` works with DEBUG off.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 400

# Email: SMTP in production; in development the console, unless TENDING_SMTP_HOST is set
# (the README's run command starts a local SMTP sink and points here).
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tending <hello@tending.test>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
_smtp_host = env_str("TENDING_SMTP_HOST", "localhost" if PRODUCTION else "")
if _smtp_host:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _smtp_host,
                "port": env_int("TENDING_SMTP_PORT", 587 if PRODUCTION else 1025, minimum=1),
                "username": env_str("TENDING_SMTP_USER", ""),
                "password": env_str("TENDING_SMTP_PASSWORD", ""),
                "use_tls": env_bool("TENDING_SMTP_TLS", PRODUCTION),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}

# Background work: Django's tasks framework with the database-backed worker
# (`manage.py db_worker`).
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# An email a worker began to send is taken over by another after this long (the first was killed);
# longer than the SMTP timeout, so a slow server is not sent the same email twice.
TENDING_OUTBOX_CLAIM_SECONDS = env_int("TENDING_OUTBOX_CLAIM_SECONDS", 600, minimum=1)

# Request paths may hold a token (a calendar feed, a manage or stop link, a reset key): the loggers
# that write a path write it through tending.logs, which takes the token out (gunicorn's access log
# does the same through the Procfile's --logger-class).
_REDACTED = {"filters": ["redact_tokens"]}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "tending.logs.RedactTokensFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR", **_REDACTED},
        "django.security.csrf": _REDACTED,
        "django.security.DisallowedHost": _REDACTED,
        "django.server": _REDACTED,
    },
}

# Messages ride in a signed cookie, so pages that must work with the database
# down (the crisis page) never need the session store to show them.
MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    TENDING_STAFF_MFA_REQUIRED = False
    MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
    # One checkpoint file per test process, like the test database (tests that need one override it).
    TENDING_AUDIT_CHECKPOINT = VAR_DIR / f"test-audit-checkpoint-{os.getpid()}.json"
    atexit.register(TENDING_AUDIT_CHECKPOINT.unlink, missing_ok=True)

# Periodic jobs run by `manage.py clock`: a management command (with its arguments) and its period in seconds.
# Each job `<app>_<job>` is the function `<job>` in `<app>/jobs.py`; the clock stores its last run by this name.
TENDING_SCHEDULE = [
    ("outbox_send", 60),  # every email is sent from the outbox: retries, and any a stopped worker left
    ("risk_checks", 60),  # risk-word checks still to do (a saved entry whose check or alert failed)
    ("risk_escalate", 5 * 60),  # backstop: escalations are also scheduled on the worker when raised
    ("selfcare_reminders", 5 * 60),
    ("bookings_reminders", 15 * 60),  # appointment reminders and check-in nudges
    ("bookings_purge", 24 * 60 * 60),  # consultation requests that came to nothing, after 90 days
    ("bookings_waiting", 60 * 60),  # consultation requests without a time, waiting two working days
    ("measures_due", 15 * 60),  # questionnaires due "before each session"
    ("money_invoices", 60 * 60),  # an invoice after each session; on the 1st, last month's statements
    ("messaging_emails", 5 * 60),  # message emails held for a therapist's working hours, or for the hour
    ("formulation_watch", 24 * 60 * 60),
    ("caseload_refresh", 15 * 60),  # caseload facts that change with time alone, and change marks nobody viewed
    ("ending_follow_ups", 60 * 60),  # one invitation when a chosen follow-up falls due; never a reminder
    ("dataprivacy_retention", 24 * 60 * 60),
    ("audit_verify --checkpoint", 5 * 60),  # verify from the last checkpoint, then write a new one
    ("audit_verify --full", 24 * 60 * 60),  # the whole of every chain, from its first row
]

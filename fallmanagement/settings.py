"""Settings for Fallmanagement. Everything that differs between machines comes from the environment."""

import datetime
import sys
from pathlib import Path

import environ
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
# Code-generation commands sign nothing and must work on a developer machine without secrets; everything
# that serves, checks or runs jobs refuses to start without a real key when DEBUG is off.
_OFFLINE_COMMANDS = {"makemigrations", "showmigrations", "sqlmigrate", "spectacular"}
_offline = len(sys.argv) > 1 and sys.argv[0].endswith("manage.py") and sys.argv[1] in _OFFLINE_COMMANDS
if not SECRET_KEY:
    if not (DEBUG or _offline):
        raise environ.ImproperlyConfigured("DJANGO_SECRET_KEY muss gesetzt sein, wenn DJANGO_DEBUG aus ist.")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

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
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_fsm",
    "guardian",
    "template_partials",
    "django_htmx",
    # Security (issue 6): sign-in lockout, CSP, second factor, database-trigger history, SSO.
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "pgtrigger",
    "pghistory",
    "mozilla_django_oidc",
    "org",
    "catalog",
    "cases",
    "reminders",
    "reviews",
    "plans",
    "followups",
    "records",
    "duties",
    "reporting",
    "audit",
    "jobs",
    "web",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "audit.middleware.SessionCookieSanitizerMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "audit.input_guard.NulRefusingMiddleware",  # %00 in parameters → 400, never a 500
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "audit.middleware.AbsoluteSessionTimeoutMiddleware",
    "audit.middleware.IdleSessionRefreshMiddleware",
    "audit.middleware.OTPRequiredMiddleware",
    # DP-2: the read gate writes the access log of what the response showed (audit/gate.py).
    "audit.gate.ReadGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "audit.middleware.NoStoreMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a django-axes lockout into the 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "fallmanagement.urls"
WSGI_APPLICATION = "fallmanagement.wsgi.application"

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
                "web.context_processors.navigation",
            ],
        },
    },
    # Django's Jinja2 backend for the hot fragments (web/jinja2/, autoescaped): the FM's open-cases rows.
    {
        "NAME": "jinja2",
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "web" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"autoescape": True},
    },
]

# PostgreSQL everywhere (production, tests, and `make run`, which starts an embedded server and sets
# DATABASE_URL): locking, partial unique constraints, triggers, search and the set-based jobs are the same.
DATABASES = {"default": env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/fallmanagement")}
# Two database roles (issue 15, audit/dbroles.py): DATABASE_URL is the application's role (no DDL, no
# TRUNCATE, logs append-only); DATABASE_OWNER_URL the owner that migrates. The commands that change the
# schema or the roles connect as the owner; everything else as the application.
DATABASE_OWNER_URL = env.str("DATABASE_OWNER_URL", default="")
_OWNER_COMMANDS = {"migrate", "setup_db_roles", "createcachetable"}
FM_DB_APP_ROLE = env.str("FM_DB_APP_ROLE", default="")
if DATABASE_OWNER_URL:
    _owner_db = env.db_url_config(DATABASE_OWNER_URL)
    if not FM_DB_APP_ROLE and DATABASES["default"].get("USER") != _owner_db.get("USER"):
        FM_DB_APP_ROLE = DATABASES["default"].get("USER", "")
    if len(sys.argv) > 1 and sys.argv[0].endswith("manage.py") and sys.argv[1] in _OWNER_COMMANDS:
        DATABASES["default"] = _owner_db
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise environ.ImproperlyConfigured("DATABASE_URL muss auf PostgreSQL zeigen (postgres://…).")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
# JIT compilation costs 200–700 ms on our short OLTP queries, and starting parallel workers ~10 ms on
# queries that take 2 ms (benchmarks/results/REPORT.md); the batch jobs (daily jobs, monthly report)
# allow parallel workers for their own transaction (SET LOCAL).
DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off -c max_parallel_workers_per_gather=0")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.Staff"
AUTHENTICATION_BACKENDS = [
    # First: refuses sign-in while a (username, IP) pair is locked out (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# guardian holds only rare explicit grants on cases (cases.access, table cases_caseuserobjectpermission);
# no anonymous "user" row in org.Staff.
ANONYMOUS_USER_NAME = None
PASSWORD_HASHERS = [
    "org.hashers.Argon2idHasher",  # Argon2id, OWASP minimum parameters (org/hashers.py)
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "de"
LANGUAGES = [("de", "Deutsch")]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# WORK-5: case documents in a private storage outside the web root, never served by URL (downloads only
# through the scoped, logged views). `django-storages` can replace the backend (object storage).
STORAGES["records"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {
        "location": env.str("FM_PRIVATE_MEDIA_ROOT", default=str(BASE_DIR / "private_media")),
        "base_url": None,
    },
}
FM_UPLOAD_MAX_MB = env.int("FM_UPLOAD_MAX_MB", default=10)
WHITENOISE_USE_FINDERS = DEBUG

SESSION_COOKIE_AGE = env.int("SESSION_IDLE_SECONDS", default=30 * 60)
SESSION_SAVE_EVERY_REQUEST = False  # audit.middleware.IdleSessionRefreshMiddleware slides the expiry
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
# Absolute session lifetime regardless of activity (audit.middleware.AbsoluteSessionTimeoutMiddleware).
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", default=12 * 60 * 60)

# --- Sign-in protection, CSP, second factor, SSO, change history (issue 6) ---------------------------
# django-axes (issue 15 finding 8): lock the *account* after 5 failures, from whatever addresses they come
# (a guesser spread over 25 addresses is locked as well). The lock always ends: the cool-off starts at
# AXES_COOLOFF_MINUTES and doubles with every further lockout of the account within 24 hours, up to
# AXES_COOLOFF_MAX_HOURS (audit.signin.cool_off); failures during a lock do not prolong it. The failure log
# (AccessFailureLog) is the memory of earlier lockouts. An admin lifts a lock with `axes_reset_username`.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_BASE = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_COOLOFF_MAX = datetime.timedelta(hours=env.int("AXES_COOLOFF_MAX_HOURS", default=12))
AXES_COOLOFF_TIME = "audit.signin.cool_off"
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# axes.W006 warns that a lock without the address can be evaded by rotating user agents; with "username"
# alone django-axes counts the failures per account over all addresses and agents — the point of the rule.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_HTTP_RESPONSE_CODE = 429
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "web.audit.views.lockout_response"
# Behind a reverse proxy set AXES_PROXY_COUNT (number of trusted proxies) so the client IP is taken from
# X-Forwarded-For; otherwise REMOTE_ADDR is used and a forged header is ignored.
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
AXES_VERBOSE = False

# django-csp 4: no inline scripts or styles; htmx runs with allowEval false (see base.html).
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/docs/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}

# django-otp (issue 15 findings 1, 8): the TOTP second factor is required by default for the privileged
# roles, on the session and on the token path (audit.signin). Set up only with a one-time enrolment code
# another person issued (valid FM_OTP_ENROLMENT_HOURS). An empty FM_OTP_REQUIRED_ROLES switches it off
# (the local demo of `make run` does so explicitly, see fallmanagement/devserver.py).
FM_OTP_REQUIRED_ROLES = env.list(
    "FM_OTP_REQUIRED_ROLES", default=["admin", "datenschutz", "teamleitung", "bereichsleitung"]
)
FM_OTP_ENROLMENT_HOURS = env.int("FM_OTP_ENROLMENT_HOURS", default=72)
# API tokens expire this many hours after issue; logout, a password change and a lockout revoke them.
FM_API_TOKEN_HOURS = env.int("FM_API_TOKEN_HOURS", default=8)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Fallmanagement")

# django-pghistory / django-pgtrigger: change history by database triggers on cases' models (audit app).
# Triggers are installed after every migrate, so the tracked apps need no trigger migrations of their own.
PGTRIGGER_MIGRATIONS = False
PGTRIGGER_INSTALL_ON_MIGRATE = True
PGHISTORY_APPEND_ONLY = True

# OpenID Connect (mozilla-django-oidc) beside local accounts, only when configured.
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
    OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
    OIDC_CREATE_USER = env.bool("OIDC_CREATE_USER", default=False)
    OIDC_AUTHENTICATION_CALLBACK_URL = "audit:oidc_authentication_callback"
    OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=5)
    AUTHENTICATION_BACKENDS.append("audit.oidc.RoleMappingOIDCBackend")
# The claim holding the roles, and claim value → Staff.role (values equal to a role code map to it).
OIDC_ROLE_CLAIM = env.str("OIDC_ROLE_CLAIM", default="roles")
OIDC_ROLE_MAP = env.dict("OIDC_ROLE_MAP", default={})

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "api.common.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.SafeJSONParser"],  # nesting, NUL, surrogates → 400
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Fallmanagement API",
    "DESCRIPTION": "JSON-API v1 für das beschäftigungsorientierte Fallmanagement (SGB II).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # No CDN in jobcenter intranets: Swagger UI assets are served locally.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Same field names with different choice sets across apps: give each a stable schema name.
    "ENUM_NAME_OVERRIDES": {
        "CaseStateEnum": "cases.choices.CaseState",
        "ReviewStateEnum": "reviews.choices.ReviewState",
        "GoalKindEnum": "plans.choices.GoalKind",
        "GoalStatusEnum": "plans.choices.GoalStatus",
        "ServiceStatusEnum": "plans.choices.ServiceStatus",
        "DocumentKindEnum": "records.choices.DocumentKind",
        "HouseholdRoleEnum": "cases.choices.HouseholdRole",
    },
}

# Celery: Redis when REDIS_URL is set; otherwise tasks run eagerly in-process (make run needs only Python).
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Bounded broker timeouts: a hung Redis must not hang a web request.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 2,
    "socket_connect_timeout": 2,
    # No retry loop inside a web request: with Redis down the enqueue fails fast and is logged.
    "max_retries": 0,
    "visibility_timeout": 3600,
}
CELERY_TASK_PUBLISH_RETRY = False

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(BASE_DIR / ".local" / "mail"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="fallmanagement@jobcenter.invalid")

# Domain defaults (CATALOG.md "Configurable defaults").
FM = {
    "FULL_TIME_HOURS": env.float("FM_FULL_TIME_HOURS", default=39.0),
    "CASELOAD_PER_FULL_TIME": env.int("FM_CASELOAD_PER_FULL_TIME", default=75),
    "CLEARING_MAX_MONTHS": env.int("FM_CLEARING_MAX_MONTHS", default=2),
    "REVIEW_INTERVAL_MONTHS": env.int("FM_REVIEW_INTERVAL_MONTHS", default=6),
    "TL_INFO_MONTHS": env.int("FM_TL_INFO_MONTHS", default=12),
    "TL_APPROVAL_MONTHS": env.int("FM_TL_APPROVAL_MONTHS", default=24),
    "MAX_MONTHS": env.int("FM_MAX_MONTHS", default=36),
    "READMISSION_LOCK_MONTHS": env.int("FM_READMISSION_LOCK_MONTHS", default=6),
    "AGREEMENT_REVIEW_MONTHS": env.int("FM_AGREEMENT_REVIEW_MONTHS", default=6),
    "ACCESS_CHECK_MONTHS": env.int("FM_ACCESS_CHECK_MONTHS", default=6),
    "CONTACT_GAP_DAYS": env.int("FM_CONTACT_GAP_DAYS", default=28),
    "REMINDER_LEAD_DAYS": env.int("FM_REMINDER_LEAD_DAYS", default=14),
    "RETENTION_YEARS": env.int("FM_RETENTION_YEARS", default=5),
    # DP-5: the access log's own retention (at least 1 year: the owner's purge function refuses younger).
    "ACCESS_LOG_RETENTION_YEARS": max(1, env.int("FM_ACCESS_LOG_RETENTION_YEARS", default=2)),
    "SMALL_CELL_LIMIT": env.int("FM_SMALL_CELL_LIMIT", default=3),
    "ACCESS_MIN_NEEDS": 3,
}
JOBCENTER_NAME = env.str("JOBCENTER_NAME", default="Jobcenter Region Musterstadt")
JOBCENTER_ADDRESS = env.str("JOBCENTER_ADDRESS", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
    "loggers": {"fallmanagement": {"level": "INFO"}, "celery": {"level": "INFO"}},
}

# Who changed what: pghistory records the signed-in user and URL with every tracked change.
MIDDLEWARE.insert(
    MIDDLEWARE.index("audit.middleware.NoStoreMiddleware"), "pghistory.middleware.HistoryMiddleware"
)

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    # Off only for plain HTTP on one's own machine (`make run` sets it); behind TLS always on.
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

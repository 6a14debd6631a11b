"""Settings for the OCOP platform, driven by environment variables (see README, "Configuration")."""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", default=False)
INSECURE_DEV_KEY = "django-insecure-ocop-development-only-never-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY") or (INSECURE_DEV_KEY if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set SECRET_KEY (or DEBUG=true for development).")

# The audit log's own key (ocop.core.audit): it seals every event and signs the checkpoints of
# the chain. It is not SECRET_KEY, so that whoever reads the settings of a web server that
# only needs SECRET_KEY cannot rewrite the audit log; AUDIT_OLD_KEYS still verify what older
# keys sealed after a rotation (docs/audit.md).
INSECURE_AUDIT_KEY = "ocop-audit-development-only-never-in-production"
AUDIT_KEY = os.environ.get("AUDIT_KEY") or (INSECURE_AUDIT_KEY if DEBUG else "")
AUDIT_OLD_KEYS = env_list("AUDIT_OLD_KEYS")
if not AUDIT_KEY or AUDIT_KEY == SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "Set AUDIT_KEY, a key of its own for the audit log that is not SECRET_KEY "
        "(or DEBUG=true for development)."
    )
# The key and certificate (PEM) that sign the certificates' and decisions' PDFs (PAdES,
# ocop.core.signing); without them a self-signed "sample" certificate is made on first use.
SIGNING_KEY_FILE = os.environ.get("SIGNING_KEY_FILE", "")
SIGNING_CERT_FILE = os.environ.get("SIGNING_CERT_FILE", "")
SIGNING_KEY_PASSWORD = os.environ.get("SIGNING_KEY_PASSWORD", "")
# How long personal data is kept (days; docs/privacy.md): buyers' contacts after an inquiry is
# closed, reporters' contacts after a report is handled, the records of who viewed what.
PRIVACY_INQUIRY_DAYS = int(os.environ.get("PRIVACY_INQUIRY_DAYS", 730))
PRIVACY_PROBLEM_REPORT_DAYS = int(os.environ.get("PRIVACY_PROBLEM_REPORT_DAYS", 365))
PRIVACY_ACCESS_LOG_DAYS = int(os.environ.get("PRIVACY_ACCESS_LOG_DAYS", 1825))
# Who receives each daily checkpoint of the audit chain, besides the central office's users.
AUDIT_CHECKPOINT_EMAILS = env_list("AUDIT_CHECKPOINT_EMAILS")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ocop.core",
    "ocop.regions",
    "ocop.accounts",
    "ocop.producers",
    "ocop.products",
    "ocop.rubric",
    "ocop.supply",
    "ocop.evaluations",
    "ocop.certificates",
    "ocop.market",
    "ocop.stats",
    "ocop.imports",
    "ocop.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ocop.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ocop.accounts.second_factor.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ocop.core.middleware.OutOfRangeIdMiddleware",
    "ocop.core.middleware.WorkingCalendarMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite in WAL mode by default; PostgreSQL (or another) through DATABASE_URL.
SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", BASE_DIR / "var" / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{SQLITE_PATH}", conn_max_age=int(os.environ.get("CONN_MAX_AGE", 60))
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=20000; PRAGMA foreign_keys=ON;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


def cache_config(url: str) -> dict:
    """``CACHE_URL``: empty for this process's memory (one application server); ``db://TABLE``
    for a table in the database, shared by every server behind a load balancer (create it once
    with ``manage.py createcachetable``). The rate limits (login, problem reports, inquiries)
    and the statistics figures live there."""
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if url.startswith("db://"):
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": url.removeprefix("db://") or "ocop_cache",
        }
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("CACHE_URL must be empty or db://TABLE.")


CACHES = {"default": cache_config(os.environ.get("CACHE_URL", ""))}
# Behind the reverse proxy of docs/deployment.md every request comes from 127.0.0.1: the
# per-visitor caps read the address the proxy adds to X-Forwarded-For instead.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR")

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Two-factor authentication (ocop.accounts.second_factor): the name apps show for the account.
OTP_TOTP_ISSUER = "OCOP"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "core:landing"

# Language and time: Vietnamese first, English complete; Vietnam time.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Django's Vietnamese formats do not group thousands; ours do (120.000 đ), where a template
# asks for grouping (intcomma, ocop.core.numbers). Plain {{ n }} stays ungrouped (ids, years).
FORMAT_MODULE_PATH = ["ocop.core.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
# Private files (the producers' evidence documents, ocop.core.storage.PrivateStorage) live outside
# MEDIA_ROOT and are only served through permission-checked views: never serve this folder.
PRIVATE_MEDIA_ROOT = Path(os.environ.get("PRIVATE_MEDIA_ROOT", BASE_DIR / "var" / "private"))
STORAGES = {
    "default": {"BACKEND": "ocop.core.storage.MediaStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 12_582_912
UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_BYTES", 10 * 1024 * 1024))

# Background work: django.tasks with the database queue; `manage.py db_worker` runs it.
# Imports of recognition lists (ocop.imports): the largest file, what its archive may inflate
# to, the most rows; the commit writes this many rows at a time.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 20 * 1024 * 1024))
IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
)
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 50_000))
IMPORT_COMMIT_CHUNK = 1000

TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

# Public verifications (/v/<code>) are counted in each process's memory and handed to the task
# worker as one task after this many visits or seconds (ocop.certificates.recognition.scans);
# a killed process loses at most that much. The certificate part of the page is cached this
# many seconds at most (its key changes with every change of what it shows).
SCAN_FLUSH_VISITS = int(os.environ.get("SCAN_FLUSH_VISITS", 1000))
SCAN_FLUSH_SECONDS = float(os.environ.get("SCAN_FLUSH_SECONDS", 10))
VERIFY_CACHE_SECONDS = int(os.environ.get("VERIFY_CACHE_SECONDS", 3600))

# E-mail (Django 6.1 MAILERS): the console in development, SMTP otherwise (EMAIL_HOST, default
# localhost, e.g. a local relay).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if DEBUG and not EMAIL_HOST:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
else:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST or "localhost",
                "port": int(os.environ.get("EMAIL_PORT", 587 if EMAIL_HOST else 25)),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=bool(EMAIL_HOST)),
                "timeout": 20,
            },
        }
    }
del EMAIL_HOST
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "OCOP <no-reply@ocop.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers. HTTPS settings are on unless DEBUG; HTTPS_ONLY=false serves an intranet over
# plain HTTP (then check --deploy warns, as it should).
HTTPS_ONLY = env_bool("HTTPS_ONLY", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS_ONLY and env_bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS_ONLY else None
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS_ONLY else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=HTTPS_ONLY)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
LANGUAGE_COOKIE_SECURE = HTTPS_ONLY
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # fpdf2 subsets the font of every PDF with fontTools, which logs each table it prunes.
        "fontTools": {"level": "WARNING"},
    },
}

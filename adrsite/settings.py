"""Django settings for adrsite, read from environment variables (project layer).

Every setting a deployment changes is an environment variable, read through
the small strict helpers below: a bad value stops start-up with a message
naming the variable, not a stack trace at request time.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

PACKAGE_DIR = Path(__file__).resolve().parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r}: expected true or false")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    return [item.strip() for item in value.split(",") if item.strip()] or default


def default_database_url() -> str:
    """The embedded SQLite file, one per user, outside any repository (ADR 6)."""
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    directory = data_home / "adrsite"
    directory.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / 'adrsite.sqlite3'}"


DEBUG = env_bool("DEBUG", False)
# The fallback key is for the embedded, local-only default; `manage.py check
# --deploy` flags it, and production sets SECRET_KEY.
SECRET_KEY = os.environ.get("SECRET_KEY") or "adrsite-local-only-not-a-secret-set-SECRET_KEY"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])


# ADR 6: SQLite by default, PostgreSQL in production, both through DATABASE_URL.
def database_from_url(url: str) -> dj_database_url.DBConfig:
    try:
        return dj_database_url.parse(url, conn_max_age=60)
    except ValueError as error:  # an unknown scheme, a typo in the URL
        message = f"DATABASE_URL is not a database URL we can use: {error}"
        raise ImproperlyConfigured(message) from None


DATABASES = {"default": database_from_url(os.environ.get("DATABASE_URL") or default_database_url())}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # ADR 6: writers take the lock when they begin, not half-way through (no
    # "database is locked" mid-index), and readers never wait for a writer (WAL).
    # Tests use a file too: in-memory SQLite locks differently, and the indexer's
    # concurrency test must see the real thing. One file per test run, so that
    # two runs at once (two checkouts, two terminals) never share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"adrsite-test-{os.getpid()}.sqlite3")
    }
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ADR 24: rendered decision bodies are cached in the database the site already has
# (`adr migrate` and `adr serve` create the table; so does the test database). A key
# names everything the HTML depends on, so entries never go stale; they expire after
# 30 days unviewed, and past MAX_ENTRIES a third of them is culled.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "adr_cache",
        "TIMEOUT": 30 * 24 * 60 * 60,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}


def env_duration(name: str) -> int | None:
    """Seconds, from `30s`, `5m`, `2h` or `1d`; None when unset."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    if not (len(value) <= 7 and value[:-1].isascii() and value[:-1].isdigit()) or (
        value[-1] not in units
    ):
        raise ImproperlyConfigured(f"{name}={value!r}: expected a duration like 30s, 5m, 2h or 1d")
    seconds = int(value[:-1]) * units[value[-1]]
    if seconds < 1:
        raise ImproperlyConfigured(f"{name}={value!r}: must be at least 1s")
    return seconds


# ADR 33: how often the one scheduler enqueues a fetch of each repository (unset: never;
# webhooks and `adr repo sync` still do), and the webhooks' secret for repositories
# that have none of their own.
ADRSITE_FETCH_EVERY = env_duration("ADRSITE_FETCH_EVERY")
ADRSITE_WEBHOOK_SECRET = os.environ.get("ADRSITE_WEBHOOK_SECRET", "")

# The repository whose decisions the site shows first; `adr serve` sets both.
ADRSITE_REPOSITORY = Path(os.environ.get("ADRSITE_REPOSITORY") or Path.cwd())
ADRSITE_ADR_DIR = os.environ.get("ADRSITE_ADR_DIR", "")

INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "django_htmx",
    "adrsite.decisions.apps.TaskQueueConfig",  # django-tasks-db
    "adrsite.decisions",
]

# ADR 33: background fetch + index through Django's Tasks framework, queued in the
# database the site already has (django-tasks-db); `adr worker` runs the queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "adrsite.middleware.refuse_unstorable_input",
    "adrsite.middleware.DatabaseUnavailable",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "adrsite.urls"
WSGI_APPLICATION = "adrsite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Templates ship inside the package so an installed `adr serve` finds them (ADR 16).
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
            ],
        },
    }
]

STATIC_URL = "/static/"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Production runs collectstatic into STATIC_ROOT; without it whitenoise serves
# straight from the package, so `adr serve` needs no collectstatic step.
STATIC_ROOT = os.environ.get("STATIC_ROOT") or None
WHITENOISE_USE_FINDERS = True

# Every asset is served by the app; nothing from a CDN, no inline scripts.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# DEBUG's error pages list settings and the environment: hide DATABASE_URL and the like too.
DEFAULT_EXCEPTION_REPORTER_FILTER = "adrsite.reporting.SecretsFilter"

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

"""Django settings for adrsite, read from environment variables (project layer).

Every setting a deployment changes is an environment variable, read through
the small strict helpers below: a bad value stops start-up with a message
naming the variable, not a stack trace at request time.
"""

from __future__ import annotations

import ipaddress
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


def user_data_dir() -> Path:
    """adrsite's folder in the user's data directory (XDG), outside any repository."""
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "adrsite"


def default_database_url() -> str:
    """The embedded SQLite file, one per user, outside any repository (ADR 6)."""
    directory = user_data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / 'adrsite.sqlite3'}"


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isascii() or not value.isdigit():
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number, 0 or more")
    return int(value)


def loopback_host(host: str) -> bool:
    """Whether an ALLOWED_HOSTS entry names this machine only: `localhost`, a name under
    `.localhost` (RFC 6761), a loopback address. `*`, a domain, a LAN address: no."""
    name = host.lower().rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False


DEBUG = env_bool("DEBUG", False)
PLACEHOLDER_SECRET_KEY = "adrsite-local-only-not-a-secret-set-SECRET_KEY"
SECRET_KEY = os.environ.get("SECRET_KEY") or PLACEHOLDER_SECRET_KEY
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
# ADR 36: the placeholder key is for a site only this machine reaches. The application
# cannot see the address gunicorn binds; the hosts it accepts say where it is served.
if SECRET_KEY == PLACEHOLDER_SECRET_KEY and not all(map(loopback_host, ALLOWED_HOSTS)):
    served = ", ".join(host for host in ALLOWED_HOSTS if not loopback_host(host))
    raise ImproperlyConfigured(
        f"SECRET_KEY is not set, and ALLOWED_HOSTS serves the site beyond this machine "
        f"({served}): set SECRET_KEY to a long random value, the same on every server"
    )
# Origins that may POST to the site (https://adr.example.com), when a proxy in front
# changes the scheme or host the browser sees.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])


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

# The working copy `adr serve` serves (it sets both), checked at start-up to hold an ADR
# folder. Unset on a production site: it shows what was indexed, from anywhere.
ADRSITE_REPOSITORY = (
    Path(os.environ["ADRSITE_REPOSITORY"]) if os.environ.get("ADRSITE_REPOSITORY") else None
)
ADRSITE_ADR_DIR = os.environ.get("ADRSITE_ADR_DIR", "")

# ADR 32: repositories from their git hosts are mirrored here (`mirrors/NAME.git`),
# and each clone or fetch is stopped after ADRSITE_GIT_TIMEOUT seconds.
ADRSITE_DATA_DIR = Path(os.environ.get("ADRSITE_DATA_DIR") or user_data_dir()).expanduser()


def env_seconds(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    try:
        seconds = float(value) if value else default
    except ValueError:
        seconds = -1.0
    if not 0 < seconds < float("inf"):
        raise ImproperlyConfigured(f"{name}={value!r}: expected a number of seconds above 0")
    return seconds


ADRSITE_GIT_TIMEOUT = env_seconds("ADRSITE_GIT_TIMEOUT", 600.0)

INSTALLED_APPS = [
    "django.contrib.staticfiles",
    "django_htmx",
    "adrsite.decisions",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
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
WHITENOISE_USE_FINDERS = STATIC_ROOT is None
if STATIC_ROOT:
    # ADR 36: collectstatic writes each file compressed (gzip, and brotli when installed)
    # under a name holding its hash, so whitenoise serves it with a far-future expiry.
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        },
    }

# ADR 36: HTTPS, as the production recipe serves it. ADRSITE_HTTPS=true: every page over
# HTTPS only (plain HTTP redirected, except /healthz for load balancers), cookies sent
# over HTTPS only, and HSTS, one year by default. ADRSITE_BEHIND_PROXY=true trusts the
# proxy's X-Forwarded-Proto: only when a proxy in front always sets it.
ADRSITE_HTTPS = env_bool("ADRSITE_HTTPS", False)
if env_bool("ADRSITE_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = ADRSITE_HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = ADRSITE_HTTPS
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60 if ADRSITE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", ADRSITE_HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", ADRSITE_HTTPS)

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

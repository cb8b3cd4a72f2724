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


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()):
        raise ImproperlyConfigured(f"{name}={value!r}: expected a whole number")
    return int(value)


def default_database_url() -> str:
    """The embedded SQLite file, one per user, outside any repository (ADR 6)."""
    directory = user_data_dir()
    directory.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{directory / 'adrsite.sqlite3'}"


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
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "mozilla_django_oidc",
    "adrsite.decisions.apps.TaskQueueConfig",  # django-tasks-db
    "adrsite.decisions",
    "adrsite.accounts",
]

# ADR 33: background fetch + index through Django's Tasks framework, queued in the
# database the site already has (django-tasks-db); `adr worker` runs the queue.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "adrsite.middleware.refuse_unstorable_input",
    "adrsite.middleware.DatabaseUnavailable",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "adrsite.accounts.middleware.RemoteUserFromTrustedProxy",
    "adrsite.accounts.middleware.LoginRequired",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

# ADR 34: who may read the site. Every page, the API and the feed need a signed-in user
# unless ADRSITE_LOGIN_REQUIRED=false (`adr serve`, on loopback, sets that unless told).
ADRSITE_LOGIN_REQUIRED = env_bool("ADRSITE_LOGIN_REQUIRED", True)
# Addresses open to anyone, by prefix: the sign-in pages themselves, the admin (which asks
# for its own staff login), static files, and the machines' routes: webhooks are signed
# by their sender, and a health check answers a load balancer.
ADRSITE_LOGIN_EXEMPT_PREFIXES = [
    "/account/login/",
    "/oidc/",
    "/admin/",
    "/static/",
    "/hooks/",
    "/healthz",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL_FAILURE = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "accounts:login"

# An authenticating proxy's header naming the user (and one naming their groups, comma
# separated), believed only from the addresses in ADRSITE_TRUSTED_PROXIES (addresses or
# networks, "10.0.0.0/8"): the proxy is the connection's peer, REMOTE_ADDR.
ADRSITE_REMOTE_USER_HEADER = os.environ.get("ADRSITE_REMOTE_USER_HEADER", "").strip()
ADRSITE_REMOTE_GROUPS_HEADER = os.environ.get("ADRSITE_REMOTE_GROUPS_HEADER", "").strip()
ADRSITE_TRUSTED_PROXIES = env_list("ADRSITE_TRUSTED_PROXIES", [])
for _proxy in ADRSITE_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"ADRSITE_TRUSTED_PROXIES: {_proxy!r} is not an address or a network"
        ) from None
if ADRSITE_REMOTE_USER_HEADER and not ADRSITE_TRUSTED_PROXIES:
    raise ImproperlyConfigured(
        "ADRSITE_REMOTE_USER_HEADER is set but not ADRSITE_TRUSTED_PROXIES: "
        "name the proxy's addresses, or the header is never believed"
    )

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
if ADRSITE_REMOTE_USER_HEADER:
    AUTHENTICATION_BACKENDS.append("adrsite.accounts.backends.TrustedProxyBackend")

# Single sign-on through OpenID Connect (mozilla-django-oidc, ADR 34), on when a client id
# is set. The provider's endpoints by name, as its discovery document lists them.
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile groups")
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10
# The claim that names a user (their Django username) and the one listing their groups.
ADRSITE_OIDC_USERNAME_CLAIM = os.environ.get("ADRSITE_OIDC_USERNAME_CLAIM", "preferred_username")
ADRSITE_OIDC_GROUPS_CLAIM = os.environ.get("ADRSITE_OIDC_GROUPS_CLAIM", "groups")
if OIDC_RP_CLIENT_ID:
    missing = [
        name
        for name in (
            "OIDC_RP_CLIENT_SECRET",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
            "OIDC_OP_JWKS_ENDPOINT",
        )
        if not globals()[name]
    ]
    if missing:
        raise ImproperlyConfigured(f"OIDC_RP_CLIENT_ID is set but not {', '.join(missing)}")
    AUTHENTICATION_BACKENDS.append("adrsite.accounts.backends.SingleSignOnBackend")

# Hardening (ADR 34). ADRSITE_HTTPS=true says the site is served over HTTPS: secure
# cookies, HSTS, and plain HTTP redirected. Behind a proxy that ends TLS, name the header
# it sets (ADRSITE_PROXY_SSL_HEADER=X-Forwarded-Proto) or every request looks like HTTP.
ADRSITE_HTTPS = env_bool("ADRSITE_HTTPS", False)
SECURE_SSL_REDIRECT = ADRSITE_HTTPS
SESSION_COOKIE_SECURE = ADRSITE_HTTPS
CSRF_COOKIE_SECURE = ADRSITE_HTTPS
SECURE_HSTS_SECONDS = env_int("ADRSITE_HSTS_SECONDS", 365 * 24 * 60 * 60 if ADRSITE_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("ADRSITE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("ADRSITE_HSTS_PRELOAD", False)
# ADRSITE_BEHIND_PROXY=true is the production recipe's shorthand (ADR 36) for the usual
# header: only when the proxy in front always sets it (and strips a client's own).
proxy_ssl_header = os.environ.get("ADRSITE_PROXY_SSL_HEADER", "").strip() or (
    "X-Forwarded-Proto" if env_bool("ADRSITE_BEHIND_PROXY", False) else ""
)
if proxy_ssl_header:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + proxy_ssl_header.upper().replace("-", "_"), "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers ask over plain HTTP (ADR 36)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Whole-domain HSTS and the browsers' preload list are commitments for every host of the
# domain, which an internal site cannot make for its neighbours: opt-in, so their
# deploy-check warnings are the default's, not a fault.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
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
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
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

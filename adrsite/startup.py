"""The database, checked before use (project layer): one line saying what failed, not a traceback.

An unreachable server, a SQLite path that cannot be written, a driver that is not
installed: `adr` prints the line and exits 1, the site logs it (see wsgi.py).
The line names where the URL came from and never shows its password.
"""

from __future__ import annotations

import logging
import os
from urllib.parse import unquote, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

from adrsite.records.controls import visible_controls

HIDDEN = "…"
SECRET_PARAMETERS = ("pass", "secret", "token", "key")  # in a query: ?sslpassword=...


def shown_url(url: str) -> str:
    """`url` with its password, and any query value named like a secret, replaced by `…`."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:  # a port that is not a number: show the scheme only
        return url.split(":", 1)[0] + "://" + HIDDEN
    netloc = parts.netloc
    if password is not None:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.split(':', 1)[0]}:{HIDDEN}@{host}"
    query = "&".join(_shown_parameter(parameter) for parameter in parts.query.split("&"))
    return visible_controls(urlunsplit(parts._replace(netloc=netloc, query=query)))


def _shown_parameter(parameter: str) -> str:
    key, equals, _ = parameter.partition("=")
    secret = any(word in unquote(key).lower() for word in SECRET_PARAMETERS)
    return f"{key}={HIDDEN}" if secret and equals else parameter


def configured_database() -> str:
    """Where the database comes from, for a message: `DATABASE_URL` or the embedded default."""
    from django.conf import settings

    if os.environ.get("DATABASE_URL"):
        return f"DATABASE_URL: {shown_url(os.environ['DATABASE_URL'])}"
    return f"database: {settings.DATABASES['default']['NAME']} (the embedded default)"


def database_problem(error: BaseException) -> str:
    """The reason in `error`, on one line: `connection refused`, not a driver's paragraph."""
    text = str(error).strip()
    if isinstance(error, ImproperlyConfigured):  # a driver that cannot be imported
        return visible_controls(" ".join(text.split()))
    first = text.split("\n", 1)[0]
    # psycopg: 'connection failed: connection to server at "h", port 1 failed: Connection refused'
    reason = first.rpartition(" failed: ")[2] if " failed: " in first else first
    reason = reason.removeprefix("FATAL:").strip()
    reason = reason[:1].lower() + reason[1:] if reason[1:2].islower() else reason
    return visible_controls(" ".join(reason.split()) or type(error).__name__)


def database_unusable() -> str | None:
    """Connect once; the line saying why it failed, or None when the database answers."""
    from django.db import Error, connection

    try:
        connection.ensure_connection()
    except (Error, ImproperlyConfigured) as error:
        return cannot_connect(error)
    return None


def cannot_connect(error: BaseException) -> str:
    """`DATABASE_URL: cannot connect to postgres://u:…@h/db: connection refused`."""
    source, _, where = configured_database().partition(": ")
    return f"{source}: cannot connect to {where}: {database_problem(error)}"


def report_database_at_start() -> None:
    """Log one line if the site's database cannot be used; the site starts all the same.

    The WSGI server owns the process: exiting from here makes gunicorn respawn its
    workers in a loop. The site answers 503 until the database answers (see
    middleware.database_unavailable), and recovers by itself when it does.
    """
    from django.db import connection

    if problem := database_unusable():
        logging.getLogger("adrsite").error("adrsite: %s", problem)
    else:
        connection.close()  # not shared with the workers a preloading server forks


UNAVAILABLE = b"The site's database cannot be reached; the server's log says why.\n"


def unavailable_application(problem: str):
    """The site when Django cannot even start for want of its database driver: Django's
    auth models ask the backend for its name length as they load (issue 14), so a driver
    that is not installed stops `django.setup()`. Every page then answers 503 and logs the
    line, as the middleware does for a database that is down; installing the driver and
    restarting the server brings the site back."""
    site = logging.getLogger("adrsite")
    request_log = logging.getLogger("django.request")

    def application(environ, start_response):
        site.error("adrsite: %s", problem)
        request_log.error("Service Unavailable: %s", environ.get("PATH_INFO", "/"))
        headers = [("Content-Type", "text/plain; charset=utf-8"), ("Retry-After", "30")]
        start_response("503 Service Unavailable", headers)
        return [UNAVAILABLE]

    return application

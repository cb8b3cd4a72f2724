"""A database or an address that cannot be used: one clear line, never a traceback (issue 11)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError

from adrsite.startup import database_problem, shown_url

ADR = str(Path(sys.executable).parent / "adr")


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgres://ada:s3cret@db:5432/adr", "postgres://ada:…@db:5432/adr"),
        ("postgres://ada:p@ss@db/adr", "postgres://ada:…@db/adr"),  # an @ in the password
        ("postgres://:s3cret@db/adr", "postgres://:…@db/adr"),
        ("postgres://ada@db/adr", "postgres://ada@db/adr"),
        ("postgres://db/adr?sslpassword=s3cret&sslmode=require", "postgres://db/adr?sslpassword=…&sslmode=require"),
        ("postgres://db/adr?Api%4Bey=s3cret", "postgres://db/adr?Api%4Bey=…"),
        ("sqlite:////var/lib/adr.sqlite3", "sqlite:////var/lib/adr.sqlite3"),
        ("postgres://ada:s3cret@[::1/adr", "postgres://…"),  # not even a URL
        ("postgres://ada:s3cret@db/adr\x1b\x07", "postgres://ada:…@db/adr\\x1b\\x07"),
    ],
)  # fmt: skip
def test_a_database_url_is_shown_without_its_secrets(url, shown):
    assert shown_url(url) == shown


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (
            OperationalError(
                'connection failed: connection to server at "127.0.0.1", port 1 failed: '
                "Connection refused\n\tIs the server running on that host and accepting "
                "TCP/IP connections?"
            ),
            "connection refused",
        ),
        (
            OperationalError(
                'connection failed: connection to server at "h", port 5432 failed: '
                'FATAL:  database "adr" does not exist'
            ),
            'database "adr" does not exist',
        ),
        (OperationalError("unable to open database file"), "unable to open database file"),
        (
            ImproperlyConfigured("Error loading MySQLdb module.\nDid you install mysqlclient?"),
            "Error loading MySQLdb module. Did you install mysqlclient?",
        ),
        (OperationalError(""), "OperationalError"),
    ],
)
def test_a_database_error_is_one_line(error, reason):
    assert database_problem(error) == reason


def site_env(tmp_path: Path, database_url: str) -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url, "XDG_DATA_HOME": str(tmp_path)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    # A page that reads the database, as no one: signed out, the login page needs none.
    env["ADRSITE_LOGIN_REQUIRED"] = "false"
    return env


REQUEST_TWICE = """
import io
from adrsite.wsgi import application
for _ in range(2):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "SERVER_NAME": "localhost",
               "SERVER_PORT": "80", "HTTP_HOST": "localhost", "wsgi.input": io.BytesIO(),
               "wsgi.errors": io.StringIO(), "wsgi.url_scheme": "http"}
    body = b"".join(application(environ, lambda status, headers: print(status)))
    print(body.decode(), end="")
"""


@pytest.mark.parametrize(
    ("url", "line"),
    [
        (
            "postgres://ada:s3cret@127.0.0.1:1/adr",
            "adrsite: DATABASE_URL: cannot connect to postgres://ada:…@127.0.0.1:1/adr: "
            "connection refused",
        ),
        (
            "sqlite:////proc/nope/db.sqlite3",
            "adrsite: DATABASE_URL: cannot connect to sqlite:////proc/nope/db.sqlite3: "
            "unable to open database file",
        ),
        (
            "mysql://ada:s3cret@127.0.0.1/adr",
            "adrsite: DATABASE_URL: cannot connect to mysql://ada:…@127.0.0.1/adr: "
            "Error loading MySQLdb module. Did you install mysqlclient?",
        ),
    ],
)
def test_the_site_without_its_database_logs_one_line_and_answers_503(tmp_path, url, line):
    result = subprocess.run(
        [sys.executable, "-c", REQUEST_TWICE],
        env=site_env(tmp_path, url),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    page = "The site's database cannot be reached; the server's log says why.\n"
    assert result.stdout == f"503 Service Unavailable\n{page}" * 2
    # At start-up, then once per page; Django's own line names the page.
    per_page = [line, "Service Unavailable: /"]
    assert result.stderr.splitlines() == [line, *per_page, *per_page]
    assert "s3cret" not in result.stderr


def test_adr_serve_refuses_a_port_in_use_before_migrating_or_indexing(tmp_path):
    repo = tmp_path / "repo"
    (repo / "adr").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [ADR, "serve", "--port", str(port)],
            cwd=repo, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == f"adr: cannot serve on 127.0.0.1:{port}: address already in use\n"


def test_a_database_error_in_the_middle_of_a_command_is_one_line(monkeypatch):
    from adrsite.cli.common import UserError
    from adrsite.cli.database import _database_command

    monkeypatch.setenv("DATABASE_URL", "postgres://ada:s3cret@db/adr")

    @_database_command
    def lost(args):
        raise OperationalError("server closed the connection unexpectedly\n\tThis probably...")

    with pytest.raises(UserError) as raised:
        lost(None)
    assert str(raised.value) == (
        "DATABASE_URL: postgres://ada:…@db/adr: server closed the connection unexpectedly"
    )

    @_database_command
    def mistaken(args):
        raise KeyError("not the database's")

    with pytest.raises(KeyError):  # a bug of ours stays a traceback, for the bug report
        mistaken(None)

"""The production recipe (README, "Sharing with a team"): its settings pass Django's deploy
checks, the placeholder key never serves beyond this machine, static files are collected
compressed and hashed, and /healthz answers load balancers (issue 13, ADR 36)."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from adrsite.decisions.models import Repository
from adrsite.settings import loopback_host

ROOT = Path(__file__).resolve().parent.parent
ADR = str(Path(sys.executable).parent / "adr")
REFUSAL = re.compile(
    r"SECRET_KEY is not set, and ALLOWED_HOSTS serves the site beyond this machine "
    r"\((?P<hosts>[^)]*)\): set SECRET_KEY to a long random value, the same on every server"
)


def recipe_settings() -> dict[str, str]:
    """The environment file the README's recipe shows, as it shows it."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("# /etc/adrsite.env\n", 1)[1].split("```", 1)[0]
    pairs = [line.strip().split("=", 1) for line in block.splitlines() if line.strip()]
    return dict(pairs)


def clean_env(tmp_path: Path, settings: dict[str, str]) -> dict[str, str]:
    """This process's environment without any adrsite or Django setting, plus `settings`."""
    ours = {"DATABASE_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "STATIC_ROOT"}
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ours and not name.startswith(("ADRSITE_", "SECURE_", "CSRF_", "DJANGO_"))
    }
    return {**env, "XDG_DATA_HOME": str(tmp_path / "data"), **settings}


def recipe_env(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    settings = recipe_settings()
    assert settings["SECRET_KEY"] == "GENERATE-ME"  # the README never shows a usable key
    settings["SECRET_KEY"] = secrets.token_urlsafe(50)
    settings["STATIC_ROOT"] = str(tmp_path / "static")
    settings["ADRSITE_DATA_DIR"] = str(tmp_path / "mirrors")
    for name, value in changes.items():
        if value is None:
            settings.pop(name)
        else:
            settings[name] = value
    return clean_env(tmp_path, {**settings, "DJANGO_SETTINGS_MODULE": "adrsite.settings"})


def django_admin(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "django", *arguments],
        env=env, cwd=env["XDG_DATA_HOME"].rpartition("/")[0], capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip


def test_the_recipes_settings_pass_djangos_deploy_checks(tmp_path):
    result = django_admin(recipe_env(tmp_path), "check", "--deploy")
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "System check identified no issues (0 silenced).\n"


def test_without_https_the_deploy_checks_say_what_is_missing(tmp_path):
    """The check above passes because of the recipe's settings, not because it checks nothing."""
    result = django_admin(recipe_env(tmp_path, ADRSITE_HTTPS=None), "check", "--deploy")
    found = set(re.findall(r"\(security\.(W\d+)\)", result.stdout + result.stderr))
    # No HSTS, no redirect, the session (W012) and CSRF (W016) cookies over plain HTTP.
    assert found == {"W004", "W008", "W012", "W016"}


@pytest.mark.parametrize(
    ("hosts", "named"),
    [
        ("adr.example.com", "adr.example.com"),
        ("localhost,10.0.0.5,[::1]", "10.0.0.5"),
        ("*", "*"),
        ("0.0.0.0", "0.0.0.0"),
        (".example.com,127.0.0.1", ".example.com"),
        ("localhost.example.com", "localhost.example.com"),
    ],
)
def test_the_placeholder_key_is_refused_when_the_site_is_served_beyond_loopback(
    tmp_path, hosts, named
):
    env = clean_env(
        tmp_path, {"ALLOWED_HOSTS": hosts, "DJANGO_SETTINGS_MODULE": "adrsite.settings"}
    )
    site = django_admin(env, "check")
    assert site.returncode == 1
    last = site.stderr.splitlines()[-1]
    assert last.startswith("django.core.exceptions.ImproperlyConfigured: "), site.stderr
    assert REFUSAL.fullmatch(last.split(": ", 1)[1]).group("hosts") == named
    # The adr command says it in one line, as it says any configuration error.
    command = subprocess.run(
        [ADR, "repo", "list"], env=env, capture_output=True, text=True, timeout=60
    )
    assert command.returncode == 1
    assert REFUSAL.fullmatch(command.stderr.removeprefix("adr: configuration: ").rstrip("\n"))


def test_the_placeholder_key_serves_loopback_hosts(tmp_path):
    hosts = "localhost,127.0.0.1,[::1],::1,127.0.0.2,app.localhost,LOCALHOST."
    env = clean_env(
        tmp_path, {"ALLOWED_HOSTS": hosts, "DJANGO_SETTINGS_MODULE": "adrsite.settings"}
    )
    result = django_admin(env, "check")
    assert (result.returncode, result.stderr) == (0, "")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("a.b.localhost", True),
        ("127.0.0.1", True),
        ("127.9.9.9", True),
        ("[::1]", True),
        ("::1", True),
        ("", False),
        ("*", False),
        (".localhost.example", False),
        ("notlocalhost", False),
        ("0.0.0.0", False),
        ("[::]", False),
        ("192.168.1.2", False),
        ("[::ffff:10.0.0.1]", False),
    ],
)
def test_loopback_hosts(host, loopback):
    assert loopback_host(host) is loopback


COLLECT_AND_SERVE = """
import django, re
from django.core.management import call_command
django.setup()
call_command("collectstatic", interactive=False, verbosity=0)
call_command("migrate", verbosity=0)
call_command("createcachetable", verbosity=0)
from django.test import Client
client = Client(HTTP_HOST="adr.example.com", HTTP_X_FORWARDED_PROTO="https")
page = client.get("/account/login/").content.decode()  # open with login on
stylesheet = re.search(r'href="(/static/adrsite/site[.][0-9a-f]{12}[.]css)"', page).group(1)
asset = client.get(stylesheet, HTTP_ACCEPT_ENCODING="gzip")
print(asset.status_code, asset["Content-Encoding"], asset["Cache-Control"])
"""


def test_collected_static_files_are_compressed_and_named_by_their_hash(tmp_path):
    env = recipe_env(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path}/site.sqlite3")
    result = subprocess.run(
        [sys.executable, "-c", COLLECT_AND_SERVE],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == "200 gzip max-age=315360000, public, immutable\n"
    assert list((tmp_path / "static" / "adrsite").glob("site.*.css.gz"))


# --- /healthz ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.also_postgres
def test_healthz_says_how_old_each_index_is(client):
    indexed = timezone.now() - timedelta(minutes=90)
    Repository.objects.create(
        name="platform", location="/srv/m/platform.git", last_indexed_commit="a" * 40,
        indexed_at=indexed, url="https://git.example.com/platform.git",
        last_fetch_at=indexed, last_fetch_error="fatal: could not read from remote",
    )  # fmt: skip
    Repository.objects.create(name="new", location="/srv/m/new.git")

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    body = response.json()
    assert (body["status"], body["database"]) == ("ok", "ok")
    new, platform = body["repositories"]  # by name
    assert 90 * 60 <= platform.pop("index_age_seconds") < 90 * 60 + 30
    assert platform == {
        "name": "platform",
        "last_indexed_commit": "a" * 40,
        "indexed_at": indexed.isoformat(),
        "last_fetch_at": indexed.isoformat(),
        "last_fetch_error": "fatal: could not read from remote",
    }
    assert new == {
        "name": "new",
        "last_indexed_commit": None,
        "indexed_at": None,
        "index_age_seconds": None,
        "last_fetch_at": None,
        "last_fetch_error": None,
    }
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_is_never_redirected_to_https(client, settings):
    """A load balancer probes over plain HTTP; every other page goes to HTTPS."""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/timeline/").status_code == 301


PROBE_TWICE = """
import io
from adrsite.wsgi import application
for _ in range(2):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/healthz", "SERVER_NAME": "localhost",
               "SERVER_PORT": "80", "HTTP_HOST": "localhost", "wsgi.input": io.BytesIO(),
               "wsgi.errors": io.StringIO(), "wsgi.url_scheme": "http"}
    body = b"".join(application(environ, lambda status, headers: print(status)))
    print(body.decode())
"""


def test_healthz_answers_503_when_the_database_does_not(tmp_path):
    env = clean_env(tmp_path, {"DATABASE_URL": "postgres://ada:s3cret@127.0.0.1:1/adr"})
    result = subprocess.run(
        [sys.executable, "-c", PROBE_TWICE], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0::2] == ["503 Service Unavailable"] * 2
    for body in lines[1::2]:
        assert json.loads(body) == {
            "status": "unavailable",
            "database": "the database does not answer",
        }
    line = (
        "adrsite: /healthz: DATABASE_URL: cannot connect to postgres://ada:…@127.0.0.1:1/adr: "
        "connection refused"
    )
    assert result.stderr.splitlines().count(line) == 2, result.stderr
    assert "s3cret" not in result.stderr

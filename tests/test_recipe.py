"""The production recipe end to end (README, "Sharing with a team"; issue 13): PostgreSQL,
gunicorn with two workers and `adr worker`, a repository added by URL, then a push and its
signed webhook shown on the decision page within seconds; a forged webhook changes nothing.

The processes run as the recipe runs them, on pytest-django's test database (committed rows:
transactional), with the recipe's environment file; the test stands in for the TLS-ending
proxy (Host and X-Forwarded-Proto) and the git host (a bare repository over file://).
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.gitrepo import Repo
from tests.test_hosts import served
from tests.test_production import recipe_env
from tests.test_worker import database_url

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres_only]

BIN = Path(sys.executable).parent
SECRET = "the-hooks-secret"
HOST = "adr.example.com"  # the recipe's ALLOWED_HOSTS
STATUS = re.compile(r'<dt>Status</dt><dd><span class="badge status-([\w-]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def always(condition: Callable[[], bool], seconds: float) -> bool:
    """True if `condition` holds at every look for `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not condition():
            return False
        time.sleep(0.2)
    return condition()


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process's group (gunicorn's workers too), SIGKILL if it lingers."""
    for sig, grace in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            break
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            continue
    with contextlib.suppress(ProcessLookupError):  # a child left in the group (a git) goes too
        os.killpg(process.pid, signal.SIGKILL)


class Site:
    """The gunicorn site, asked as the proxy in front of it asks."""

    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.headers = {"Host": HOST, "X-Forwarded-Proto": "https"}

    def get(self, path: str) -> requests.Response:
        return requests.get(
            self.base + path, headers=self.headers, timeout=10, allow_redirects=False
        )

    def answers(self) -> bool:
        try:
            return self.get("/healthz").status_code == 200
        except requests.ConnectionError:
            return False

    def status(self, path: str) -> str | None:
        """The status a decision page shows; None when there is no such page."""
        page = self.get(path)
        if page.status_code == 404:
            return None
        assert page.status_code == 200, page.status_code
        found = STATUS.search(page.text)
        assert found, page.text[:2000]
        return found.group(1)

    def push_hook(self, body: bytes, key: str) -> requests.Response:
        signature = "sha256=" + hmac.new(key.encode(), body, hashlib.sha256).hexdigest()
        headers = {
            **self.headers,
            "Content-Type": "application/json",
            "X-GitHub-Event": "push",
            "X-GitHub-Delivery": str(uuid.uuid4()),
            "X-Hub-Signature-256": signature,
        }
        return requests.post(self.base + "/hooks/github/team/", body, headers=headers, timeout=10)


def decision(repo: Repo, number: int, title: str, status: str, extra: str = "") -> str:
    slug = f"{number:04d}-{title.lower().replace(' ', '-')}"
    repo.write(f"adr/{slug}.md", f"---\nstatus: {status}\n{extra}---\n# {title}\n\nWhy.\n")
    return f"/decisions/team/{slug}/"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    # The README's environment file, on the test database. Login off: who may read is
    # tests/test_login.py's subject; here the page is read as no one. A HOME of the test's
    # own, as a service user has: gunicorn (23+) makes its control socket in ~/.gunicorn,
    # which two runs at once would otherwise share.
    home = tmp_path / "home"
    home.mkdir()
    return recipe_env(
        tmp_path, DATABASE_URL=database_url(), ADRSITE_LOGIN_REQUIRED="false", HOME=str(home)
    )


@pytest.fixture
def started(tmp_path: Path) -> Iterator[Callable[..., tuple[subprocess.Popen, Path]]]:
    """Start a long-running process in its own group, its output in a log; stopped at the end."""
    processes: list[subprocess.Popen] = []

    def start(name: str, command: list[str], env: dict[str, str]) -> tuple[subprocess.Popen, Path]:
        log = tmp_path / f"{name}.log"
        with log.open("w") as output:
            process = subprocess.Popen(
                command, env=env, cwd=tmp_path, stdin=subprocess.DEVNULL,
                stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        processes.append(process)
        return process, log

    try:
        yield start
    finally:
        for process in processes:
            stop(process)


def run(env: dict[str, str], *command: str) -> None:
    result = subprocess.run(
        command, env=env, cwd=env["XDG_DATA_HOME"].rpartition("/")[0],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_signed_push_shows_on_the_decision_page_and_a_forged_one_changes_nothing(
    tmp_path, env, started
):
    # Step 4 of the recipe, then step 5: the repository by URL, its webhook secret its own.
    run(env, str(BIN / "adr"), "migrate")
    run(env, sys.executable, "-m", "django", "collectstatic", "--noinput")
    work = Repo(tmp_path / "work")
    postgres = decision(work, 1, "Use Postgres", "accepted")
    work.commit("Postgres")
    server = tmp_path / "host" / "team.git"
    url = served(work, server)
    run(env, str(BIN / "adr"), "repo", "add", "team", url, "--secret", SECRET)

    # Step 6: the processes.
    port = free_port()
    gunicorn = [str(BIN / "gunicorn"), "adrsite.wsgi", "--workers", "2"]
    _, site_log = started("gunicorn", [*gunicorn, "--bind", f"127.0.0.1:{port}"], env)
    _, worker_log = started("worker", [str(BIN / "adr"), "worker"], env)
    site = Site(port)

    def logs() -> str:
        return f"gunicorn:\n{site_log.read_text()}\nworker:\n{worker_log.read_text()}"

    assert wait_until(site.answers, seconds=30), logs()
    assert wait_until(lambda: site_log.read_text().count("Booting worker") == 2, 10), logs()
    assert site.status(postgres) == "accepted"

    # A push that supersedes ADR 1, and the host's signed webhook: shown within seconds.
    decision(work, 1, "Use Postgres", "superseded", "superseded-by: [2]\n")
    cockroach = decision(work, 2, "Use CockroachDB", "accepted")
    work.commit("CockroachDB replaces Postgres")
    work.git("push", "-q", str(server), "main")
    body = json.dumps({"ref": "refs/heads/main"}).encode()
    answer = site.push_hook(body, SECRET)
    assert answer.status_code == 202, answer.text
    assert wait_until(lambda: site.status(postgres) == "superseded", seconds=10), logs()
    assert site.status(cockroach) == "accepted"

    # Another push, announced by a webhook signed with the wrong key: refused, nothing queued,
    # the pushed change stays unindexed.
    decision(work, 2, "Use CockroachDB", "superseded", "superseded-by: [3]\n")
    sqlite = decision(work, 3, "Use SQLite", "accepted")
    work.commit("SQLite replaces CockroachDB")
    work.git("push", "-q", str(server), "main")
    forged = site.push_hook(body, "not-" + SECRET)
    assert forged.status_code == 403, forged.text

    def unchanged() -> bool:
        return site.status(cockroach) == "accepted" and site.status(sqlite) is None

    assert always(unchanged, seconds=4), logs()

    # The same push, signed: the worker was listening all along.
    assert site.push_hook(body, SECRET).status_code == 202
    assert wait_until(lambda: site.status(sqlite) == "accepted", seconds=10), logs()
    assert site.status(cockroach) == "superseded"

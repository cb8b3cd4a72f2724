"""A real git repository for tests: commits with fixed, increasing dates and chosen authors."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

TEMPLATE = "---\nstatus: {status}\n---\n# {title}\n\n## Context\n\n{body}\n"


@functools.cache
def empty_home() -> str:
    """A HOME with nothing in it, made once a test run: no ~/.gitconfig, no ~/.config/git/."""
    home = tempfile.mkdtemp(prefix="adrsite-tests-home-")
    atexit.register(shutil.rmtree, home, ignore_errors=True)
    return home


def git_isolation() -> dict[str, str]:
    """Variables that keep git from reading any configuration but the repository's own.

    A developer's ~/.gitconfig (diff.renames, commit.gpgsign, init.defaultBranch,
    core.hooksPath ...) or the system's would otherwise change what the tests see,
    as tests/test_transcripts.py's environment already prevents for `adr` there.
    """
    home = empty_home()
    return {
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
        "XDG_CONFIG_HOME": os.path.join(home, ".config"),  # git/ignore, git/attributes
    }


def git_env(**variables: str) -> dict[str, str]:
    """The environment for a git or `adr` process a test starts: this process's without
    its GIT_* variables, isolated from every git configuration but the repository's, in
    an empty HOME, with `variables` on top."""
    inherited = {key: value for key, value in os.environ.items() if not key.startswith("GIT_")}
    return {**inherited, "HOME": empty_home(), **git_isolation(), **variables}


class Repo:
    """A git repository in a temporary folder, committing with fixed, increasing dates."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.day = 0
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, author: str = "Ada Lovelace <ada@example.com>") -> str:
        name, email = author[:-1].split(" <")
        stamp = (datetime(2026, 1, 1, 9, tzinfo=UTC) + timedelta(days=self.day)).isoformat()
        env = git_env(
            GIT_AUTHOR_NAME=name,
            GIT_AUTHOR_EMAIL=email,
            GIT_COMMITTER_NAME=name,
            GIT_COMMITTER_EMAIL=email,
            GIT_AUTHOR_DATE=stamp,
            GIT_COMMITTER_DATE=stamp,
        )
        result = subprocess.run(
            ["git", *args], cwd=self.path, env=env, capture_output=True, check=True, text=True
        )
        return result.stdout.strip()

    def write(self, name: str, text: str | bytes) -> None:
        path = self.path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())

    def commit_object(self, header: bytes, message: bytes) -> str:
        """A commit object written as given (the tree of the index, then `header`), for bytes
        and headers that `git commit` would refuse; HEAD is moved to it."""
        raw = f"tree {self.git('write-tree')}\n".encode() + header + b"\n" + message
        sha = subprocess.run(
            ["git", "hash-object", "-t", "commit", "-w", "--literally", "--stdin"],
            cwd=self.path, input=raw, env=git_env(), capture_output=True, check=True,
        ).stdout.decode().strip()  # fmt: skip
        self.git("reset", "-q", "--soft", sha)
        return sha

    def stage(self, path: str, text: str | bytes) -> None:
        """Put a file in the index only, never on disk: for paths no file system takes
        (git keeps a path of any length; Linux refuses one over 4,096 bytes). Commit it
        with `commit(..., add=False)`."""
        data = text if isinstance(text, bytes) else text.encode()
        blob = subprocess.run(
            ["git", "hash-object", "-w", "--stdin"],
            cwd=self.path, input=data, env=git_env(), capture_output=True, check=True,
        ).stdout.decode().strip()  # fmt: skip
        self.git("update-index", "--add", "--cacheinfo", f"100644,{blob},{path}")

    def commit(self, message: str, *, add: bool = True, **kwargs: str) -> str:
        """Commit everything on disk (`add`), or only what the index holds."""
        self.day += 1
        if add:
            self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, **kwargs)
        return self.git("rev-parse", "HEAD")


def adr(title: str, status: str = "proposed", body: str = "Why we chose it.") -> str:
    return TEMPLATE.format(title=title, status=status, body=body)


def team_log(repo: Repo) -> Repo:
    """A fixture decision log for the site's tests, so that writing an ADR of our own never
    breaks them: ADR 1 with two revisions; 10 (about Flask) superseded by 11; 12 about JWT;
    13 about safemigrate; 14 accepted with a rule."""
    repo.write("adr/0001-record-architecture-decisions.md", adr("Record architecture decisions"))
    repo.commit("Propose recording decisions")
    repo.write(
        "adr/0001-record-architecture-decisions.md",
        adr("Record architecture decisions", "accepted", body="We record each decision here."),
    )
    repo.write(
        "adr/0010-mount-flask-inside-django.md",
        adr("Mount Flask inside Django", "accepted", body="Django serves the Flask app."),
    )
    repo.commit("Accept recording decisions; mount Flask")
    repo.write(
        "adr/0012-jwt-carries-identity-across.md",
        adr("JWT carries identity across", "accepted", body="A JWT from Django for Flask."),
    )
    repo.write(
        "adr/0013-safemigrate-fakes-existing-tables.md",
        adr("Safemigrate fakes existing tables", "accepted", body="Tables Django already has."),
    )
    repo.write(
        "adr/0014-unidirectional-flow.md",
        "---\nstatus: accepted\n"
        'rule: "Django may call Flask; Flask never calls Django."\n---\n'
        "# Unidirectional flow\n\nA lower layer never imports a higher one.\n",
    )
    repo.commit("Identity, migrations and the flow rule")
    repo.write(
        "adr/0010-mount-flask-inside-django.md",
        adr("Mount Flask inside Django", "superseded", body="Django serves the Flask app."),
    )
    repo.write(
        "adr/0011-django-proxies-unported-endpoints-to-flask.md",
        "---\nstatus: accepted\nsupersedes: [10]\n---\n"
        "# Django proxies unported endpoints to Flask\n\nFlask runs beside Django.\n",
    )
    repo.commit("Proxy to Flask instead of mounting it")
    return repo

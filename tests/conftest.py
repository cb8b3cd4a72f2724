"""Shared fixtures: a folder of decisions for the site, settings pointed at it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.gitrepo import Repo, git_isolation

ROOT = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """`./dev test` runs the PostgreSQL tests with ADRSITE_TEST_POSTGRES=1: never on SQLite."""
    if os.environ.get("ADRSITE_TEST_POSTGRES") == "1":
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            raise pytest.UsageError(f"ADRSITE_TEST_POSTGRES=1 but DATABASE_URL is {engine}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests about PostgreSQL itself are left out of the SQLite run (deselected, not skipped)."""
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return
    kept = [item for item in items if not item.get_closest_marker("postgres_only")]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[i for i in items if i not in kept])
        items[:] = kept


@pytest.fixture(autouse=True, scope="session")
def git_reads_only_the_repositorys_configuration():
    """git started in this process (the indexer, `adr` commands run in-process) reads no
    ~/.gitconfig nor system configuration; tests/gitrepo.git_env does it for processes
    the tests start themselves."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in git_isolation().items():
            patch.setenv(name, value)
        yield


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    """An empty git repository on branch main (see tests/gitrepo.py)."""
    return Repo(tmp_path / "repo")


@pytest.fixture
def git_processes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The git subcommands started from here on ("log", "cat-file", ...), in order."""
    import git

    started: list[str] = []
    real_popen = git.cmd.safer_popen

    def counting_popen(command, *args, **kwargs):
        started.append(next(part for part in command[1:] if not part.startswith("-")))
        return real_popen(command, *args, **kwargs)

    monkeypatch.setattr(git.cmd, "safer_popen", counting_popen)
    return started


@pytest.fixture(autouse=True)
def site_open_to_anonymous(settings) -> None:
    """The site's tests read pages as no one, as `adr serve` serves them; tests/test_login.py
    turns ADRSITE_LOGIN_REQUIRED back on (its default) and signs in explicitly."""
    settings.ADRSITE_LOGIN_REQUIRED = False

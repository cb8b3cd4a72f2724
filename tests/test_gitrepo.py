"""The tests' git reads only the repository's own configuration, never a developer's."""

from __future__ import annotations

from pathlib import Path

import git
import pytest

from tests import test_check
from tests.gitrepo import Repo

HOSTILE = (
    "[commit]\n\tgpgsign = true\n"  # no key here: every commit would fail
    "[diff]\n\trenames = false\n"
    "[user]\n\tname = Mallory\n"
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A developer's HOME whose git configuration would change what the tests see."""
    home = tmp_path / "home"
    (home / ".config" / "git").mkdir(parents=True)
    (home / ".gitconfig").write_text(HOSTILE)
    (home / ".config" / "git" / "config").write_text(HOSTILE)
    monkeypatch.setenv("HOME", str(home))
    return home


def origins(listing: str) -> set[str]:
    """Where `git config --list --show-origin`'s settings come from."""
    return {line.split("\t")[0] for line in listing.splitlines()}


def test_git_in_this_process_reads_no_user_configuration(tmp_path, home):
    repo = Repo(tmp_path / "repo")  # the indexer's GitPython, as `adr index` in-process runs it
    assert origins(git.Repo(repo.path).git.config("--list", "--show-origin")) == {
        "file:.git/config"
    }


@pytest.fixture
def users_git(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """As a developer's shell runs git, more so: even the system configuration is theirs."""
    for name in ("XDG_CONFIG_HOME", "GIT_CONFIG_GLOBAL", "GIT_CONFIG_NOSYSTEM"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("GIT_CONFIG_SYSTEM", str(home / ".gitconfig"))


def test_the_repo_helper_commits_and_reads_no_user_configuration(tmp_path, users_git):
    repo = Repo(tmp_path / "repo")
    repo.write("adr/0001-use-x.md", "# Use X\n")
    repo.commit("Add X")  # signing would fail

    assert repo.git("log", "-1", "--format=%an") == "Ada Lovelace"
    assert origins(repo.git("config", "--list", "--show-origin")) == {"file:.git/config"}


def test_the_check_helpers_commit_and_read_no_user_configuration(tmp_path, users_git):
    root = test_check.new_project(tmp_path / "project")
    test_check.write(root, "0001-use-x.md", test_check.decision("Use X"))
    test_check.commit_all(root, "Add X")  # signing would fail

    assert test_check.git(root, "log", "-1", "--format=%an") == "Ada Lovelace\n"
    listing = test_check.git(root, "config", "--list", "--show-origin")
    assert origins(listing) == {"file:.git/config"}
    assert test_check.run_adr(root, "check").stdout == "1 decision: 0 errors, 0 warnings\n"

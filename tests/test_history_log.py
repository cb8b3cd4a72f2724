"""One `git log` read as git walks, replayed oldest first (history/log.py): framing, adds, ends."""

from __future__ import annotations

import subprocess

import pytest

from adrsite.history import log as log_module
from adrsite.history.git import GitHistory, HistoryError
from adrsite.history.log import _LogReader, _Scanner
from tests.gitrepo import adr

# Names a committer may give a file: a leading ":" (an entry's mark), a NUL-free "\n",
# a name that reads like a header, a rename's status letter.
ODD_NAMES = [":000000 100644 R100 A", "two\nlines", "0" * 40 + " " + "1" * 40, "R100", "A"]


def raw_log(repo, *places: str) -> bytes:
    command = ["git", "log", "--root", "--raw", "-z", "-M", "--no-abbrev", "--format=%H %P"]
    return subprocess.run(
        [*command, "--", *places], cwd=repo.path, capture_output=True, check=True
    ).stdout


def odd_history(repo) -> dict[str, str]:
    """Adds, edits, renames and deletes under odd names; the commits by message."""
    shas = {}
    for number, name in enumerate(ODD_NAMES, 1):
        repo.write(f"adr/{number:04d}-{name}.md", adr(f"Odd {number}"))
        shas[f"add {number}"] = repo.commit(f"add {number}")
    repo.write("adr/0001-" + ODD_NAMES[0] + ".md", adr("Odd 1", "accepted"))
    shas["edit"] = repo.commit("edit")
    repo.git("mv", "adr/0002-two\nlines.md", "adr/0002-" + ODD_NAMES[3] + ".md")
    shas["rename"] = repo.commit("rename")
    repo.git("rm", "-q", "adr/0005-A.md")
    shas["delete"] = repo.commit("delete")
    return shas


def test_the_scanner_frames_the_log_as_the_reader_does_wherever_reads_cut_it(repo):
    shas = odd_history(repo)
    log = raw_log(repo, "adr")
    reader = _LogReader()
    whole = [*reader.feed(log.split(b"\0")), *reader.finish()]
    assert [commit.sha for commit in whole] == [
        shas[m] for m in ["delete", "rename", "edit", "add 5", "add 4", "add 3", "add 2", "add 1"]
    ]

    for size in [1, 2, 3, 7, 41, 64, 1000, len(log)]:
        scanner = _Scanner()
        adding = []
        for at in range(0, len(log), size):
            adding += scanner.feed(log[at : at + size])
        adding += scanner.finish()
        # The commits that add a file, newest first; each commit's bytes parse alone to it.
        assert adding == [shas[f"add {n}"] for n in (5, 4, 3, 2, 1)], size
        ends = [*scanner.starts[1:], len(log)]
        alone = []
        for start, end in zip(scanner.starts, ends, strict=True):
            one = _LogReader()
            alone += [*one.feed(log[start:end].split(b"\0")), *one.finish()]
        assert alone == whole, size


def test_a_log_is_replayed_oldest_first_and_names_its_adding_commits_newest_first(repo):
    shas = odd_history(repo)
    with GitHistory(repo.path, "adr") as history:
        assert list(history.commits_adding()) == [shas[f"add {n}"] for n in (5, 4, 3, 2, 1)]
        # The same walk serves the pass that follows: one git log in all.
        commits = list(history.commits())
    assert [c.message for c in commits] == [
        "add 1", "add 2", "add 3", "add 4", "add 5", "edit", "rename", "delete",
    ]  # fmt: skip
    renamed = commits[6].changes[0]
    assert (renamed.old_path, renamed.path) == ("adr/0002-two\nlines.md", "adr/0002-R100.md")
    assert commits[0].changes[0].path == "adr/0001-" + ODD_NAMES[0] + ".md"


def test_a_log_with_no_commits_replays_none(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    since = repo.commit("Add")
    repo.write("src/app.py", "print()")
    repo.commit("Code only")
    with GitHistory(repo.path, "adr") as history:
        assert list(history.commits_adding(since)) == []
        assert list(history.commits(since)) == []


def test_a_walk_that_fails_is_a_history_error_for_its_reader(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Add")
    with GitHistory(repo.path, "adr") as history, pytest.raises(HistoryError, match="git log"):
        list(history.commits("0" * 40))  # no such commit: git says so, and so do we


def test_the_adding_commits_can_be_asked_again_and_the_walk_still_replays(repo):
    shas = odd_history(repo)
    with GitHistory(repo.path, "adr") as history:
        first = list(history.commits_adding())
        # Asked again (another round, a second caller): the same, not a wait for more.
        assert (
            list(history.commits_adding()) == first == [shas[f"add {n}"] for n in (5, 4, 3, 2, 1)]
        )
        assert len(list(history.commits())) == 8


@pytest.mark.parametrize("span", [1, 300, 1 << 18])
def test_the_log_is_read_back_in_spans_in_the_same_order(repo, monkeypatch, span):
    shas = odd_history(repo)
    monkeypatch.setattr(log_module, "_SPAN", span)  # a span of one commit, of a few, of all
    with GitHistory(repo.path, "adr") as history:
        replayed = [commit.sha for commit in history.commits()]
    assert replayed == [
        shas[m] for m in ["add 1", "add 2", "add 3", "add 4", "add 5", "edit", "rename", "delete"]
    ]

"""Reading an ADR folder's history from git: real repositories, fixed dates, two git processes."""

from __future__ import annotations

import gc
import threading
import time
from datetime import UTC, datetime

import git
import pytest

from adrsite.history.git import (
    ADDED,
    DELETED,
    MODIFIED,
    RENAMED,
    GitHistory,
    HistoryError,
)
from adrsite.history.moves import origin
from adrsite.history.plumbing import _Process
from tests.gitrepo import adr


def changes(history: GitHistory, since: str | None = None, **options) -> list[tuple[str, list]]:
    return [
        (c.message, [(ch.status, ch.path, ch.old_path) for ch in c.changes])
        for c in history.commits(since, **options)
    ]


def test_commits_stream_oldest_first_with_author_dates_message_and_blobs(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    first = repo.commit("Propose X\n\nBecause.")
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    repo.write("README.md", "not an ADR change")
    second = repo.commit("Accept X", author="Grace Hopper <grace@example.com>")
    repo.write("src/app.py", "print()")
    repo.commit("Unrelated")

    with GitHistory(repo.path, "adr") as history:
        commits = list(history.commits())
        assert [c.sha for c in commits] == [first, second]
        assert [(c.author, c.author_email, c.message) for c in commits] == [
            ("Ada Lovelace", "ada@example.com", "Propose X\n\nBecause."),
            ("Grace Hopper", "grace@example.com", "Accept X"),
        ]
        assert commits[0].authored_at == datetime(2026, 1, 2, 9, tzinfo=UTC)
        assert commits[1].parents == (first,)
        assert [(ch.status, ch.path) for ch in commits[1].changes] == [
            (MODIFIED, "adr/0001-use-x.md")
        ]
        assert history.blob(commits[1].changes[0].blob) == adr("Use X", "accepted").encode()
        assert history.head == repo.git("rev-parse", "HEAD")


@pytest.mark.parametrize("renames", [None, "false"])
def test_a_rename_with_and_without_edits_is_the_same_file(repo, renames):
    # git log follows renames by default only: the reader must ask for it (-M), so it
    # holds too when the repository turns rename detection off.
    if renames is not None:
        repo.git("config", "diff.renames", renames)
    repo.write("adr/0001-use-x.md", adr("Use X", body="A long body. " * 20))
    repo.commit("Add")
    repo.git("mv", "adr/0001-use-x.md", "adr/0001-use-y.md")
    repo.commit("Rename")
    repo.git("mv", "adr/0001-use-y.md", "adr/0002-use-y.md")
    repo.write("adr/0002-use-y.md", adr("Use Y", "accepted", body="A long body. " * 20))
    repo.commit("Renumber and accept")

    with GitHistory(repo.path, "adr") as history:
        commits = list(history.commits())
    assert [(ch.status, ch.path, ch.old_path) for c in commits for ch in c.changes] == [
        (ADDED, "adr/0001-use-x.md", ""),
        (RENAMED, "adr/0001-use-y.md", "adr/0001-use-x.md"),
        (RENAMED, "adr/0002-use-y.md", "adr/0001-use-y.md"),
    ]
    assert commits[1].changes[0].similarity == 100
    assert 50 <= commits[2].changes[0].similarity < 100


def test_a_new_adr_from_the_same_template_is_added_not_a_copy(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("X")
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    repo.commit("Y")
    with GitHistory(repo.path, "adr") as history:
        assert changes(history)[1] == ("Y", [(ADDED, "adr/0002-use-y.md", "")])


def test_history_follows_the_folder_when_it_moved(repo):
    repo.write("doc/adr/0001-use-x.md", adr("Use X"))
    repo.commit("Add X")
    repo.git("mv", "doc", "docs")
    repo.commit("Move the folder")

    with GitHistory(repo.path, "docs/adr") as history:
        # The folder's own log sees the move as an add; the commit, diffed whole, as a move.
        (moved,) = history.commits()
        assert [(ch.status, ch.path) for ch in moved.changes] == [(ADDED, "docs/adr/0001-use-x.md")]
        (move,) = history.moves_into([moved.sha], ["docs/adr"])
        assert (move.source, move.target, move.copy) == (
            "doc/adr/0001-use-x.md",
            "docs/adr/0001-use-x.md",
            False,
        )
        assert origin(move, "docs/adr", ["docs/adr"]) == "doc/adr"
        assert changes(history, places=["docs/adr", "doc/adr"]) == [
            ("Add X", [(ADDED, "doc/adr/0001-use-x.md", "")]),
            ("Move the folder", [(RENAMED, "docs/adr/0001-use-x.md", "doc/adr/0001-use-x.md")]),
        ]
        assert history.files_at_head().keys() == {"docs/adr/0001-use-x.md"}


def test_a_deletion_keeps_the_blob_it_deleted(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Add")
    repo.git("rm", "-q", "adr/0001-use-x.md")
    repo.commit("Drop")
    with GitHistory(repo.path, "adr") as history:
        deleted = list(history.commits())[1].changes[0]
        assert (deleted.status, deleted.path) == (DELETED, "adr/0001-use-x.md")
        assert history.blob(deleted.blob) == adr("Use X").encode()
        assert history.files_at_head() == {}


def test_commits_on_a_merged_side_branch_are_in_the_history(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Main 1")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    repo.commit("Side 1")
    repo.git("checkout", "-q", "main")
    repo.write("adr/0003-use-z.md", adr("Use Z"))
    repo.commit("Main 2")
    repo.git("merge", "-q", "--no-edit", "side")

    with GitHistory(repo.path, "adr") as history:
        added = sorted(ch.path for c in history.commits() for ch in c.changes)
        assert added == ["adr/0001-use-x.md", "adr/0002-use-y.md", "adr/0003-use-z.md"]
        assert set(history.files_at_head()) == set(added)


def test_authors_are_read_through_the_mailmap(repo):
    repo.write(".mailmap", "Ada Lovelace <ada@example.com> <ada@old.example.com>\n")
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Add", author="ada <ada@old.example.com>")
    with GitHistory(repo.path, "adr") as history:
        commit = next(history.commits())
    assert (commit.author, commit.author_email) == ("Ada Lovelace", "ada@example.com")


def test_only_commits_after_since_are_read_and_a_dropped_commit_is_no_ancestor(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    first = repo.commit("One")
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    second = repo.commit("Two")
    with GitHistory(repo.path, "adr") as history:
        assert [m for m, _ in changes(history, since=first)] == ["Two"]
        assert history.is_ancestor(first)
    repo.git("reset", "-q", "--hard", first)  # a force-push drops "Two"
    repo.write("adr/0003-use-z.md", adr("Use Z"))
    repo.commit("Three")
    with GitHistory(repo.path, "adr") as history:
        assert not history.is_ancestor(second)


def test_an_empty_repository_has_no_head_and_no_history(repo):
    with GitHistory(repo.path, "adr") as history:
        assert (history.head, list(history.commits()), history.files_at_head()) == (None, [], {})


def test_a_folder_that_is_not_a_repository_is_a_clear_error(tmp_path):
    with pytest.raises(HistoryError, match="not a git repository"):
        GitHistory(tmp_path, "adr")


def test_a_shallow_clone_is_detected(repo, tmp_path):
    for number in (1, 2):
        repo.write(f"adr/000{number}-x.md", adr(f"X {number}"))
        repo.commit(f"Commit {number}")
    clone = tmp_path / "shallow"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone))
    with GitHistory(clone, "adr") as shallow, GitHistory(repo.path, "adr") as full:
        assert (shallow.shallow, full.shallow) == (True, False)


def test_odd_bytes_big_blobs_symlinks_and_odd_names_are_read_as_they_are(repo):
    big = b"# Big\n" + b"x" * (5 * 1024 * 1024)
    repo.write("adr/0001-latin1.md", b"# Caf\xe9\n")
    repo.write("adr/0002-big.md", big)
    repo.write("adr/0003 space, comma.md", adr("Odd name"))
    (repo.path / "adr" / "0004-link.md").symlink_to("0001-latin1.md")
    repo.commit("Odd files")
    with GitHistory(repo.path, "adr") as history:
        found = {ch.path: ch.blob for ch in next(history.commits()).changes}
        assert set(found) == {"adr/0001-latin1.md", "adr/0002-big.md", "adr/0003 space, comma.md"}
        assert history.blob(found["adr/0001-latin1.md"]) == b"# Caf\xe9\n"
        assert history.blob(found["adr/0002-big.md"]) == big


def test_any_history_costs_two_git_processes(repo, git_processes):
    for number in range(1, 41):
        repo.write(f"adr/{number:04d}-x.md", adr(f"X {number}"))
        repo.write(f"adr/{number:04d}-y.md", adr(f"Y {number}")) if number % 2 else None
        repo.commit(f"Commit {number}")
    git_processes.clear()
    with GitHistory(repo.path, "adr") as history:
        commits = list(history.commits())
        contents = [history.blob(ch.blob) for c in commits for ch in c.changes]
    assert (len(commits), len(contents)) == (40, 60)
    assert git_processes == ["log", "cat-file"]

    git_processes.clear()
    with GitHistory(repo.path, "adr") as history:
        read_ahead = [
            (commit, [found[ch.blob] for ch in commit.changes])
            for commit, found in history.commits_with_blobs(wanted=lambda change: True)
        ]
    # Read ahead by a thread, several commits per round trip: the same commits, the same bytes.
    assert [commit for commit, _ in read_ahead] == commits
    assert [blob for _, blobs in read_ahead for blob in blobs] == contents
    assert git_processes == ["log", "cat-file"]


def test_read_ahead_fetches_only_the_wanted_blobs(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.write("adr/README.md", "# Log\n")
    repo.commit("Add")
    with GitHistory(repo.path, "adr") as history:
        (commit, found), *_ = history.commits_with_blobs(
            wanted=lambda change: change.path.endswith("-use-x.md")
        )
    wanted = next(ch.blob for ch in commit.changes if ch.path == "adr/0001-use-x.md")
    assert found == {wanted: adr("Use X").encode()}


def test_the_read_ahead_hands_each_wanted_blob_to_on_blob_before_its_commit(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.write("adr/README.md", "# Log\n")
    repo.commit("Add")
    repo.write("adr/0001-use-x.md", adr("Use X", status="accepted"))
    repo.git("rm", "-q", "adr/README.md")
    repo.commit("Accept")
    handed: dict[str, tuple[str, bytes]] = {}  # blob -> (path, bytes)
    with GitHistory(repo.path, "adr") as history:
        for commit, found in history.commits_with_blobs(
            wanted=lambda change: change.path != "adr/README.md",
            on_blob=lambda change, data: handed.setdefault(change.blob, (change.path, data)),
        ):
            # Already handed over, in the reading thread, with the bytes the caller gets.
            assert {blob: handed[blob][1] for blob in found} == found
            assert {ch.blob for ch in commit.changes if ch.path != "adr/README.md"} <= set(found)
    # Each wanted change once: never the README, nor the delete of it.
    assert list(handed.values()) == [
        ("adr/0001-use-x.md", adr("Use X").encode()),
        ("adr/0001-use-x.md", adr("Use X", status="accepted").encode()),
    ]


def test_stopping_the_read_ahead_early_ends_its_thread_and_git_log(repo):
    for number in range(1, 80):
        repo.write(f"adr/{number:04d}-x.md", adr(f"X {number}"))
        repo.commit(f"Commit {number}")
    with GitHistory(repo.path, "adr") as history:
        stream = history.commits_with_blobs(wanted=lambda change: True)
        assert next(stream)[0].message == "Commit 1"
        stream.close()
        assert not [t for t in threading.enumerate() if t.name.startswith("adrsite-history")]
        last = list(history.commits_with_blobs(wanted=lambda change: True))[-1]
        assert last[0].message == "Commit 79"


def test_a_read_ahead_dropped_without_closing_ends_its_thread(repo):
    for number in range(1, 200):  # more than the read-ahead holds: its thread waits to hand over
        repo.write(f"adr/{number:04d}-x.md", adr(f"X {number}"))
        repo.commit(f"Commit {number}")
    with GitHistory(repo.path, "adr") as history:
        stream = history.commits_with_blobs(wanted=lambda change: True)
        assert next(stream)[0].message == "Commit 1"
        del stream
        gc.collect()
        for _ in range(50):
            if not [t for t in threading.enumerate() if t.name == "adrsite-history-read-ahead"]:
                break
            time.sleep(0.1)
        assert not [t for t in threading.enumerate() if t.name == "adrsite-history-read-ahead"]


def test_a_failure_while_reading_ahead_is_raised_to_the_caller(repo, monkeypatch):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Add")
    with GitHistory(repo.path, "adr") as history:

        def broken(shas):
            raise HistoryError("git cat-file: gone")

        monkeypatch.setattr(history, "blobs", broken)
        with pytest.raises(HistoryError, match="gone"):
            list(history.commits_with_blobs(wanted=lambda change: True))


def test_stopping_early_ends_the_git_log_process(repo):
    for number in range(1, 4):
        repo.write(f"adr/{number:04d}-x.md", adr(f"X {number}"))
        repo.commit(f"Commit {number}")
    with GitHistory(repo.path, "adr") as history:
        stream = history.commits()
        assert next(stream).message == "Commit 1"
        stream.close()
        assert [c.message for c in history.commits()][-1] == "Commit 3"


def test_head_is_read_from_packed_refs_and_a_detached_head(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    first = repo.commit("One")
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    second = repo.commit("Two")
    repo.git("pack-refs", "--all")
    with GitHistory(repo.path, "adr") as history:
        assert history.head == second
    repo.git("checkout", "-q", "--detach", first)
    with GitHistory(repo.path, "adr") as history:
        assert history.head == first
        assert [c.message for c in history.commits()] == ["One"]


def test_a_missing_object_is_an_error_and_closing_after_it_never_hangs(repo):
    for number in range(1, 101):
        repo.write(f"adr/{number:04d}-x.md", adr(f"X {number}", body="x" * 4000))
    repo.commit("Many")
    with GitHistory(repo.path, "adr") as history:
        shas = list(history.files_at_head().values())
        finished = threading.Event()

        def read() -> None:
            with pytest.raises(HistoryError, match="missing"):
                history.blobs(["0" * 40, *shas])  # the answers after the error stay unread
            history.close()
            finished.set()

        threading.Thread(target=read, daemon=True).start()
        assert finished.wait(10), "close() hung on a cat-file with unread answers"


def test_a_commit_object_is_read_as_git_reads_it(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Add")
    sha = repo.commit_object(
        b"author Ada Lovelace <ada@example.com> 1767261600 +0100\n"
        b"author The CTO <cto@example.com> 1577836800 +0000\n"
        b"committer Ada Lovelace <ada@example.com> 1767261600 +0100\nencoding ISO-8859-1\n",
        "Café décidé\n".encode("latin-1"),
    )
    with GitHistory(repo.path, "adr") as history:
        commit = history.commit(sha)
    # The first author line is the author; the message is decoded as its header says.
    assert (commit.author, commit.message) == ("Ada Lovelace", "Café décidé")
    assert commit.authored_at.isoformat() == "2026-01-01T11:00:00+01:00"


def test_copy_detection_is_asked_only_of_the_commit_that_first_fills_a_place(repo, monkeypatch):
    repo.write("adr/template.md", "# Title\n")
    repo.write("adr/0001-use-x.md", adr("Use X"))
    first = repo.commit("adr init")
    for number in range(2, 12, 2):  # two decisions a commit, never a move
        repo.write(f"adr/{number:04d}-x.md", adr(f"X {number}", body=f"Why {number}."))
        repo.write(f"adr/{number + 1:04d}-x.md", adr(f"X {number + 1}", body=f"Why {number + 1}."))
        repo.commit(f"Add {number}")
    with GitHistory(repo.path, "adr") as history:
        asked = recorded_diff_trees(history, monkeypatch)
        assert list(history.discover(["adr"])) == [([], [])]
    # It reads a commit's whole tree: in a big repository, a second per commit.
    assert [commits for commits, options in asked if "-C" in options] == [[first]]


def recorded_diff_trees(history: GitHistory, monkeypatch) -> list[tuple[list[str], tuple]]:
    """(commits, options) of each `git diff-tree` the history asks from here on."""
    asked: list[tuple[list[str], tuple]] = []
    real = history._diff_tree

    def recording(commits, *options):
        commits = list(commits)
        asked.append((commits, options))
        return real(commits, *options)

    monkeypatch.setattr(history, "_diff_tree", recording)
    return asked


def test_a_git_process_without_its_process_or_a_pipe_is_a_history_error(repo):
    with GitHistory(repo.path, "adr") as history:
        with pytest.raises(HistoryError, match=r"^git log could not be started$"):
            _Process(git.cmd.Git.AutoInterrupt(None, ["git", "log"]), "log")
        with pytest.raises(HistoryError, match=r"^git version could not be started$"):
            _Process("git version 2.47.0", "version")  # what a command without as_process gives
        started = _Process(history.repo.git.version(as_process=True), "version")
        assert started.stdout.read().startswith(b"git version")
        with pytest.raises(HistoryError, match=r"^git version has no pipe for its input$"):
            started.stdin  # noqa: B018 (the property checks)
        started.kill()

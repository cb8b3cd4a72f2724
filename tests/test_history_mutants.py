"""Histories that the tests of issue 8 left unchecked: each one fails on a deliberate
breakage of the git-history reader or the indexer that every other test let through.

Same style as tests/test_real_histories.py: a small git history built in the test,
then exact facts (created commit, authors, revisions, paths).
"""

from __future__ import annotations

import subprocess

import pytest

from adrsite.decisions.models import Decision, Repository
from adrsite.history.git import GitHistory, HistoryError, Move
from tests.gitrepo import Repo, adr
from tests.test_history import recorded_diff_trees
from tests.test_real_histories import (
    ADA,
    GRACE,
    KEN,
    LINUS,
    body,
    current,
    history,
    index,
    mv,
    snapshot,
)

pytestmark = [pytest.mark.django_db, pytest.mark.also_postgres]


def lines(topic: str, count: int = 20) -> str:
    """A body of `count` distinct lines: similarity is then counted line by line."""
    return "".join(f"Line {n} about {topic}, with reasons of its own.\n" for n in range(count))


def craft_commit(repo: Repo, header_author: bytes, message: bytes = b"crafted\n") -> str:
    """A commit on top of HEAD with the index's tree, its author line written by hand."""
    repo.day += 1
    repo.git("add", "-A")
    parent = repo.git("rev-parse", "HEAD")
    return repo.commit_object(
        f"parent {parent}\n".encode() + b"author " + header_author + b"\n"
        b"committer Ada Lovelace <ada@example.com> 1893456000 +0000\n",  # 2030: after the rest
        message,
    )


# --- the reader ----------------------------------------------------------------


def test_a_root_commit_followed_by_others_is_read_whatever_log_show_root_says(repo):
    # With HEAD the root commit, reconciling with HEAD hides a log that skips the root.
    repo.git("config", "log.showRoot", "false")
    repo.write("adr/0001-use-x.md", adr("Use X"))
    added = repo.commit("The first commit", author=ADA)
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    accepted = repo.commit("Accept", author=GRACE)

    index(repo, "adr")

    x = current()["adr/0001-use-x.md"]
    assert (x.created_commit, x.authors) == (added, ["Ada Lovelace", "Grace Hopper"])
    assert [c for c, *_ in history(x)] == [added, accepted]


def test_an_edited_rename_is_found_whatever_diff_renames_says(repo):
    # The old name sorts first: read as a delete, then an add, it would split the lineage.
    repo.git("config", "diff.renames", "false")
    repo.write("adr/0001-use-x.md", adr("Use X", body=lines("X")))
    added = repo.commit("Add", author=ADA)
    mv(repo, "adr/0001-use-x.md", "adr/0001-use-y.md")
    repo.write("adr/0001-use-y.md", adr("Use Y", body=lines("X") + "One more line.\n"))
    renamed = repo.commit("Retitle and edit", author=GRACE)

    index(repo, "adr")

    (decision,) = Decision.objects.all()
    assert (decision.path, decision.created_commit) == ("adr/0001-use-y.md", added)
    assert [c for c, *_ in history(decision)] == [added, renamed]


def test_after_a_missing_object_the_next_read_gets_its_own_answer(repo):
    for number in range(1, 4):
        repo.write(f"adr/{number:04d}-x.md", adr(f"X {number}"))
    repo.commit("Three")
    with GitHistory(repo.path, "adr") as history:
        shas = sorted(history.files_at_head().values())
        with pytest.raises(HistoryError, match="missing"):
            history.blobs(["0" * 40, *shas])  # the answers after the error stay unread
        expected = repo.git("cat-file", "-p", shas[-1]).encode()
        assert history.blob(shas[-1]).rstrip(b"\n") == expected


def test_an_author_with_a_stray_angle_bracket_is_read_as_git_reads_it(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Add")
    sha = craft_commit(repo, b"A<B <x@example.com> 1767261600 +0000")
    name, email = repo.git("log", "-1", "--format=%an|%ae", sha).split("|")
    with GitHistory(repo.path, "adr") as history:
        commit = history.commit(sha)
    assert (commit.author, commit.author_email) == (name, email) == ("A", "B <x@example.com")


def test_a_mailmap_named_in_git_configuration_applies(repo, tmp_path):
    mailmap = tmp_path / "mailmap"
    mailmap.write_text("Ada Lovelace <ada@example.com> <ada@old.example.com>\n")
    repo.git("config", "mailmap.file", str(mailmap))
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Add", author="ada <ada@old.example.com>")
    with GitHistory(repo.path, "adr") as history:
        commit = next(history.commits())
    assert (commit.author, commit.author_email) == ("Ada Lovelace", "ada@example.com")


def test_discover_since_a_commit_sees_only_the_moves_after_it(repo):
    repo.write("old/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.commit("Add X")
    mv(repo, "old/0001-use-x.md", "adr/0001-use-x.md")
    moved = repo.commit("Move X")
    repo.write("adr/0002-use-y.md", adr("Use Y", body=body("Use Y")))
    since = repo.commit("Add Y")
    with GitHistory(repo.path, "adr") as history:
        assert [(m.commit, m.source) for m in next(history.discover(["adr"]))[0]] == [
            (moved, "old/0001-use-x.md")
        ]
        assert list(history.discover(["adr"], since=since)) == [([], [])]


def test_a_commit_read_by_its_object_keeps_a_zone_west_of_greenwich(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Add")
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    sha = craft_commit(repo, b"Ada Lovelace <ada@example.com> 1767261600 -0530")
    with GitHistory(repo.path, "adr") as history:
        commit = history.commit(sha)
        logged = [c for c in history.commits() if c.sha == sha]
    assert commit.authored_at.isoformat() == repo.git("log", "-1", "--format=%aI", sha)
    assert commit.authored_at.isoformat() == "2026-01-01T04:30:00-05:30"
    assert [c.authored_at for c in logged] == [commit.authored_at]


def test_a_place_first_filled_by_a_move_is_never_asked_for_copies_later(repo, monkeypatch):
    repo.write("old/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.commit("Add X")
    mv(repo, "old/0001-use-x.md", "adr/0001-use-x.md")
    moved = repo.commit("Move X")
    repo.write("adr/0002-use-y.md", adr("Use Y", body=body("Use Y")))
    repo.write("adr/0003-use-z.md", adr("Use Z", body=body("Use Z")))
    repo.commit("Y and Z, new")
    with GitHistory(repo.path, "adr") as history:
        asked = recorded_diff_trees(history, monkeypatch)
        (moves, found), *_ = history.discover(["adr"])
    assert ([(m.commit, m.source) for m in moves], found) == (
        [(moved, "old/0001-use-x.md")],
        ["old"],
    )
    assert [commits for commits, options in asked if "-C" in options and commits] == []


# --- the folder's earlier places -------------------------------------------------


def test_a_folder_of_slug_only_names_copied_then_deleted_keeps_its_history(repo):
    # Where the folder lived before, only numbered names are decisions by themselves:
    # these become one by the copy, so their early commits must follow it there.
    repo.write("log/use-x.md", adr("Use X", body=body("Use X")))
    repo.write("log/use-y.md", adr("Use Y", body=body("Use Y")))
    added = repo.commit("Start a log", author=ADA)
    repo.write("log/use-x.md", adr("Use X", "accepted", body=body("Use X")))
    accepted = repo.commit("Accept X", author=GRACE)
    for name in ("use-x.md", "use-y.md"):
        repo.write(f"adr/{name}", (repo.path / "log" / name).read_bytes())
    copied = repo.commit("Copy the log", author=LINUS)
    repo.git("rm", "-q", "-r", "log")
    repo.commit("Remove the old log", author=KEN)

    index(repo, "adr")

    x = current()["adr/use-x.md"]
    assert (x.created_commit, x.authors) == (
        added,
        ["Ada Lovelace", "Grace Hopper", "Linus Mover"],
    )
    assert history(x) == [
        (added, "Ada Lovelace", "proposed", "log/use-x.md"),
        (accepted, "Grace Hopper", "accepted", "log/use-x.md"),
        (copied, "Linus Mover", "accepted", "adr/use-x.md"),
    ]
    assert Decision.objects.count() == 2


def test_a_copy_whose_source_is_edited_before_its_delete_is_no_move_across_places(repo):
    repo.write("log/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.write("log/0002-use-y.md", adr("Use Y", body=body("Use Y")))
    added = repo.commit("Start a log", author=ADA)
    for name in ("0001-use-x.md", "0002-use-y.md"):
        repo.write(f"adr/{name}", (repo.path / "log" / name).read_bytes())
    copied = repo.commit("Copy the log", author=LINUS)
    repo.write("log/0001-use-x.md", adr("Use X", "rejected", body=body("Use X")))
    rejected = repo.commit("Reject X in the old log", author=GRACE)
    repo.git("rm", "-q", "-r", "log")
    removed = repo.commit("Remove the old log", author=KEN)

    index(repo, "adr")

    x, y = current()["adr/0001-use-x.md"], current()["adr/0002-use-y.md"]
    assert (x.created_commit, x.authors) == (copied, ["Linus Mover"])
    assert history(x) == [(copied, "Linus Mover", "proposed", "adr/0001-use-x.md")]
    assert y.created_commit == added  # copied, then deleted unedited: a move
    (old,) = Decision.objects.exclude(deleted_commit="")
    assert (old.path, old.deleted_commit) == ("log/0001-use-x.md", removed)
    assert [c for c, *_ in history(old)] == [added, rejected, removed]


def test_a_copy_only_somewhat_alike_is_no_move_across_places(repo):
    repo.write("log/0001-use-x.md", adr("Use X", body=lines("X")))
    repo.write("log/0002-use-y.md", adr("Use Y", body=body("Use Y")))
    added = repo.commit("Start a log", author=ADA)
    rewritten = lines("X", 14) + lines("something else entirely", 6)  # git: about 70 % alike
    repo.write("adr/0001-use-x.md", adr("Use X", body=rewritten))
    repo.write("adr/0002-use-y.md", (repo.path / "log/0002-use-y.md").read_bytes())
    copied = repo.commit("Copy the log, rewriting X", author=LINUS)
    repo.git("rm", "-q", "-r", "log")
    repo.commit("Remove the old log", author=KEN)

    index(repo, "adr")

    assert current()["adr/0001-use-x.md"].created_commit == copied
    assert current()["adr/0002-use-y.md"].created_commit == added
    assert Decision.objects.exclude(deleted_commit="").get().path == "log/0001-use-x.md"


def test_a_move_from_a_folder_that_holds_the_adr_folder_follows_the_file_alone(repo):
    repo.write("docs/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.write("docs/0099-release-notes.md", "# Release notes\n\nNothing yet.\n")
    added = repo.commit("Docs", author=ADA)
    mv(repo, "docs/0001-use-x.md", "docs/adr/0001-use-x.md")
    repo.commit("A folder for the ADRs", author=LINUS)

    index(repo, "docs/adr")

    assert Repository.objects.get().locations == ["docs/adr", "docs/0001-use-x.md"]
    assert current()["docs/adr/0001-use-x.md"].created_commit == added
    assert list(Decision.objects.values_list("path", flat=True)) == ["docs/adr/0001-use-x.md"]


def test_a_renamed_then_moved_file_that_changes_number_and_slug_is_a_new_decision(repo):
    repo.write("old/0004-use-a.md", adr("Use A", body=body("Use A")))
    repo.write("old/0009-other.md", adr("Other", body=body("Other")))
    added = repo.commit("Start", author=ADA)
    mv(repo, "old/0004-use-a.md", "old/0004-use-a-now.md")
    repo.commit("Retitle A", author=GRACE)
    mv(repo, "old/0004-use-a-now.md", "adr/0005-use-b.md")
    replaced = repo.commit("B replaces A", author=LINUS)

    index(repo, "adr")

    b = current()["adr/0005-use-b.md"]
    assert (b.created_commit, b.authors) == (replaced, ["Linus Mover"])
    gone = Decision.objects.get(path="old/0004-use-a-now.md")
    assert (gone.created_commit, gone.deleted_commit) == (
        added,
        replaced,
    )


# --- copies, deletes and restores in one folder --------------------------------


def test_a_copy_then_its_source_deleted_unedited_drops_the_delete_and_its_author(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    added = repo.commit("Add X", author=ADA)
    repo.write("adr/0001-use-x-everywhere.md", (repo.path / "adr/0001-use-x.md").read_bytes())
    copied = repo.commit("Copy X to its new name", author=GRACE)
    repo.git("rm", "-q", "adr/0001-use-x.md")
    repo.commit("Drop the old name", author=KEN)

    index(repo, "adr")

    (x,) = Decision.objects.all()
    assert (x.path, x.created_commit, x.deleted_commit) == (
        "adr/0001-use-x-everywhere.md",
        added,
        "",
    )
    assert x.authors == ["Ada Lovelace", "Grace Hopper"]
    assert history(x) == [
        (added, "Ada Lovelace", "proposed", "adr/0001-use-x.md"),
        (copied, "Grace Hopper", "proposed", "adr/0001-use-x-everywhere.md"),
    ]


def test_a_moved_decision_deleted_later_is_deleted_where_it_was_last(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    added = repo.commit("Add X", author=ADA)
    repo.write("adr/0001-use-x-everywhere.md", (repo.path / "adr/0001-use-x.md").read_bytes())
    repo.commit("Copy X to its new name", author=GRACE)
    repo.git("rm", "-q", "adr/0001-use-x.md")
    repo.commit("Drop the old name", author=KEN)
    repo.git("rm", "-q", "adr/0001-use-x-everywhere.md")
    dropped = repo.commit("Drop X", author=ADA)

    index(repo, "adr")

    (x,) = Decision.objects.all()
    assert (x.path, x.created_commit, x.deleted_commit) == (
        "adr/0001-use-x-everywhere.md",
        added,
        dropped,
    )


def test_a_copy_nearly_alike_under_the_same_name_then_its_source_deleted_is_a_move(repo):
    text = adr("Use X", body=lines("X"))
    repo.write("adr/0001-use-x.md", text)
    added = repo.commit("Add X", author=ADA)
    repo.write("adr/accepted/0001-use-x.md", text.replace("# Use X", "# Use X, filed"))
    repo.commit("File X under accepted/", author=GRACE)
    repo.git("rm", "-q", "adr/0001-use-x.md")
    repo.commit("Drop the old one", author=KEN)

    index(repo, "adr")

    (x,) = Decision.objects.all()
    assert (x.path, x.created_commit, x.authors) == (
        "adr/accepted/0001-use-x.md",
        added,
        ["Ada Lovelace", "Grace Hopper"],
    )


def test_a_copy_of_a_decision_restored_once_then_edited_and_deleted_is_no_move(repo):
    # Its first delete came before the copy: it cannot make the copy a move.
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    added = repo.commit("Add X", author=ADA)
    repo.git("rm", "-q", "adr/0001-use-x.md")
    repo.commit("Drop X", author=GRACE)
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.commit("X is back", author=ADA)
    repo.write("adr/0002-use-x-too.md", (repo.path / "adr/0001-use-x.md").read_bytes())
    copied = repo.commit("Copy X", author=LINUS)
    repo.write("adr/0001-use-x.md", adr("Use X", "rejected", body=body("Use X")))
    repo.commit("Reject X", author=GRACE)
    repo.git("rm", "-q", "adr/0001-use-x.md")
    removed = repo.commit("Drop X again", author=KEN)

    index(repo, "adr")

    too = current()["adr/0002-use-x-too.md"]
    assert (too.created_commit, too.authors) == (copied, ["Linus Mover"])
    gone = Decision.objects.exclude(deleted_commit="").get()
    assert (gone.path, gone.created_commit, gone.deleted_commit) == (
        "adr/0001-use-x.md",
        added,
        removed,
    )


def test_a_copy_is_a_move_when_its_source_is_deleted_later_by_the_committer_clock(repo):
    # A rebased delete keeps an older author date: what comes after is the commit date.
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    added = repo.commit("Add X", author=ADA)
    repo.write("adr/0001-use-x-everywhere.md", (repo.path / "adr/0001-use-x.md").read_bytes())
    repo.commit("Copy X to its new name", author=GRACE)
    repo.day += 1
    repo.git("rm", "-q", "adr/0001-use-x.md")
    repo.git("commit", "-q", "-m", "Drop the old name", "--date=2026-01-01T12:00:00+00:00")

    index(repo, "adr")

    (x,) = Decision.objects.all()
    assert (x.path, x.created_commit, x.deleted_commit) == (
        "adr/0001-use-x-everywhere.md",
        added,
        "",
    )


def test_a_decision_added_back_with_a_third_of_it_rewritten_is_a_new_one(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body=lines("X", 15)))
    added = repo.commit("Add X", author=ADA)
    repo.git("rm", "-q", "adr/0001-use-x.md")
    dropped = repo.commit("Drop X", author=GRACE)
    repo.write("adr/0001-use-x.md", adr("Use X", body=lines("X", 10) + lines("Z", 5)[:-1] + "\n"))
    back = repo.commit("A new X", author=KEN)

    index(repo, "adr")

    new = current()["adr/0001-use-x.md"]
    assert (new.created_commit, new.authors) == (back, ["Ken Mover"])
    old = Decision.objects.exclude(deleted_commit="").get()
    assert (old.created_commit, old.deleted_commit) == (added, dropped)


def test_an_old_place_is_never_paired_with_what_the_folder_holds_now(repo):
    # Read after the folder, an older place's files meet the folder's last blobs, not
    # those of their time: Y, gone before Z got its text, was never copied to Z.
    repo.write("old/0001-use-x.md", adr("Use X", body=body("Use X")))
    y_text = adr("Use Y", body=body("Use Y"))
    repo.write("old/0002-use-y.md", y_text)
    started = repo.commit("Start", author=ADA)
    repo.git("rm", "-q", "old/0002-use-y.md")
    dropped_y = repo.commit("Drop Y", author=GRACE)
    repo.write("adr/0003-use-z.md", adr("Use Z", body=body("Use Z")))
    added_z = repo.commit("Add Z", author=LINUS)
    repo.write("adr/0003-use-z.md", y_text)  # Y's very blob, long after Y went
    rewritten = repo.commit("Rewrite Z", author=LINUS)
    repo.git("rm", "-q", "adr/0003-use-z.md")
    dropped_z = repo.commit("Drop Z", author=KEN)
    repo.git("revert", "--no-edit", dropped_z)
    back = repo.git("rev-parse", "HEAD")
    mv(repo, "old/0001-use-x.md", "adr/0001-use-x.md")
    repo.commit("Move X", author=KEN)

    index(repo, "adr")

    z = current()["adr/0003-use-z.md"]
    assert (z.created_commit, z.authors) == (added_z, ["Linus Mover", "Ken Mover", "Ada Lovelace"])
    assert [c for c, *_ in history(z)] == [added_z, rewritten, dropped_z, back]
    y = Decision.objects.get(path="old/0002-use-y.md")
    assert (y.created_commit, y.deleted_commit) == (started, dropped_y)


# --- what HEAD says --------------------------------------------------------------


def test_a_decision_renamed_to_a_name_no_decision_has_is_deleted_by_that_commit(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    added = repo.commit("Add X", author=ADA)
    mv(repo, "adr/0001-use-x.md", "adr/notes.txt")
    renamed = repo.commit("X is only notes now", author=GRACE)
    repo.write("adr/0002-use-y.md", adr("Use Y", body=body("Use Y")))
    repo.commit("Add Y", author=ADA)

    index(repo, "adr")

    x = Decision.objects.get(path="adr/0001-use-x.md")
    assert (x.created_commit, x.deleted_commit) == (added, renamed)
    assert history(x)[-1] == (renamed, "Grace Hopper", "proposed", "adr/0001-use-x.md (deleted)")


def test_a_decision_a_merge_deleted_is_deleted_at_head(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.commit("Add X", author=ADA)
    repo.git("checkout", "-q", "-b", "side")
    repo.write("adr/0001-use-x.md", adr("Use X", "rejected", body=body("Use X")))
    repo.commit("Reject X", author=GRACE)
    repo.git("checkout", "-q", "main")
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted", body=body("Use X")))
    accepted = repo.commit("Accept X", author=LINUS)
    with pytest.raises(subprocess.CalledProcessError):  # a conflict
        repo.git("merge", "-q", "--no-edit", "side")
    repo.git("rm", "-q", "adr/0001-use-x.md")
    merged = repo.commit("Merge side: neither, X goes", author=KEN)

    index(repo, "adr")

    (x,) = Decision.objects.all()
    assert (x.updated_commit, x.deleted_commit) == (accepted, merged)


# --- bugs found along the way --------------------------------------------------


@pytest.mark.parametrize(
    "ident",
    [
        b"Ada Lovelace <ada@example.com>",  # no date: git's %aI prints "%aI" itself
        b"Ada Lovelace <ada@example.com> 1893456000 +9999",  # "+99:99": no Python offset
    ],
)
def test_a_commit_with_a_malformed_author_date_is_indexed_not_a_crash(repo, ident):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    added = repo.commit("Add", author=ADA)
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    odd = craft_commit(repo, ident)

    index(repo, "adr")

    x = current()["adr/0001-use-x.md"]
    assert [c for c, *_ in history(x)] == [added, odd]


def test_a_move_into_the_folder_that_changes_number_and_slug_is_a_new_decision_in_any_run(repo):
    # In one pass (a full run once the places are known) git's rename is judged by
    # `_same_decision`; the first run follows the move without asking it.
    repo.write("old/ADR004-use-a.md", adr("Use A", body=body("Use A")))
    added = repo.commit("A", author=ADA)
    mv(repo, "old/ADR004-use-a.md", "adr/ADR005-use-b.md")
    replaced = repo.commit("B replaces A, and the folder moves", author=LINUS)

    index(repo, "adr")
    first_run = snapshot()
    index(repo, "adr", full=True)

    assert first_run == snapshot()
    assert current()["adr/ADR005-use-b.md"].created_commit == replaced
    gone = Decision.objects.get(path="old/ADR004-use-a.md")
    assert (gone.created_commit, gone.deleted_commit) == (added, replaced)


def test_keeping_a_later_rounds_moves_says_so_when_git_cannot_walk_their_history(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    added = repo.commit("Add X")
    with GitHistory(repo.path, "adr") as history:
        move = Move(added, "old/0001-use-x.md", "adr/0001-use-x.md", "", copy=False)
        assert history._made_before_leaving([move], [added]) == [move]
        # A commit git does not have: an error, never every move silently dropped.
        with pytest.raises(HistoryError, match="rev-list"):
            history._made_before_leaving([move], ["0" * 40])


def test_the_bytes_that_decide_a_status_are_kept_only_when_few_and_for_few_files(repo, monkeypatch):
    from adrsite.decisions import lineages
    from adrsite.decisions.indexing import repository_register
    from adrsite.history.git import ADDED, FileChange

    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Add X")
    repository = repository_register(name="demo", location=str(repo.path), adr_dir="adr")
    short = b"# T\n\n* Status: accepted\n\nWords.\n"
    long = b"# T\n\n" + b"Prose before the status.\n" * 100 + b"* Status: accepted\n\nWords.\n"
    with GitHistory(repo.path, "adr") as history:
        state = lineages.Lineages(repository, history, incremental=False)
        assert state.read_status(FileChange(ADDED, "adr/0001-a.md", "", "a" * 40), short)
        assert state.read_status(FileChange(ADDED, "adr/0002-b.md", "", "b" * 40), long)
        assert set(state.status_prefixes) == {"adr/0001-a.md"}  # 2.6 KB decided the second

        monkeypatch.setattr(lineages, "_PREFIXES_KEPT", 2)
        for number in range(3, 9):
            path = f"adr/{number:04d}-c.md"
            state.read_status(FileChange(ADDED, path, "", f"{number:040d}"), short)
            assert len(state.status_prefixes) <= 2

"""Histories the way real repositories grew: folders that moved, files renamed from odd names,
hostile bytes in commits, renames inside merges (issue 8).

Each test builds a small git history, indexes it, and asserts the facts exactly:
the created commit, the authors, every revision (commit, author, status, path)
and the problems. Where git itself can tell (`git log --follow`), the export is
also compared with what git says.
"""

from __future__ import annotations

import subprocess
from collections import Counter

import pytest

from adrsite.decisions.indexing import INDEX_FORMAT, repository_index
from adrsite.decisions.models import Decision, Problem, Repository, Revision
from adrsite.decisions.queries import decision_export
from adrsite.history.git import HistoryError
from tests.gitrepo import Repo, adr

pytestmark = [pytest.mark.django_db, pytest.mark.also_postgres]

ADA = "Ada Lovelace <ada@example.com>"
GRACE = "Grace Hopper <grace@example.com>"
LINUS = "Linus Mover <linus@example.com>"
KEN = "Ken Mover <ken@example.com>"


def body(topic: str) -> str:
    """A body of its own: `git log --follow` finds copies too, and would pair look-alikes."""
    return f"We weigh {topic} against the alternatives, for reasons of {topic}. " * 8


def index(repo: Repo, adr_dir: str, **options):
    repository, _ = Repository.objects.get_or_create(
        name="demo", defaults={"location": str(repo.path), "adr_dir": adr_dir}
    )
    return repository_index(repository=repository, **options)


def current() -> dict[str, Decision]:
    return {d.path: d for d in Decision.objects.filter(deleted_commit="")}


def history(decision: Decision) -> list[tuple[str, str, str, str]]:
    """(commit, author, status, path) of each revision, oldest first; deletions marked."""
    return [
        (r.commit, r.author, r.status, r.path + (" (deleted)" if r.deleted else ""))
        for r in decision.revisions.order_by("authored_at", "id")
    ]


def problems() -> list[tuple[str, str]]:
    """(path, code) of every problem the index holds."""
    return sorted(Problem.objects.values_list("path", "code"))


def git_follow(repo: Repo, path: str, at: str = "HEAD") -> tuple[set[str], set[str]]:
    """What git says of the file at `path` (at commit `at`): its lineage's commits and authors."""
    lines = repo.git("log", "--follow", "-M", "--format=%H %aN", at, "--", path).splitlines()
    return {line.split(" ", 1)[0] for line in lines}, {line.split(" ", 1)[1] for line in lines}


def exported(path: str) -> dict:
    export = decision_export(repository=Repository.objects.get(name="demo"))
    return next(d for d in export["decisions"] if d["path"] == path)


def assert_export_matches_git(repo: Repo, path: str, *, also: set[str] = frozenset()) -> None:
    """The export's lineage is git's: the same commits, the first as created, the same authors."""
    commits, authors = git_follow(repo, path)
    commits |= also
    decision = exported(path)
    assert {entry["commit"] for entry in decision["history"]} == commits
    assert set(decision["authors"]) == authors
    first = min(decision["history"], key=lambda entry: entry["date"])
    assert decision["created"]["commit"] == first["commit"]


# --- 1. the folder moved, through any number of moves, from anywhere -------


def test_the_folder_is_followed_back_through_every_move_to_any_earlier_place(repo):
    repo.write("architecture-decision-log/0001-use-x.md", adr("Use X", body=body("Use X")))
    added_x = repo.commit("Propose X", author=ADA)
    repo.write(
        "architecture-decision-log/0001-use-x.md", adr("Use X", "accepted", body=body("Use X"))
    )
    accepted_x = repo.commit("Accept X", author=GRACE)
    repo.write("architecture-decision-log/0002-use-y.md", adr("Use Y", body=body("Use Y")))
    added_y = repo.commit("Propose Y", author=GRACE)
    repo.git("mv", "architecture-decision-log", "architecture-decision-record")
    first_move = repo.commit("Rename the log", author=LINUS)
    (repo.path / "doc" / "architecture").mkdir(parents=True)
    repo.git("mv", "architecture-decision-record", "doc/architecture/decisions")
    second_move = repo.commit("Move under doc/", author=KEN)
    repo.write(
        "doc/architecture/decisions/0002-use-y.md", adr("Use Y", "accepted", body=body("Use Y"))
    )
    accepted_y = repo.commit("Accept Y", author=ADA)
    repo.git("mv", "doc", "docs")
    third_move = repo.commit("doc/ -> docs/", author=LINUS)

    result = index(repo, "docs/architecture/decisions")

    where = "docs/architecture/decisions"
    x, y = current()[f"{where}/0001-use-x.md"], current()[f"{where}/0002-use-y.md"]
    assert (x.created_commit, y.created_commit) == (added_x, added_y)
    assert x.authors == ["Ada Lovelace", "Grace Hopper", "Linus Mover", "Ken Mover"]
    assert history(x) == [
        (added_x, "Ada Lovelace", "proposed", "architecture-decision-log/0001-use-x.md"),
        (accepted_x, "Grace Hopper", "accepted", "architecture-decision-log/0001-use-x.md"),
        (first_move, "Linus Mover", "accepted", "architecture-decision-record/0001-use-x.md"),
        (second_move, "Ken Mover", "accepted", "doc/architecture/decisions/0001-use-x.md"),
        (third_move, "Linus Mover", "accepted", f"{where}/0001-use-x.md"),
    ]
    assert [commit for commit, *_ in history(y)] == [
        added_y,
        first_move,
        second_move,
        accepted_y,
        third_move,
    ]
    assert (result.decisions, Decision.objects.count()) == (2, 2)  # nothing deleted, no copies
    assert Repository.objects.get().locations == [
        where,
        "doc/architecture/decisions",
        "architecture-decision-record",
        "architecture-decision-log",
    ]
    for path in current():
        assert_export_matches_git(repo, path)
    assert problems() == []


def test_following_the_folder_costs_git_processes_per_move_never_per_file_or_commit(
    repo, git_processes
):
    def build(first: int, last: int) -> None:
        for number in range(first, last + 1):
            path = f"decisions/{number:04d}-x.md"
            repo.write(path, adr(f"X {number}", body=body(f"X {number}")))
            repo.commit(f"Add {number}")
            repo.write(path, adr(f"X {number}", "accepted", body=body(f"X {number}")))
            repo.commit(f"Accept {number}")

    def index_counting() -> list[str]:
        git_processes.clear()
        Repository.objects.all().delete()
        index(repo, "adr")
        return list(git_processes)

    build(1, 2)
    repo.git("mv", "decisions", "adr")
    repo.commit("Move")
    few = index_counting()
    # Per place, one walk (log) serves its pass and the search for moves: the
    # commits it finds adding files are diffed meanwhile (diff-tree). The folder and
    # the place its files came from: two of each; cat-file for every object; HEAD's
    # files. The refs of open work, listed (ADR 37): none here, so nothing more.
    assert Counter(few) == {
        "log": 2, "diff-tree": 2, "cat-file": 1, "ls-tree": 1, "rev-parse": 2, "for-each-ref": 1,
    }  # fmt: skip
    assert Decision.objects.filter(deleted_commit="").count() == 2

    repo.git("mv", "adr", "decisions")
    build(3, 14)  # six times the files and commits
    repo.git("mv", "decisions", "adr")
    repo.commit("Move back")
    # The same, and one rev-list: the second round found files moved into `decisions`
    # (from `adr`), and keeps only those moved before the folder left it.
    there_and_back = index_counting()
    assert Counter(there_and_back) == Counter(few) + Counter({"rev-list": 1})
    assert Decision.objects.filter(deleted_commit="").count() == 14

    for number in range(15, 40):  # more files and commits, no more moves: no more processes
        repo.write(f"adr/{number:04d}-x.md", adr(f"X {number}", body=body(f"X {number}")))
        repo.commit(f"Add {number}")
    assert Counter(index_counting()) == Counter(there_and_back)
    assert Decision.objects.filter(deleted_commit="").count() == 39
    assert problems() == []


def test_a_file_moved_into_a_place_the_folder_had_left_is_not_followed_back(repo):
    repo.write("docs/adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    added_x = repo.commit("Add X", author=ADA)
    repo.write("notes/0050-n.md", adr("N", body=body("N")))
    repo.write("notes/0051-m.md", adr("M", body=body("M")))
    repo.commit("Notes, never decisions", author=GRACE)
    repo.git("mv", "docs/adr", "adr")
    moved = repo.commit("Move the folder", author=LINUS)
    repo.write("docs/adr/keep.md", "x\n")
    repo.git("mv", "notes/0050-n.md", "docs/adr/0050-n.md")
    repo.commit("Put a note where the folder was", author=GRACE)

    index(repo, "adr")

    # docs/adr is followed (the folder lived there); notes is not: nothing moved from it
    # while the folder was in docs/adr, so its files are no decisions.
    assert Repository.objects.get().locations == ["adr", "docs/adr"]
    x = current()["adr/0001-use-x.md"]
    assert (x.created_commit, x.authors) == (added_x, ["Ada Lovelace", "Linus Mover"])
    assert [c for c, *_ in history(x)] == [added_x, moved]
    assert not Decision.objects.filter(path__startswith="notes/").exists()


def test_a_folder_that_never_moved_costs_no_second_walk_of_the_history(repo, git_processes):
    for number in range(1, 13):
        repo.write(f"adr/{number:04d}-x.md", adr(f"X {number}", body=body(f"X {number}")))
        repo.commit(f"Add {number}")
    git_processes.clear()
    index(repo, "adr")

    # One log: the commits it finds adding files are diffed as it walks (nothing
    # moved in), in one diff-tree.
    assert Counter(git_processes) == {
        "log": 1, "diff-tree": 1, "cat-file": 1, "ls-tree": 1, "rev-parse": 2, "for-each-ref": 1,
    }  # fmt: skip
    assert len(current()) == 12


def test_a_move_found_after_the_last_index_reindexes_fully_and_says_why(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.commit("Add X", author=ADA)
    repo.write("elsewhere/0002-use-y.md", adr("Use Y", body=body("Use Y")))
    added_y = repo.commit("Y, in the wrong place", author=GRACE)
    index(repo, "adr")
    repo.git("mv", "elsewhere/0002-use-y.md", "adr/0002-use-y.md")
    moved = repo.commit("Move Y in", author=LINUS)

    result = index(repo, "adr")

    assert (result.full, result.reason) == (True, "the ADR folder also lived at elsewhere")
    y = current()["adr/0002-use-y.md"]
    assert (y.created_commit, y.authors) == (added_y, ["Grace Hopper", "Linus Mover"])
    assert [c for c, *_ in history(y)] == [added_y, moved]
    assert problems() == []


# --- 2. the folder left and came back; a copy, then a delete ----------------


def test_decisions_that_leave_by_a_move_and_return_by_a_move_keep_one_history(repo):
    old = "old/decisions"
    repo.write(f"{old}/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.write(f"{old}/0002-use-y.md", adr("Use Y", body=body("Use Y") + "Y."))
    repo.write(f"{old}/team/0003-use-z.md", adr("Use Z", body=body("Use Z") + "Z."))
    first = repo.commit("Start a log", author=ADA)
    repo.write(f"{old}/0001-use-x.md", adr("Use X", "accepted", body=body("Use X")))
    accepted = repo.commit("Accept X", author=GRACE)
    # Copied whole to its new place; the old one deleted in a later commit.
    for name in ("0001-use-x.md", "0002-use-y.md", "team/0003-use-z.md"):
        repo.write(f"adr/{name}", (repo.path / old / name).read_bytes())
    copied = repo.commit("Copy the log to adr/", author=LINUS)
    repo.git("rm", "-q", "-r", "old")
    removed = repo.commit("Remove the old log", author=KEN)
    # A sub-folder moved out, another decision deleted; both come back later.
    (repo.path / "archive").mkdir()
    repo.git("mv", "adr/team", "archive/team")
    repo.git("rm", "-q", "adr/0002-use-y.md")
    moved_out = repo.commit("Archive the team's decisions", author=GRACE)
    repo.git("mv", "archive/team", "adr/team")
    repo.write("adr/0002-use-y.md", adr("Use Y", body=body("Use Y") + "Y."))
    moved_back = repo.commit("Bring them back", author=ADA)

    result = index(repo, "adr")

    x, y, z = (
        current()[f"adr/{name}"]
        for name in ("0001-use-x.md", "0002-use-y.md", "team/0003-use-z.md")
    )
    assert x.created_commit == first
    assert x.authors == ["Ada Lovelace", "Grace Hopper", "Linus Mover"]
    assert history(x) == [
        (first, "Ada Lovelace", "proposed", f"{old}/0001-use-x.md"),
        (accepted, "Grace Hopper", "accepted", f"{old}/0001-use-x.md"),
        (copied, "Linus Mover", "accepted", "adr/0001-use-x.md"),
    ]
    assert history(z) == [
        (first, "Ada Lovelace", "proposed", f"{old}/team/0003-use-z.md"),
        (copied, "Linus Mover", "proposed", "adr/team/0003-use-z.md"),
        (moved_out, "Grace Hopper", "proposed", "archive/team/0003-use-z.md"),
        (moved_back, "Ada Lovelace", "proposed", "adr/team/0003-use-z.md"),
    ]
    # Deleted, then added back as it was: the same decision, its gap in its history.
    assert history(y) == [
        (first, "Ada Lovelace", "proposed", f"{old}/0002-use-y.md"),
        (copied, "Linus Mover", "proposed", "adr/0002-use-y.md"),
        (moved_out, "Grace Hopper", "proposed", "adr/0002-use-y.md (deleted)"),
        (moved_back, "Ada Lovelace", "proposed", "adr/0002-use-y.md"),
    ]
    # Three decisions, no hidden copies, and the delete of the old folder is no
    # revision of theirs: the files it deleted live on as the copies.
    assert (result.decisions, Decision.objects.count()) == (3, 3)
    assert not Revision.objects.filter(commit=removed).exists()
    # What git says: each file's lineage, and before the copy, its source's.
    for path in current():
        commits, authors = git_follow(repo, path)
        source_commits, source_authors = git_follow(repo, path.replace("adr/", f"{old}/"), copied)
        decision = exported(path)
        assert {entry["commit"] for entry in decision["history"]} == commits | source_commits
        assert set(decision["authors"]) == authors | source_authors
        assert decision["created"]["commit"] == first
    assert problems() == []


def test_a_copy_is_two_decisions_until_its_source_is_deleted_unedited(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.commit("Add X", author=ADA)
    repo.write("adr/0002-use-x-again.md", adr("Use X", body=body("Use X")))
    repo.commit("Copy X", author=GRACE)
    index(repo, "adr")
    assert sorted(current()) == ["adr/0001-use-x.md", "adr/0002-use-x-again.md"]

    repo.write("adr/0001-use-x.md", adr("Use X", "rejected", body=body("Use X")))
    repo.commit("Reject X", author=ADA)
    repo.git("rm", "-q", "adr/0001-use-x.md")
    repo.commit("Drop X", author=ADA)
    index(repo, "adr", full=True)

    # Edited after the copy, then deleted: a decision of its own, deleted.
    assert sorted(current()) == ["adr/0002-use-x-again.md"]
    assert current()["adr/0002-use-x-again.md"].authors == ["Grace Hopper"]
    assert Decision.objects.exclude(deleted_commit="").get().path == "adr/0001-use-x.md"
    assert problems() == []


def test_a_copy_deleted_unedited_after_the_last_index_reindexes_fully(repo):
    repo.write("log/0001-use-x.md", adr("Use X", body=body("Use X")))
    first = repo.commit("Add X", author=ADA)
    repo.write("log/0002-use-y.md", adr("Use Y", body=body("Use Y") + "Y"))
    repo.commit("Add Y", author=ADA)
    for name in ("0001-use-x.md", "0002-use-y.md"):
        repo.write(f"adr/{name}", (repo.path / "log" / name).read_bytes())
    copied = repo.commit("Copy", author=GRACE)
    index(repo, "adr")
    assert current()["adr/0001-use-x.md"].created_commit == copied  # two decisions, for now

    repo.git("rm", "-q", "-r", "log")
    repo.commit("Remove the old log", author=KEN)
    result = index(repo, "adr")

    assert (result.full, result.reason) == (
        True,
        "log/0001-use-x.md was copied, then deleted: a move",
    )
    assert current()["adr/0001-use-x.md"].created_commit == first
    assert Decision.objects.count() == 2
    assert problems() == []


# --- 3. renames from names that are not decisions' --------------------------


def test_a_rename_from_a_placeholder_name_keeps_the_lineage(repo):
    repo.write(
        "adr/ADR00TBD-use-rust-for-api.md",
        adr("Use Rust for the API", body=body("Use Rust for the API")),
    )
    drafted = repo.commit("Draft", author=ADA)
    repo.write(
        "adr/ADR00TBD-use-rust-for-api.md",
        adr("Use Rust for the API", body=body("Use Rust for the API") + "More."),
    )
    edited = repo.commit("Edit the draft", author=GRACE)
    repo.git("mv", "adr/ADR00TBD-use-rust-for-api.md", "adr/ADR006-use-rust-for-api.md")
    numbered = repo.commit("Number it", author=ADA)

    repo.write("adr/ADRXXX-use-vite.md", adr("Use Vite", body=body("Use Vite") + "Vite."))
    vite = repo.commit("Draft Vite from the template's name", author=GRACE)
    repo.git("mv", "adr/ADRXXX-use-vite.md", "adr/ADR016-use-vite.md")
    repo.write(
        "adr/ADR016-use-vite.md", adr("Use Vite", "accepted", body=body("Use Vite") + "Vite.")
    )
    vite_numbered = repo.commit("Number and accept Vite", author=LINUS)

    # The template's choices, left as they were: no status, and a warning saying so.
    signon_text = adr("Use sign-on", "Proposed | Accepted", body=body("Use sign-on") + "SSO.")
    repo.write("adr/ADR003-use-signon", signon_text)
    signon = repo.commit("Forgot the extension", author=KEN)
    repo.git("mv", "adr/ADR003-use-signon", "adr/ADR003-use-signon.md")
    signon_md = repo.commit("Add the extension", author=ADA)

    result = index(repo, "adr")

    rust = current()["adr/ADR006-use-rust-for-api.md"]
    assert (rust.number, rust.created_commit, rust.authors) == (
        6,
        drafted,
        ["Ada Lovelace", "Grace Hopper"],
    )
    assert history(rust) == [
        (drafted, "Ada Lovelace", "proposed", "adr/ADR00TBD-use-rust-for-api.md"),
        (edited, "Grace Hopper", "proposed", "adr/ADR00TBD-use-rust-for-api.md"),
        (numbered, "Ada Lovelace", "proposed", "adr/ADR006-use-rust-for-api.md"),
    ]
    assert history(current()["adr/ADR016-use-vite.md"]) == [
        (vite, "Grace Hopper", "proposed", "adr/ADRXXX-use-vite.md"),
        (vite_numbered, "Linus Mover", "accepted", "adr/ADR016-use-vite.md"),
    ]
    assert history(current()["adr/ADR003-use-signon.md"]) == [
        (signon, "Ken Mover", "", "adr/ADR003-use-signon"),
        (signon_md, "Ada Lovelace", "", "adr/ADR003-use-signon.md"),
    ]
    assert (result.decisions, Decision.objects.count()) == (3, 3)
    for path in current():
        assert_export_matches_git(repo, path)
    assert problems() == [("adr/ADR003-use-signon.md", "status-placeholder")]


def test_a_placeholder_renamed_after_the_last_index_reindexes_fully(repo):
    repo.write("adr/ADRXXX-use-vite.md", adr("Use Vite", body=body("Use Vite")))
    drafted = repo.commit("Draft", author=GRACE)
    index(repo, "adr")
    assert current() == {}  # a template's name: not a decision (yet)
    repo.git("mv", "adr/ADRXXX-use-vite.md", "adr/ADR016-use-vite.md")
    repo.commit("Number it", author=ADA)

    result = index(repo, "adr")

    assert result.full
    assert result.reason == "adr/ADR016-use-vite.md was renamed from adr/ADRXXX-use-vite.md"
    assert current()["adr/ADR016-use-vite.md"].created_commit == drafted
    assert problems() == []


def test_a_rename_to_another_number_and_slug_is_still_a_new_decision(repo):
    repo.write("adr/ADR004-use-a.md", adr("Use A", body=body("Use A")))
    repo.commit("A")
    repo.git("mv", "adr/ADR004-use-a.md", "adr/ADR005-use-b.md")
    replaced = repo.commit("B replaces A")

    index(repo, "adr")

    assert current()["adr/ADR005-use-b.md"].created_commit == replaced
    assert Decision.objects.exclude(deleted_commit="").get().path == "adr/ADR004-use-a.md"
    assert problems() == []


# --- 4. bytes from git are data, never framing -----------------------------

CONTROL = bytes([*range(1, 32), 127])


def _commit_with_message(repo: Repo, message: bytes, author: str = ADA) -> str:
    message_file = repo.path.parent / "message"
    message_file.write_bytes(message)
    repo.day += 1
    repo.git("add", "-A")
    repo.git(
        "commit", "-q", "--allow-empty", "--cleanup=verbatim", "-F", str(message_file),
        author=author,
    )  # fmt: skip
    return repo.git("rev-parse", "HEAD")


def test_messages_names_and_file_names_with_any_control_byte_are_read_as_data(repo):
    odd_name = "adr/0002-odd" + "".join(chr(b) for b in CONTROL) + ".md"  # tab and newline too
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.write(odd_name, adr("Odd name", body=body("Odd name")))
    every_byte = b"accept one" + CONTROL + b" trailing\n\nbody\x01\x02\x03 end\n"
    proposed = _commit_with_message(repo, every_byte)
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted", body=body("Use X")))
    # The old reader framed records with \x01 \x02 \x03: each of these broke it.
    crashed = _commit_with_message(repo, b"accept one\x01oops")
    repo.write("adr/0001-use-x.md", adr("Use X", "rejected", body=body("Use X")))
    dropped = _commit_with_message(repo, b"reject one\x03 trailing")
    forged_record = (
        b"innocent\x01" + b"de" * 20 + b"\x02\x02The CTO\x02cto@example.com"
        b"\x022020-01-01T00:00:00+00:00\x022020-01-01T00:00:00+00:00\x02forged"
    )
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted", body=body("Use X")))
    accepted = _commit_with_message(repo, forged_record)
    name = "Odd" + "".join(chr(b) for b in CONTROL if b != 10) + "Name"
    repo.write(odd_name, adr("Odd name", "accepted", body=body("Odd name")))
    odd_author = _commit_with_message(repo, b"by an odd name", author=f"{name} <odd@example.com>")

    index(repo, "adr")

    x = current()["adr/0001-use-x.md"]
    assert history(x) == [
        (proposed, "Ada Lovelace", "proposed", "adr/0001-use-x.md"),
        (crashed, "Ada Lovelace", "accepted", "adr/0001-use-x.md"),
        (dropped, "Ada Lovelace", "rejected", "adr/0001-use-x.md"),
        (accepted, "Ada Lovelace", "accepted", "adr/0001-use-x.md"),
    ]
    assert x.status == "accepted"
    assert not Revision.objects.filter(commit="de" * 20).exists()
    assert not Revision.objects.filter(author="The CTO").exists()
    messages = dict(Revision.objects.filter(decision=x).values_list("commit", "message"))
    assert messages[proposed] == every_byte.decode().strip()
    assert messages[accepted] == forged_record.decode()
    odd = current()[odd_name]
    kept = ["git", "log", "-1", "--format=%an", odd_author]  # what git kept of the name, as bytes
    stored_name = subprocess.run(kept, cwd=repo.path, capture_output=True, check=True).stdout
    stored_name = stored_name.decode().removesuffix("\n")
    assert history(odd) == [
        (proposed, "Ada Lovelace", "proposed", odd_name),
        (odd_author, stored_name, "accepted", odd_name),
    ]
    assert stored_name.startswith("Odd\x01")
    assert problems() == []


def test_a_nul_in_a_commit_message_is_stored_without_it(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Add")
    sha = repo.commit_object(
        b"author Ada <ada@example.com> 1767261600 +0000\n"
        b"committer Ada <ada@example.com> 1767261600 +0000\n",
        b"nul\0here\n",
    )

    index(repo, "adr")

    (revision,) = Revision.objects.all()
    assert (revision.commit, revision.author, revision.message) == (sha, "Ada", "nul\ufffdhere")
    assert problems() == []


def test_renames_are_found_whatever_diff_renames_says(repo):
    repo.git("config", "diff.renames", "false")
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    added = repo.commit("Add", author=ADA)
    repo.git("mv", "adr/0001-use-x.md", "adr/0001-use-x-everywhere.md")
    renamed = repo.commit("Retitle", author=GRACE)

    index(repo, "adr")

    (decision,) = Decision.objects.all()
    assert [c for c, *_ in history(decision)] == [added, renamed]
    assert problems() == []


def test_authors_go_through_the_mailmap_and_odd_names_do_not_stop_it(repo):
    repo.write(".mailmap", "Ada Lovelace <ada@example.com> <ada@old.example.com>\n")
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.commit("Add", author="ada <ada@old.example.com>")
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted", body=body("Use X")))
    repo.commit("Accept", author="Odd\x01\x1b<Name <odd@example.com>")
    repo.write("adr/0001-use-x.md", adr("Use X", "rejected", body=body("Use X")))
    repo.commit("Reject", author="ada <ada@old.example.com>")

    index(repo, "adr")

    authors = [author for _, author, *_ in history(Decision.objects.get())]
    assert authors[0] == authors[2] == "Ada Lovelace"
    assert authors[1].startswith("Odd\x01\x1b")
    assert problems() == []


# --- 5. a rename inside a merge ---------------------------------------------


def test_a_rename_on_a_branch_merged_later_is_no_deletion(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    added = repo.commit("Add X", author=ADA)
    repo.git("checkout", "-q", "-b", "retitle")
    repo.git("mv", "adr/0001-use-x.md", "adr/0001-use-x-everywhere.md")
    renamed = repo.commit("Retitle X", author=GRACE)
    repo.git("checkout", "-q", "main")
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted", body=body("Use X")))
    accepted = repo.commit("Accept X", author=LINUS)
    repo.git("merge", "-q", "--no-edit", "retitle")
    assert (
        (repo.path / "adr/0001-use-x-everywhere.md").read_text().startswith("---\nstatus: accepted")
    )

    result = index(repo, "adr")

    (decision,) = Decision.objects.all()
    assert (decision.path, decision.deleted_commit, decision.status) == (
        "adr/0001-use-x-everywhere.md",
        "",
        "accepted",
    )
    assert decision.authors == ["Ada Lovelace", "Grace Hopper", "Linus Mover"]
    assert history(decision) == [
        (added, "Ada Lovelace", "proposed", "adr/0001-use-x.md"),
        (renamed, "Grace Hopper", "proposed", "adr/0001-use-x-everywhere.md"),
        (accepted, "Linus Mover", "accepted", "adr/0001-use-x.md"),
    ]
    assert result.decisions == 1
    assert problems() == []


# --- 12. indexes already built heal -------------------------------------------


def test_an_index_built_by_an_older_indexer_is_rebuilt_once_and_says_why(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.commit("Add", author=ADA)
    index(repo, "adr")
    repository = Repository.objects.get()
    # What an older reader left behind: a forged revision and a phantom copy.
    decision = Decision.objects.get()
    Revision.objects.create(
        decision=decision, commit="de" * 20, author="The CTO", authored_at=decision.created_at,
        path=decision.path, status="accepted",
    )  # fmt: skip
    Decision.objects.create(
        repository=repository, path="adr/0001-use-x.md", slug="use-x", title="Use X",
        created_commit="0" * 40, created_at=decision.created_at, updated_commit="0" * 40,
        updated_at=decision.created_at, deleted_commit="0" * 40,
    )  # fmt: skip
    Repository.objects.filter(pk=repository.pk).update(index_format=INDEX_FORMAT - 1)

    rebuilt = index(repo, "adr")
    again = index(repo, "adr")

    assert (rebuilt.full, rebuilt.reason) == (
        True,
        f"the indexer changed (index format {INDEX_FORMAT - 1} -> {INDEX_FORMAT})",
    )
    assert not Revision.objects.filter(author="The CTO").exists()
    assert Decision.objects.count() == 1
    assert (again.full, Repository.objects.get().index_format) == (False, INDEX_FORMAT)
    assert problems() == []


# --- found in review: each of these failed before its fix -----------------------


def mv(repo: Repo, old: str, new: str) -> None:
    (repo.path / new).parent.mkdir(parents=True, exist_ok=True)
    repo.git("mv", old, new)


def snapshot() -> list[tuple]:
    """Every decision's facts and revisions: what two runs must agree on."""
    return sorted(
        (
            d.path, d.created_commit, d.deleted_commit, tuple(d.authors),
            tuple(d.revisions.order_by("authored_at", "id").values_list("commit", "deleted")),
        )
        for d in Decision.objects.all()
    )  # fmt: skip


def test_two_moves_out_of_the_same_earlier_place_are_both_followed(repo):
    repo.write("old/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.write("old/0002-use-y.md", adr("Use Y", body=body("Use Y")))
    added = repo.commit("Start", author=ADA)
    mv(repo, "old/0002-use-y.md", "adr/0002-use-y.md")
    first_move = repo.commit("Move Y", author=LINUS)
    repo.write("old/0001-use-x.md", adr("Use X", "accepted", body=body("Use X")))
    accepted = repo.commit("Accept X", author=GRACE)
    mv(repo, "old/0001-use-x.md", "adr/0001-use-x.md")
    second_move = repo.commit("Move X", author=KEN)

    index(repo, "adr")

    x, y = current()["adr/0001-use-x.md"], current()["adr/0002-use-y.md"]
    assert [c for c, *_ in history(x)] == [added, accepted, second_move]
    assert [c for c, *_ in history(y)] == [added, first_move]
    assert (x.created_commit, y.created_commit) == (added, added)
    assert Decision.objects.count() == 2
    assert problems() == []


def test_a_file_that_reached_an_earlier_place_after_a_move_out_of_it_is_followed_further(repo):
    # The walk for where files came into "old" from starts at the moves out of it,
    # all of them: Y reached "old" from "older" only after X had left.
    repo.write("old/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.write("older/0002-use-y.md", adr("Use Y", body=body("Use Y")))
    added = repo.commit("Start", author=ADA)
    mv(repo, "old/0001-use-x.md", "adr/0001-use-x.md")
    first_move = repo.commit("Move X", author=LINUS)
    mv(repo, "older/0002-use-y.md", "old/0002-use-y.md")
    into_old = repo.commit("Y into old", author=GRACE)
    mv(repo, "old/0002-use-y.md", "adr/0002-use-y.md")
    second_move = repo.commit("Move Y", author=KEN)

    index(repo, "adr")

    x, y = current()["adr/0001-use-x.md"], current()["adr/0002-use-y.md"]
    assert [c for c, *_ in history(x)] == [added, first_move]
    assert [c for c, *_ in history(y)] == [added, into_old, second_move]
    assert (x.created_commit, y.created_commit) == (added, added)
    assert set(y.authors) == {"Ada Lovelace", "Grace Hopper", "Ken Mover"}
    assert Decision.objects.count() == 2
    assert problems() == []


def test_a_copy_whose_deleted_source_comes_back_stays_two_decisions(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.commit("Add X", author=ADA)
    repo.write("adr/0002-use-x-too.md", (repo.path / "adr/0001-use-x.md").read_bytes())
    copied = repo.commit("Copy X", author=GRACE)
    repo.git("rm", "-q", "adr/0001-use-x.md")
    dropped = repo.commit("Drop X", author=KEN)
    repo.git("revert", "--no-edit", dropped)

    result = index(repo, "adr")

    assert sorted(current()) == ["adr/0001-use-x.md", "adr/0002-use-x-too.md"]
    assert current()["adr/0002-use-x-too.md"].created_commit == copied
    assert result.decisions == 2
    assert problems() == []


def test_a_copy_then_delete_in_one_incremental_run_ends_as_a_full_run_does(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    added = repo.commit("Add X", author=ADA)
    index(repo, "adr")
    repo.write("adr/0001-use-x-everywhere.md", (repo.path / "adr/0001-use-x.md").read_bytes())
    repo.commit("Copy X to its new name", author=GRACE)
    repo.git("rm", "-q", "adr/0001-use-x.md")
    repo.commit("Drop the old name", author=KEN)

    again = index(repo, "adr")
    after_incremental = snapshot()
    index(repo, "adr", full=True)

    assert after_incremental == snapshot()
    assert again.reason == "adr/0001-use-x.md was copied, then deleted: a move"
    assert current()["adr/0001-use-x-everywhere.md"].created_commit == added
    assert problems() == []


def test_a_decision_a_branch_added_before_the_folder_moved_arrives_with_the_merge(repo):
    repo.write("doc/adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.commit("Add X", author=ADA)
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("doc/adr/0002-use-y.md", adr("Use Y", body=body("Use Y")))
    added_y = repo.commit("Propose Y on a branch", author=GRACE)
    repo.git("checkout", "-q", "main")
    mv(repo, "doc/adr", "docs/adr")
    repo.commit("Move the folder", author=LINUS)
    repo.git("-c", "merge.directoryRenames=true", "merge", "-q", "--no-edit", "feature")
    assert (repo.path / "docs/adr/0002-use-y.md").exists()

    result = index(repo, "docs/adr")
    first_run = snapshot()
    index(repo, "docs/adr", full=True)  # the places known now: the same story

    assert first_run == snapshot()
    assert sorted(current()) == ["docs/adr/0001-use-x.md", "docs/adr/0002-use-y.md"]
    y = current()["docs/adr/0002-use-y.md"]
    assert (y.created_commit, y.authors, y.title) == (added_y, ["Grace Hopper"], "Use Y")
    assert (result.decisions, Decision.objects.count()) == (2, 2)
    assert problems() == []


def test_a_file_that_only_a_merge_brought_begins_at_head(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.commit("Add X", author=ADA)
    repo.git("checkout", "-q", "-b", "side")
    repo.write("src/app.py", "print()\n")
    repo.commit("Code", author=GRACE)
    repo.git("checkout", "-q", "main")
    repo.write("README.md", "# Readme\n")
    repo.commit("Docs", author=ADA)
    repo.git("merge", "-q", "--no-commit", "side")
    repo.write("adr/0002-use-y.md", adr("Use Y", body=body("Use Y")))  # an evil merge
    merged = repo.commit("Merge side, and Y with it", author=KEN)

    index(repo, "adr")

    y = current()["adr/0002-use-y.md"]
    assert (y.created_commit, y.authors, y.title) == (merged, ["Ken Mover"], "Use Y")
    assert problems() == []


def test_a_rename_on_a_branch_merged_later_is_updated_by_the_last_change(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.commit("Add X", author=ADA)
    repo.git("checkout", "-q", "-b", "retitle")
    mv(repo, "adr/0001-use-x.md", "adr/0001-use-x-everywhere.md")
    repo.commit("Retitle X", author=GRACE)
    repo.git("checkout", "-q", "main")
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted", body=body("Use X")))
    accepted = repo.commit("Accept X", author=LINUS)
    repo.git("merge", "-q", "--no-edit", "retitle")

    index(repo, "adr")

    (decision,) = Decision.objects.all()
    assert (decision.status, decision.updated_commit) == ("accepted", accepted)
    assert problems() == []


def test_a_file_name_that_is_not_utf8_is_indexed_with_its_odd_bytes_shown(repo):
    (repo.path / "adr").mkdir()
    (repo.path / "adr" / "0001-caf\udce9.md").write_text(adr("Use café"))  # b"caf\xe9"
    added = repo.commit("A Latin-1 name", author=ADA)

    index(repo, "adr")

    (decision,) = current().values()
    assert (decision.path, decision.created_commit) == ("adr/0001-caf\\xe9.md", added)
    assert problems() == []


def test_pointing_the_repository_at_another_folder_reindexes_it(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    repo.write("docs/decisions/0001-use-y.md", adr("Use Y", body=body("Use Y")))
    repo.commit("Two folders", author=ADA)
    index(repo, "adr")
    Repository.objects.update(adr_dir="docs/decisions")

    result = index(repo, "docs/decisions")

    assert (result.full, result.reason) == (True, "the ADR folder is now docs/decisions")
    assert sorted(current()) == ["docs/decisions/0001-use-y.md"]
    assert problems() == []


def test_other_files_where_the_folder_once_lived_are_no_decisions(repo):
    repo.write("design/overview.md", "# Architecture overview\n\nBoxes and arrows.\n")
    repo.write("design/0001-use-x.md", adr("Use X", body=body("Use X")))
    added = repo.commit("Design docs and an ADR", author=ADA)
    mv(repo, "design/0001-use-x.md", "adr/0001-use-x.md")
    repo.commit("ADRs get a folder of their own", author=LINUS)
    repo.write("design/overview.md", "# Architecture overview\n\nMore boxes.\n")
    repo.commit("Edit the overview", author=GRACE)
    repo.write("design/0002-stray.md", adr("Stray", body=body("Stray")))
    repo.commit("A numbered file in the old place, later", author=GRACE)

    index(repo, "adr")
    first_run = snapshot()
    index(repo, "adr", full=True)  # the places known now: the same story

    assert first_run == snapshot()
    assert current()["adr/0001-use-x.md"].created_commit == added
    # The overview never was a decision; a numbered file there is one, not in the folder.
    assert sorted(Decision.objects.values_list("path", flat=True)) == [
        "adr/0001-use-x.md",
        "design/0002-stray.md",
    ]
    assert problems() == []


def test_slug_only_names_a_replacement_git_pairs_as_a_rename_is_a_new_decision(repo):
    repo.write("adr/use-postgres.md", adr("Use Postgres", body=body("databases")))
    repo.commit("Postgres", author=ADA)
    repo.git("rm", "-q", "adr/use-postgres.md")
    repo.write("adr/use-kafka.md", adr("Use Kafka", body=body("databases")))
    replaced = repo.commit("Kafka replaces Postgres", author=GRACE)
    assert "R0" in repo.git("show", "-M", "--raw", "--format=", replaced)

    index(repo, "adr")

    assert current()["adr/use-kafka.md"].created_commit == replaced
    assert Decision.objects.exclude(deleted_commit="").get().path == "adr/use-postgres.md"
    assert problems() == []


def test_a_root_commit_is_read_whatever_log_show_root_says(repo):
    repo.git("config", "log.showRoot", "false")
    repo.write("adr/0001-use-x.md", adr("Use X"))
    added = repo.commit("The first commit", author=ADA)

    index(repo, "adr")

    assert current()["adr/0001-use-x.md"].created_commit == added
    assert problems() == []


def test_a_copy_nearly_alike_then_its_source_deleted_unedited_is_a_move(repo):
    text = adr("Use X", body=body("Use X"))
    repo.write("log/0001-use-x.md", text)
    repo.write("log/0002-use-y.md", adr("Use Y", body=body("Use Y")))
    added = repo.commit("Start a log", author=ADA)
    repo.write("adr/0001-use-x.md", text.replace("# Use X", "# Use X, moved"))  # ≥ 90 % alike
    repo.write("adr/0002-use-y.md", (repo.path / "log/0002-use-y.md").read_bytes())
    repo.commit("Copy the log", author=GRACE)
    repo.git("rm", "-q", "-r", "log")
    repo.commit("Remove the old log", author=KEN)

    index(repo, "adr")

    assert current()["adr/0001-use-x.md"].created_commit == added
    assert current()["adr/0002-use-y.md"].created_commit == added
    assert Decision.objects.count() == 2
    assert problems() == []


def test_a_decision_deleted_then_added_back_nearly_as_it_was_is_restored_in_any_run(repo):
    lines = body("Use X").replace(". ", ".\n")  # ≥ 90 % of its lines are the same
    repo.write("adr/0001-use-x.md", adr("Use X", body=lines))
    added = repo.commit("Add X", author=ADA)
    repo.git("rm", "-q", "adr/0001-use-x.md")
    dropped = repo.commit("Drop X", author=GRACE)
    index(repo, "adr")
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted", body=lines))
    back = repo.commit("X is back, accepted", author=KEN)

    again = index(repo, "adr")
    incremental = snapshot()
    index(repo, "adr", full=True)

    assert not again.full
    assert incremental == snapshot()
    (decision,) = Decision.objects.all()
    assert history(decision) == [
        (added, "Ada Lovelace", "proposed", "adr/0001-use-x.md"),
        (dropped, "Grace Hopper", "proposed", "adr/0001-use-x.md (deleted)"),
        (back, "Ken Mover", "accepted", "adr/0001-use-x.md"),
    ]
    assert problems() == []


# --- issue 9: bytes a database refuses, clones that change, objects that break --------


def test_a_nul_byte_in_a_committed_adr_is_a_problem_and_the_index_is_kept(repo):
    text = adr("Use X", body=body("Use X")) + "x" * 9000 + "\n\0 after the first 8 KB\n"
    repo.write("adr/0001-use-x.md", text)
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    added = repo.commit("X with a NUL byte in it, and Y", author=ADA)

    index(repo, "adr")  # PostgreSQL's text columns refuse NUL: nothing may reach them

    x = current()["adr/0001-use-x.md"]
    assert (x.created_commit, x.title, "\0" in x.body, "\ufffd after" in x.body) == (
        added,
        "Use X",
        False,
        True,
    )
    assert "\0" not in Revision.objects.get(decision=x).content
    assert sorted(current()) == ["adr/0001-use-x.md", "adr/0002-use-y.md"]
    assert problems() == [("adr/0001-use-x.md", "nul-byte")]


def test_a_clone_no_longer_shallow_is_indexed_again_whole(repo, tmp_path):
    repo.write("adr/0001-use-x.md", adr("Use X", body=body("Use X")))
    added = repo.commit("Add X", author=ADA)
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted", body=body("Use X")))
    accepted = repo.commit("Accept X", author=GRACE)
    clone = Repo.__new__(Repo)
    clone.path, clone.day = tmp_path / "clone", repo.day
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone.path)], check=True
    )
    index(clone, "adr")
    assert [c for c, *_ in history(Decision.objects.get())] == [accepted]

    subprocess.run(["git", "fetch", "-q", "--unshallow"], cwd=clone.path, check=True)
    result = index(clone, "adr")

    assert (result.full, result.reason) == (
        True,
        "the clone is no longer shallow: its whole history is read",
    )
    assert [c for c, *_ in history(Decision.objects.get())] == [added, accepted]


def test_a_corrupt_commit_is_a_clear_error_and_the_previous_index_stays(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Add X", author=ADA)
    index(repo, "adr")
    before = snapshot()
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    broken = repo.commit("Add Y", author=GRACE)
    loose = repo.path / ".git" / "objects" / broken[:2] / broken[2:]
    loose.chmod(0o644)
    loose.write_bytes(b"not a zlib stream")

    with pytest.raises(HistoryError, match=r"^git .* failed: .*"):
        index(repo, "adr")

    assert snapshot() == before


def test_the_site_and_adr_skip_the_same_sub_folders(repo):
    from adrsite.records.folder import Folder, read_folder

    repo.write("docs/_adr/0001-use-x.md", adr("Use X"))  # the folder itself may be "_adr"
    repo.write("docs/_adr/..hidden/0002-use-y.md", adr("Use Y"))
    repo.write("docs/_adr/_drafts/0003-use-z.md", adr("Use Z"))
    repo.write("docs/_adr/templates/0004-use-w.md", adr("Use W"))
    repo.write("docs/_adr/team/0005-use-v.md", adr("Use V"))
    repo.commit("Decisions, and files beside them", author=ADA)

    index(repo, "docs/_adr")
    read = read_folder(Folder(repo.path, repo.path / "docs" / "_adr"))

    assert sorted(current()) == sorted(r.path for r in read)
    assert sorted(current()) == ["docs/_adr/0001-use-x.md", "docs/_adr/team/0005-use-v.md"]
    assert problems() == []

"""Indexing a repository's ADR history: exact facts, incremental, idempotent, all or nothing."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection

from adrsite.decisions import indexing
from adrsite.decisions.indexing import repository_index
from adrsite.decisions.models import Decision, Link, Problem, Repository, Revision
from tests.gitrepo import Repo, adr

pytestmark = [pytest.mark.django_db, pytest.mark.also_postgres]

ADA = "Ada Lovelace <ada@example.com>"
GRACE = "Grace Hopper <grace@example.com>"


def day(n: int) -> datetime:
    """The date of the repository's n-th commit (tests/gitrepo.py)."""
    return datetime(2026, 1, 1 + n, 9, tzinfo=UTC)


def index(repo: Repo, **options) -> indexing.IndexResult:
    repository, _ = Repository.objects.get_or_create(
        name="demo", defaults={"location": str(repo.path), "adr_dir": "adr"}
    )
    return repository_index(repository=repository, **options)


def current() -> dict[str, Decision]:
    return {d.path: d for d in Decision.objects.filter(deleted_commit="")}


def statuses(decision: Decision) -> list[tuple[str, str, str]]:
    return [(r.author, r.status, r.path) for r in decision.revisions.order_by("authored_at")]


def test_who_proposed_and_who_accepted_each_decision_and_when(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    proposed = repo.commit("Propose X", author=ADA)
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    accepted = repo.commit("Accept X", author=GRACE)

    result = index(repo)

    decision = current()["adr/0001-use-x.md"]
    assert (decision.number, decision.title, decision.status) == (1, "Use X", "accepted")
    assert (decision.created_commit, decision.created_at) == (proposed, day(1))
    assert (decision.updated_commit, decision.updated_at) == (accepted, day(2))
    assert decision.authors == ["Ada Lovelace", "Grace Hopper"]
    assert statuses(decision) == [
        ("Ada Lovelace", "proposed", "adr/0001-use-x.md"),
        ("Grace Hopper", "accepted", "adr/0001-use-x.md"),
    ]
    assert (result.full, result.reason, result.new_revisions, result.decisions) == (
        True,
        "first run",
        2,
        1,
    )


def test_a_second_run_changes_nothing_and_says_so(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Add")
    index(repo)
    before = list(Revision.objects.values_list("pk", "commit"))

    result = index(repo)

    assert (result.full, result.new_revisions, result.changed_decisions) == (False, 0, 0)
    assert "already up to date: 0 new revisions, 0 changed decisions" in result.summary()
    assert list(Revision.objects.values_list("pk", "commit")) == before


def test_a_new_commit_is_indexed_incrementally(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Add X")
    index(repo)
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    repo.commit("Add Y")

    result = index(repo)

    assert (result.full, result.new_revisions, result.changed_decisions, result.decisions) == (
        False,
        1,
        1,
        2,
    )


def test_supersession_in_one_commit_links_both_ways_from_one_declaration(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    repo.commit("X")
    repo.write("adr/0001-use-x.md", adr("Use X", "superseded"))
    repo.write("adr/0002-use-y.md", "---\nstatus: accepted\nsupersedes: [1]\n---\n# Use Y\n")
    repo.commit("Y supersedes X")

    index(repo)

    x, y = current()["adr/0001-use-x.md"], current()["adr/0002-use-y.md"]
    link = Link.objects.get()
    assert (link.source, link.target, link.kind, link.declared_in) == (y, x, "supersedes", y)
    assert [r.status for r in x.revisions.order_by("authored_at")] == ["accepted", "superseded"]


def test_a_link_declared_backwards_is_stored_forwards(repo):
    repo.write(
        "adr/0001-use-x.md", "# 1. Use X\n\n## Status\n\nSuperseded by [2. Y](0002-use-y.md)\n"
    )
    repo.write("adr/0002-use-y.md", "# 2. Use Y\n\n## Status\n\nAccepted\n")
    repo.commit("Both")
    index(repo)
    link = Link.objects.get()
    assert (link.source.number, link.target.number, link.kind, link.declared_in.number) == (
        2,
        1,
        "supersedes",
        1,
    )


def test_a_rename_with_or_without_edits_keeps_the_decision_and_its_history(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body="Long enough to be similar. " * 10))
    repo.commit("Add", author=ADA)
    repo.git("mv", "adr/0001-use-x.md", "adr/0001-use-x-everywhere.md")
    repo.commit("Retitle", author=GRACE)
    repo.git("mv", "adr/0001-use-x-everywhere.md", "adr/0007-use-x-everywhere.md")
    repo.write(
        "adr/0007-use-x-everywhere.md",
        adr("Use X everywhere", "accepted", body="Long enough to be similar. " * 10),
    )
    repo.commit("Renumber and accept", author=ADA)

    index(repo)

    (decision,) = current().values()
    assert (decision.path, decision.number, decision.created_at) == (
        "adr/0007-use-x-everywhere.md",
        7,
        day(1),
    )
    assert statuses(decision) == [
        ("Ada Lovelace", "proposed", "adr/0001-use-x.md"),
        ("Grace Hopper", "proposed", "adr/0001-use-x-everywhere.md"),
        ("Ada Lovelace", "accepted", "adr/0007-use-x-everywhere.md"),
    ]


def test_a_rename_that_changes_number_and_slug_is_a_new_decision(repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body="Shared template text. " * 10))
    repo.commit("Add X")
    repo.git("mv", "adr/0001-use-x.md", "adr/0002-use-y.md")
    repo.commit("Replace X with Y")

    index(repo)

    assert list(current()) == ["adr/0002-use-y.md"]
    old = Decision.objects.exclude(deleted_commit="").get()
    assert (old.path, old.title) == ("adr/0001-use-x.md", "Use X")


def test_a_deleted_decision_leaves_the_log_but_keeps_its_history(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Add")
    repo.git("rm", "-q", "adr/0001-use-x.md")
    removed = repo.commit("Remove")

    result = index(repo)

    decision = Decision.objects.get()
    assert (result.decisions, decision.deleted_commit) == (0, removed)
    assert [(r.status, r.deleted) for r in decision.revisions.order_by("authored_at")] == [
        ("proposed", False),
        ("proposed", True),
    ]


def test_a_decision_from_a_merged_side_branch_is_indexed(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Main")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    repo.commit("Side", author=GRACE)
    repo.git("checkout", "-q", "main")
    repo.write("adr/0003-use-z.md", adr("Use Z"))
    repo.commit("Main again")
    repo.git("merge", "-q", "--no-edit", "side")

    index(repo)

    assert sorted(current()) == ["adr/0001-use-x.md", "adr/0002-use-y.md", "adr/0003-use-z.md"]
    assert current()["adr/0002-use-y.md"].authors == ["Grace Hopper"]


def test_a_force_push_triggers_a_full_reindex(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    first = repo.commit("One")
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    repo.commit("Two")
    index(repo)
    repo.git("reset", "-q", "--hard", first)
    repo.write("adr/0003-use-z.md", adr("Use Z"))
    repo.commit("Three")

    result = index(repo)

    assert (result.full, result.reason) == (True, "history rewritten (force-push?)")
    assert sorted(current()) == ["adr/0001-use-x.md", "adr/0003-use-z.md"]
    assert Decision.objects.count() == 2


def test_a_file_that_does_not_parse_is_a_problem_and_hides_nothing(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.write("adr/0002-broken.md", b"---\nstatus: [accepted\n---\n# Broken \xff\n")
    broken = repo.commit("Add")
    repo.write("adr/0003-use-z.md", adr("Use Z"))
    repo.commit("More")

    index(repo)

    assert sorted(current()) == ["adr/0001-use-x.md", "adr/0002-broken.md", "adr/0003-use-z.md"]
    problems = [(p.path, p.commit, p.line, p.code) for p in Problem.objects.order_by("line")]
    assert problems == [
        ("adr/0002-broken.md", broken, 2, "front-matter-yaml"),
        ("adr/0002-broken.md", broken, 4, "not-utf8"),
    ]


def test_a_failure_half_way_leaves_the_previous_index_intact(repo, monkeypatch):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("One")
    index(repo)
    before = (
        list(Decision.objects.values_list("path", "status", "updated_commit")),
        list(Revision.objects.values_list("commit", "status")),
        Repository.objects.get().last_indexed_commit,
    )
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    repo.commit("Two")

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(indexing, "_rebuild_links", fail)  # after revisions are written
    with pytest.raises(RuntimeError, match="disk full"):
        index(repo)

    assert (
        list(Decision.objects.values_list("path", "status", "updated_commit")),
        list(Revision.objects.values_list("commit", "status")),
        Repository.objects.get().last_indexed_commit,
    ) == before


def test_an_empty_repository_and_a_missing_folder_index_to_nothing(repo):
    assert index(repo).decisions == 0
    repo.write("src/app.py", "print()")
    repo.commit("Code, no decisions")
    result = index(repo)
    assert (result.decisions, result.new_revisions, Problem.objects.count()) == (0, 0, 0)


def test_a_shallow_clone_is_reported_not_silently_wrong(repo, tmp_path):
    for number in (1, 2):
        repo.write(f"adr/000{number}-x.md", adr(f"X {number}"))
        repo.commit(f"Commit {number}")
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "1", f"file://{repo.path}", str(clone))
    repository = Repository.objects.create(name="shallow", location=str(clone))

    repository_index(repository=repository)

    assert repository.shallow
    assert Problem.objects.get(code="shallow-clone").message.startswith(
        "history incomplete: shallow clone"
    )


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_never_interleave(repo):
    for number in range(1, 21):
        repo.write(f"adr/{number:04d}-x.md", adr(f"X {number}"))
        repo.commit(f"Commit {number}")
    repository = Repository.objects.create(name="demo", location=str(repo.path))
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def run() -> None:
        start.wait()
        try:
            outcomes.append(repository_index(repository=Repository.objects.get(pk=repository.pk)))
        except indexing.IndexBusy as busy:
            outcomes.append(busy)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    results = [o for o in outcomes if isinstance(o, indexing.IndexResult)]
    refused = [o for o in outcomes if isinstance(o, indexing.IndexBusy)]
    assert len(results) + len(refused) == 2
    # The second waited for the first and found nothing to do, or was refused clearly.
    assert sorted(r.new_revisions for r in results) in ([0, 20], [20])
    assert all("another index run is in progress" in str(r) for r in refused)
    assert Revision.objects.count() == 20
    assert Decision.objects.count() == 20


def test_a_5_mb_blob_is_a_problem_and_its_history_is_kept(repo):
    repo.write("adr/0001-huge.md", b"# Huge\n" + b"x" * (5 * 1024 * 1024))
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    repo.commit("Add")

    result = index(repo)

    assert result.decisions == 2
    huge = current()["adr/0001-huge.md"]
    assert (huge.title, huge.revisions.count()) == ("Huge", 1)
    assert huge.revisions.get().content == ""  # the blob id is kept, not 5 MB of text
    assert [(p.path, p.code) for p in Problem.objects.filter(severity="error")] == [
        ("adr/0001-huge.md", "too-large")
    ]


def test_git_breaks_the_tie_of_a_day_month_date_and_the_folder_settles_it_later(repo):
    # Created on 2026-01-02 (day 1): "02/01/2026" is that day read day first, not 1 February.
    repo.write("adr/0001-use-x.md", "# 1. Use X\n\nDate 02/01/2026\n\n## Status\n\nAccepted\n")
    created = repo.commit("Propose X")

    index(repo)

    decision = current()["adr/0001-use-x.md"]
    problems = [(p.path, p.commit, p.line, p.code, p.message) for p in Problem.objects.all()]
    assert (decision.date, decision.status) == (datetime(2026, 1, 2).date(), "accepted")
    assert problems == [
        (
            "adr/0001-use-x.md",
            created,
            3,
            "date",
            "date '02/01/2026' is not ISO 8601 (YYYY-MM-DD); read as 2026-01-02: "
            "day first is nearer the dates git has for these files",
        )
    ]

    # A date only month first fits outweighs git, for X too, though X did not change.
    repo.write("adr/0002-use-y.md", "# 2. Use Y\n\nDate: 01/13/2026\n\n## Status\n\nProposed\n")
    repo.commit("Propose Y")
    index(repo)

    assert current()["adr/0001-use-x.md"].date == datetime(2026, 2, 1).date()
    assert [p.message for p in Problem.objects.filter(path="adr/0001-use-x.md")] == [
        "date '02/01/2026' is not ISO 8601 (YYYY-MM-DD); read as 2026-02-01: the folder "
        "writes month first (01/13/2026 in adr/0002-use-y.md)"
    ]


def test_revisions_are_written_by_field_name_whatever_the_order_of_the_row(monkeypatch):
    from typing import NamedTuple

    from adrsite.decisions import rows

    class Reordered(NamedTuple):  # _RevisionRow's fields, last first
        deleted: bool
        content: str
        blob: str
        status: str
        path: str
        message: str
        authored_at: datetime
        author_email: str
        author: str
        commit: str
        decision: Decision

    repository = Repository.objects.create(name="demo", location="/nowhere")
    at = datetime(2026, 1, 2, 9, tzinfo=UTC)
    decision = Decision.objects.create(
        repository=repository, path="adr/0001-x.md", slug="x", title="X",
        created_commit="c" * 40, created_at=at, updated_commit="c" * 40, updated_at=at,
    )  # fmt: skip
    monkeypatch.setattr(rows, "_RevisionRow", Reordered)
    row = Reordered(
        True, "text", "b" * 40, "accepted", "adr/0001-x.md", "msg", at, "ada@x", "Ada", "c" * 40,
        decision,
    )  # fmt: skip
    rows._insert_revisions([row])  # type: ignore[arg-type]
    stored = Revision.objects.values().get()
    assert {name: stored[name] for name in Reordered._fields if name != "decision"} == {
        "deleted": True, "content": "text", "blob": "b" * 40, "status": "accepted",
        "path": "adr/0001-x.md", "message": "msg", "authored_at": at, "author_email": "ada@x",
        "author": "Ada", "commit": "c" * 40,
    }  # fmt: skip
    assert stored["decision_id"] == decision.pk

"""Helpers for the tests of review indexing (tests/test_reviews*.py): index a repository
with its open refs, and read back what was stored, as plain tuples to compare exactly."""

from __future__ import annotations

from datetime import UTC, datetime

from adrsite.decisions.indexing import IndexResult, repository_index
from adrsite.decisions.models import Repository, Review
from tests.gitrepo import Repo

# tests/review_fixture.py's commits are dated January 2026: older than the default
# review_max_age by the time these tests run. Only the tests of age lower it.
FOREVER = 100_000


def day(n: int) -> datetime:
    """The date of the repository's n-th commit (tests/gitrepo.py)."""
    return datetime(2026, 1, 1 + n, 9, tzinfo=UTC)


def index(repo: Repo, **fields: object) -> IndexResult:
    """Index `repo` as the repository "demo" (its tracked branch and open refs)."""
    repository, _ = Repository.objects.get_or_create(
        name="demo",
        defaults={"location": str(repo.path), "adr_dir": "adr", "review_max_age": FOREVER},
    )
    if fields:
        Repository.objects.filter(pk=repository.pk).update(**fields)
        repository.refresh_from_db()
    return repository_index(repository=repository)


def open_reviews() -> dict[str, Review]:
    """label -> the open review."""
    return {r.label: r for r in Review.objects.filter(merged_commit="").order_by("ref")}


def merged_reviews() -> dict[str, Review]:
    return {r.label: r for r in Review.objects.exclude(merged_commit="").order_by("ref")}


def facts(review: Review) -> tuple:
    return (
        review.ref,
        review.head,
        review.merge_base,
        review.author,
        review.author_email,
        review.proposed_at,
        review.committed_at,
    )


def changes(review: Review) -> list[tuple]:
    """Each proposed change: (change, path, path_before, number, title, status before, status
    after, the path of the tracked decision it is linked to)."""
    return [
        (
            c.change,
            c.path,
            c.path_before,
            c.number,
            c.title,
            c.status_before,
            c.status_after,
            c.decision.path if c.decision else None,
        )
        for c in review.changes.select_related("decision").order_by("path")
    ]

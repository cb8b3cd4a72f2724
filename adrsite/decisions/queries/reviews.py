"""Decisions in review (ADR 37): open pull requests and branches, their changes and collisions.

Collisions are not stored: they follow from the open changes and the tracked
decisions, computed here when read (`records.reviews.collisions`), so they are
never out of step with either. A constant number of queries per call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from adrsite.decisions.models import Decision, ProposedChange, Repository, Review, Revision
from adrsite.records import reviews as proposals

# The open refs read per repository: past it, the oldest are left off a page (and said so).
REVIEW_LIMIT = 1000


@dataclass(frozen=True, slots=True)
class OpenReviews:
    """A repository's open reviews, with the collisions among them and with its tracked tip."""

    repository: Repository
    reviews: list[Review]  # newest activity first, changes prefetched
    collisions: list[proposals.Collision]

    def collisions_of(self, review: Review) -> list[proposals.Collision]:
        return [c for c in self.collisions if review.ref in (c.ref, c.other_ref)]


def tracked_name(repository: Repository) -> str:
    """How fixes and messages name the tracked branch: "main", or "the tracked branch"."""
    return repository.branch or "the tracked branch"


def against_ref(repository: Repository) -> str:
    """What `adr renumber --against` is given in a clone of the repository: origin/BRANCH."""
    return f"origin/{repository.branch}" if repository.branch else "origin/HEAD"


def open_reviews(*, repository: Repository) -> OpenReviews:
    """The repository's open reviews and their collisions (three queries)."""
    reviews = list(
        Review.objects.filter(repository=repository, merged_commit="")
        .order_by("-committed_at", "ref")
        .prefetch_related(
            Prefetch(
                "changes",
                queryset=ProposedChange.objects.defer("content").order_by("path"),
            )
        )[:REVIEW_LIMIT]
    )
    last_blob = Revision.objects.filter(decision=OuterRef("pk")).order_by("-authored_at", "-id")
    tracked: dict[int, list[tuple[str, str]]] = {}
    for number, path, blob in (
        Decision.objects.filter(repository=repository, deleted_commit="", number__isnull=False)
        .annotate(blob=Subquery(last_blob.values("blob")[:1]))
        .order_by("path")
        .values_list("number", "path", "blob")
    ):
        if number is not None:  # filtered above; the type does not know it
            tracked.setdefault(number, []).append((path, blob or ""))
    found = proposals.collisions(
        [
            proposals.OpenReview(r.ref, r.label, tuple(c.as_core() for c in r.changes.all()))
            for r in reviews
        ],
        tracked,
        tracked_label=tracked_name(repository),
        against=against_ref(repository),
    )
    return OpenReviews(repository, reviews, found)


def decision_proposals(*, decision: Decision) -> list[ProposedChange]:
    """The open changes proposed to `decision`, each with its review (one query)."""
    return list(
        ProposedChange.objects.filter(decision=decision, review__merged_commit="")
        .select_related("review")
        .order_by("-review__committed_at")
    )


def decision_merged_proposals(*, decision: Decision) -> list[Review]:
    """The merged reviews that proposed or changed `decision`: its timeline's "proposed in"."""
    return list(
        Review.objects.filter(changes__decision=decision)
        .exclude(merged_commit="")
        .order_by("merged_at")
        .distinct()
    )


def review_get(*, repository: Repository, ref: str) -> Review | None:
    """The open review of `ref` (`refs/pull/412/head`), else the last one merged from it."""
    found = Review.objects.filter(repository=repository, ref=ref, merged_commit="").first()
    return (
        found
        or Review.objects.filter(repository=repository, ref=ref).order_by("-merged_at").first()
    )


def reviews_json(*, repository: Repository) -> dict[str, Any]:
    """The export contract's review document (DESIGN.md): `adr export --review`, /api/reviews."""
    found = open_reviews(repository=repository)
    return {
        "repository": repository.name,
        "reviews": [
            {
                "ref": review.ref,
                "label": review.label,
                "head": review.head,
                "merge_base": review.merge_base,
                "author": review.author,
                "date": review.committed_at.isoformat(),
                "url": review.url,
                "changes": [_change_json(change) for change in review.changes.all()],
                "problems": [c.message for c in found.collisions if c.ref == review.ref],
            }
            for review in found.reviews
        ],
    }


def _change_json(change: ProposedChange) -> dict[str, Any]:
    proposal = change.as_core()
    return {
        "change": change.change,
        "path": change.path,
        "number": change.number,
        "title": change.title,
        "status_before": proposal.status_before,
        "status_after": proposal.status_after,
    }


def open_review_count(*, repositories: QuerySet[Repository]) -> int:
    return Review.objects.filter(repository__in=repositories, merged_commit="").count()

"""Decisions in review (ADR 37): open pull requests and branches, their changes and collisions.

Collisions are not stored: they follow from the open changes and the tracked
decisions, computed here when read (`records.reviews.collisions`), so they are
never out of step with either. A constant number of queries per call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from adrsite.decisions import refs
from adrsite.decisions.models import (
    Decision,
    ProposedChange,
    Repository,
    Review,
    ReviewChange,
    Revision,
)
from adrsite.records import reviews as proposals

# The open refs read per repository: past it, the oldest are left off a page (and said so).
REVIEW_LIMIT = 1000
REF_LENGTH = 1000  # Review.ref's column: a longer ref in a URL names no review


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


# --- the site's pages (the log's "in review" facet, proposals, collisions on /problems/) ---


def open_reviews_in(*, repositories: QuerySet[Repository]) -> list[OpenReviews]:
    """The open reviews of each of `repositories` that has any, by name, with their
    collisions: three queries whatever the number of repositories, one when none has any."""
    reviews = list(
        Review.objects.filter(repository__in=repositories, merged_commit="")
        .select_related("repository")
        .order_by("-committed_at", "ref")
        .prefetch_related(
            Prefetch("changes", queryset=ProposedChange.objects.defer("content").order_by("path"))
        )[:REVIEW_LIMIT]
    )
    if not reviews:
        return []
    by_repository: dict[int, list[Review]] = {}
    for review in reviews:
        by_repository.setdefault(review.repository_id, []).append(review)
    last_blob = Revision.objects.filter(decision=OuterRef("pk")).order_by("-authored_at", "-id")
    tracked: dict[int, dict[int, list[tuple[str, str]]]] = {}
    for repository_id, number, path, blob in (
        Decision.objects.filter(
            repository__in=list(by_repository), deleted_commit="", number__isnull=False
        )
        .annotate(blob=Subquery(last_blob.values("blob")[:1]))
        .order_by("path")
        .values_list("repository_id", "number", "path", "blob")
    ):
        if number is not None:  # filtered above; the type does not know it
            tracked.setdefault(repository_id, {}).setdefault(number, []).append((path, blob or ""))
    found = []
    for repository_reviews in by_repository.values():
        repository = repository_reviews[0].repository
        collisions = proposals.collisions(
            [
                proposals.OpenReview(r.ref, r.label, tuple(c.as_core() for c in r.changes.all()))
                for r in repository_reviews
            ],
            tracked.get(repository.pk, {}),
            tracked_label=tracked_name(repository),
            against=against_ref(repository),
        )
        found.append(OpenReviews(repository, repository_reviews, collisions))
    return sorted(found, key=lambda open_work: open_work.repository.name)


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """One proposed change as the log's "in review" facet lists it."""

    review: Review
    change: ProposedChange
    summary: str  # "new: ADR 23 Use Kafka", "ADR 7: accepted → superseded"
    colliding: bool  # it adds a number another open review or the tracked branch uses


def review_log(*, repository: str, visible: QuerySet[Repository]) -> list[ReviewEntry]:
    """Every open proposed change in the `visible` repositories (or the one named), the
    most recently active review first: the log's "in review" facet. Three queries."""
    chosen = visible.filter(name=repository) if repository else visible
    entries = []
    for open_work in open_reviews_in(repositories=chosen):
        colliding = {(c.ref, c.path) for c in open_work.collisions}
        for review in open_work.reviews:
            for change in review.changes.all():
                summary = proposals.change_summary(change.as_core())
                entries.append(
                    ReviewEntry(review, change, summary, (review.ref, change.path) in colliding)
                )
    entries.sort(key=lambda e: (-e.review.committed_at.timestamp(), e.review.ref, e.change.path))
    return entries


def review_change_count(*, repository: str, visible: QuerySet[Repository]) -> int:
    """How many changes the open reviews of the `visible` repositories (or the named) propose."""
    chosen = visible.filter(name=repository) if repository else visible
    return ProposedChange.objects.filter(
        review__repository__in=chosen, review__merged_commit=""
    ).count()


@dataclass(frozen=True, slots=True)
class Proposal:
    """A proposed decision's page: the change, its review, what it would change."""

    review: Review
    change: ProposedChange  # with its proposed text
    tracked: Decision | None  # the tracked decision it changes or deletes
    tracked_text: str  # that decision's current text, "" without one
    collisions: list[proposals.Collision]  # this file's, on either side
    summary: str  # "new: ADR 23 Use Kafka", "ADR 7: accepted → superseded"


def proposal_get(
    *, repository: str, ref: str, decision_ref: str, visible: QuerySet[Repository]
) -> Proposal | None:
    """The change review `ref` (`refs/pull/412/head`) proposes to the file whose page ref is
    `decision_ref` (ADR 21), in a repository the reader may see; None when there is none."""
    review = _visible_review(repository=repository, ref=ref, visible=visible)
    if review is None:
        return None
    adr_dir = review.repository.adr_dir
    change = next(
        (
            c
            for c in review.changes.select_related("decision__repository").order_by("path")
            if refs.decision_ref(c.path, adr_dir) == decision_ref
        ),
        None,
    )
    if change is None:
        return None
    collisions = []
    if review.is_open:
        collisions = [
            c
            for c in open_reviews(repository=review.repository).collisions
            if (c.ref, c.path) == (review.ref, change.path)
            or (c.other_ref, c.other_path) == (review.ref, change.path)
        ]
    tracked = change.decision if change.change != ReviewChange.ADDED else None
    summary = proposals.change_summary(change.as_core())
    return Proposal(review, change, tracked, tracked_text(decision=tracked), collisions, summary)


def review_page(
    *, repository: str, ref: str, visible: QuerySet[Repository]
) -> tuple[Review, list[ReviewEntry], list[proposals.Collision]] | None:
    """A review's page: its changes and (while open) its collisions; None when unknown."""
    review = _visible_review(repository=repository, ref=ref, visible=visible)
    if review is None:
        return None
    changes = list(review.changes.defer("content").order_by("path"))
    collisions: list[proposals.Collision] = []
    if review.is_open:
        collisions = open_reviews(repository=review.repository).collisions_of(review)
    colliding = {c.path for c in collisions if c.ref == review.ref}
    entries = [
        ReviewEntry(review, c, proposals.change_summary(c.as_core()), c.path in colliding)
        for c in changes
    ]
    return review, entries, collisions


def _visible_review(*, repository: str, ref: str, visible: QuerySet[Repository]) -> Review | None:
    if len(ref) > REF_LENGTH:  # no stored ref is longer: not worth a query
        return None
    found = visible.filter(name=repository).first()
    return None if found is None else review_get(repository=found, ref=ref)


def tracked_text(*, decision: Decision | None) -> str:
    """The decision's text at the tracked tip (its last revision's), "" without one."""
    if decision is None:
        return ""
    last = decision.revisions.order_by("-authored_at", "-id").values_list("content", flat=True)
    return last.first() or ""


def decision_reviews(*, decision: Decision) -> tuple[list[ProposedChange], list[Review]]:
    """What a decision's page shows of review (one query): the open changes proposed to it,
    newest first (decision_proposals), and the merged reviews that proposed or changed it,
    by merge (decision_merged_proposals)."""
    rows = list(
        ProposedChange.objects.filter(decision=decision)
        .select_related("review__repository")
        .order_by("-review__committed_at", "review__ref")
    )
    open_changes = [change for change in rows if change.review.is_open]
    merged = {change.review.pk: change.review for change in rows if not change.review.is_open}
    return open_changes, sorted(merged.values(), key=lambda review: (review.merged_at, review.pk))

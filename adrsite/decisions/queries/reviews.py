"""Decisions in review (ADR 37): open pull requests and branches, their changes and collisions.

Collisions are not stored: they follow from the open changes and the tracked
decisions, computed here when read (`records.reviews.collisions`), so they are
never out of step with either. A constant number of queries per call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from adrsite.decisions import refs
from adrsite.decisions.models import (
    Decision,
    ProposedChange,
    Repository,
    Review,
    ReviewChange,
    Revision,
)
from adrsite.decisions.queries.log import PAGE_SIZE
from adrsite.records import reviews as proposals

# The open refs read per repository for its collisions: past it, the least recently active
# are left off (OpenReviews.left_off says how many, and the pages say so).
REVIEW_LIMIT = 1000
REF_LENGTH = 1000  # Review.ref's column: a longer ref in a URL names no review


@dataclass(frozen=True, slots=True)
class RefCollision:
    """One ref's side of a collision: what its pages and its JSON problems show."""

    collision: proposals.Collision
    mine: proposals.CollidingRef

    @property
    def number(self) -> int:
        return self.collision.number

    @property
    def message(self) -> str:
        return self.collision.message(self.mine)

    @property
    def others(self) -> list[proposals.CollidingRef]:
        return self.collision.others(self.mine)[0]

    @property
    def more(self) -> int:
        return self.collision.others(self.mine)[1]


@dataclass(slots=True)
class OpenReviews:
    """A repository's open reviews, with the collisions among them and with its tracked tip."""

    repository: Repository
    reviews: list[Review]  # newest activity first, changes prefetched
    collisions: list[proposals.Collision]  # one per number
    left_off: int = 0  # open reviews past REVIEW_LIMIT, not read
    _by_ref: dict[str, list[RefCollision]] = field(init=False, repr=False)
    _changes: dict[tuple[str, str], ProposedChange] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # Built once: pages look a ref or a file up per row, never scanning every review.
        self._by_ref = {}
        for collision in self.collisions:
            for mine in collision.refs:
                self._by_ref.setdefault(mine.ref, []).append(RefCollision(collision, mine))
        self._changes = {
            (review.ref, change.path): change
            for review in self.reviews
            for change in review.changes.all()
        }

    def collisions_of(self, review: Review) -> list[RefCollision]:
        """`review`'s side of each collision it is in."""
        return self._by_ref.get(review.ref, [])

    def change_at(self, ref: str, path: str) -> ProposedChange | None:
        """The open change of `path` that review `ref` proposes, None when there is none."""
        return self._changes.get((ref, path))


def tracked_name(repository: Repository) -> str:
    """How fixes and messages name the tracked branch: "main", or "the tracked branch"."""
    return repository.branch or "the tracked branch"


def against_ref(repository: Repository) -> str:
    """What `adr renumber --against` is given in a clone of the repository: origin/BRANCH."""
    return f"origin/{repository.branch}" if repository.branch else "origin/HEAD"


def open_reviews(*, repository: Repository) -> OpenReviews:
    """The repository's open reviews and their collisions (four queries)."""
    found = open_reviews_in(repositories=Repository.objects.filter(pk=repository.pk))
    return found[0] if found else OpenReviews(repository, [], [])


def _tracked_numbers(
    repository_ids: set[int], numbers: set[int]
) -> dict[int, dict[int, list[tuple[str, str]]]]:
    """repository -> number -> (path, blob) of the tracked decisions with one of `numbers`:
    only the numbers open work adds, never every decision with a subquery each."""
    if not numbers:
        return {}
    last_blob = Revision.objects.filter(decision=OuterRef("pk")).order_by("-authored_at", "-id")
    tracked: dict[int, dict[int, list[tuple[str, str]]]] = {}
    for repository_id, number, path, blob in (
        Decision.objects.filter(
            repository__in=repository_ids, deleted_commit="", number__in=numbers
        )
        .annotate(blob=Subquery(last_blob.values("blob")[:1]))
        .order_by("path")
        .values_list("repository_id", "number", "path", "blob")
    ):
        if number is not None:  # filtered above; the type does not know it
            tracked.setdefault(repository_id, {}).setdefault(number, []).append((path, blob or ""))
    return tracked


def _added_numbers(changes: list[ProposedChange]) -> set[int]:
    return {
        change.number
        for change in changes
        if change.number is not None and proposals.adds_number(change.as_core())
    }


def _collisions_of(
    repository: Repository, reviews: list[Review], tracked: dict[int, list[tuple[str, str]]]
) -> list[proposals.Collision]:
    return proposals.collisions(
        [
            proposals.OpenReview(r.ref, r.label, tuple(c.as_core() for c in r.changes.all()))
            for r in reviews
        ],
        tracked,
        tracked_label=tracked_name(repository),
        against=against_ref(repository),
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
                "problems": [c.message for c in found.collisions_of(review)],
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


def open_reviews_in(*, repositories: QuerySet[Repository]) -> list[OpenReviews]:
    """The open reviews of each of `repositories` that has any, by name, with their
    collisions: four queries whatever the number of repositories, one when none has any.
    Up to REVIEW_LIMIT per repository, the most recently active; the rest are counted."""
    open_work = Review.objects.filter(repository__in=repositories, merged_commit="")
    counts = dict(
        open_work.order_by()
        .values("repository_id")
        .annotate(n=Count("id"))
        .values_list("repository_id", "n")
    )
    if not counts:
        return []
    ranked = open_work.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("repository_id")],
            order_by=[F("committed_at").desc(), F("ref").asc()],
        )
    ).filter(rank__lte=REVIEW_LIMIT)
    reviews = list(
        ranked.select_related("repository")
        .order_by("-committed_at", "ref")
        .prefetch_related(
            Prefetch("changes", queryset=ProposedChange.objects.defer("content").order_by("path"))
        )
    )
    by_repository: dict[int, list[Review]] = {}
    for review in reviews:
        by_repository.setdefault(review.repository_id, []).append(review)
    numbers = _added_numbers([c for r in reviews for c in r.changes.all()])
    tracked = _tracked_numbers(set(by_repository), numbers)
    found = []
    for repository_id, repository_reviews in by_repository.items():
        repository = repository_reviews[0].repository
        collisions = _collisions_of(repository, repository_reviews, tracked.get(repository_id, {}))
        left_off = counts[repository_id] - len(repository_reviews)
        found.append(OpenReviews(repository, repository_reviews, collisions, left_off))
    return sorted(found, key=lambda open_work: open_work.repository.name)


@dataclass(frozen=True, slots=True)
class ReviewEntry:
    """One proposed change as the log's "in review" facet lists it."""

    review: Review
    change: ProposedChange
    summary: str  # "new: ADR 23 Use Kafka", "ADR 7: accepted → superseded"
    colliding: bool  # it adds a number another open review or the tracked branch uses


@dataclass(frozen=True, slots=True)
class ReviewLog:
    """A page of the log's "in review" facet."""

    entries: list[ReviewEntry]
    page: int
    pages: int
    total: int  # open changes in all


def review_log(*, repository: str, visible: QuerySet[Repository], page: int = 1) -> ReviewLog:
    """The open proposed changes in the `visible` repositories (or the one named), the most
    recently active review first, PAGE_SIZE to a page: the log's "in review" facet.

    Only the page's changes are read, and for its badges only the open changes and tracked
    decisions with the numbers they add: five queries, whatever the open work's size."""
    chosen = visible.filter(name=repository) if repository else visible
    open_changes = ProposedChange.objects.filter(
        review__repository__in=chosen, review__merged_commit=""
    )
    total = open_changes.count()
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page, pages)
    start = (page - 1) * PAGE_SIZE
    shown = list(
        open_changes.select_related("review__repository")
        .defer("content")
        .order_by("-review__committed_at", "review__ref", "path")[start : start + PAGE_SIZE]
    )
    colliding = _colliding(shown, _added_numbers(shown))
    entries = [
        ReviewEntry(
            change.review,
            change,
            proposals.change_summary(change.as_core()),
            (change.review.ref, change.path) in colliding,
        )
        for change in shown
    ]
    return ReviewLog(entries, page, pages, total)


def _colliding(shown: list[ProposedChange], numbers: set[int]) -> set[tuple[str, str]]:
    """(ref, path) of the `shown` changes in a collision: found among the open changes and
    tracked decisions with the `numbers` they add only."""
    if not numbers:
        return set()
    repositories = {change.review.repository_id: change.review.repository for change in shown}
    rivals = (
        ProposedChange.objects.filter(
            review__repository__in=list(repositories),
            review__merged_commit="",
            number__in=numbers,
        )
        .select_related("review")
        .defer("content")
        .order_by("-review__committed_at", "review__ref", "path")
    )
    tracked = _tracked_numbers(set(repositories), numbers)
    by_review: dict[int, tuple[Review, list[ProposedChange]]] = {}
    for change in rivals:
        by_review.setdefault(change.review_id, (change.review, []))[1].append(change)
    found: set[tuple[str, str]] = set()
    for repository_id, repository in repositories.items():
        reviews = [
            proposals.OpenReview(review.ref, review.label, tuple(c.as_core() for c in changes))
            for review, changes in by_review.values()
            if review.repository_id == repository_id
        ]
        for collision in proposals.collisions(
            reviews,
            tracked.get(repository_id, {}),
            tracked_label=tracked_name(repository),
            against=against_ref(repository),
        ):
            found.update((mine.ref, mine.path) for mine in collision.refs)
    return found


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
    collisions: list[RefCollision]  # this file's
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
    # Every file's path, not its text; then the one change's text.
    paths = review.changes.order_by("path").values_list("pk", "path")
    pk = next((pk for pk, path in paths if refs.decision_ref(path, adr_dir) == decision_ref), None)
    if pk is None:
        return None
    change = review.changes.select_related("decision__repository").get(pk=pk)
    collisions: list[RefCollision] = []
    if review.is_open:
        collisions = [
            c
            for c in open_reviews(repository=review.repository).collisions_of(review)
            if c.mine.path == change.path
        ]
    tracked = change.decision if change.change != ReviewChange.ADDED else None
    summary = proposals.change_summary(change.as_core())
    return Proposal(review, change, tracked, tracked_text(decision=tracked), collisions, summary)


def review_page(
    *, repository: str, ref: str, visible: QuerySet[Repository]
) -> tuple[Review, list[ReviewEntry], list[RefCollision]] | None:
    """A review's page: its changes and (while open) its collisions; None when unknown."""
    review = _visible_review(repository=repository, ref=ref, visible=visible)
    if review is None:
        return None
    changes = list(review.changes.defer("content").order_by("path"))
    collisions: list[RefCollision] = []
    if review.is_open:
        collisions = open_reviews(repository=review.repository).collisions_of(review)
    colliding = {c.mine.path for c in collisions}
    entries = [
        ReviewEntry(review, c, proposals.change_summary(c.as_core()), c.path in colliding)
        for c in changes
    ]
    return review, entries, collisions


def review_get(*, repository: Repository, ref: str) -> Review | None:
    """The open review of `ref` (`refs/pull/412/head`), else the last one merged from it."""
    found = Review.objects.filter(repository=repository, ref=ref, merged_commit="").first()
    return (
        found
        or Review.objects.filter(repository=repository, ref=ref).order_by("-merged_at").first()
    )


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
    newest first, with their text for the diff; and the merged reviews that proposed or
    changed it, by merge, whose proposed texts are never read (the timeline shows none)."""
    rows = list(
        ProposedChange.objects.filter(decision=decision)
        .select_related("review__repository")
        .defer("content")
        .annotate(
            open_content=Case(
                When(review__merged_commit="", then=F("content")),
                default=Value(""),
                output_field=TextField(),
            )
        )
        .order_by("-review__committed_at", "review__ref")
    )
    open_changes: list[ProposedChange] = []
    for change in rows:
        if change.review.is_open:
            change.content = change.open_content  # read already: no query per change
            open_changes.append(change)
    merged = {change.review.pk: change.review for change in rows if not change.review.is_open}
    return open_changes, sorted(merged.values(), key=lambda review: (review.merged_at, review.pk))

"""The review service: bring a repository's decisions in review up to its refs (ADR 37).

Called after each index of the tracked branch, in the same transaction. What
each ref showed is remembered in the database (ReviewRef: open, merged, nothing
to show, hidden), so that when no ref and not the tip moved the refresh costs one
`for-each-ref` listing them; when one moved, one more says which the tip has
merged and one `rev-list` where each moved ref parted from it; a ref is read
again (`history/reviews.py`) only when its head or its merge base moved.

A ref leaves the open reviews when it is merged (its head reached from the tip,
or every change already on the tip: a squash or rebase merge), deleted, closed
on the host (with a token), or, without one, untouched for `review_max_age` days.
A squash merge is never recorded for a pull request the host says is open, nor,
without a host to ask, for one stacked on another merged with it: those have
nothing to show until they change more. A merged review stays, for the timeline;
the rest are deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from dataclasses import replace as dataclass_replace
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from adrsite.decisions.identity import path_too_long
from adrsite.decisions.models import (
    Decision,
    ProposedChange,
    Repository,
    Review,
    ReviewRef,
    ReviewRefOutcome,
    Revision,
)
from adrsite.history.git import GitHistory
from adrsite.history.host_api import HostApiError, request_states
from adrsite.history.plumbing import HistoryError
from adrsite.history.reviews import (
    ReadReview,
    RefHead,
    ReviewRefProblem,
    merge_bases,
    merge_commit,
    merged_refs,
    read_reviews,
    review_heads,
    stacked_on_another,
)
from adrsite.records import reviews as proposals

logger = logging.getLogger(__name__)

# What the columns hold: PostgreSQL refuses longer values (SQLite keeps them), and the
# whole index with them. A ref this long is left out; so is a file whose path is longer
# (the tracked index leaves such a file out too), and a number past 9 digits is none.
_REF_LENGTH = Review._meta.get_field("ref").max_length or 0
_NUMBER_LIMIT = 10**9


@dataclass(frozen=True, slots=True)
class ReviewsResult:
    open: int  # reviews open after the refresh
    read: int  # refs read from their merge base in this run
    merged: int  # reviews found merged in this run
    error: str = ""  # why the refs could not be read: the reviews stay as they were


def review_patterns(repository: Repository) -> tuple[str, ...]:
    """The ref patterns read for `repository`: its own, else the hosts' pull request refs."""
    return tuple(repository.review_refs) or proposals.DEFAULT_REVIEW_REFS


def reviews_refresh(
    repository: Repository, history: GitHistory, *, now: datetime | None = None
) -> ReviewsResult:
    """Bring `repository`'s reviews up to its refs, compared with the tip `history` reads.

    A ref git cannot read keeps the reviews as they were, with the reason in the
    result, never a failed index of the tracked branch.
    """
    try:
        with transaction.atomic():  # a savepoint: a git failure leaves the last reviews
            return _refresh(repository, history, now or timezone.now())
    except (HistoryError, ReviewRefProblem) as error:
        logger.warning("%s: reviews not read: %s", repository.name, error)
        return ReviewsResult(
            Review.objects.filter(repository=repository, merged_commit="").count(), 0, 0, str(error)
        )


class Seen(NamedTuple):
    """What a refresh found of one ref, remembered (ReviewRef): the ref is read again only
    when its head or the tip moves, and not even then while its merge base stays."""

    head: str
    tip: str
    merge_base: str
    outcome: str  # ReviewRefOutcome


@dataclass
class _Run:
    """One refresh: what it found of each ref, and what it changes."""

    repository: Repository
    history: GitHistory
    tip: str
    states: dict[str, bool]  # ref -> open on the host; absent when the host cannot say
    seen: dict[str, Seen] = field(default_factory=dict)  # what this run remembers
    merged_now: int = 0
    _tracked: dict[str, str] | None = None

    def tracked(self) -> dict[str, str]:
        """path -> blob of the ADR files at the tip: one `ls-tree`, only when asked."""
        if self._tracked is None:
            self._tracked = self.history.files_at_head()
        return self._tracked

    def remember(self, ref: RefHead, merge_base: str, outcome: str) -> None:
        self.seen[ref.ref] = Seen(ref.head, self.tip, merge_base, outcome)

    def merged(self, review: Review, final: ReadReview | None, commit: str, ref: RefHead) -> None:
        _mark_merged(self.history, review, final, commit)
        self.remember(ref, review.merge_base, ReviewRefOutcome.MERGED)
        self.merged_now += 1


def _refresh(repository: Repository, history: GitHistory, now: datetime) -> ReviewsResult:
    tip = history.head or ""
    patterns = review_patterns(repository)
    heads = [h for h in review_heads(history, patterns) if len(h.ref) <= _REF_LENGTH] if tip else []
    stored = {r.ref: r for r in Review.objects.filter(repository=repository, merged_commit="")}
    last_seen, remembered = _last_seen(repository, history)
    run = _Run(repository, history, tip, _states_on_host(repository, heads))

    # 1. Classify, without git: hidden, unchanged since the last run, or to look at again.
    oldest = now - timedelta(days=repository.review_max_age)
    hiding: list[tuple[Review, RefHead]] = []  # open until now, hidden from now on
    unsettled: list[RefHead] = []  # its head or the tip moved since it was last seen
    for ref in heads:
        old, last = stored.get(ref.ref), last_seen.get(ref.ref)
        state = run.states.get(ref.ref)  # True: open on the host; False: closed; None: unknown
        if state is False or (state is None and ref.committed_at < oldest):
            base = last.merge_base if last is not None and last.head == ref.head else ""
            run.remember(ref, base, ReviewRefOutcome.HIDDEN)
            if old is not None:
                hiding.append((old, ref))
        elif old is not None and (old.head, old.tip) == (ref.head, tip):
            run.remember(ref, old.merge_base, ReviewRefOutcome.OPEN)
        elif (
            old is None
            and last is not None
            and (last.head, last.tip) == (ref.head, tip)
            and (last.outcome in (ReviewRefOutcome.MERGED, ReviewRefOutcome.NOTHING))
        ):
            run.seen[ref.ref] = last
        else:
            unsettled.append(ref)
    # Which refs the tip reaches: one `for-each-ref --merged`, which walks the history,
    # asked only when a ref to look at moved (the ones hidden at their last tip did not).
    moved_hiding = [(o, r) for o, r in hiding if (o.head, o.tip) != (r.head, tip)]
    reached = merged_refs(history, patterns) if unsettled or moved_hiding else set()

    # 2. Settle the refs the tip reached, and those hidden now: merged, or dropped.
    merging: list[tuple[Review, RefHead]] = []
    for old, ref in hiding:
        if ref.ref in reached:
            merging.append((old, ref))
        elif (old, ref) in moved_hiding and _squash_merged(run, old, ref):
            pass  # closed on the host because it was squash-merged: recorded
    settling: list[RefHead] = []
    for ref in unsettled:
        old = stored.get(ref.ref)
        if ref.ref in reached and old is not None:
            merging.append((old, ref))
        elif ref.ref in reached:  # merged before it was ever seen open: nothing to show
            run.remember(ref, ref.head, ReviewRefOutcome.MERGED)
        else:
            settling.append(ref)

    # 3. Where each moved ref parted from the tip (one rev-list for all); read those whose
    # merge base moved, and the merged ones once more from their base, as they merged.
    bases = merge_bases(history, [ref.head for ref in settling])
    to_read: list[tuple[RefHead, str]] = []
    retipped: list[tuple[Review, RefHead]] = []  # its read stands; compared with a new tip
    for ref in settling:
        old, last, base = stored.get(ref.ref), last_seen.get(ref.ref), bases[ref.head]
        if old is not None and (old.head, old.merge_base) == (ref.head, base):
            old.tip = tip
            retipped.append((old, ref))
        elif (
            old is None
            and last is not None
            and (last.head, last.merge_base) == (ref.head, base)
            and (last.outcome in (ReviewRefOutcome.MERGED, ReviewRefOutcome.NOTHING))
        ):
            run.remember(ref, base, last.outcome)  # the same changes: still nothing to show
        elif base:
            to_read.append((ref, base))
        else:  # no history in common with the tip
            run.remember(ref, "", ReviewRefOutcome.NOTHING)
    Review.objects.bulk_update([old for old, _ in retipped], ["tip"])
    wanted = [*to_read, *((ref, old.merge_base) for old, ref in merging)]
    read = {fit.ref: fit for found in read_reviews(history, wanted) if (fit := _storable(found))}
    for old, ref in merging:
        run.merged(old, read.get(ref.ref), merge_commit(history, ref.head), ref)

    # 4. Settle what was read, and the reviews compared with a new tip: open, or, when all
    # their changes are on the tip already, squash- or rebase-merged.
    recorded = _recorded_merged(
        repository, [read[ref.ref] for ref, _ in to_read if ref.ref in read]
    )
    squashed: list[tuple[Review, RefHead, ReadReview | None]] = []
    to_create: list[ReadReview] = []
    for ref, base in to_read:
        found, old = read.get(ref.ref), stored.get(ref.ref)
        if found is None:  # no ADR changes: nothing to read again until it moves
            run.remember(ref, base, ReviewRefOutcome.NOTHING)
        elif (ref.ref, ref.head) in recorded:  # merged already; its ref stays on the host
            run.remember(ref, base, ReviewRefOutcome.MERGED)
        elif proposals.merged_already(found.changes, run.tracked()):
            if old is not None:  # pushed again, then squash-merged
                squashed.append((old, ref, found))
            else:  # never seen open: nothing to record
                run.remember(ref, base, ReviewRefOutcome.NOTHING)
        else:
            to_create.append(found)
            run.remember(ref, base, ReviewRefOutcome.OPEN)
    ref_of = {old.pk: ref for old, ref in retipped}
    for review in _with_changes([old for old, _ in retipped]):
        ref = ref_of[review.pk]
        if proposals.merged_already(_core_changes(review), run.tracked()):
            squashed.append((review, ref, None))
        else:
            run.remember(ref, review.merge_base, ReviewRefOutcome.OPEN)
    _settle_squashed(run, squashed)
    _create(repository, to_create, tip)

    # 5. Refs gone from git: a branch deleted as it merged is recorded merged; the rest,
    # and the reviews hidden or found with nothing to show, leave the open reviews.
    listed = {ref.ref for ref in heads}
    for name in sorted(set(stored) - listed):
        _merged_then_deleted(run, stored[name])
    still_open = {ref for ref, seen in run.seen.items() if seen.outcome == ReviewRefOutcome.OPEN}
    Review.objects.filter(repository=repository, merged_commit="").exclude(
        ref__in=still_open
    ).delete()
    if run.seen != last_seen or remembered != len(last_seen):  # else two queries saved
        _remember(repository, history, run.seen)
    _link_decisions(repository)
    open_count = Review.objects.filter(repository=repository, merged_commit="").count()
    return ReviewsResult(open_count, len(to_read), run.merged_now)


def _squash_merged(run: _Run, review: Review, ref: RefHead) -> bool:
    """Record `review`, closed on the host or untouched too long, merged if all its
    changes are on the tip (hosts close a squash- or rebase-merged pull request, and
    GitHub's list of open ones leaves it out). Whether it was."""
    changes = _core_changes(review)
    if not proposals.merged_already(changes, run.tracked()):
        return False
    run.merged(review, None, _squash_commit(run.repository, changes), ref)
    return True


def _settle_squashed(run: _Run, squashed: list[tuple[Review, RefHead, ReadReview | None]]) -> None:
    """Record merged the open reviews whose changes are all on the tip, but for two kinds
    of pull request that only look merged, which have nothing to show meanwhile: one
    the host says is open (its base branch was squash-merged, not it), and, without a
    host to ask, one stacked on another found merged with it (the stacked one keeps its
    own commits, to merge later)."""
    unknown = [ref.head for _, ref, _ in squashed if run.states.get(ref.ref) is None]
    stacked = stacked_on_another(run.history, unknown)
    for review, ref, final in squashed:
        if run.states.get(ref.ref) is True or ref.head in stacked:
            run.remember(ref, review.merge_base, ReviewRefOutcome.NOTHING)
            continue
        changes = list(final.changes) if final is not None else _core_changes(review)
        run.merged(review, final, _squash_commit(run.repository, changes), ref)


def _recorded_merged(repository: Repository, reads: list[ReadReview]) -> set[tuple[str, str]]:
    """(ref, head) of `reads` already recorded merged: a squash-merged pull request's ref
    stays on the host, at the head that merged, once the tip has moved on."""
    if not reads:
        return set()
    return set(
        Review.objects.filter(repository=repository, ref__in=[r.ref for r in reads])
        .exclude(merged_commit="")
        .filter(head__in=[r.head for r in reads])
        .values_list("ref", "head")
    )


def _with_changes(reviews: list[Review]) -> list[Review]:
    return list(Review.objects.filter(pk__in=[r.pk for r in reviews]).prefetch_related("changes"))


def _core_changes(review: Review) -> list[proposals.ProposedChange]:
    return [change.as_core() for change in review.changes.all()]


def _merged_then_deleted(run: _Run, review: Review) -> bool:
    """Record `review` merged if the tip holds its head, or all its changes (a squash), though
    its ref is gone: hosts delete a branch when its pull request merges. Whether it did."""
    if run.history.is_ancestor(review.head):
        _mark_merged(run.history, review, None, merge_commit(run.history, review.head))
        run.merged_now += 1
        return True
    changes = _core_changes(review)
    if proposals.merged_already(changes, run.tracked()):
        _mark_merged(run.history, review, None, _squash_commit(run.repository, changes))
        run.merged_now += 1
        return True
    return False


def _last_seen(repository: Repository, history: GitHistory) -> tuple[dict[str, Seen], int]:
    """ref -> what the last refresh found of it, read in this ADR folder (what was read
    for another folder says nothing of this one); and how many refs are remembered."""
    rows = list(
        ReviewRef.objects.filter(repository=repository).values_list(
            "ref", "adr_dir", "head", "tip", "merge_base", "outcome"
        )
    )
    seen = {
        ref: Seen(head, tip, base, outcome)
        for ref, adr_dir, head, tip, base, outcome in rows
        if adr_dir == history.adr_dir
    }
    return seen, len(rows)


def _remember(repository: Repository, history: GitHistory, seen: dict[str, Seen]) -> None:
    """Store what this run found of each ref listed (a ref gone from git leaves it): two
    queries, whatever the number of refs."""
    ReviewRef.objects.filter(repository=repository).delete()
    ReviewRef.objects.bulk_create(
        (
            ReviewRef(
                repository=repository,
                ref=ref,
                adr_dir=history.adr_dir,
                head=s.head,
                tip=s.tip,
                merge_base=s.merge_base,
                outcome=s.outcome,
            )
            for ref, s in seen.items()
        ),
        batch_size=500,
    )


def _storable(read: ReadReview) -> ReadReview | None:
    """`read` with only the changes the columns hold; None when none is left."""
    changes = tuple(
        change if change.number is None or change.number < _NUMBER_LIMIT
        else dataclass_replace(change, number=None)
        for change in read.changes
        if not path_too_long(change.path) and not path_too_long(change.path_before)
    )  # fmt: skip
    return dataclass_replace(read, changes=changes) if changes else None


def _states_on_host(repository: Repository, heads: list[RefHead]) -> dict[str, bool]:
    """ref -> whether the host says its pull or merge request is open; empty without a
    token, or when the host cannot say: then age decides."""
    if not repository.host_token or not heads:
        return {}
    try:
        return request_states(
            repository.host_api, repository.url, repository.host_token, [h.ref for h in heads]
        )
    except HostApiError as error:
        logger.warning("%s: the host's API did not answer: %s", repository.name, error)
        return {}


def _create(repository: Repository, reads: list[ReadReview], tip: str) -> list[Review]:
    """Store `reads` as open reviews, replacing the open ones of their refs: a few queries
    for any number (the first read of a host's two hundred pull requests)."""
    if not reads:
        return []
    refs = [read.ref for read in reads]
    Review.objects.filter(repository=repository, merged_commit="", ref__in=refs).delete()
    reviews = Review.objects.bulk_create(
        Review(repository=repository, ref=read.ref, tip=tip, **_read_fields(repository, read))
        for read in reads
    )
    _create_changes(zip(reviews, reads, strict=True))
    return reviews


def _read_fields(repository: Repository, read: ReadReview) -> dict[str, object]:
    """A review's columns that come from reading its ref."""
    return {
        "label": proposals.review_label(read.ref)[:1000],
        "head": read.head,
        "merge_base": read.merge_base,
        "author": read.author[:255],
        "author_email": read.author_email[:255],
        "proposed_at": read.proposed_at,
        "committed_at": read.committed_at,
        "url": proposals.review_url(read.ref, repository.web_url, read.head),
    }


def _create_changes(pairs: Iterable[tuple[Review, ReadReview]]) -> None:
    ProposedChange.objects.bulk_create(
        (
            ProposedChange(
                review=review,
                change=change.change,
                path=change.path,
                path_before=change.path_before,
                number=change.number,
                title=change.title[:500],
                status_before=change.status_before or "",
                status_after=change.status_after or "",
                blob_before=change.blob_before,
                blob_after=change.blob_after,
                content=read.contents.get(change.path, "").replace("\0", "\ufffd"),
            )
            for review, read in pairs
            for change in read.changes
        ),
        batch_size=100,  # bodies of up to a megabyte each: bounded statements
    )


def _mark_merged(
    history: GitHistory, review: Review, final: ReadReview | None, commit: str
) -> None:
    """Record that `review` merged in `commit`; with its changes as they were merged, when
    its ref was read once more (pushed again since its last read)."""
    fields = ["merged_commit", "merged_at"]
    if final is not None:
        review.changes.all().delete()
        read = _read_fields(review.repository, final)
        for name, value in read.items():
            setattr(review, name, value)
        fields += list(read)
        _create_changes([(review, final)])
    review.merged_commit = commit
    review.merged_at = history.commit(commit).committed_at if commit else timezone.now()
    review.save(update_fields=fields)


def _squash_commit(repository: Repository, changes: list[proposals.ProposedChange]) -> str:
    """The tracked commit that first held a squash-merged review's content."""
    for change in changes:
        if change.blob_after:
            revision = (
                Revision.objects.filter(
                    decision__repository=repository, path=change.path, blob=change.blob_after
                )
                .order_by("authored_at", "id")
                .first()
            )
            if revision is not None:
                return revision.commit
    return repository.last_indexed_commit


def _link_decisions(repository: Repository) -> None:
    """Point each proposed change at the tracked decision it changes (or, merged, became):
    an open change by its path before; a merged one by the decision with a revision of
    its path and content, whatever that decision was renamed to since (a full re-index
    makes new decisions and leaves merged changes unlinked), else by its path. Two
    queries, a third when a merged change is unlinked and one more when a link is made;
    the proposed texts are never read."""
    could_link = Q(review__merged_commit="", path_before__gt="") | ~Q(review__merged_commit="")
    unlinked = list(
        ProposedChange.objects.filter(could_link, review__repository=repository, decision=None)
        .select_related("review")
        .only("path", "path_before", "blob_after", "review__merged_commit")
    )
    if not unlinked:
        return
    current = dict(
        Decision.objects.filter(repository=repository, deleted_commit="").values_list("path", "pk")
    )
    merged_blobs = {c.blob_after for c in unlinked if c.review.merged_commit and c.blob_after}
    became = {
        (path, blob): decision
        for path, blob, decision in Revision.objects.filter(
            decision__repository=repository, blob__in=merged_blobs
        )
        .order_by("-authored_at", "-id")
        .values_list("path", "blob", "decision_id")
    } if merged_blobs else {}  # fmt: skip
    linked = []
    for change in unlinked:
        if change.review.merged_commit:
            found = became.get((change.path, change.blob_after)) or current.get(change.path)
        else:
            found = current.get(change.path_before)
        if found is not None:
            change.decision_id = found
            linked.append(change)
    ProposedChange.objects.bulk_update(linked, ["decision"], batch_size=500)

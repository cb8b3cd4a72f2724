"""The review service: bring a repository's decisions in review up to its refs (ADR 37).

Called after each index of the tracked branch, in the same transaction. A ref
whose head and the tracked tip are where they were costs nothing but the two
`for-each-ref`s that list them all; one whose head moved is read again from its
merge base (`history/reviews.py`). A ref leaves the open reviews when it is
merged (its head reached from the tip, or every change already on the tip: a
squash or rebase merge), deleted, closed on the host (with a token), or, without
one, untouched for `review_max_age` days. A merged review stays, for the
timeline; the rest are deleted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from adrsite.decisions.identity import path_too_long
from adrsite.decisions.models import Decision, ProposedChange, Repository, Review, Revision
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


def _refresh(repository: Repository, history: GitHistory, now: datetime) -> ReviewsResult:
    tip = history.head or ""
    patterns = review_patterns(repository)
    heads = [h for h in review_heads(history, patterns) if len(h.ref) <= _REF_LENGTH] if tip else []
    stored = {r.ref: r for r in Review.objects.filter(repository=repository, merged_commit="")}
    nothing_before = _nothing_to_show(repository, history)
    merged = _merged(history, patterns, heads, stored, nothing_before)
    states = _states_on_host(repository, heads)
    oldest = now - timedelta(days=repository.review_max_age)
    kept: dict[str, Review] = {}
    moved_tip: list[Review] = []  # kept, but compared with another tip: merged by squash?
    to_read: list[tuple[RefHead, str]] = []
    merging: list[tuple[Review, RefHead]] = []
    nothing: dict[str, tuple[str, str, str]] = {}
    unsettled: list[RefHead] = []  # head or tip moved since the last read: where it parted?
    for ref in heads:
        old = stored.get(ref.ref)
        if ref.ref in merged:
            if old is not None:
                merging.append((old, ref))
            else:  # remembered as merged (its base is its head) until it or the tip moves
                nothing[ref.ref] = (ref.head, tip, ref.head)
            continue
        state = states.get(ref.ref)  # True: open on the host; False: closed; None: unknown
        if state is False or (state is None and ref.committed_at < oldest):
            continue
        if old is not None and old.head == ref.head and old.tip == tip:
            kept[ref.ref] = old
            continue
        last = nothing_before.get(ref.ref)
        if old is None and last is not None and last[:2] == (ref.head, tip):
            nothing[ref.ref] = last
            continue
        unsettled.append(ref)
    bases = merge_bases(history, [ref.head for ref in unsettled])  # one git process for all
    for ref in unsettled:
        old, last, base = stored.get(ref.ref), nothing_before.get(ref.ref), bases[ref.head]
        if old is not None and old.head == ref.head and old.merge_base == base:
            old.tip = tip
            moved_tip.append(old)
            kept[ref.ref] = old
        elif old is None and last is not None and last[0::2] == (ref.head, base):
            nothing[ref.ref] = (ref.head, tip, base)
        elif base:
            to_read.append((ref, base))
    Review.objects.bulk_update(moved_tip, ["tip"])
    # A merged ref is read once more, from its old merge base, as it was merged.
    wanted = [*to_read, *((ref, old.merge_base) for old, ref in merging)]
    read = [fit for found in read_reviews(history, wanted) if (fit := _storable(found))]
    merged_read = {r.ref: r for r in read if r.ref in merged}
    for old, ref in merging:
        final = merged_read.get(ref.ref)
        _mark_merged(repository, history, old, final, merge_commit(history, ref.head))
    fresh = [r for r in read if r.ref not in merged]
    # Only a review compared with a new tip can have been squash-merged since its last read.
    tracked = history.files_at_head() if (fresh or moved_tip) else {}
    merged_now = len(merging)
    handled = set(kept) | {old.ref for old, _ in merging}
    for review in Review.objects.filter(pk__in=[r.pk for r in moved_tip]).prefetch_related(
        "changes"
    ):
        changes = [change.as_core() for change in review.changes.all()]
        if proposals.merged_already(changes, tracked):
            _mark_merged(repository, history, review, None, _squash_commit(repository, changes))
            merged_now += 1
    to_create: list[ReadReview] = []
    for read_review in fresh:
        handled.add(read_review.ref)
        old = stored.get(read_review.ref)
        if proposals.merged_already(read_review.changes, tracked):
            if old is not None:  # pushed again, then squash-merged: recorded as merged
                commit = _squash_commit(repository, list(read_review.changes))
                _mark_merged(repository, history, old, read_review, commit)
                merged_now += 1
            else:  # never seen open: nothing to record
                nothing[read_review.ref] = (read_review.head, tip, read_review.merge_base)
            continue
        to_create.append(read_review)
    _create(repository, to_create, tip)
    shown = {r.ref for r in read}
    for ref, base in to_read:  # read, and no ADR changes: nothing to read again until it moves
        if ref.ref not in shown:
            nothing[ref.ref] = (ref.head, tip, base)
    if nothing != nothing_before:  # refs gone from git leave it too
        cache.set(_nothing_key(repository), {"adr_dir": history.adr_dir, "refs": nothing}, None)
    gone = set(stored) - handled
    listed = {ref.ref for ref in heads}
    for name in sorted(gone - listed):  # the ref itself is gone: a branch deleted on merge?
        if _merged_then_deleted(repository, history, stored[name], tracked):
            gone.discard(name)
            merged_now += 1
    Review.objects.filter(repository=repository, merged_commit="", ref__in=gone).delete()
    _link_decisions(repository)
    open_count = Review.objects.filter(repository=repository, merged_commit="").count()
    return ReviewsResult(open_count, len(to_read), merged_now)


def _merged_then_deleted(
    repository: Repository, history: GitHistory, review: Review, tracked: dict[str, str] | None
) -> bool:
    """Record `review` merged if the tip holds its head, or all its changes (a squash), though
    its ref is gone: hosts delete a branch when its pull request merges. Whether it did."""
    if history.is_ancestor(review.head):
        _mark_merged(repository, history, review, None, merge_commit(history, review.head))
        return True
    changes = [change.as_core() for change in review.changes.all()]
    if proposals.merged_already(changes, tracked or history.files_at_head()):
        _mark_merged(repository, history, review, None, _squash_commit(repository, changes))
        return True
    return False


def _merged(
    history: GitHistory,
    patterns: tuple[str, ...],
    heads: list[RefHead],
    stored: dict[str, Review],
    remembered: dict[str, tuple[str, str, str]],
) -> set[str]:
    """The refs the tip has merged. Asked of git (one `for-each-ref --merged`, which walks
    the history) only when a ref or the tip moved since the last read; else what the last
    read found: the refs remembered with their own head as their merge base."""
    tip = history.head

    def settled(ref: RefHead) -> bool:
        old, last = stored.get(ref.ref), remembered.get(ref.ref)
        if old is not None and (old.head, old.tip) == (ref.head, tip):
            return True
        return last is not None and last[:2] == (ref.head, tip)

    if not all(settled(ref) for ref in heads):
        return merged_refs(history, patterns)
    return {ref.ref for ref in heads if remembered.get(ref.ref, ("", "", ""))[2] == ref.head}


def _nothing_key(repository: Repository) -> str:
    return f"reviews:nothing-to-show:{repository.pk}"


def _nothing_to_show(
    repository: Repository, history: GitHistory
) -> dict[str, tuple[str, str, str]]:
    """ref -> (head, tip, merge base) of the refs last read with nothing to show: no ADR
    changes, or all of them already on the tip. A ref that touches only code would
    otherwise cost a merge-base, a rev-list and a diff at every index; a lost entry
    (the cache culled, or cleared) only means that ref is read again."""
    found = cache.get(_nothing_key(repository))
    if not isinstance(found, dict) or found.get("adr_dir") != history.adr_dir:
        return {}  # read for another folder: what it held says nothing of this one
    return dict(found["refs"])


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
        Review(
            repository=repository,
            ref=read.ref,
            label=proposals.review_label(read.ref)[:1000],
            head=read.head,
            merge_base=read.merge_base,
            tip=tip,
            author=read.author[:255],
            author_email=read.author_email[:255],
            proposed_at=read.proposed_at,
            committed_at=read.committed_at,
            url=proposals.review_url(read.ref, repository.web_url, read.head),
        )
        for read in reads
    )
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
            for review, read in zip(reviews, reads, strict=True)
            for change in read.changes
        ),
        batch_size=100,  # bodies of up to a megabyte each: bounded statements
    )
    return reviews


def _mark_merged(
    repository: Repository,
    history: GitHistory,
    review: Review,
    final: ReadReview | None,
    commit: str,
) -> None:
    """Record that `review` merged in `commit`; its changes as they were merged, if read."""
    if final is not None:
        review.changes.all().delete()
        (kept,) = _create(repository, [final], review.tip)
        review.delete()
        review = kept
    review.merged_commit = commit
    review.merged_at = history.commit(commit).committed_at if commit else timezone.now()
    review.save(update_fields=["merged_commit", "merged_at"])


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
    an open change by its path before, a merged one by its path. Two queries, and one
    more when any link is made; the proposed texts are never read."""
    could_link = Q(review__merged_commit="", path_before__gt="") | ~Q(review__merged_commit="")
    unlinked = list(
        ProposedChange.objects.filter(could_link, review__repository=repository, decision=None)
        .select_related("review")
        .only("path", "path_before", "review__merged_commit")
    )
    if not unlinked:
        return
    current = dict(
        Decision.objects.filter(repository=repository, deleted_commit="").values_list("path", "pk")
    )
    linked = []
    for change in unlinked:
        path = change.path if change.review.merged_commit else change.path_before
        if path in current:
            change.decision_id = current[path]
            linked.append(change)
    ProposedChange.objects.bulk_update(linked, ["decision"], batch_size=500)

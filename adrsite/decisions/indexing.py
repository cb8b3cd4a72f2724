"""The indexing service: write what git knows about a repository's decisions into the database.

`repository_index` reads the ADR folder's history (`adrsite.history`) from the
last indexed commit, oldest first, through every place the folder has lived,
and follows each file through its renames (`lineages.py`), recording a
Revision per commit; then it recomputes links and problems from the files at
HEAD. One run is one transaction: a failure half-way leaves the previous index
as it was, and a second run on the same repository waits for the first (or
stops with a clear message), never interleaves.
"""

from __future__ import annotations

import queue
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import replace as dataclass_replace
from pathlib import Path

from django.contrib.auth.models import Group
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from adrsite.decisions.enforcing import check_head
from adrsite.decisions.head import HeadBefore

# `x as x`: moved out of this module by the split of issue 10 (ADR 31), and importable
# from it still, for callers written before the split.
from adrsite.decisions.identity import MAX_PATH_BYTES as MAX_PATH_BYTES
from adrsite.decisions.identity import is_lineage_change
from adrsite.decisions.lineages import INDEX_FORMAT, FullIndexNeeded, Lineages
from adrsite.decisions.links_and_problems import _link_row as _link_row
from adrsite.decisions.links_and_problems import _problem_row as _problem_row
from adrsite.decisions.links_and_problems import _rebuild_links, _rebuild_problems
from adrsite.decisions.links_and_problems import _too_long_row as _too_long_row
from adrsite.decisions.models import Decision, Problem, Repository, Revision, Tag
from adrsite.decisions.reviews import reviews_refresh
from adrsite.decisions.rows import BATCH as BATCH
from adrsite.decisions.rows import column_length
from adrsite.decisions.search_tables import filled_at_the_end
from adrsite.decisions.warm import (
    _WARM,
    _enforcing_at_head,
    _keep_warm,
    _update_links_and_problems,
    _Warm,
)
from adrsite.decisions.warm import _WARM_REPOSITORIES as _WARM_REPOSITORIES
from adrsite.history.git import GitHistory, Move
from adrsite.history.reviews import pattern_problem

NAME_LENGTH = column_length(Repository, "name")
MAX_REVIEW_AGE = 36500  # days: a century, "never hide by age"


# A round of `GitHistory.discover`: the moves found, and the places they came from.
_Round = tuple[list[Move], list[str]]


class IndexBusy(Exception):
    """Another index run holds the repository; the message is for the user."""


class RepositoryNameTaken(Exception):
    """Another location is indexed under the name asked for; the message is for the user."""

    def __init__(self, name: str, location: str) -> None:
        super().__init__(f"a repository named {name!r} is already indexed, from {location}")
        self.name, self.location = name, location


@dataclass(frozen=True, slots=True)
class IndexResult:
    repository: str
    head: str | None
    full: bool
    reason: str  # why a full run: "first run", "requested", "history rewritten (force-push?)"
    new_revisions: int
    changed_decisions: int
    decisions: int
    problems: int
    seconds: float
    branch: str = ""  # what was read: a branch's name, a ref asked for, "detached HEAD at ..."
    reviews: int = 0  # open pull requests and branches that change ADRs (ADR 37)
    reviews_error: str = ""  # why their refs could not be read this time

    def summary(self) -> str:
        change = (
            f"{_count(self.new_revisions, 'new revision')}, "
            f"{_count(self.changed_decisions, 'changed decision')}"
        )
        if not self.new_revisions and not self.changed_decisions and not self.full:
            change = f"already up to date: {change}"
        scope = f"full ({self.reason})" if self.full else "incremental"
        read = f" at {self.branch}" if self.branch else ""
        in_review = f", {self.reviews} in review" if self.reviews else ""
        return (
            f"{self.repository}{read}: {scope}, {change}; {_count(self.decisions, 'decision')}, "
            f"{_count(self.problems, 'problem')}{in_review}, {self.seconds:.2f} s"
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def repository_register(
    *, name: str, location: str, adr_dir: str, web_url: str | None = None
) -> Repository:
    """The repository called `name`, created or pointed at `location` and `adr_dir`.

    `web_url` (a template with `{commit}` and `{path}`) is changed only when given.
    """
    if not re.fullmatch(r"[-a-zA-Z0-9_]+", name):
        raise ValueError(f"repository name {name!r}: letters, digits, - and _ only (URLs use it)")
    if len(name) > NAME_LENGTH:
        raise ValueError(f"repository name {name!r}: at most {NAME_LENGTH} characters")
    wanted = {"location": location, "adr_dir": adr_dir}
    if web_url is not None:
        wanted["web_url"] = web_url
    repository, created = Repository.objects.get_or_create(name=name, defaults=wanted)
    changed = [field for field, value in wanted.items() if getattr(repository, field) != value]
    if not created and changed:
        for field in changed:
            setattr(repository, field, wanted[field])
        repository.save(update_fields=changed)
    return repository


def repository_index(
    *,
    repository: Repository,
    full: bool = False,
    progress: Callable[[int], None] | None = None,
    ref: str = "",
) -> IndexResult:
    """Bring `repository`'s index up to its HEAD, or `ref`'s commit. Idempotent: a second run
    changes nothing."""
    started = time.perf_counter()
    location = Path(repository.location)
    with GitHistory(location, repository.adr_dir, ref) as history, _one_run(repository.name):
        # The row lock makes a second run wait (PostgreSQL); on SQLite the
        # IMMEDIATE transaction already holds the database (ADR 6).
        locked = Repository.objects.select_for_update().get(pk=repository.pk)
        result = _index(locked, history, full=full, progress=progress, started=started)
        result = _with_reviews(result, locked, history)
    repository.refresh_from_db()
    return dataclass_replace(result, branch=history.branch)


GROUP_NAME_LENGTH = 150  # Django's Group.name


def repository_restrict(*, name: str, groups: Iterable[str]) -> Repository:
    """Let only members of `groups` (names) read the repository called `name` (ADR 35);
    no groups: every signed-in user again. The groups replace those it had; a group not
    yet known is created, for the identity provider's logins or the admin to fill.

    Repository.DoesNotExist if there is none of that name; ValueError for a name no
    group can have.
    """
    with transaction.atomic():
        repository = Repository.objects.select_for_update().get(name=name)
        _restrict(repository, groups)
    return repository


def group_name_problem(name: str) -> str:
    """Why no group can be called `name`, or "" when one can."""
    if not name.strip() or len(name) > GROUP_NAME_LENGTH or "\x00" in name:
        shown = name[:GROUP_NAME_LENGTH] + ("..." if len(name) > GROUP_NAME_LENGTH else "")
        return f"group name {shown!r}: 1 to {GROUP_NAME_LENGTH} characters, not all spaces"
    return ""


def _restrict(repository: Repository, groups: Iterable[str]) -> None:
    names = sorted(set(groups))
    for group in names:
        if problem := group_name_problem(group):
            raise ValueError(problem)
    # ignore_conflicts: a login creating the same group meanwhile is no error
    Group.objects.bulk_create([Group(name=group) for group in names], ignore_conflicts=True)
    repository.visible_to.set(Group.objects.filter(name__in=names))


def repository_index_at(
    *,
    name: str,
    location: str,
    adr_dir: str,
    web_url: str | None = None,
    full: bool = False,
    replace: bool = False,
    visible_to: Iterable[str] | None = None,
    progress: Callable[[int], None] | None = None,
    ref: str = "",
    review_refs: Sequence[str] | None = None,
    review_max_age: int | None = None,
) -> IndexResult:
    """Register `name` at `location` and index it (HEAD, or `ref`), all in one transaction.

    A failure (not a git repository, an unreadable history) leaves the database as
    it was: no new row, and a re-index keeps the previous index and its settings.
    A name already indexed from another location is refused (RepositoryNameTaken)
    unless `replace`: then it points at `location` and is indexed afresh.
    `web_url` is changed only when given; so are the groups that may read it
    (`visible_to`, as `repository_restrict` sets them): in the same transaction, so a
    new repository is never readable by everyone before its restriction holds.
    `review_refs` (ref patterns, ADR 37) and `review_max_age` (days) too: changed only when
    given; a pattern git would misread is a ValueError, before anything is read.
    """
    review_settings = review_options(review_refs, review_max_age)
    if not re.fullmatch(r"[-a-zA-Z0-9_]+", name):
        raise ValueError(f"repository name {name!r}: letters, digits, - and _ only (URLs use it)")
    if len(name) > NAME_LENGTH:
        raise ValueError(f"repository name {name!r}: at most {NAME_LENGTH} characters")
    started = time.perf_counter()
    with GitHistory(Path(location), adr_dir, ref) as history, _one_run(name):
        repository = Repository.objects.select_for_update().filter(name=name).first()
        reason = ""
        if repository is None:
            try:
                with transaction.atomic():
                    repository = Repository.objects.create(
                        name=name, location=location, adr_dir=adr_dir, web_url=web_url or ""
                    )
            except IntegrityError:  # PostgreSQL: another run created it since we looked
                raise IndexBusy(_busy(name)) from None
        elif repository.location != location:
            if not replace:
                raise RepositoryNameTaken(name, repository.location)
            full, reason = True, f"replaces {repository.location}"
            repository.locations = []  # the other repository's places mean nothing here
        elif not full and (reason := _branch_changed(repository, history)):
            full = True
        wanted: dict[str, object] = {"location": location, "adr_dir": adr_dir, **review_settings}
        if web_url is not None:
            wanted["web_url"] = web_url
        wanted["branch"] = history.branch  # read last: says why the next run may go full
        changed = [field for field, value in wanted.items() if getattr(repository, field) != value]
        for field in changed:
            setattr(repository, field, wanted[field])
        if changed:
            repository.save(update_fields=changed)
        if visible_to is not None:
            _restrict(repository, visible_to)
        result = _index(
            repository, history, full=full, reason=reason, progress=progress, started=started
        )
        result = _with_reviews(result, repository, history)
        return dataclass_replace(result, branch=history.branch)


def review_options(
    review_refs: Sequence[str] | None, review_max_age: int | None
) -> dict[str, object]:
    """The review settings given, as Repository fields; ValueError naming a bad one."""
    given: dict[str, object] = {}
    if review_refs is not None:
        for pattern in review_refs:
            if problem := pattern_problem(pattern):
                raise ValueError(problem)
        given["review_refs"] = list(dict.fromkeys(review_refs))
    if review_max_age is not None:
        if not 1 <= review_max_age <= MAX_REVIEW_AGE:
            raise ValueError(f"review max age {review_max_age}: 1 to {MAX_REVIEW_AGE} days")
        given["review_max_age"] = review_max_age
    return given


def _branch_changed(repository: Repository, history: GitHistory) -> str:
    """Why a local re-index goes full when another branch is read, one the last is not in:
    that branch's history, not a force-push ("" when neither)."""
    since, before = repository.last_indexed_commit, repository.branch
    if not since or not before or before == history.branch or history.is_ancestor(since):
        return ""
    return f"now reading {history.branch}, was {before}"


def repository_remove(*, name: str) -> dict[str, int]:
    """Remove the repository called `name` and all that was indexed of it; what was removed.

    Counts by kind: `decisions`, `revisions`, `problems` (and `mirrors`, for a repository
    from its host). Repository.DoesNotExist if
    there is none of that name. A repository from its host loses its mirror too
    (after the rows: a failure keeps both); a local one's working copy is never touched.
    """
    with transaction.atomic():
        repository = Repository.objects.select_for_update().get(name=name)
        _, removed = repository.delete()
        Tag.objects.filter(decisions=None).delete()  # tags no decision carries any more
    counts = {
        "decisions": removed.get(Decision._meta.label, 0),
        "revisions": removed.get(Revision._meta.label, 0),
        "problems": removed.get(Problem._meta.label, 0),
    }
    if repository.url:
        from adrsite.decisions.hosts import mirror_removed

        counts["mirrors"] = int(mirror_removed(name))
    return counts


def _with_reviews(result: IndexResult, repository: Repository, history: GitHistory) -> IndexResult:
    """The decisions in review brought up to the tip just indexed (ADR 37)."""
    reviewed = reviews_refresh(repository, history)
    return dataclass_replace(result, reviews=reviewed.open, reviews_error=reviewed.error)


@contextmanager
def _one_run(name: str) -> Iterator[None]:
    """One transaction; a second run on the same database waits, then stops with IndexBusy."""
    try:
        with transaction.atomic():
            yield
    except OperationalError as error:
        if "locked" in str(error).lower():
            raise IndexBusy(_busy(name)) from None
        raise


def _busy(name: str) -> str:
    return f"{name}: another index run is in progress; try again when it ends"


def _index(
    repository: Repository,
    history: GitHistory,
    *,
    full: bool,
    reason: str = "",
    progress: Callable[[int], None] | None,
    started: float,
) -> IndexResult:
    head = history.head
    since = repository.last_indexed_commit
    reason = reason or ("requested" if full else "")
    if not since:
        full, reason = True, "first run"
    elif not full and repository.index_format != INDEX_FORMAT:
        full, reason = (
            True,
            f"the indexer changed (index format {repository.index_format} -> {INDEX_FORMAT})",
        )
    elif not full and repository.locations[:1] != [repository.adr_dir]:
        full, reason = True, f"the ADR folder is now {repository.adr_dir}"
    elif not full and not history.is_ancestor(since):
        full, reason = True, "history rewritten (force-push?)"
    elif not full and repository.shallow and not history.shallow:
        full, reason = True, "the clone is no longer shallow: its whole history is read"
    if not full and since == head:
        return _result(repository, head, full, reason, 0, 0, started)

    # What this process knows of the last run's HEAD, if it made that run (ADR 29). Taken out
    # while in use: a run that fails leaves none behind, a run that commits puts its own.
    warm = _WARM.pop(repository.pk, None)
    if warm is not None and not warm.fits(repository, since, history.shallow):
        warm = None
    if not full:
        before = None
        if warm is not None:
            before = HeadBefore(
                warm.blobs, warm.raw, warm.too_long, history.files_changed_since(since)
            )
        try:
            with transaction.atomic():  # a savepoint: a run that must go full leaves nothing
                state = _read_history(repository, history, since, progress, before=before)
        except FullIndexNeeded as needed:
            full, reason = True, str(needed)
    if full:
        warm = None
        repository.decisions.all().delete()
        repository.problems.all().delete()
        with filled_at_the_end(repository):  # SQLite's search tables, in one statement each
            state = _read_history(repository, history, None, progress)
    if warm is not None:
        _update_links_and_problems(repository, state, warm)
        current = _enforcing_at_head(warm)
    else:
        current = state.records_at_head()
        warm = _Warm.of(repository, state, current)
        _rebuild_links(repository, current, warm.folder)
        _rebuild_problems(
            repository, current, warm.folder, too_long=state.too_long, shallow=history.shallow
        )
    # The decisions' enforce: checks (ADR 30), after links and problems: the code changed
    # with the head, so every decision that carries checks is asked again (cached by commit).
    check_head(repository, history, current)
    warm.commit, warm.locations = head or "", list(state.places)
    transaction.on_commit(lambda: _keep_warm(repository.pk, warm))
    repository.last_indexed_commit = head or ""
    repository.indexed_at = timezone.now()
    repository.shallow = history.shallow
    repository.index_format = INDEX_FORMAT
    repository.locations = state.places
    repository.save(
        update_fields=["last_indexed_commit", "indexed_at", "shallow", "index_format", "locations"]
    )
    warm.indexed_at = repository.indexed_at
    return _result(
        repository, head, full, reason, state.new_revisions, state.changed_count, started
    )


def _read_history(
    repository: Repository,
    history: GitHistory,
    since: str | None,
    progress: Callable[[int], None] | None,
    *,
    before: HeadBefore | None = None,
) -> Lineages:
    """Read the history of every place the folder's files have lived, newest place first.

    The first pass reads the places known from the last run (the ADR folder,
    the first time). Meanwhile another thread asks git, round by round, where
    files came into those places from (`GitHistory.discover`): it diffs the
    commits each pass's walk finds adding files, as the walk goes, and starts
    the walk of each place it finds. Each found place then gets its pass, the
    newest first, so a file a move brings into a decision already read is that
    decision's from its first commit; other lineages a move split are joined
    at the end.
    """
    state = Lineages(repository, history, incremental=since is not None, before=before)
    stored = repository.locations if repository.locations[:1] == [repository.adr_dir] else []
    known = stored or [repository.adr_dir]
    state.places = list(known)
    rounds: queue.Queue[_Round | BaseException | None] = queue.Queue()
    stopping = threading.Event()  # the caller gave up (an error): no more rounds
    # Started here, before either thread reads it: the first pass and the first round
    # of `discover` share its walk.
    adding = history.commits_adding(since, places=known)

    def discover() -> None:
        try:
            for moves, found in history.discover(known, since, adding):
                if stopping.is_set():
                    break
                rounds.put((moves, found))
            rounds.put(None)
        except BaseException as error:  # raised again in the caller's thread
            rounds.put(error)

    finding = threading.Thread(target=discover, name="adrsite-discover", daemon=True)
    finding.start()
    try:
        stream = history.commits_with_blobs(
            since, wanted=is_lineage_change, places=known, on_blob=state.read_status
        )
        state.read(stream, progress)
        while (item := rounds.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            moves, found = item
            if found and since:
                raise FullIndexNeeded(f"the ADR folder also lived at {', '.join(found)}")
            state.expect(moves)
            if found:
                state.places += found
                # Its walk began when the places were found. On every branch: once the
                # folder has moved, a merge that brings a branch's file along hides that
                # branch from git's simplified history of the old place.
                stream = history.commits_with_blobs(
                    wanted=is_lineage_change,
                    places=found,
                    full_history=True,
                    on_blob=state.read_status,
                )
                state.read(stream, progress, later=True)
    finally:
        stopping.set()
        finding.join()
    state.finish()
    return state


def _result(
    repository: Repository,
    head: str | None,
    full: bool,
    reason: str,
    new_revisions: int,
    changed: int,
    started: float,
) -> IndexResult:
    return IndexResult(
        repository=repository.name,
        head=head,
        full=full,
        reason=reason,
        new_revisions=new_revisions,
        changed_decisions=changed,
        decisions=repository.decisions.filter(deleted_commit="").count(),
        problems=repository.problems.count(),
        seconds=time.perf_counter() - started,
    )

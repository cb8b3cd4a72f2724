"""The indexing service: write what git knows about a repository's decisions into the database.

`repository_index` reads the ADR folder's history (`adrsite.history`) from the
last indexed commit, oldest first, parses each changed file (`adrsite.records`)
and records a Revision per commit; then it recomputes links and problems from
the files at HEAD. One run is one transaction: a failure half-way leaves the
previous index as it was, and a second run on the same repository waits for
the first (or stops with a clear message), never interleaves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.db import OperationalError, transaction
from django.utils import timezone

from adrsite.decisions.models import (
    Decision,
    DecisionTag,
    Link,
    LinkKind,
    Problem,
    Repository,
    Revision,
    Tag,
)
from adrsite.history.git import DELETED, RENAMED, Commit, FileChange, GitHistory
from adrsite.records.folder import Resolver, is_decision_file
from adrsite.records.lint import check
from adrsite.records.model import Record
from adrsite.records.parse import MAX_BYTES, parse, parse_file_name
from adrsite.records.vocabulary import REVERSE_KIND

_BATCH = 500


class IndexBusy(Exception):
    """Another index run holds the repository; the message is for the user."""


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

    def summary(self) -> str:
        change = (
            f"{_count(self.new_revisions, 'new revision')}, "
            f"{_count(self.changed_decisions, 'changed decision')}"
        )
        if not self.new_revisions and not self.changed_decisions and not self.full:
            change = f"already up to date: {change}"
        scope = f"full ({self.reason})" if self.full else "incremental"
        return (
            f"{self.repository}: {scope}, {change}; {_count(self.decisions, 'decision')}, "
            f"{_count(self.problems, 'problem')}, {self.seconds:.2f} s"
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def repository_register(*, name: str, location: str, adr_dir: str) -> Repository:
    """The repository called `name`, created or pointed at `location` and `adr_dir`."""
    repository, created = Repository.objects.get_or_create(
        name=name, defaults={"location": location, "adr_dir": adr_dir}
    )
    if not created and (repository.location, repository.adr_dir) != (location, adr_dir):
        repository.location, repository.adr_dir = location, adr_dir
        repository.save(update_fields=["location", "adr_dir"])
    return repository


def repository_index(
    *, repository: Repository, full: bool = False, progress: Callable[[int], None] | None = None
) -> IndexResult:
    """Bring `repository`'s index up to its HEAD. Idempotent: a second run changes nothing."""
    started = time.perf_counter()
    with GitHistory(Path(repository.location), repository.adr_dir) as history:
        try:
            with transaction.atomic():
                # The row lock makes a second run wait (PostgreSQL); on SQLite the
                # IMMEDIATE transaction already holds the database (ADR 6).
                locked = Repository.objects.select_for_update().get(pk=repository.pk)
                result = _index(locked, history, full=full, progress=progress, started=started)
        except OperationalError as error:
            if "locked" in str(error).lower():
                raise IndexBusy(
                    f"{repository.name}: another index run is in progress; try again when it ends"
                ) from None
            raise
    repository.refresh_from_db()
    return result


def _index(
    repository: Repository,
    history: GitHistory,
    *,
    full: bool,
    progress: Callable[[int], None] | None,
    started: float,
) -> IndexResult:
    head = history.head
    since = repository.last_indexed_commit
    reason = "requested" if full else ""
    if not since:
        full, reason = True, "first run"
    elif not full and not history.is_ancestor(since):
        full, reason = True, "history rewritten (force-push?)"
    if not full and since == head:
        return _result(repository, head, full, reason, 0, set(), started)

    if full:
        repository.decisions.all().delete()
        repository.problems.all().delete()
    state = _State(repository, history)
    for count, commit in enumerate(history.commits(None if full else since), start=1):
        state.apply(commit)
        if progress:
            progress(count)
    state.flush()
    state.save_tags()
    state.reconcile_with_head()
    current = state.records_at_head()
    _rebuild_links(repository, current)
    _rebuild_problems(repository, current, shallow=history.shallow)
    repository.last_indexed_commit = head or ""
    repository.indexed_at = timezone.now()
    repository.shallow = history.shallow
    repository.save(update_fields=["last_indexed_commit", "indexed_at", "shallow"])
    return _result(repository, head, full, reason, state.new_revisions, state.changed, started)


def _result(
    repository: Repository,
    head: str | None,
    full: bool,
    reason: str,
    new_revisions: int,
    changed: set[int],
    started: float,
) -> IndexResult:
    return IndexResult(
        repository=repository.name,
        head=head,
        full=full,
        reason=reason,
        new_revisions=new_revisions,
        changed_decisions=len(changed),
        decisions=repository.decisions.filter(deleted_commit="").count(),
        problems=repository.problems.count(),
        seconds=time.perf_counter() - started,
    )


class _State:
    """The decisions being indexed, by current path; revisions written in batches."""

    def __init__(self, repository: Repository, history: GitHistory) -> None:
        self.repository = repository
        self.history = history
        self.by_path = {d.path: d for d in repository.decisions.filter(deleted_commit="")}
        self.pending: list[Revision] = []
        self.tags: dict[int, tuple[Decision, tuple[str, ...]]] = {}
        self.new_revisions = 0
        self.changed: set[int] = set()
        self.folder = repository.adr_dir.strip("/") + "/"

    def apply(self, commit: Commit) -> None:
        for change in commit.changes:
            if not _is_decision_path(change.path):
                if change.status == RENAMED and change.old_path in self.by_path:
                    self.delete(self.by_path.pop(change.old_path), commit)  # moved out of the log
                continue
            if change.status == DELETED:
                if decision := self.by_path.pop(change.path, None):
                    self.delete(decision, commit)
                continue
            decision = None
            if change.status == RENAMED:
                decision = self.by_path.pop(change.old_path, None)
                if decision and not _same_decision(change.old_path, change.path):
                    self.delete(decision, commit)  # a new ADR that git paired with an old one
                    decision = None
            else:
                decision = self.by_path.get(change.path)
            self.revise(decision, change, commit)

    def revise(self, decision: Decision | None, change: FileChange, commit: Commit) -> None:
        data = self.history.blob(change.blob)
        record = parse(change.path, data)
        if decision is None:
            decision = Decision(
                repository=self.repository,
                path=change.path,
                created_commit=commit.sha,
                created_at=commit.authored_at,
            )
        _copy_record(decision, record)
        decision.path = change.path
        decision.updated_commit = commit.sha
        decision.updated_at = commit.authored_at
        if commit.author not in decision.authors:
            decision.authors = [*decision.authors, commit.author]
        decision.save()
        self.tags[decision.pk] = (decision, record.tags)  # set once, at the end of the run
        self.by_path[change.path] = decision
        self.changed.add(decision.pk)
        self.pending.append(
            Revision(
                decision=decision,
                commit=commit.sha,
                author=commit.author,
                author_email=commit.author_email,
                authored_at=commit.authored_at,
                message=commit.message,
                path=change.path,
                status=record.status,
                blob=change.blob,
                # Too large to be an ADR: the blob id is kept, the bytes are not.
                content=data.decode("utf-8", errors="replace") if len(data) <= MAX_BYTES else "",
            )
        )
        if len(self.pending) >= _BATCH:
            self.flush()

    def delete(self, decision: Decision, commit: Commit) -> None:
        decision.deleted_commit = commit.sha
        decision.updated_commit = commit.sha
        decision.updated_at = commit.authored_at
        decision.save(update_fields=["deleted_commit", "updated_commit", "updated_at"])
        self.changed.add(decision.pk)
        self.pending.append(
            Revision(
                decision=decision,
                commit=commit.sha,
                author=commit.author,
                author_email=commit.author_email,
                authored_at=commit.authored_at,
                message=commit.message,
                path=decision.path,
                status=decision.status,
                deleted=True,
            )
        )

    def save_tags(self) -> None:
        for decision, names in self.tags.values():
            _set_tags(decision, names)

    def flush(self) -> None:
        # A commit may touch one decision twice (a rename git split in two):
        # the last state of the file in that commit is the revision.
        unique = {(r.decision.pk, r.commit): r for r in self.pending}
        Revision.objects.bulk_create(unique.values(), ignore_conflicts=True)
        self.new_revisions += len(unique)
        self.pending = []

    def reconcile_with_head(self) -> None:
        """Match the files at HEAD, whatever merges did to the path-by-path story."""
        at_head = {p: b for p, b in self.history.files_at_head().items() if _is_decision_path(p)}
        for path in set(self.by_path) - set(at_head):
            decision = self.by_path.pop(path)
            decision.deleted_commit = self.history.head or ""
            decision.save(update_fields=["deleted_commit"])
            self.changed.add(decision.pk)
        self.at_head = at_head

    def records_at_head(self) -> list[tuple[Decision, Record]]:
        return [
            (self.by_path[path], parse(path, self.history.blob(blob)))
            for path, blob in sorted(self.at_head.items())
            if path in self.by_path
        ]


def _is_decision_path(path: str) -> bool:
    return is_decision_file(path.rsplit("/", 1)[-1])


def _same_decision(old_path: str, new_path: str) -> bool:
    """A rename keeps a decision when it keeps its number (retitled) or its slug (renumbered).

    Git pairs a deleted file with an added one when their text is similar, and
    ADRs share a template: both number and slug changing is a new decision.
    """
    old_number, old_slug = parse_file_name(old_path.rsplit("/", 1)[-1])
    new_number, new_slug = parse_file_name(new_path.rsplit("/", 1)[-1])
    return (old_number is not None and old_number == new_number) or old_slug == new_slug


def _copy_record(decision: Decision, record: Record) -> None:
    decision.number = record.number
    decision.slug = record.slug
    decision.title = record.title[:500]
    decision.status = record.status
    decision.status_text = record.status_text[:500]
    decision.date = date.fromisoformat(record.date) if record.date else None
    decision.deciders = list(record.deciders)
    decision.affects = list(record.affects)
    decision.rule = record.rule
    decision.body = record.body
    decision.deleted_commit = ""


def _set_tags(decision: Decision, names: tuple[str, ...]) -> None:
    wanted = {name.strip().lower() for name in names if name.strip()}
    current = set(decision.tags.values_list("name", flat=True))
    if wanted == current:
        return
    DecisionTag.objects.filter(decision=decision).delete()
    tags = [Tag.objects.get_or_create(name=name)[0] for name in sorted(wanted)]
    DecisionTag.objects.bulk_create([DecisionTag(decision=decision, tag=tag) for tag in tags])


def _rebuild_links(repository: Repository, current: list[tuple[Decision, Record]]) -> None:
    """Links as the files at HEAD declare them, stored forwards, whichever side declared them."""
    records = [record for _, record in current]
    decisions = {record.path: decision for decision, record in current}
    resolver = Resolver(records)
    rows: dict[tuple[int, int, str], Link] = {}
    for decision, record in current:
        for link in record.links:
            target = resolver.resolve(link.target, record)
            if target is None or target.path == record.path:
                continue
            other = decisions[target.path]
            forward = link.kind if link.kind in LinkKind.values else REVERSE_KIND.get(link.kind)
            if forward not in LinkKind.values:
                continue  # a kind of adr-tools' own ("Implements"): shown in the text only
            source, target_ = (decision, other) if forward == link.kind else (other, decision)
            rows.setdefault(
                (source.pk, target_.pk, forward),
                Link(
                    source=source,
                    target=target_,
                    kind=forward,
                    declared_in=decision,
                    line=link.line,
                ),
            )
    Link.objects.filter(source__repository=repository).delete()
    Link.objects.bulk_create(rows.values())


def _rebuild_problems(
    repository: Repository, current: list[tuple[Decision, Record]], *, shallow: bool
) -> None:
    by_path = {record.path: decision for decision, record in current}
    rows = [
        Problem(
            repository=repository,
            decision=by_path.get(problem.path),
            path=problem.path,
            commit=by_path[problem.path].updated_commit if problem.path in by_path else "",
            line=problem.line,
            severity=problem.severity,
            code=problem.code,
            message=problem.message,
        )
        for problem in check([record for _, record in current])
    ]
    if shallow:
        rows.append(
            Problem(
                repository=repository,
                path=repository.adr_dir,
                severity="warning",
                code="shallow-clone",
                message="history incomplete: shallow clone "
                "(dates and authors before the cut are missing)",
            )
        )
    repository.problems.all().delete()
    Problem.objects.bulk_create(rows)

"""The indexing service: write what git knows about a repository's decisions into the database.

`repository_index` reads the ADR folder's history (`adrsite.history`) from the
last indexed commit, oldest first, parses each changed file (`adrsite.records`)
and records a Revision per commit; then it recomputes links and problems from
the files at HEAD. One run is one transaction: a failure half-way leaves the
previous index as it was, and a second run on the same repository waits for
the first (or stops with a clear message), never interleaves.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, NamedTuple

from django.db import OperationalError, connection, transaction
from django.db.models.constants import OnConflict
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
from adrsite.records.dates import settle_dates
from adrsite.records.folder import is_decision_file, resolved_links
from adrsite.records.lint import check
from adrsite.records.model import Record
from adrsite.records.parse import MAX_BYTES, parse, parse_file_name, parse_status

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


def repository_register(
    *, name: str, location: str, adr_dir: str, web_url: str | None = None
) -> Repository:
    """The repository called `name`, created or pointed at `location` and `adr_dir`.

    `web_url` (a template with `{commit}` and `{path}`) is changed only when given.
    """
    if not re.fullmatch(r"[-a-zA-Z0-9_]+", name):
        raise ValueError(f"repository name {name!r}: letters, digits, - and _ only (URLs use it)")
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
        return _result(repository, head, full, reason, 0, 0, started)

    if full:
        repository.decisions.all().delete()
        repository.problems.all().delete()
    state = _State(repository, history)
    stream = history.commits_with_blobs(None if full else since, wanted=_is_decision_change)
    for count, (commit, contents) in enumerate(stream, start=1):
        state.apply(commit, contents)
        if progress:
            progress(count)
    state.finish()
    current = state.records_at_head()
    _rebuild_links(repository, current)
    _rebuild_problems(repository, current, shallow=history.shallow)
    repository.last_indexed_commit = head or ""
    repository.indexed_at = timezone.now()
    repository.shallow = history.shallow
    repository.save(update_fields=["last_indexed_commit", "indexed_at", "shallow"])
    return _result(
        repository, head, full, reason, state.new_revisions, state.changed_count, started
    )


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


class _State:
    """The decisions being indexed, by current path.

    Decisions are changed in memory while the history streams past and written
    in bulk: new ones at each flush (their revisions need an id), every changed
    one once at the end, in its final state. Memory holds one row and one file
    per decision and one batch of revisions, whatever the number of commits.

    A past revision needs only its status (`parse_status`); a decision's whole
    record is parsed once, from its last revision, when it leaves the stream:
    deleted, or at the end (`settle`).
    """

    def __init__(self, repository: Repository, history: GitHistory) -> None:
        self.repository = repository
        self.history = history
        self.by_path = {d.path: d for d in repository.decisions.filter(deleted_commit="")}
        self.pending: list[_RevisionRow] = []
        self.unsaved: list[Decision] = []
        self.changed: dict[int, Decision] = {}  # by id(): unsaved decisions have no pk yet
        self.tags: dict[int, tuple[Decision, tuple[str, ...]]] = {}
        self.unsettled: dict[str, tuple[str, bytes]] = {}  # path -> (blob, bytes) last read
        self.settled: dict[str, tuple[str, Record]] = {}  # path -> (blob, record), for HEAD
        self.new_revisions = 0
        self.at_head: dict[str, str] = {}  # path -> blob, once reconciled with HEAD

    def apply(self, commit: Commit, contents: dict[str, bytes]) -> None:
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
                self.unsettled.pop(change.old_path, None)  # the new path's bytes follow
            else:
                decision = self.by_path.get(change.path)
            self.revise(decision, change, commit, contents[change.blob])

    def revise(
        self, decision: Decision | None, change: FileChange, commit: Commit, data: bytes
    ) -> None:
        status = parse_status(change.path, data)
        if decision is None:
            decision = Decision(
                repository=self.repository,
                path=change.path,
                created_commit=commit.sha,
                created_at=commit.authored_at,
            )
            self.unsaved.append(decision)
        decision.path = change.path
        decision.status = status
        decision.updated_commit = commit.sha
        decision.updated_at = commit.authored_at
        if commit.author not in decision.authors:
            decision.authors = [*decision.authors, commit.author]
        self.by_path[change.path] = decision
        self.unsettled[change.path] = (change.blob, data)
        self.changed[id(decision)] = decision
        # Too large to be an ADR: the blob id is kept, the bytes are not.
        content = data.decode("utf-8", errors="replace") if len(data) <= MAX_BYTES else ""
        self.pending.append(
            _RevisionRow.of(decision, commit, status, blob=change.blob, content=content)
        )
        if len(self.pending) >= _BATCH:
            self.flush()

    def settle(self, decision: Decision) -> None:
        """Copy the whole record of the decision's last revision read, if any, onto it."""
        if unsettled := self.unsettled.pop(decision.path, None):
            blob, data = unsettled
            record = parse(decision.path, data)
            _copy_record(decision, record)
            self.tags[id(decision)] = (decision, record.tags)
            self.settled[decision.path] = (blob, record)

    def delete(self, decision: Decision, commit: Commit) -> None:
        self.settle(decision)
        self.settled.pop(decision.path, None)
        decision.deleted_commit = commit.sha
        decision.updated_commit = commit.sha
        decision.updated_at = commit.authored_at
        self.changed[id(decision)] = decision
        self.pending.append(_RevisionRow.of(decision, commit, decision.status, deleted=True))

    def flush(self) -> None:
        """Write new decisions (revisions need their ids) and the pending revisions."""
        Decision.objects.bulk_create(self.unsaved, batch_size=_BATCH)
        self.unsaved = []
        # A commit may touch one decision twice (a rename git split in two):
        # the last state of the file in that commit is the revision.
        unique = {(id(r.decision), r.commit): r for r in self.pending}
        _insert_revisions(list(unique.values()))
        self.new_revisions += len(unique)
        self.pending = []

    def finish(self) -> None:
        """Write every changed decision once, in its final state, and its tags."""
        self.flush()
        for decision in list(self.by_path.values()):
            self.settle(decision)
        self.reconcile_with_head()
        _update_decisions(list(self.changed.values()))
        _set_tags([decision for decision, _ in self.tags.values()], self.tags.values())

    def reconcile_with_head(self) -> None:
        """Match the files at HEAD, whatever merges did to the path-by-path story."""
        at_head = {p: b for p, b in self.history.files_at_head().items() if _is_decision_path(p)}
        for path in set(self.by_path) - set(at_head):
            decision = self.by_path.pop(path)
            decision.deleted_commit = self.history.head or ""
            self.changed[id(decision)] = decision
        self.at_head = at_head

    def records_at_head(self) -> list[tuple[Decision, Record]]:
        """Each current decision with its file at HEAD, parsed once (reused from the stream)."""
        paths = [path for path in sorted(self.at_head) if path in self.by_path]
        unread = [p for p in paths if self.settled.get(p, ("",))[0] != self.at_head[p]]
        blobs = self.history.blobs([self.at_head[p] for p in unread])  # one round trip
        read = {path: parse(path, data) for path, data in zip(unread, blobs, strict=True)}
        current = [(self.by_path[p], read[p] if p in read else self.settled[p][1]) for p in paths]
        # Day/month dates by the folder's convention, git's created date breaking a tie.
        created = {record.path: decision.created_at for decision, record in current}
        records = settle_dates([record for _, record in current], created)
        redated = []
        for (decision, _), record in zip(current, records, strict=True):
            if decision.date != (settled := _date_of(record)):
                decision.date = settled
                redated.append(decision)
        Decision.objects.bulk_update(redated, ["date"], batch_size=_BATCH)
        return [(decision, record) for (decision, _), record in zip(current, records, strict=True)]

    @property
    def changed_count(self) -> int:
        return len(self.changed)


_DECISION_FIELDS = [
    "path", "number", "slug", "title", "status", "status_text", "date", "deciders", "authors",
    "affects", "rule", "body", "updated_commit", "updated_at", "deleted_commit",
]  # fmt: skip


class _RevisionRow(NamedTuple):
    """A revision waiting to be written: cheaper to build than a model instance, by the thousand."""

    decision: Decision  # may get its id only at the next flush
    commit: str
    author: str
    author_email: str
    authored_at: datetime
    message: str
    path: str
    status: str
    blob: str = ""
    content: str = ""
    deleted: bool = False

    @classmethod
    def of(cls, decision: Decision, commit: Commit, status: str, **file: Any) -> _RevisionRow:
        """The revision `commit` made of `decision`, at the path the decision has now."""
        return cls(
            decision, commit.sha, commit.author, commit.author_email, commit.authored_at,
            commit.message, decision.path, status, **file,
        )  # fmt: skip


def _insert_revisions(revisions: list[_RevisionRow]) -> None:
    """One INSERT statement run for every revision (executemany), skipping any already there.

    bulk_create spends most of its time building model instances and SQL, row
    by row; this is the indexer's hottest write (a row per decision per commit).
    """
    columns = ["decision_id", *_RevisionRow._fields[1:]]
    quote = connection.ops.quote_name
    ignore = OnConflict.IGNORE
    fields = [Revision._meta.get_field(name) for name in columns]
    sql = (
        f"{connection.ops.insert_statement(on_conflict=ignore)} {quote(Revision._meta.db_table)} "
        f"({', '.join(quote(field.column) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"{connection.ops.on_conflict_suffix_sql(fields, ignore, None, None) or ''}"
    )
    adapt = connection.ops.adapt_datetimefield_value  # the one value a driver may not take as is
    rows = [(r.decision.pk, *r[1:4], adapt(r.authored_at), *r[5:]) for r in revisions]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _update_decisions(decisions: list[Decision]) -> None:
    """One UPDATE statement run for every row (executemany).

    QuerySet.bulk_update would build a CASE expression per row and field:
    seconds for a thousand decisions, against milliseconds here. Each field
    prepares its own value, so JSON and dates adapt to SQLite and PostgreSQL.
    """
    fields = [Decision._meta.get_field(name) for name in _DECISION_FIELDS]
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(Decision._meta.db_table)} SET "
        + ", ".join(f"{quote(field.column)} = %s" for field in fields)
        + f" WHERE {quote(Decision._meta.pk.column)} = %s"
    )
    rows = [
        [field.get_db_prep_save(getattr(d, field.attname), connection) for field in fields] + [d.pk]
        for d in decisions
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _is_decision_change(change: FileChange) -> bool:
    return _is_decision_path(change.path)


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
    decision.date = _date_of(record)
    decision.deciders = list(record.deciders)
    decision.affects = list(record.affects)
    decision.rule = record.rule
    decision.body = record.body
    decision.deleted_commit = ""


def _date_of(record: Record) -> date | None:
    return date.fromisoformat(record.date) if record.date else None


def _set_tags(
    decisions: list[Decision], wanted: Iterable[tuple[Decision, tuple[str, ...]]]
) -> None:
    """Replace the tags of `decisions`: three queries, whatever their number."""
    names = {
        decision.pk: {name.strip().lower() for name in tags if name.strip()}
        for decision, tags in wanted
    }
    all_names = set().union(*names.values()) if names else set()
    Tag.objects.bulk_create([Tag(name=name) for name in all_names], ignore_conflicts=True)
    ids = dict(Tag.objects.filter(name__in=all_names).values_list("name", "pk"))
    ids_to_clear = [decision.pk for decision in decisions]
    for at in range(0, len(ids_to_clear), _BATCH):  # SQLite limits a query's parameters
        DecisionTag.objects.filter(decision_id__in=ids_to_clear[at : at + _BATCH]).delete()
    DecisionTag.objects.bulk_create(
        [
            DecisionTag(decision_id=pk, tag_id=ids[name])
            for pk, tags in names.items()
            for name in tags
        ],
        batch_size=_BATCH,
    )


def _rebuild_links(repository: Repository, current: list[tuple[Decision, Record]]) -> None:
    """Links as the files at HEAD declare them, stored forwards, whichever side declared them."""
    decisions = {record.path: decision for decision, record in current}
    rows: dict[tuple[str, str, str], Link] = {}
    for link in resolved_links([record for _, record in current]):
        if link.kind not in LinkKind.values:
            continue  # a kind of adr-tools' own ("Implements"): shown in the text only
        rows.setdefault(
            (link.source, link.target, link.kind),
            Link(
                source=decisions[link.source],
                target=decisions[link.target],
                kind=link.kind,
                declared_in=decisions[link.declared_in],
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

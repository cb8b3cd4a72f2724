"""Lineages: each ADR file followed through every rename, move and copy git records.

The indexing service (`indexing.py`) streams a repository's history through
`Lineages`, a pass per place the folder has lived, then asks it to `finish`.
It keeps one row per lineage in memory and writes revisions in batches; the
rules for what is one decision live here (ADR 20):

- a rename keeps a decision unless both number and slug change, or the old name
  held no number yet (`_same_decision`);
- a copy whose source is later deleted unedited was a move (`copied_from`, `join`);
- a decision deleted and added back as it was is the same one (`restored`);
- a file on a branch under its old name, after another branch renamed it, is
  the same decision (`revise_elsewhere`); a file a merge moved with its folder
  is matched at HEAD (`reconcile_with_head`);
- where the folder lived before, only numbered or dated names are decisions (`shown`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import queue
import re
from collections import Counter
from collections.abc import Callable, Generator, Iterable
from contextlib import closing
from datetime import date, datetime
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Field, Model, QuerySet
from django.db.models.constants import OnConflict

from adrsite.decisions.models import Decision, DecisionTag, Repository, Revision, Tag
from adrsite.history.git import (
    ADDED,
    DELETED,
    MODIFIED,
    RENAMED,
    Commit,
    FileChange,
    GitHistory,
    Move,
    place_of,
)
from adrsite.records.dates import ambiguous_date, settle_dates
from adrsite.records.folder import could_be_decision_file, in_skipped_folder, is_decision_file
from adrsite.records.model import Record
from adrsite.records.naming import date_in_name, parse_file_name
from adrsite.records.parse import (
    MAX_BYTES,
    parse,
    parse_status,
)

BATCH = 500

_SIMILAR = 0.9  # a copy at least this similar to its deleted source was a move
_STATUSES_KEPT = 100_000  # blobs whose status is remembered (a few MB)


class FullIndexNeeded(Exception):
    """An incremental run met history it cannot place without the whole of it."""


@dataclasses.dataclass(slots=True)
class HeadBefore:
    """The ADR folder as the last run left it, kept by a warm process (ADR 29): with it, an
    incremental run loads, reads and parses only the files that changed since."""

    blobs: dict[str, str]  # path -> blob of each decision file then
    records: dict[str, Record]  # path -> its record, as parsed (dates not yet settled)
    too_long: list[str]
    changed: dict[str, str | None]  # path -> blob now (None: gone), of the files that differ


class Lineages:
    """Every lineage being indexed, by the path it has now.

    A lineage is one file followed through every rename git records, into and
    out of the folder and every place it has lived. Most are decisions. Some
    carry a name that is not one yet (`ADRXXX-use-vite.md`, a name without
    `.md`): their revisions wait in memory, and are written only if a rename
    gives them a decision's name; otherwise they are dropped at the end.

    Decisions are changed in memory while the history streams past and written
    in bulk: new ones at each flush (their revisions need an id), every changed
    one once at the end, in its final state. Memory holds one row and one file
    per lineage and one batch of revisions, whatever the number of commits.

    A past revision needs only its status (`parse_status`); a decision's whole
    record is parsed once, from its last revision, when it leaves the stream:
    deleted, or at the end (`settle`).
    """

    def __init__(
        self,
        repository: Repository,
        history: GitHistory,
        *,
        incremental: bool,
        before: HeadBefore | None = None,
    ) -> None:
        self.repository = repository
        self.history = history
        self.incremental = incremental
        self.before = before  # given: decisions are loaded as their paths come up (`load`)
        self.looked_up: set[str] = set()
        self.by_path: dict[str, Decision] = {}
        if incremental and before is None:
            # Decisions that left the folder by a move may come back by one.
            self.by_path = {d.path: d for d in _moved_out(repository)}
            current = repository.decisions.filter(deleted_commit="").order_by("number", "path")
            self.by_path |= {d.path: d for d in current}
        self.pending: list[_RevisionRow] = []
        self.unsaved: list[Decision] = []
        self.waiting: dict[int, list[_RevisionRow]] = {}  # by id(): lineages not yet decisions
        self.changed: dict[int, Decision] = {}  # by id(): unsaved decisions have no pk yet
        self.tags: dict[int, tuple[Decision, tuple[str, ...]]] = {}
        self.unsettled: dict[str, tuple[str, bytes]] = {}  # path -> (blob, bytes) last read
        self.settled: dict[str, tuple[str, Record]] = {}  # path -> (blob, record), for HEAD
        self.blobs: dict[str, str] = {}  # path -> the blob each lineage has now
        self.holder_of_blob: dict[str, str] = {}  # blob -> the last path that took it
        self.statuses: dict[str, str] = {}  # blob -> the status it states
        self.paths_named: dict[str, set[str]] = {}
        self.renamed_from: dict[str, Decision] = {}  # old path -> the lineage a rename took
        # path -> (the decision deleted there, its blob, its bytes): a file added back
        # as it was restores it (see `restored`).
        self.deleted_at: dict[str, tuple[Decision, str, bytes] | None] = {}
        self.places: list[str] = []  # every place read, the folder first
        self.later_pass = False  # reading older places after newer ones (see `copied_from`)
        # Commits of the first pass that add files, oldest first, then None: a
        # thread diffs them while the pass goes on (`_read_history`).
        self.adding: queue.Queue[str | None] = queue.Queue()
        self.last_adding = ""
        self.first_add: queue.Queue[str] = queue.Queue(maxsize=1)  # the first of them, or ""
        self.read_count = 0
        # How lineages split by a move are joined at the end (`join`): where each
        # lineage began by an add, where each ended by a delete, and the moves.
        self.born: dict[tuple[str, str], Decision] = {}  # (commit, path) ->
        self.ended: dict[str, list[tuple[str, Decision, str]]] = {}  # path -> [(commit, _, blob)]
        self.moves: list[Move] = []
        self.when: dict[str, datetime] = {}  # commit -> its time, for those that add or delete
        self.moves_from: dict[str, list[Move]] = {}  # source path -> its moves, copies that were
        self.early: dict[str, Decision] = {}  # path in a later pass -> the decision it becomes
        self.early_authors: dict[int, tuple[Decision, list[tuple[datetime, str]]]] = {}
        self.deleters: dict[int, dict[str, str]] = {}  # decision -> commit -> author
        self.new_revisions = 0
        self.at_head: dict[str, str] = {}  # path -> blob, once reconciled with HEAD
        self.too_long: list[str] = []  # decision files at HEAD whose path is too long

    def load(self, paths: Iterable[str]) -> None:
        """Load the stored decisions at `paths` not looked up yet (as `__init__` loads them all
        without `before`): a current one, else one that left the folder by a move."""
        wanted = sorted({path for path in paths if path and path not in self.looked_up})
        if not wanted:
            return
        self.looked_up.update(wanted)
        found: dict[str, Decision] = {}
        for at in range(0, len(wanted), BATCH):  # SQLite limits a query's parameters
            chunk = wanted[at : at + BATCH]
            found |= {d.path: d for d in _moved_out(self.repository).filter(path__in=chunk)}
            found |= {
                d.path: d
                for d in self.repository.decisions.filter(deleted_commit="", path__in=chunk)
            }
        for path, decision in found.items():
            self.by_path.setdefault(path, decision)

    def apply(self, commit: Commit, contents: dict[str, bytes]) -> None:
        if self.before is not None:
            self.load([p for change in commit.changes for p in (change.path, change.old_path)])
        for change in commit.changes:
            if self.later_pass and self.follow_early(change, commit, contents):
                continue
            if not self.lineage_path(change.path):
                # Renamed to a name no decision has (README.md, x.txt): it left the log.
                if change.status == RENAMED and (gone := self.by_path.pop(change.old_path, None)):
                    self.delete(gone, commit, change.old_blob)
                continue
            if change.status == DELETED:
                if decision := self.by_path.pop(change.path, None):
                    self.delete(decision, commit, change.blob)
                continue
            decision, elsewhere = None, None  # elsewhere: revised under its old path
            if change.status == RENAMED:
                decision = self.by_path.pop(change.old_path, None)
                if decision is None and self.incremental and self.lineage_path(change.old_path):
                    # Its earlier commits were never stored (a name that was not
                    # a decision's then): only a full run can join them.
                    raise FullIndexNeeded(f"{change.path} was renamed from {change.old_path}")
                if decision and not _same_decision(change.old_path, change.path):
                    self.delete(decision, commit, change.old_blob)  # git paired two ADRs
                    decision = None
                if decision:
                    self.renamed_from[change.old_path] = decision
                self.unsettled.pop(change.old_path, None)  # the new path's bytes follow
                self.drop_blob(change.old_path)
            else:
                decision = self.by_path.get(change.path)
                if decision is None and change.status == ADDED:
                    decision = self.restored(change, contents[change.blob])
                if decision is None and change.status != ADDED:
                    # Changed on a branch where it still had its old name, after
                    # another branch renamed it: the same decision, in a merge's past.
                    moved = self.renamed_from.get(change.path)
                    if moved is not None and not moved.deleted_commit:
                        elsewhere = moved
            if elsewhere is not None:
                self.revise_elsewhere(elsewhere, change, commit, contents[change.blob])
                continue
            source = (
                self.copied_from(change, contents[change.blob]) if change.status == ADDED else ""
            )
            decision = self.revise(decision, change, commit, contents[change.blob])
            if change.status == ADDED:
                self.born[commit.sha, change.path] = decision
                self.when[commit.sha] = commit.committed_at
                if not self.later_pass and self.last_adding != commit.sha:
                    announce(self.first_add, commit.sha)
                    self.last_adding = commit.sha
                    self.adding.put(commit.sha)
            if source:
                self.moves.append(
                    Move(commit.sha, source, change.path, self.blobs[source], copy=True)
                )

    def expect(self, moves: list[Move]) -> None:
        """The moves into the places read so far, before a pass over the places they came from."""
        self.moves.extend(moves)
        for move in moves:
            if not move.copy or move.source_deleted_in:
                self.moves_from.setdefault(move.source, []).append(move)

    def follow_early(self, change: FileChange, commit: Commit, contents: dict[str, bytes]) -> bool:
        """In a later pass: the early life of a file that a move brings into a decision read before.

        Its commits are that decision's, straight away: no lineage of its own to
        join later. False when `change` is to no such file.
        """
        if change.status == ADDED and change.path not in self.by_path:
            decision = next(
                (
                    found
                    for move in self.moves_from.get(change.path, ())
                    if (found := self.born.get((move.commit, move.target))) is not None
                    and id(found) not in self.waiting
                    and _same_decision(move.source, move.target)
                ),
                None,
            )
            if decision is None:
                return False
            self.early[change.path] = decision
            self.born[commit.sha, change.path] = decision
            self.when[commit.sha] = commit.committed_at
        elif (decision := self.early.get(change.old_path or change.path)) is None:
            return False
        if change.status == DELETED or not self.lineage_path(change.path):
            del self.early[change.path if change.status == DELETED else change.old_path]
            return True  # moved into the places read before: the decision goes on there
        if change.status == RENAMED:
            self.early[change.path] = self.early.pop(change.old_path)
        status = self.status_of(change, contents[change.blob])
        if commit.authored_at < decision.created_at:
            decision.created_commit, decision.created_at = commit.sha, commit.authored_at
        self.early_authors.setdefault(id(decision), (decision, []))[1].append(
            (commit.authored_at, commit.author)
        )
        self.changed[id(decision)] = decision
        row = _RevisionRow.of(
            decision, commit, status, blob=change.blob, content=_content(contents[change.blob])
        )
        self.add_revision(row._replace(path=change.path))
        return True

    def restored(self, change: FileChange, data: bytes) -> Decision | None:
        """The decision deleted at this path, when the file comes back as it was (a revert)."""
        if self.incremental and change.path not in self.deleted_at:
            self.deleted_at[change.path] = _deleted_at(self.repository, change.path)
        gone = self.deleted_at.pop(change.path, None)
        if gone is None or gone[0].deleted_commit == "":
            return None
        decision, blob, last = gone
        if blob != change.blob and not _alike(last, data):
            return None
        decision.deleted_commit = ""
        return decision

    def revise(
        self, decision: Decision | None, change: FileChange, commit: Commit, data: bytes
    ) -> Decision:
        if decision is not None and change.status == RENAMED and change.old_blob == change.blob:
            status = decision.status  # renamed unchanged
        else:
            status = self.status_of(change, data)
        if decision is None:
            decision = Decision(
                repository=self.repository,
                path=change.path,
                created_commit=commit.sha,
                created_at=commit.authored_at,
            )
            if self.shown(change.path):
                self.unsaved.append(decision)
            else:
                self.waiting[id(decision)] = []
        elif id(decision) in self.waiting and self.shown(change.path):
            # A placeholder name became a decision's: its history comes along.
            self.unsaved.append(decision)
            self.pending.extend(self.waiting.pop(id(decision)))
        decision.path = change.path
        decision.status = status
        decision.updated_commit = commit.sha
        decision.updated_at = commit.authored_at
        if commit.author not in decision.authors:
            decision.authors = [*decision.authors, commit.author]
        self.by_path[change.path] = decision
        self.unsettled[change.path] = (change.blob, data)
        self.set_blob(change.path, change.blob, new_path=change.status != MODIFIED)
        self.changed[id(decision)] = decision
        self.add_revision(
            _RevisionRow.of(decision, commit, status, blob=change.blob, content=_content(data))
        )
        return decision

    def status_of(self, change: FileChange, data: bytes) -> str:
        """The status a file's bytes state, read once per blob: moves, copies and reverts
        bring the same bytes back under other names and in other passes."""
        status = self.statuses.get(change.blob)
        if status is None:
            if len(self.statuses) >= _STATUSES_KEPT:  # memory stays bounded
                self.statuses.clear()
            status = self.statuses[change.blob] = parse_status(change.path, data)
        return status

    def lineage_path(self, path: str) -> bool:
        """A file whose lineage is followed: a decision's name (or a name a rename may
        make one), outside the sub-folders that hold no decisions."""
        return _is_lineage_path(path) and not self.in_skipped_folder(path)

    def in_skipped_folder(self, path: str) -> bool:
        """In a hidden, `_`-prefixed or templates sub-folder of its place: `adr`'s own rule."""
        place = place_of(path, self.places) or ""
        return in_skipped_folder(path[len(place) + 1 :] if place else path)

    def shown(self, path: str) -> bool:
        """Whether a lineage at `path` is a decision (or waits for a rename to make it one).

        In the ADR folder, every decision file is. Where the folder lived
        before, the files beside the decisions may have been anything (the
        folder a move came from may be `design/`, with its `overview.md`):
        there, only names with a number or a date are decisions, and other
        files become one only by reaching the folder.
        """
        if not _is_decision_path(path) or self.in_skipped_folder(path):
            return False
        if place_of(path, [self.history.adr_dir]) is not None:
            return True
        name = path.rsplit("/", 1)[-1]
        return parse_file_name(name)[0] is not None or bool(date_in_name(name))

    def revise_elsewhere(
        self, decision: Decision, change: FileChange, commit: Commit, data: bytes
    ) -> None:
        """A revision made under another path, on a branch merged later: history, not HEAD."""
        status = self.status_of(change, data)
        if commit.author not in decision.authors:
            decision.authors = [*decision.authors, commit.author]
        if commit.authored_at >= decision.updated_at:
            decision.updated_commit, decision.updated_at = commit.sha, commit.authored_at
        self.changed[id(decision)] = decision
        row = _RevisionRow.of(decision, commit, status, blob=change.blob, content=_content(data))
        self.add_revision(row._replace(path=change.path))

    def add_revision(self, row: _RevisionRow) -> None:
        if (held := self.waiting.get(id(row.decision))) is not None:
            held.append(row)
            return
        self.pending.append(row)
        if len(self.pending) >= BATCH:
            self.flush()

    def copied_from(self, change: FileChange, data: bytes) -> str:
        """The file an added one copies, if any: the same blob, else one ≥ 90 % alike by name.

        Should that file be deleted unedited later, the copy was a move (`join`).
        Asked before the add is recorded.
        """
        if self.incremental or self.later_pass:
            # A copy made and deleted in one incremental run is rare: `delete` asks
            # the database. A later pass reads older commits after newer ones: the
            # blobs it would compare with are not of the copy's time.
            return ""
        holder = self.holder_of_blob.get(change.blob, "")
        if holder and self.blobs.get(holder) == change.blob:
            return holder
        name = change.path.rsplit("/", 1)[-1]
        return next(
            (
                path
                for path in sorted(self.paths_named.get(name, ()))
                if (unsettled := self.unsettled.get(path)) and _alike(unsettled[1], data)
            ),
            "",
        )

    def set_blob(self, path: str, blob: str, *, new_path: bool) -> None:
        """Record the blob `path` holds now; by file name too, for `copied_from`, when it is new."""
        self.blobs[path] = blob
        self.holder_of_blob[blob] = path  # checked against `blobs` when read: never stale
        if new_path:
            self.paths_named.setdefault(path.rsplit("/", 1)[-1], set()).add(path)

    def drop_blob(self, path: str) -> None:
        if self.blobs.pop(path, None) is not None:
            self.paths_named.get(path.rsplit("/", 1)[-1], set()).discard(path)

    def settle(self, decision: Decision) -> None:
        """Copy the whole record of the decision's last revision read, if any, onto it."""
        if unsettled := self.unsettled.pop(decision.path, None):
            blob, data = unsettled
            record = parse(decision.path, data)
            _copy_record(decision, record)
            self.tags[id(decision)] = (decision, record.tags)
            self.settled[decision.path] = (blob, record)

    def delete(self, decision: Decision, commit: Commit, blob: str) -> None:
        self.drop_blob(decision.path)
        if id(decision) in self.waiting:  # never a decision: nothing to keep
            del self.waiting[id(decision)]
            self.unsettled.pop(decision.path, None)
            return
        if self.incremental and (
            self.blobs.get(self.holder_of_blob.get(blob, "")) == blob
            or _copied_before(self.repository, decision, blob)
        ):
            raise FullIndexNeeded(f"{decision.path} was copied, then deleted: a move")
        last = self.unsettled.get(decision.path, ("", b""))[1]
        self.deleted_at[decision.path] = (decision, blob, last)
        self.ended.setdefault(decision.path, []).append((commit.sha, decision, blob))
        self.when[commit.sha] = commit.committed_at
        self.settle(decision)
        self.settled.pop(decision.path, None)
        decision.deleted_commit = commit.sha
        decision.updated_commit = commit.sha
        decision.updated_at = commit.authored_at
        if commit.author not in decision.authors:  # deleting it is a part in its story too
            decision.authors = [*decision.authors, commit.author]
            # An author by this delete alone, unless it was a move (`join`).
            self.deleters.setdefault(id(decision), {})[commit.sha] = commit.author
        self.changed[id(decision)] = decision
        self.add_revision(_RevisionRow.of(decision, commit, decision.status, deleted=True))

    def read(
        self,
        stream: Generator[tuple[Commit, dict[str, bytes]], None, None],
        progress: Callable[[int], None] | None = None,
        *,
        later: bool = False,
    ) -> None:
        """Apply a pass's commits, oldest first; `later`: a pass over older places than before."""
        self.later_pass = later
        with closing(stream):
            for commit, contents in stream:
                self.apply(_fitted(commit), contents)
                self.read_count += 1
                if progress:
                    progress(self.read_count)

    def join(self) -> None:
        """One decision for each lineage a move split: its revisions, its first commit, its authors.

        A move between two places read in different passes is, to each pass,
        a delete in one place and an add in the other, in the same commit; a
        folder copied and deleted later is an add, then a delete of the same
        blob. The deletes those moves made are no part of the story: dropped.
        """
        parent: dict[int, Decision] = {}
        alive: dict[int, int] = {}  # root -> current decisions in its group

        def root(lineage: Decision) -> Decision:
            path = []
            while id(lineage) in parent:
                path.append(lineage)
                lineage = parent[id(lineage)]
            for on_the_way in path:  # compressed: each later look-up is one step
                parent[id(on_the_way)] = lineage
            return lineage

        def current(lineage: Decision) -> int:
            return alive.setdefault(id(lineage), int(not lineage.deleted_commit))

        dropped: set[tuple[int, str]] = set()  # (decision id, commit) of deletes that were moves
        members: dict[int, Decision] = {}
        for move in self.moves:
            born = self.born.get((move.commit, move.target))
            if born is None or id(born) in self.waiting:
                continue
            for commit, ended, blob in self.ended.get(move.source, ()):
                if move.copy:  # deleted unedited, after it was copied
                    matches = (
                        blob == move.source_blob and self.when[commit] >= self.when[move.commit]
                    )
                else:
                    matches = commit == move.commit and _same_decision(move.source, move.target)
                if not matches:
                    continue
                first, second = root(ended), root(born)
                if first is not second:
                    if current(first) + current(second) > 1:
                        break  # both files are at HEAD (a delete reverted): two decisions
                    parent[id(first)] = second
                    alive[id(second)] = current(first) + current(second)
                dropped.add((ended.pk, commit))
                if deleter := self.deleters.get(id(ended), {}).pop(commit, None):
                    ended.authors = [a for a in ended.authors if a != deleter]
                members |= {id(ended): ended, id(born): born}
                break
        if not members:
            return
        groups: dict[int, list[Decision]] = {}
        for member in members.values():
            groups.setdefault(id(root(member)), []).append(member)
        self.flush()  # every lineage has its id, every revision is written
        survivors: dict[int, Decision] = {}
        for group in groups.values():
            living = [d for d in group if not d.deleted_commit]
            survivor = max(living or group, key=lambda d: (d.updated_at, d.pk))
            # Its segments follow each other in time: the story begins with the first.
            group.sort(key=lambda d: (d.created_at, d.pk))
            survivor.created_commit, survivor.created_at = (
                group[0].created_commit,
                group[0].created_at,
            )
            survivor.authors = list(dict.fromkeys(a for d in group for a in d.authors))
            for member in group:
                survivors[member.pk] = survivor
        _merge_lineages(
            [(pk, survivor.pk) for pk, survivor in survivors.items() if survivor.pk != pk],
            dropped,
        )
        for member in members.values():
            survivor = survivors[member.pk]
            if member is survivor:
                self.changed[id(member)] = member
                continue
            for table in (self.changed, self.tags):
                table.pop(id(member), None)
            if self.by_path.get(member.path) is member:
                del self.by_path[member.path]
            for path, lineage in list(self.renamed_from.items()):
                if lineage is member:
                    self.renamed_from[path] = survivor

    def flush(self) -> None:
        """Write new decisions (revisions need their ids) and the pending revisions."""
        Decision.objects.bulk_create(self.unsaved, batch_size=BATCH)
        self.unsaved = []
        # A commit may touch one decision twice (a rename git split in two):
        # the last state of the file in that commit is the revision.
        unique = {(id(r.decision), r.commit): r for r in self.pending}
        _insert_revisions(list(unique.values()))
        self.new_revisions += len(unique)
        self.pending = []

    def finish(self) -> None:
        """Write every changed decision once, in its final state, and its tags."""
        for path, decision in list(self.by_path.items()):
            if id(decision) in self.waiting:  # a placeholder name to the end: not a decision
                del self.by_path[path]
                del self.waiting[id(decision)]
                self.changed.pop(id(decision), None)
        self.flush()
        for decision, dated in self.early_authors.values():  # who wrote it before its move
            authors = [author for _, author in sorted(dated, key=lambda pair: pair[0])]
            decision.authors = list(dict.fromkeys([*authors, *decision.authors]))
            deleters = self.deleters.get(id(decision), {})
            for commit in [c for c, author in deleters.items() if author in authors]:
                del deleters[commit]  # an author by other commits too
        self.join()
        for decision in list(self.by_path.values()):
            self.settle(decision)
        self.reconcile_with_head()
        _update_decisions(list(self.changed.values()))
        _set_tags([decision for decision, _ in self.tags.values()], self.tags.values())

    def reconcile_with_head(self) -> None:
        """Match the files at HEAD, whatever merges and moves did to the path-by-path story.

        A decision not at HEAD is gone: since its move, if it moved out of the
        folder; else as of HEAD (a merge made the difference). A file at HEAD
        that no commit of the stream left as it is (a merge combined two
        branches' edits) is what the decision says now.
        """
        if self.before is None:
            files = self.history.files_at_head()
            at_head = {
                path: blob
                for path, blob in files.items()
                if _is_decision_path(path) and not self.in_skipped_folder(path)
            }
            self.too_long = sorted(path for path in files if self.too_long_decision(path))
            looked_at = set(at_head)
            known: dict[str, Record] = {}
        else:
            # Only the files that differ from the last run's HEAD, and those the stream touched.
            changed = self.before.changed
            self.load(changed)
            at_head = dict(self.before.blobs)
            too_long = set(self.before.too_long)
            for path, blob in changed.items():
                at_head.pop(path, None)
                too_long.discard(path)
                if blob is not None and _is_decision_path(path):
                    if not self.in_skipped_folder(path):
                        at_head[path] = blob
                elif blob is not None and self.too_long_decision(path):
                    too_long.add(path)
            self.too_long = sorted(too_long)
            looked_at = (set(self.by_path) | set(changed)) & set(at_head)
            known = {
                path: self.before.records[path]
                for path in looked_at
                if self.before.blobs.get(path) == at_head[path]
            }
        orphans = sorted(looked_at - set(self.by_path))  # brought by a merge, unseen
        leftovers = set(self.by_path) - set(at_head)
        unread = [
            p
            for p in sorted(looked_at)
            if self.settled.get(p, ("",))[0] != at_head[p] and p not in known
        ]
        found = self.history.blobs([at_head[p] for p in unread])  # one round trip
        data_at_head = dict(zip(unread, found, strict=True))
        for path in orphans:
            # A merge that moved a branch's file along with its folder: the same name,
            # the same text (or nearly), now where HEAD has it.
            decision = next(
                (
                    self.by_path[gone]
                    for gone in sorted(leftovers)
                    if gone.rsplit("/", 1)[-1] == path.rsplit("/", 1)[-1]
                    and gone in self.settled
                    and (
                        self.settled[gone][0] == at_head[path]
                        or _alike(self.settled[gone][1].body.encode(), data_at_head[path])
                    )
                ),
                None,
            )
            if decision is not None:
                leftovers.discard(decision.path)
                del self.by_path[decision.path]
                decision.path = path
            else:  # no commit of the stream made it: it begins at HEAD
                decision = self.revise(
                    None, FileChange(ADDED, path, "", at_head[path]),
                    _fitted(self.history.commit(self.history.head or "")),
                    data_at_head[path],
                )  # fmt: skip
                self.flush()
                self.unsettled.pop(path, None)
            self.by_path[path] = decision
            self.changed[id(decision)] = decision
        for path in leftovers:
            decision = self.by_path.pop(path)
            inside = place_of(path, [self.history.adr_dir]) is not None
            gone_at = self.history.head if inside else decision.updated_commit
            decision.deleted_commit = gone_at or ""
            self.changed[id(decision)] = decision
        stale = {p: r for p, r in known.items() if self.settled.get(p, ("",))[0] != at_head[p]}
        for path in [*data_at_head, *stale]:
            if path not in self.by_path:
                continue
            record = stale[path] if path in stale else parse(path, data_at_head[path])
            self.settled[path] = (at_head[path], record)
            decision = self.by_path[path]
            if _differs(decision, record):
                _copy_record(decision, record)
                self.tags[id(decision)] = (decision, record.tags)
                self.changed[id(decision)] = decision
        self.at_head = at_head

    def too_long_decision(self, path: str) -> bool:
        """A decision's file at a path too long to index (`path-too-long`)."""
        return (
            path_too_long(path)
            and is_decision_file(path.rsplit("/", 1)[-1])
            and not self.in_skipped_folder(path)
        )

    def records_at_head(self) -> list[tuple[Decision, Record]]:
        """Each current decision with its file at HEAD, parsed once."""
        paths = [path for path in sorted(self.at_head) if path in self.by_path]
        current = [(self.by_path[p], self.settled[p][1]) for p in paths]
        # Day/month dates by the folder's convention, git's created date breaking a tie.
        created = {record.path: decision.created_at for decision, record in current}
        records = settle_dates([record for _, record in current], created)
        redated = []
        for (decision, _), record in zip(current, records, strict=True):
            if decision.date != (settled := _date_of(record)):
                decision.date = settled
                redated.append(decision)
        Decision.objects.bulk_update(redated, ["date"], batch_size=BATCH)
        return [(decision, record) for (decision, _), record in zip(current, records, strict=True)]

    @property
    def changed_count(self) -> int:
        return len(self.changed)


def _moved_out(repository: Repository) -> QuerySet[Decision]:
    """Decisions that left the folder by a move, not a delete: their last revision is no delete."""
    return (
        repository.decisions.exclude(deleted_commit="")
        .exclude(revisions__deleted=True)
        .order_by("updated_at", "pk")
    )


def _merge_lineages(moved: list[tuple[int, int]], dropped: set[tuple[int, str]]) -> None:
    """Move the revisions of each decision in `moved` ((decision id, survivor id)) to its survivor.

    The deletes in `dropped` ((decision id, commit)) go first, and so does a
    revision the survivor already has for the same commit; then the decisions
    moved go. A few statements, each run for every row at once.
    """
    quote = connection.ops.quote_name
    table = quote(Revision._meta.db_table)
    decision, commit, deleted = (quote(name) for name in ("decision_id", "commit", "deleted"))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"DELETE FROM {table} WHERE {decision} = %s AND {commit} = %s AND {deleted}",
            sorted(dropped),
        )
        cursor.executemany(
            f"DELETE FROM {table} WHERE {decision} = %s AND {commit} IN "
            f"(SELECT {commit} FROM {table} WHERE {decision} = %s)",
            moved,
        )
        cursor.executemany(
            f"UPDATE {table} SET {decision} = %s WHERE {decision} = %s",
            [(survivor, member) for member, survivor in moved],
        )
    doomed = sorted(member for member, _ in moved)
    for at in range(0, len(doomed), BATCH):
        Decision.objects.filter(pk__in=doomed[at : at + BATCH]).delete()


def _deleted_at(repository: Repository, path: str) -> tuple[Decision, str, bytes] | None:
    """The decision last deleted at `path`, with the blob and text it had (one query)."""
    revision = (
        Revision.objects.filter(decision__repository=repository, decision__path=path)
        .exclude(decision__deleted_commit="")
        .filter(deleted=False)
        .select_related("decision")
        .order_by("-authored_at", "-id")
        .first()
    )
    if revision is None:
        return None
    return revision.decision, revision.blob, revision.content.encode()


def _copied_before(repository: Repository, decision: Decision, blob: str) -> bool:
    """Whether a current decision elsewhere began as a copy of `blob`: copy-then-delete."""
    return (
        bool(blob)
        and Revision.objects.filter(decision__repository=repository, blob=blob)
        .filter(decision__deleted_commit="")
        .exclude(decision=decision)
        .exists()
    )


def _content(data: bytes) -> str:
    # Too large to be an ADR: the blob id is kept, the bytes are not. NUL, which
    # PostgreSQL's text refuses, is kept visible as U+FFFD (the parser says so).
    if len(data) > MAX_BYTES:
        return ""
    return data.decode("utf-8", errors="replace").replace("\0", "\ufffd")


def _alike(old: bytes, new: bytes) -> bool:
    """At least 90 % of the lines in common, counted as multisets: linear in the files' size."""
    if not old or not new or max(len(old), len(new)) > MAX_BYTES:
        return False
    old_lines, new_lines = Counter(old.splitlines()), Counter(new.splitlines())
    common = sum((old_lines & new_lines).values())
    return 2 * common >= _SIMILAR * (old_lines.total() + new_lines.total())


_DECISION_FIELDS = [
    "path", "number", "slug", "title", "status", "status_text", "date", "deciders", "authors",
    "affects", "rule", "body", "summary", "words", "primary_tag", "onboarding", "onboarding_skip",
    "review_by", "created_commit", "created_at", "updated_commit", "updated_at",
    "deleted_commit",
]  # fmt: skip


# git takes a name, an email, a title or a tag of any length; PostgreSQL refuses a value
# longer than its column (SQLite keeps it whole), so each is cut to the column's size.
# Paths are never cut: two files would become one (`path_too_long`).
def column_length(model: type[Model], name: str) -> int:
    """The most characters `model`'s column `name` holds."""
    field = model._meta.get_field(name)
    length = field.max_length if isinstance(field, Field) else None
    if length is None:
        raise TypeError(f"{model.__name__}.{name} has no length limit")
    return length


_AUTHOR_LENGTH = column_length(Revision, "author")
_AUTHOR_EMAIL_LENGTH = column_length(Revision, "author_email")
_TAG_LENGTH = column_length(Tag, "name")
_TITLE_LENGTH = column_length(Decision, "title")
_STATUS_TEXT_LENGTH = column_length(Decision, "status_text")
_SLUG_LENGTH = column_length(Decision, "slug")

# The longest path a decision may have, in UTF-8 bytes. Decision.path is unique, so
# PostgreSQL keeps it in a btree index, whose entries hold about 2,700 bytes; a limit
# in characters would not do (1,000 CJK characters are 3,000 bytes). A file whose path
# is longer is no decision: the index names it as a problem (`path-too-long`).
MAX_PATH_BYTES = 1000


def path_too_long(path: str) -> bool:
    return len(path.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES


def _fitted(commit: Commit) -> Commit:
    """`commit` with its author's name and email cut to their columns' size: the one cut,
    so a decision's list of authors names each as its revisions do."""
    if len(commit.author) <= _AUTHOR_LENGTH and len(commit.author_email) <= _AUTHOR_EMAIL_LENGTH:
        return commit
    return dataclasses.replace(
        commit,
        author=commit.author[:_AUTHOR_LENGTH],
        author_email=commit.author_email[:_AUTHOR_EMAIL_LENGTH],
    )


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
        """The revision `commit` (`_fitted`) made of `decision`, at the path it has now."""
        return cls(
            decision, commit.sha, commit.author, commit.author_email, commit.authored_at,
            commit.message, decision.path, status, **file,
        )  # fmt: skip


def _insert_revisions(revisions: list[_RevisionRow]) -> None:
    """One INSERT statement run for every revision (executemany), skipping any already there.

    bulk_create spends most of its time building model instances and SQL, row
    by row; this is the indexer's hottest write (a row per decision per commit).
    """
    if not revisions:
        return  # SQLite's cursor reads the parameter style from the first row
    quote = connection.ops.quote_name
    ignore = OnConflict.IGNORE
    names = ["decision_id", *(name for name in _RevisionRow._fields if name != "decision")]
    fields = _stored_fields(Revision, names)
    # Each value is named by its column (%(name)s), never placed by position: a field
    # added to or moved in _RevisionRow cannot land in another column.
    sql = (
        f"{connection.ops.insert_statement(on_conflict=ignore)} {quote(Revision._meta.db_table)} "
        f"({', '.join(quote(_column(field)) for field in fields)}) "
        f"VALUES ({', '.join(f'%({field.attname})s' for field in fields)}) "
        f"{connection.ops.on_conflict_suffix_sql(fields, ignore, None, None) or ''}"
    )
    adapt = connection.ops.adapt_datetimefield_value  # the one value a driver may not take as is
    rows = [
        r._asdict() | {"decision_id": r.decision.pk, "authored_at": adapt(r.authored_at)}
        for r in revisions
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _update_decisions(decisions: list[Decision]) -> None:
    """One UPDATE statement run for every row (executemany).

    QuerySet.bulk_update would build a CASE expression per row and field:
    seconds for a thousand decisions, against milliseconds here. Each field
    prepares its own value, so JSON and dates adapt to SQLite and PostgreSQL.
    """
    fields = _stored_fields(Decision, _DECISION_FIELDS)
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(Decision._meta.db_table)} SET "
        + ", ".join(f"{quote(_column(field))} = %s" for field in fields)
        + f" WHERE {quote(_column(Decision._meta.pk))} = %s"
    )
    rows = [
        [field.get_db_prep_save(getattr(d, field.attname), connection) for field in fields] + [d.pk]
        for d in decisions
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _stored_fields(model: type[Model], names: Iterable[str]) -> list[Field[Any, Any]]:
    """`model`'s fields by name (or attname), each one stored in its table, never a relation's
    other end: the statements above write them by column."""
    fields = []
    for name in names:
        field = model._meta.get_field(name)
        if not isinstance(field, Field):
            raise TypeError(f"{model.__name__}.{name} is not stored in its table")
        fields.append(field)
    return fields


def _column(field: Field[Any, Any]) -> str:
    if field.column is None:
        raise TypeError(f"{field} has no column")
    return field.column


def is_lineage_change(change: FileChange) -> bool:
    return _is_lineage_path(change.path)


def _is_decision_path(path: str) -> bool:
    return is_decision_file(path.rsplit("/", 1)[-1]) and not path_too_long(path)


def _is_lineage_path(path: str) -> bool:
    """A decision, or a file a rename may yet make one (`ADRXXX-x.md`, `ADR003-x` with no .md).

    Never at a path too long to index: a rename there takes a decision out of the log."""
    return could_be_decision_file(path.rsplit("/", 1)[-1]) and not path_too_long(path)


def _same_decision(old_path: str, new_path: str) -> bool:
    """A rename keeps a decision when it keeps its number (retitled) or its slug (renumbered).

    Git pairs a deleted file with an added one when their text is similar, and
    ADRs share a template: both number and slug changing is a new decision. A
    name that held no number yet (`ADR00TBD-x.md`, `ADRXXX-x.md`, `ADR003-x`
    without `.md`) is given one by the rename: the same decision.
    """
    old_name, new_name = old_path.rsplit("/", 1)[-1], new_path.rsplit("/", 1)[-1]
    if not is_decision_file(old_name) or _PLACEHOLDER_NUMBER.match(old_name):
        return True
    old_number, old_slug = parse_file_name(old_name)
    new_number, new_slug = parse_file_name(new_name)
    return (old_number is not None and old_number == new_number) or old_slug == new_slug


# A number still to be given: "ADR00TBD-", "adr-TBD-", "ADR-???-", "0000-" is not one.
_PLACEHOLDER_NUMBER = re.compile(r"(?i)(?:m?adr[-_ ]?)?\d{0,6}(?:tbd|\?{1,6}|x{2,6}|n{3,6})[-_ .]")


# What `_copy_record` sets from a file.
_RECORD_FIELDS = [
    "number", "slug", "title", "status", "status_text", "date", "deciders", "affects", "rule",
    "body", "summary", "words", "primary_tag", "onboarding", "onboarding_skip", "review_by",
]  # fmt: skip


def _differs(decision: Decision, record: Record) -> bool:
    """Whether `record` says something `decision` does not (tags aside: they cost a query)."""
    copied = Decision()
    _copy_record(copied, record)
    # An ambiguous day/month date is the folder's to read (`records_at_head`), not the file's.
    fields = [f for f in _RECORD_FIELDS if f != "date" or not ambiguous_date(record.date_text)]
    return any(getattr(copied, field) != getattr(decision, field) for field in fields)


def _copy_record(decision: Decision, record: Record) -> None:
    decision.number = record.number
    decision.slug = record.slug[:_SLUG_LENGTH]  # the path, not the slug, names a decision
    decision.title = record.title[:_TITLE_LENGTH]
    decision.status = record.status
    decision.status_text = record.status_text[:_STATUS_TEXT_LENGTH]
    decision.date = _date_of(record)
    decision.deciders = list(record.deciders)
    decision.affects = list(record.affects)
    decision.rule = record.rule
    decision.body = record.body
    decision.summary = record.summary
    decision.words = record.words
    decision.primary_tag = next(
        (tag.strip().lower()[:_TAG_LENGTH] for tag in record.tags if tag.strip()), ""
    )  # as _set_tags names it
    decision.onboarding = record.onboarding
    decision.onboarding_skip = record.onboarding_skip
    decision.review_by = date.fromisoformat(record.review_by) if record.review_by else None
    decision.deleted_commit = ""


def _date_of(record: Record) -> date | None:
    return date.fromisoformat(record.date) if record.date else None


def _set_tags(
    decisions: list[Decision], wanted: Iterable[tuple[Decision, tuple[str, ...]]]
) -> None:
    """Replace the tags of `decisions`: three queries, whatever their number."""
    names = {  # cut to the column's size, as the log's tag filter is (PostgreSQL checks it)
        decision.pk: {name.strip().lower()[:_TAG_LENGTH] for name in tags if name.strip()}
        for decision, tags in wanted
    }
    all_names = set().union(*names.values()) if names else set()
    Tag.objects.bulk_create([Tag(name=name) for name in all_names], ignore_conflicts=True)
    ids = dict(Tag.objects.filter(name__in=all_names).values_list("name", "pk"))
    ids_to_clear = [decision.pk for decision in decisions]
    for at in range(0, len(ids_to_clear), BATCH):  # SQLite limits a query's parameters
        DecisionTag.objects.filter(decision_id__in=ids_to_clear[at : at + BATCH]).delete()
    DecisionTag.objects.bulk_create(
        [
            DecisionTag(decision_id=pk, tag_id=ids[name])
            for pk, tags in names.items()
            for name in tags
        ],
        batch_size=BATCH,
    )


def announce(slot: queue.Queue[str], value: str) -> None:
    """Put `value` in a one-place queue, unless something was put there first."""
    with contextlib.suppress(queue.Full):
        slot.put_nowait(value)

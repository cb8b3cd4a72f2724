"""Lineages: each ADR file followed through every rename, move and copy git records.

The indexing service (`indexing.py`) streams a repository's history through
`Lineages`, a pass per place the folder has lived, then asks it to `finish`.
It keeps one row per lineage in memory and writes revisions in batches
(`rows.py`); the rules for what is one decision live here and in the modules
it is made of (ADR 20):

- a rename keeps a decision unless both number and slug change, or the old name
  held no number yet (`identity._same_decision`);
- a copy whose source is later deleted unedited was a move (`copied_from`, and
  `join` in `joining.py`);
- a decision deleted and added back as it was is the same one (`restored`);
- a file on a branch under its old name, after another branch renamed it, is
  the same decision (`revise_elsewhere`); a file a merge moved with its folder
  is matched at HEAD (`reconcile_with_head`, in `head.py`);
- where the folder lived before, only numbered or dated names are decisions (`shown`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from contextlib import closing
from datetime import datetime

from django.db.models import QuerySet

from adrsite.decisions.head import AtHead, HeadBefore
from adrsite.decisions.identity import (
    _alike,
    _is_decision_path,
    _is_lineage_path,
    _same_decision,
)
from adrsite.decisions.joining import Joining
from adrsite.decisions.models import Decision, Repository, Revision
from adrsite.decisions.rows import (
    BATCH,
    _copy_record,
    _fitted,
    _insert_decisions,
    _insert_revisions,
    _RevisionRow,
    _set_tags,
    _update_decisions,
)
from adrsite.history.git import (
    ADDED,
    DELETED,
    MODIFIED,
    RENAMED,
    Commit,
    FileChange,
    GitHistory,
    Move,
    ReadingAhead,
    place_of,
)
from adrsite.records.folder import in_skipped_folder
from adrsite.records.model import Record
from adrsite.records.naming import date_in_name, parse_file_name
from adrsite.records.parse import MAX_BYTES, parse
from adrsite.records.status_prefix import parse_status_prefix, states_the_same_status

# What an index holds, and how it is read from git. Raise it whenever the indexer
# would now read an existing history differently: the next run of every
# repository indexed with an older format re-indexes fully, so wrong lineages,
# phantom copies or forged revisions from the older reader do not survive.
# 2: byte-safe log reading; the folder followed through any move; lineages kept
#    across renames from placeholder names, moves out and back, copy-then-delete.
# 3: a file whose path is over 1,000 bytes is a problem, not a decision; author names
#    cut to 255 characters in decisions' lists of authors as in revisions.
# 4: the reading path's fields (summary, words, first tag, onboarding, review-by).
# 5: the decisions' enforce: checks run at the indexed head (ADR 30): a repository
#    indexed before they existed gets its first results without waiting for a commit.
INDEX_FORMAT = 5

_STATUSES_KEPT = 100_000  # blobs whose status is remembered (a few MB)
# The bytes that decided a file's last status are kept when they are this few (a title
# and a Status section), for this many files at most: 20 MB at worst, a few hundred KB
# in practice.
_PREFIX_KEPT = 2048
_PREFIXES_KEPT = 10_000


class FullIndexNeeded(Exception):
    """An incremental run met history it cannot place without the whole of it."""


class Lineages(AtHead, Joining):
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
        # path -> the leading bytes that decided its last status read, and that status
        self.status_prefixes: dict[str, tuple[bytes, str]] = {}
        self.paths_named: dict[str, set[str]] = {}
        self.renamed_from: dict[str, Decision] = {}  # old path -> the lineage a rename took
        # path -> (the decision deleted there, its blob, its bytes): a file added back
        # as it was restores it (see `restored`).
        self.deleted_at: dict[str, tuple[Decision, str, bytes] | None] = {}
        self.places: list[str] = []  # every place read, the folder first
        self.later_pass = False  # reading older places after newer ones (see `copied_from`)
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
            status = self.read_status(change, data)
        return status

    def read_status(self, change: FileChange, data: bytes) -> str:
        """Read and keep the status of a blob not read yet. Called by the history's read-ahead
        thread (`commits_with_blobs`'s `on_blob`) as blobs arrive, so that parsing runs while
        this thread writes to the database; `status_of` reads any blob it missed.

        Most revisions edit a file below what states its status: a blob that begins with
        the bytes that decided its file's last status read states the same one, unread.
        """
        status = self.statuses.get(change.blob)
        if status is None:
            if len(self.statuses) >= _STATUSES_KEPT:  # memory stays bounded
                self.statuses.clear()
            known = self.status_prefixes.pop(change.old_path or change.path, None)
            if known is not None and states_the_same_status(known[0], data):
                status, prefix = known[1], known[0]
            else:
                status, prefix = parse_status_prefix(change.path, data)
            # A status depends on the bytes alone, never the path: one per blob, from either
            # thread; and a prefix with the status it decides is true of any blob, whatever
            # revision it came from.
            self.statuses[change.blob] = status
            if 0 < len(prefix) <= _PREFIX_KEPT:
                if len(self.status_prefixes) >= _PREFIXES_KEPT:
                    self.status_prefixes.clear()
                self.status_prefixes[change.path] = (prefix, status)
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
        stream: ReadingAhead,
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

    def flush(self) -> None:
        """Write new decisions (revisions need their ids) and the pending revisions."""
        _insert_decisions(self.unsaved)
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

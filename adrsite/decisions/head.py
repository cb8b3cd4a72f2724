"""Lineages at HEAD: the files HEAD has, matched with the decisions the history left.

`Lineages` (`lineages.py`) reads the history path by path; merges and moves can
leave that story differing from the files at HEAD. `AtHead.reconcile_with_head`
settles it: a file a merge brought is matched with the decision it was, a
decision not at HEAD is gone, and a file no commit of the stream left as it is
is read again. With `HeadBefore` (a warm process, ADR 29) only the files that
changed since the last run are looked at.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import TYPE_CHECKING

from adrsite.decisions.identity import (
    _alike,
    _is_decision_path,
    path_too_long,
)
from adrsite.decisions.models import Decision
from adrsite.decisions.rows import (
    BATCH,
    _copy_record,
    _date_of,
    _differs,
    _fitted,
)
from adrsite.history.git import ADDED, Commit, FileChange, GitHistory, place_of
from adrsite.records.dates import settle_dates
from adrsite.records.folder import is_decision_file
from adrsite.records.model import Record
from adrsite.records.parse import parse


@dataclasses.dataclass(slots=True)
class HeadBefore:
    """The ADR folder as the last run left it, kept by a warm process (ADR 29): with it, an
    incremental run loads, reads and parses only the files that changed since."""

    blobs: dict[str, str]  # path -> blob of each decision file then
    records: dict[str, Record]  # path -> its record, as parsed (dates not yet settled)
    too_long: list[str]
    changed: dict[str, str | None]  # path -> blob now (None: gone), of the files that differ


class AtHead:
    """The part of `Lineages` that matches the files at HEAD; `Lineages` gives it the rest."""

    if TYPE_CHECKING:
        history: GitHistory
        before: HeadBefore | None
        by_path: dict[str, Decision]
        changed: dict[int, Decision]
        tags: dict[int, tuple[Decision, tuple[str, ...]]]
        unsettled: dict[str, tuple[str, bytes]]
        settled: dict[str, tuple[str, Record]]
        at_head: dict[str, str]
        too_long: list[str]

        def load(self, paths: Iterable[str]) -> None: ...
        def in_skipped_folder(self, path: str) -> bool: ...
        def flush(self) -> None: ...
        def revise(
            self, decision: Decision | None, change: FileChange, commit: Commit, data: bytes
        ) -> Decision: ...

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

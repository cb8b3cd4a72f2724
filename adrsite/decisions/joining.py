"""Lineages a move split, joined into one decision each (ADR 20).

A move between two places read in different passes, or a folder copied and
deleted later, leaves `Lineages` (`lineages.py`) two lineages for one file:
`Joining.join` makes them one decision, its revisions, first commit and authors
together (`_merge_lineages` moves the rows).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection

from adrsite.decisions.identity import _same_decision
from adrsite.decisions.models import Decision, Revision
from adrsite.decisions.rows import BATCH, _RevisionRow
from adrsite.history.git import Move


class Joining:
    """The part of `Lineages` that joins lineages; `Lineages` gives it the rest."""

    if TYPE_CHECKING:
        by_path: dict[str, Decision]
        changed: dict[int, Decision]
        tags: dict[int, tuple[Decision, tuple[str, ...]]]
        waiting: dict[int, list[_RevisionRow]]
        renamed_from: dict[str, Decision]
        born: dict[tuple[str, str], Decision]
        ended: dict[str, list[tuple[str, Decision, str]]]
        moves: list[Move]
        when: dict[str, datetime]
        deleters: dict[int, dict[str, str]]

        def flush(self) -> None: ...

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

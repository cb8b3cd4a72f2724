"""Records layer: the plan of `adr renumber`: the next number, and which links follow the file.

Pure: the one thing only git knows (which file a number named when a
referring file was committed) comes in as a callback, so the rules are tested
without a repository.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Set
from dataclasses import dataclass

from adrsite.records.folder import Resolver
from adrsite.records.model import Record
from adrsite.records.naming import renumbered_name
from adrsite.records.write import replace_file_references, replace_number_references

# (path of a referring file, number) -> the file that number named when that
# file was last committed, or "" when git cannot tell (never committed, changed since).
NumberMeant = Callable[[str, int], str]


@dataclass(frozen=True, slots=True)
class Renumbering:
    """Where a decision moves and what follows it; `notes` are (path, "line: note: ...")."""

    record: Record
    number: int
    path: str  # the new path, relative to the repository root, in the same folder
    mend_numbers: frozenset[str]  # files whose links by number meant this decision
    notes: tuple[tuple[str, str], ...]

    @property
    def name(self) -> str:
        return posixpath.basename(self.path)

    def notes_for(self, path: str) -> list[str]:
        return [f"{path}:{note}" for where, note in self.notes if where == path]


def renumber_plan(
    records: list[Record],
    record: Record,
    *,
    number_meant: NumberMeant,
    taken_elsewhere: Set[int] = frozenset(),
) -> Renumbering:
    """Move `record` (which has a number) to the next number no file here or elsewhere uses.

    References by file name are exact and always follow. A reference by number
    follows when no other file keeps the old number, or when git says the
    number meant this file when the referring file was written (after a merge
    collision); when git cannot tell, it stays, with a note.
    """
    assert record.number is not None, "a date-named decision has no number to change"
    old_number = record.number
    number = max({r.number for r in records if r.number is not None} | set(taken_elsewhere)) + 1
    name = renumbered_name(record.name, number, record.slug)
    path = posixpath.join(posixpath.dirname(record.path), name)
    still_taken = any(r.number == old_number and r.path != record.path for r in records)
    resolver = Resolver(records)
    mend, notes = set(), []
    for other in records:
        if other.path == record.path:
            continue
        by_number = [
            link
            for link in other.links
            if not link.target.lower().endswith((".md", ".markdown"))
            and record in resolver.candidates(link.target, other)
        ]
        if not by_number:
            continue
        meant = number_meant(other.path, old_number) if still_taken else ""
        if not still_taken or meant == record.path:
            mend.add(other.path)
        elif not meant:
            notes += [
                (
                    other.path,
                    f"{link.line}: note: number {old_number} now names the other file; "
                    f"change it to {number} if it meant {path}",
                )
                for link in by_number
            ]
    return Renumbering(record, number, path, frozenset(mend), tuple(notes))


def renumbered_references(text: str, other: Record, plan: Renumbering) -> str:
    """`other`'s text with its references to the renumbered decision mended, as planned."""
    text = replace_file_references(text, plan.record.name, plan.name)
    if other.path in plan.mend_numbers:
        assert plan.record.number is not None
        text = replace_number_references(text, other, plan.record.number, plan.number)
    return text

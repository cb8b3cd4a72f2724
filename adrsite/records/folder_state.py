"""Records layer: a folder's checks kept up to date as its files change (pure core, no Django).

`check` and `resolved_links` read the whole folder: linear in its decisions,
about half a second at 10,000. A push changes a file or two. `FolderState`
holds what those answers depend on (the records, their resolver, the folder's
naming, each file's links, the supersede edges) and, given the files that
changed, works out which records' problems and which links can differ, and
asks `problems_of` and `links_of` again about those only (ADR 29):

- the changed records themselves (and any whose day/month date the folder now
  reads differently);
- the records sharing a number or a file name with one of them;
- the records with a link that looks up one of their paths, names or numbers;
- both ends of a supersede edge that came or went, and the predecessors of a
  changed successor;
- every file off the naming convention when the folder's naming changed.

The answers are those of `check` and `resolved_links` on the whole folder, by
construction (the same functions) and by test (tests/test_folder_state.py).
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from adrsite.records.dates import settle_dates
from adrsite.records.folder import ResolvedLink, Resolver, link_keys, links_of
from adrsite.records.lint import Facts, _supersede_cycles, problems_of
from adrsite.records.model import Problem, Record
from adrsite.records.naming import OURS, Convention, folder_naming
from adrsite.records.problems import ProblemCode

type LinkKey = tuple[str, str, str]  # (source, target, kind)


@dataclass(frozen=True, slots=True)
class Changes:
    """What an update changed: the problems of these paths, and these links."""

    problems: dict[str, list[Problem]]  # path -> its problems now ([] when none or gone)
    records: dict[str, Record | None]  # path -> its record now, dates settled, when it differs
    links: dict[LinkKey, ResolvedLink | None]  # the link stored now for each key, or None


class FolderState:
    """The records of a folder (as parsed, before their dates are settled) and what they imply."""

    def __init__(
        self,
        raw: Iterable[Record],
        created: Mapping[str, date | datetime] | None = None,
        *,
        naming: Convention = OURS,
        template: str = "",
    ) -> None:
        """`naming` and `template` as `check` takes them: the folder's default convention and
        its own template; a change to either needs a new state."""
        self.default_naming = naming
        self.template = template
        self.raw = {record.path: record for record in raw}
        self.paths = sorted(self.raw)
        self.created = dict(created or {})
        records = settle_dates([self.raw[path] for path in self.paths], self.created)
        self.records = {record.path: record for record in records}
        self.resolver = Resolver(records)
        self.naming = folder_naming([record.name for record in records], naming)
        self.declared = {r.path: links_of(r, self.resolver) for r in records}
        self.edges: Counter[tuple[str, str]] = Counter(
            (link.source, link.target)
            for links in self.declared.values()
            for link in links
            if link.kind == "supersedes"
        )
        self.facts = Facts(self.resolver, self.naming, self.edges, template=template)
        self.lookups: dict[tuple[str, str | int], set[str]] = {}  # key -> paths looking it up
        for record in records:
            for key in link_keys(record):
                self.lookups.setdefault(key, set()).add(record.path)
        self.cycles = _supersede_cycles(set(self.edges))
        self.problems: dict[str, list[Problem]] = {}
        for record in records:
            self.problems[record.path] = problems_of(record, self.facts)
        self._add_cycles(self.cycles)
        # key -> {declaring path: line of its first declaration}: the lowest path's is stored.
        self.declarations: dict[LinkKey, dict[str, ResolvedLink]] = {}
        for links in self.declared.values():
            self._declare(links)

    def stored_links(self) -> dict[LinkKey, ResolvedLink]:
        """Each link once, as the first file in path order declares it (as stored)."""
        return {key: by[min(by)] for key, by in self.declarations.items()}

    def all_problems(self) -> list[Problem]:
        problems = [p for path in self.paths for p in self.problems.get(path, [])]
        return sorted(problems, key=lambda p: (p.path, p.line, p.code))

    def update(
        self, changed: Mapping[str, Record | None], created: Mapping[str, date | datetime]
    ) -> Changes:
        """Take in the files that changed (path -> record, None when gone) and the dates git
        has for files that came; say which problems and links are now different."""
        for path, record in changed.items():
            if record is None:
                if self.raw.pop(path, None) is not None:
                    del self.paths[bisect.bisect_left(self.paths, path)]
                self.created.pop(path, None)
            else:
                if path not in self.raw:
                    bisect.insort(self.paths, path)
                self.raw[path] = record
        self.created.update(created)
        settled = settle_dates([self.raw[path] for path in self.paths], self.created)
        old_records = self.records
        self.records = {record.path: record for record in settled}
        different = {
            path
            for path in set(changed) | _redated(old_records, self.records)
            if old_records.get(path) != self.records.get(path)
        }
        before = {path: old_records.get(path) for path in different}
        after = {path: self.records.get(path) for path in different}
        keys = _keys([*before.values(), *after.values()])
        for record in before.values():
            if record is not None:
                self.resolver.remove(record)
                for key in link_keys(record):
                    self.lookups[key].discard(record.path)
        for record in after.values():
            if record is not None:
                self.resolver.add(record)
                for key in link_keys(record):
                    self.lookups.setdefault(key, set()).add(record.path)

        # Whose links and problems can read differently.
        again = set(different)
        for kind, value in keys:
            if kind == "number" and isinstance(value, int):
                again |= {r.path for r in self.resolver.by_number.get(value, ())}
            elif kind == "name" and isinstance(value, str):
                again |= {r.path for r in self.resolver.by_name.get(value, ())}
            again |= self.lookups.get((kind, value), set())
        old_links: dict[LinkKey, ResolvedLink | None] = {}
        counted: dict[tuple[str, str], int] = {}  # supersede edges touched -> count before
        for path in sorted(again):
            for link in self.declared.pop(path, []):
                old_links.setdefault(_key(link), self._first(_key(link)))
                self._undeclare(link)
                self._count_edge(link, -1, counted)
            if (record := self.records.get(path)) is not None:
                declared = self.declared[path] = links_of(record, self.resolver)
                for link in declared:
                    old_links.setdefault(_key(link), self._first(_key(link)))
                self._declare(declared)
                for link in declared:
                    self._count_edge(link, +1, counted)
        links_now = {key: self._first(key) for key in old_links}
        links = {key: now for key, now in links_now.items() if now != old_links[key]}

        edges_changed = {
            edge for edge, was in counted.items() if (was > 0) != (self.edges[edge] > 0)
        }
        for successor, predecessor in edges_changed:
            again |= {successor, predecessor}
            if self.edges[successor, predecessor]:
                self.facts.successors.setdefault(predecessor, set()).add(successor)
            elif predecessor in self.facts.successors:
                self.facts.successors[predecessor].discard(successor)
        # A predecessor's problems name its successors, and their status.
        again |= {p for p, successors in self.facts.successors.items() if successors & different}
        if _renamed(before, after):
            naming = folder_naming(
                [self.records[path].name for path in self.paths], self.default_naming
            )
            if naming.convention != self.naming.convention:
                again |= set(self.paths)
            elif naming != self.naming:  # how many follow it: every file off it says
                again |= {
                    p for p, found in self.problems.items() if _has(found, ProblemCode.FILE_NAME)
                }
            self.naming = self.facts.naming = naming

        cycles = _supersede_cycles(set(+self.edges)) if edges_changed else self.cycles
        if cycles != self.cycles:
            again |= {problem.path for problem in [*self.cycles, *cycles]}
        old_problems = {path: sorted(self.problems.get(path, []), key=_order) for path in again}
        for path in again:
            if (record := self.records.get(path)) is None:
                self.problems.pop(path, None)
            else:
                self.problems[path] = problems_of(record, self.facts)
        self.cycles = cycles
        self._add_cycles([problem for problem in cycles if problem.path in again])
        problems = {
            path: now
            for path in again
            if (now := sorted(self.problems.get(path, []), key=_order)) != old_problems[path]
        }
        return Changes(problems=problems, links=links, records=after)

    # --- bookkeeping -----------------------------------------------------

    def _add_cycles(self, cycles: list[Problem]) -> None:
        for problem in cycles:
            self.problems.setdefault(problem.path, []).append(problem)

    def _declare(self, links: list[ResolvedLink]) -> None:
        for link in links:
            self.declarations.setdefault(_key(link), {}).setdefault(link.declared_in, link)

    def _undeclare(self, link: ResolvedLink) -> None:
        key = _key(link)
        by = self.declarations.get(key, {})
        if by.get(link.declared_in) is link:
            del by[link.declared_in]
        if not by:
            self.declarations.pop(key, None)

    def _first(self, key: LinkKey) -> ResolvedLink | None:
        by = self.declarations.get(key)
        return by[min(by)] if by else None

    def _count_edge(
        self, link: ResolvedLink, step: int, counted: dict[tuple[str, str], int]
    ) -> None:
        if link.kind == "supersedes":
            edge = (link.source, link.target)
            counted.setdefault(edge, self.edges[edge])
            self.edges[edge] += step


def _key(link: ResolvedLink) -> LinkKey:
    return (link.source, link.target, link.kind)


def _order(problem: Problem) -> tuple[int, str]:
    return (problem.line, problem.code)


def _keys(records: Iterable[Record | None]) -> set[tuple[str, str | int]]:
    keys: set[tuple[str, str | int]] = set()
    for record in records:
        if record is not None:
            keys |= {("path", record.path), ("name", record.name.lower())}
            if record.number is not None:
                keys.add(("number", record.number))
    return keys


def _redated(old: Mapping[str, Record], new: Mapping[str, Record]) -> set[str]:
    """Paths whose settled record is a new object: only day/month dates are settled anew."""
    return {path for path, record in new.items() if old.get(path) is not record}


def _has(problems: list[Problem], code: str) -> bool:
    return any(problem.code == code for problem in problems)


def _renamed(before: Mapping[str, Record | None], after: Mapping[str, Record | None]) -> bool:
    """Whether the folder's names changed: a file came, went, or was renamed."""
    return any((before[p] is None) != (after[p] is None) for p in before)

"""Records layer: `adr check`'s rules over a whole folder of records (pure core, no Django).

Per-file problems come from the parser; this adds what needs the whole folder:
unique numbers, file names that keep to the folder's own convention, links that
resolve (and whose paths lead where they resolve), supersession consistent both
ways, no supersede cycles, and numbers another branch already took.
"""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterable
from datetime import date
from typing import Any

from adrsite.records.folder import Resolver, is_external, resolved_links
from adrsite.records.model import ERROR, WARNING, Problem, Record
from adrsite.records.naming import OURS, Convention, FolderNaming, folder_naming, parse_file_name
from adrsite.records.problems import ProblemCode, Severity
from adrsite.records.scan import heading, headings
from adrsite.records.templates import BY_STYLE

_IN_FORCE = {"accepted", "superseded", "deprecated"}  # statuses a successor has once it took over
_RETIRED = {"rejected", "superseded", "deprecated"}  # no review asked of these is due


def check(records: list[Record], *, naming: Convention = OURS, template: str = "") -> list[Problem]:
    """Every problem in the folder, sorted by file and line.

    `naming` is the convention of a folder with none of its own; `template`,
    the folder's template, whose placeholder sections a decision should not keep.
    """
    resolver = Resolver(records)
    edges = supersessions(records)
    facts = Facts(
        resolver,
        folder_naming([record.name for record in records], naming),
        edges,
        template=template,
    )
    problems = [problem for record in records for problem in problems_of(record, facts)]
    problems += _supersede_cycles(edges)
    return sorted(problems, key=lambda p: (p.path, p.line, p.code))


class Facts:
    """What a record's problems depend on beyond the record: the folder's names, numbers and
    supersessions. `check` builds them whole; an index kept up to date changes them in place
    (`records/folder_state.py`) and asks again about the records a change can affect."""

    def __init__(
        self,
        resolver: Resolver,
        naming: FolderNaming,
        edges: Iterable[tuple[str, str]],
        *,
        template: str = "",
    ) -> None:
        self.resolver = resolver
        self.naming = naming
        self.template = template  # the folder's own; "" for each style's own
        self._placeholders: dict[str, dict[str, str]] = {}  # template text -> its sections
        self.successors: dict[str, set[str]] = {}  # predecessor path -> successor paths
        for successor, predecessor in edges:
            self.successors.setdefault(predecessor, set()).add(successor)

    def successors_of(self, path: str) -> list[Record]:
        by_path = self.resolver.by_path
        return [by_path[successor] for successor in sorted(self.successors.get(path, ()))]

    def placeholders_for(self, record: Record) -> dict[str, str]:
        """The sections of `record`'s template that hold text, by name (read once a template)."""
        text = self.template or BY_STYLE.get(record.style, "")
        if text not in self._placeholders:
            self._placeholders[text] = _sections(text.replace("\r\n", "\n").split("\n"))
        return self._placeholders[text]


def problems_of(record: Record, facts: Facts) -> list[Problem]:
    """The problems `check` finds on `record`'s file, but supersede cycles (the folder's)."""
    resolver = facts.resolver
    problems = list(record.problems)
    problems += _file_name(record, facts.naming)
    problems += _template_leftovers(record, facts.placeholders_for(record))
    if record.number is not None:
        problems += _shared(
            record,
            record.number,
            resolver.by_number[record.number],
            ERROR,
            ProblemCode.DUPLICATE_NUMBER,
            "number {key} is used by {count} files: {paths}; "
            "keep one and run 'adr renumber FILE' on the others",
        )
    # One file name in two sub-folders: a link by that name cannot say which it means.
    problems += _shared(
        record,
        record.name.lower(),
        resolver.by_name[record.name.lower()],
        WARNING,
        ProblemCode.DUPLICATE_NAME,
        "file name {key!r} is used by {count} files: {paths}; "
        "a link by this name is ambiguous: rename one, or link by path",
    )
    problems += _links(record, resolver)
    problems += _supersession_consistency(record, facts.successors_of(record.path))
    return problems


def supersessions(records: list[Record]) -> set[tuple[str, str]]:
    """(successor path, predecessor path) pairs, declared on either side."""
    return {
        (link.source, link.target) for link in resolved_links(records) if link.kind == "supersedes"
    }


def overdue_reviews(records: list[Record], *, today: str) -> list[Problem]:
    """A warning for each live decision whose `review-by` date (ISO) is before `today`.

    Apart from `check`: the answer changes with the day, not with the files, so the
    indexer, which stores what `check` finds, leaves it to the site to ask each day.
    """
    return [
        Problem(
            record.path,
            record.review_by_line,
            WARNING,
            ProblemCode.REVIEW_OVERDUE,
            f"{record.label} ({record.title}) asked to be reviewed by {record.review_by}; "
            "look at it again, then set a new review-by date or change its status",
        )
        for record in records
        if record.review_by and record.review_by < today and record.status not in _RETIRED
    ]


def stale_decisions(
    records: list[Record], *, changed: dict[str, str], today: str, days: int
) -> list[Problem]:
    """A warning for each accepted decision whose file has not changed in `days` days.

    `changed` maps a path to the day (ISO) git last changed it; a path it lacks
    (never committed, or changed in the working tree) is changing now.
    """
    problems = []
    for record in records:
        last = changed.get(record.path)
        if record.status != "accepted" or not last:
            continue
        age = (date.fromisoformat(today) - date.fromisoformat(last)).days
        if age >= days:
            message = (
                f"{record.label} ({record.title}) is accepted and its file has not changed "
                f"in {age} days (since {last}); is it still what we do?"
            )
            problems.append(
                Problem(record.path, record.status_line, WARNING, ProblemCode.STALE, message)
            )
    return problems


def numbers_taken_elsewhere(
    records: list[Record], *, ref: str, ref_paths: set[str], base_paths: set[str]
) -> list[Problem]:
    """Numbers this branch adds that `ref` took for a different file since they parted.

    Two pull requests that each add ADR 12 merge without a conflict: the files
    have different names. Compared against the target branch before merging,
    the collision shows: a file here and not at `ref`, a file at `ref` and not
    here nor at the merge base, same number.
    """
    here = {record.path for record in records}
    theirs: dict[int, list[str]] = {}
    for path in sorted(ref_paths):
        number, _ = parse_file_name(path.rsplit("/", 1)[-1])
        if number is not None and path not in here and path not in base_paths:
            theirs.setdefault(number, []).append(path)
    problems = []
    for record in records:
        added_here = record.path not in ref_paths and record.path not in base_paths
        if record.number in theirs and added_here:
            taken = ", ".join(theirs[record.number])
            problems.append(
                Problem(
                    record.path,
                    1,
                    ERROR,
                    ProblemCode.NUMBER_TAKEN,
                    f"number {record.number} is already taken on {ref} by {taken}; "
                    f"renumber this one: {renumber_command(record.path, against=ref)}",
                )
            )
    return problems


def renumber_command(path: str, *, against: str) -> str:
    """The command that moves `path` past the numbers `against` uses, quoted for a shell."""
    return shlex.join(["adr", "renumber", "--against", against, path])


def _file_name(record: Record, naming: FolderNaming) -> list[Problem]:
    """A name that breaks the folder's own convention (its default when none has a majority)."""
    differences = naming.convention.differences(record.name)
    if not differences:
        return []
    if naming.own:
        should = (
            f"file name should follow this folder's convention {naming.convention.pattern} "
            f"(as {naming.following} of {naming.total} files do)"
        )
    else:
        should = (
            f"file name should be {naming.convention.pattern} "
            f"(this folder has no naming convention most of its files follow)"
        )
    message = f"{should}; it has {', '.join(differences)}"
    return [Problem(record.path, 1, WARNING, ProblemCode.FILE_NAME, message)]


def _template_leftovers(record: Record, placeholders: dict[str, str]) -> list[Problem]:
    """Sections still holding their template's text, word for word: one warning a decision.

    The template is the folder's own (`template.md`), else the one `adr new`
    writes for the decision's style. A section the template leaves empty, or
    whose text is only a list marker, is never a leftover.
    """
    lines = record.body.replace("\r\n", "\n").split("\n")
    titles = [index for index, level, _ in headings(lines, 0) if level == 1]
    offset = record.title_line - 1 - titles[0] if titles else 0
    left = [
        index
        for name, (index, body) in _section_starts(lines).items()
        if placeholders.get(name) == body
    ]
    if not left:
        return []
    named = ", ".join(repr(_heading_text(lines[index])) for index in left)
    sections = "a section" if len(left) == 1 else f"{len(left)} sections"
    return [
        Problem(
            record.path,
            left[0] + 1 + offset,
            WARNING,
            ProblemCode.TEMPLATE_TEXT,
            f"{sections} still as the template wrote them ({named}); "
            "write this decision's own text, or remove them",
        )
    ]


def _heading_text(line: str) -> str:
    found = heading(line)
    return found[1] if found else line.strip()


def _sections(lines: list[str]) -> dict[str, str]:
    """A template's sections that hold text, by name: that text, its lines stripped."""
    return {name: body for name, (_, body) in _section_starts(lines).items()}


def _section_starts(lines: list[str]) -> dict[str, tuple[int, str]]:
    """Each section's heading index and text up to the next heading (the first, by name)."""
    found: dict[str, tuple[int, str]] = {}
    marks = [(index, level, name) for index, level, name in headings(lines, 0)]
    for position, (index, level, name) in enumerate(marks):
        end = marks[position + 1][0] if position + 1 < len(marks) else len(lines)
        body = "\n".join(line.strip() for line in lines[index + 1 : end] if line.strip())
        if level > 1 and name not in found and len(body) > 3:  # "-", "* …": no text to keep
            found[name] = (index, body)
    return found


def _shared(
    record: Record,
    key: Any,
    group: list[Record],
    severity: Severity,
    code: ProblemCode,
    message: str,
) -> list[Problem]:
    """A problem on `record` when its `group` (sharing `key` with it) holds more than it."""
    if len(group) < 2:
        return []
    text = message.format(key=key, count=len(group), paths=", ".join(other.path for other in group))
    return [Problem(record.path, 1, severity, code, text)]


def _links(record: Record, resolver: Resolver) -> list[Problem]:
    problems = []
    for link in record.links:
        if is_external(link.target):
            continue  # another site's document: not ours to resolve
        found = resolver.candidates(link.target, record)
        if not found:
            message = f"{link.kind} link to {link.target!r}: no such decision"
            problems.append(
                Problem(record.path, link.line, ERROR, ProblemCode.BROKEN_LINK, message)
            )
        elif len(found) > 1:
            paths = ", ".join(other.path for other in found)
            message = f"{link.kind} link to {link.target!r} is ambiguous: {paths}"
            problems.append(
                Problem(record.path, link.line, ERROR, ProblemCode.AMBIGUOUS_LINK, message)
            )
        elif found[0].path == record.path:
            message = f"{link.kind} link to {link.target!r} points at this decision itself"
            problems.append(Problem(record.path, link.line, ERROR, ProblemCode.SELF_LINK, message))
        elif resolver.is_broken_path(link.target, record):
            # Read by its number (or its name elsewhere), but a reader who
            # follows the link finds nothing: say what it was read as.
            meant = posixpath.relpath(found[0].path, posixpath.dirname(record.path) or ".")
            message = (
                f"{link.kind} link to {link.target!r}: no such file; read as {meant} (fix the path)"
            )
            problems.append(
                Problem(record.path, link.line, WARNING, ProblemCode.LINK_PATH, message)
            )
    return problems


def _supersession_consistency(record: Record, after: list[Record]) -> list[Problem]:
    """`record`'s status against its successors' (`after`, in path order)."""
    problems = []
    in_force = [s for s in after if s.status in _IN_FORCE]
    if in_force and record.status not in {"superseded", "deprecated"}:
        named = ", ".join(f"{s.label} ({s.path})" for s in in_force)
        # An unmapped status has status "" but words on the line: name those.
        written = record.status or record.status_text
        now = f"status is {written!r}" if written else "there is no status"
        problems.append(
            Problem(
                record.path,
                record.status_line,
                WARNING,
                ProblemCode.SUPERSEDED_STILL_ACTIVE,
                f"{now} but {named} supersedes it; its status should be superseded",
            )
        )
    if record.status == "superseded" and not after:
        problems.append(
            Problem(
                record.path,
                record.status_line,
                WARNING,
                ProblemCode.SUPERSEDED_WITHOUT_SUCCESSOR,
                "status is superseded but no decision supersedes it; "
                "name the successor (supersedes / superseded by)",
            )
        )
    rejected = [s for s in after if s.status == "rejected"]
    if record.status == "superseded" and rejected and len(rejected) == len(after):
        named = ", ".join(f"{s.label} ({s.path})" for s in rejected)
        problems.append(
            Problem(
                record.path,
                record.status_line,
                WARNING,
                ProblemCode.SUPERSEDED_BY_REJECTED,
                f"status is superseded but its successor {named} was rejected",
            )
        )
    return problems


def _supersede_cycles(edges: set[tuple[str, str]]) -> list[Problem]:
    """One error per cycle in "supersedes", reported on the cycle's first file."""
    graph: dict[str, list[str]] = {}
    for successor, predecessor in sorted(edges):
        graph.setdefault(successor, []).append(predecessor)
    return [
        Problem(
            cycle[0],
            1,
            ERROR,
            ProblemCode.SUPERSEDE_CYCLE,
            "supersede cycle: " + " supersedes ".join([*cycle, cycle[0]]),
        )
        for cycle in _simple_cycles(graph)
    ]


def _simple_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Every elementary cycle once, as the list of its nodes from the smallest.

    A cycle is found from its smallest node, through later nodes only. The search
    enters only nodes that can lead back to where it started, so the long acyclic
    chains a real folder has cost nothing; a plain depth-first search with
    "done" marks would miss cycles that share a node (1 > 2 > 3 > 1 and 1 > 3 > 1).
    """
    reverse: dict[str, list[str]] = {}
    for node, targets in graph.items():
        for target in targets:
            reverse.setdefault(target, []).append(node)
    cycles = []
    for start in sorted(graph):
        leads_back = _leading_to(start, reverse)
        path, on_path, pending = [start], {start}, [iter(graph[start])]
        while pending:
            child = next(pending[-1], None)
            if child is None:
                pending.pop()
                on_path.discard(path.pop())
            elif child == start:
                cycles.append(list(path))
            elif child in leads_back and child not in on_path:
                path.append(child)
                on_path.add(child)
                pending.append(iter(graph.get(child, [])))
    return cycles


def _leading_to(start: str, reverse: dict[str, list[str]]) -> set[str]:
    """Nodes after `start` with a path back to it through nodes after it."""
    found: set[str] = set()
    todo = [start]
    while todo:
        for parent in reverse.get(todo.pop(), []):
            if parent > start and parent not in found:
                found.add(parent)
                todo.append(parent)
    return found

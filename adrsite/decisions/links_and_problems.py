"""A repository's links and problems, written afresh from its ADR folder at HEAD.

A full index run rebuilds both from the files at HEAD (`_rebuild_links`,
`_rebuild_problems`); the warm path (`warm.py`, ADR 29) writes only the rows a
change makes different, with the same row builders (`_link_row`,
`_problem_row`, `_too_long_row`).
"""

from __future__ import annotations

from collections.abc import Mapping

from adrsite.decisions.identity import MAX_PATH_BYTES
from adrsite.decisions.models import Decision, Link, LinkKind, Problem, Repository
from adrsite.records.folder import ResolvedLink
from adrsite.records.folder_state import FolderState
from adrsite.records.model import Problem as RecordProblem
from adrsite.records.model import Record
from adrsite.records.problems import ProblemCode, Severity


def _rebuild_links(
    repository: Repository, current: list[tuple[Decision, Record]], folder: FolderState
) -> None:
    """Links as the files at HEAD declare them, stored forwards, whichever side declared them."""
    ids = {record.path: decision.pk for decision, record in current}
    Link.objects.filter(source__repository=repository).delete()
    Link.objects.bulk_create(
        _link_row(link, ids)
        for link in folder.stored_links().values()
        if link.kind in LinkKind.values
    )


def _link_row(link: ResolvedLink, ids: dict[str, int]) -> Link:
    # A kind of adr-tools' own ("Implements") is not stored: shown in the text only.
    return Link(
        source_id=ids[link.source],
        target_id=ids[link.target],
        kind=link.kind,
        declared_in_id=ids[link.declared_in],
        line=link.line,
    )


def _rebuild_problems(
    repository: Repository,
    current: list[tuple[Decision, Record]],
    folder: FolderState,
    *,
    too_long: list[str],
    shallow: bool,
) -> None:
    by_path = {record.path: decision for decision, record in current}
    rows = [_problem_row(repository, problem, by_path) for problem in folder.all_problems()]
    rows += [_too_long_row(repository, path) for path in too_long]
    if shallow:
        rows.append(
            Problem(
                repository=repository,
                path=repository.adr_dir,
                severity=Severity.WARNING,
                code=ProblemCode.SHALLOW_CLONE,
                message="history incomplete: shallow clone "
                "(dates and authors before the cut are missing)",
            )
        )
    repository.problems.all().delete()
    Problem.objects.bulk_create(rows)


def _problem_row(
    repository: Repository, problem: RecordProblem, by_path: Mapping[str, Decision]
) -> Problem:
    decision = by_path.get(problem.path)
    return Problem(
        repository=repository,
        decision=decision,
        path=problem.path,
        commit=decision.updated_commit if decision is not None else "",
        line=problem.line,
        severity=problem.severity,
        code=problem.code,
        message=problem.message,
    )


def _too_long_row(repository: Repository, path: str) -> Problem:
    # An error, not a warning: the file was meant as a decision, and the site does not
    # show it (as a file the parser cannot read is an error); the others are indexed.
    return Problem(
        repository=repository,
        path=path,
        severity=Severity.ERROR,
        code=ProblemCode.PATH_TOO_LONG,
        message=f"path is {len(path.encode('utf-8', 'surrogatepass')):,} bytes long; "
        f"a decision's may be {MAX_PATH_BYTES:,} at most: not indexed (shorten its name "
        "or its folders')",
    )

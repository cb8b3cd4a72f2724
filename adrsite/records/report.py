"""Records layer: how problems are written out, for people (text), tools (JSON) and GitHub.

`problem_line` is the one spelling of a problem, `path:line: severity: message`,
wherever one is shown: `adr check`, `adr show`, the export, the site. It takes
anything with those four fields: the core's Problem and the database's.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Protocol

from adrsite.records.problems import Severity

FORMATS = ("text", "json", "github")


class ProblemLike(Protocol):
    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...
    @property
    def severity(self) -> str: ...
    @property
    def message(self) -> str: ...


class CodedProblem(ProblemLike, Protocol):
    @property
    def code(self) -> str: ...


def problem_line(problem: ProblemLike) -> str:
    return f"{problem.path}:{problem.line}: {problem.severity}: {problem.message}"


def check_report(problems: Sequence[CodedProblem], *, decisions: int, format: str) -> str:
    """What `adr check` prints in `format` (one of FORMATS), without its final newline."""
    errors = sum(p.severity == Severity.ERROR for p in problems)
    warnings = len(problems) - errors
    if format == "json":
        report = {
            "decisions": decisions,
            "errors": errors,
            "warnings": warnings,
            "problems": [
                {
                    "path": p.path,
                    "line": p.line,
                    "severity": p.severity,
                    "code": p.code,
                    "message": p.message,
                }
                for p in problems
            ],
        }
        return json.dumps(report, indent=2, ensure_ascii=False)
    show = github_annotation if format == "github" else problem_line
    summary = (
        f"{_count(decisions, 'decision')}: {_count(errors, 'error')}, {_count(warnings, 'warning')}"
    )
    return "\n".join([*map(show, problems), summary])


def github_annotation(problem: CodedProblem) -> str:
    """A GitHub Actions workflow command: shows the problem on the pull request's diff."""

    def escape(text: str, *, property_value: bool = False) -> str:
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return text.replace(":", "%3A").replace(",", "%2C") if property_value else text

    return (
        f"::{problem.severity} file={escape(problem.path, property_value=True)},"
        f"line={problem.line},title={escape('adr check ' + problem.code, property_value=True)}"
        f"::{escape(problem.message)}"
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"

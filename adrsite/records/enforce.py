"""Records layer: the checks a decision carries (front matter `enforce:`), read and validated.

A decision can prove the code follows it (issue 16, ADR 30). Three kinds:

    enforce:
      - imports: forbidden          # or layers, independence: import-linter's contract types,
        source_modules: [legacy]    # with its own field names
        forbidden_modules: [portal]
        root: src                   # optional: the folder that goes on the import path
      - pattern: 'requests\\.(get|post)\\(.*/django/'
        paths: ["legacy/**"]        # git pathspec globs, from the repository root
        must: absent                # or present
      - command: make lint-js       # run only by `adr check --enforce`, never by the site

This module only reads and validates: it never runs a check, and never runs a
committer's regex (ADR 22): `git grep -P` does, in its own process (history/enforce.py).
Compiling one with Python's `re` is only a syntax check, and cannot hang.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from adrsite.records.model import ERROR, WARNING, Problem
from adrsite.records.problems import ProblemCode

IMPORTS, PATTERN, COMMAND = "imports", "pattern", "command"
KINDS = (IMPORTS, PATTERN, COMMAND)

# import-linter's contract types and their fields (its documentation is ours).
_CONTRACT_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    # type: (required, optional)
    "forbidden": (
        frozenset({"source_modules", "forbidden_modules"}),
        frozenset({"ignore_imports", "allow_indirect_imports", "as_packages"}),
    ),
    "layers": (
        frozenset({"layers"}),
        frozenset({"containers", "ignore_imports", "exhaustive", "exhaustive_ignores"}),
    ),
    "independence": (frozenset({"modules"}), frozenset({"ignore_imports"})),
}
_BOOLEAN_FIELDS = frozenset({"allow_indirect_imports", "as_packages", "exhaustive"})
# Fields that name modules: each entry is checked to be a dotted name. `layers` entries
# may list siblings ("a | b", "a : b") and be optional ("(a)"), as import-linter allows;
# `ignore_imports` entries are "a -> b" with wildcards, left to import-linter.
_MODULE_FIELDS = frozenset(
    {"source_modules", "forbidden_modules", "modules", "containers", "exhaustive_ignores"}
)
_MODULE = re.compile(r"[A-Za-z_]\w*+(?:\.[A-Za-z_]\w*+)*+")  # linear: "." separates the runs
_LAYER_SEPARATOR = re.compile(r"\s*+[|:]\s*+")
MUSTS = ("absent", "present")
MAX_CHECKS = 50  # per decision: a list longer than this is a mistake, not a policy
MAX_TEXT = 1000  # characters in a pattern, a path or a command


@dataclass(frozen=True, slots=True)
class Check:
    """One entry of `enforce:`, valid as far as can be told without running it."""

    kind: str  # IMPORTS, PATTERN or COMMAND
    line: int  # where the entry starts in the file
    index: int  # its place in the decision's list, from 0
    contract: tuple[tuple[str, Any], ...] = ()  # imports: import-linter's fields, "type" first
    root: str = ""  # imports: folder put on the import path ("" = the repository root)
    pattern: str = ""
    paths: tuple[str, ...] = ()
    must: str = "absent"
    command: str = ""

    @property
    def contract_type(self) -> str:
        return str(dict(self.contract).get("type", ""))

    def describe(self) -> str:
        """How a report names the check: `imports: forbidden`, `pattern 'x' absent`."""
        if self.kind == IMPORTS:
            return f"imports: {self.contract_type}"
        if self.kind == PATTERN:
            return f"pattern {self.pattern!r} {self.must}"
        return f"command {self.command!r}"


def read_enforce(
    path: str, label: str, value: Any, key_line: int, lines: list[str]
) -> tuple[tuple[Check, ...], list[Problem]]:
    """The checks in front matter `enforce:` (its value as YAML read it), and what is wrong.

    `lines` are the file's lines, to find the line of each entry under `key_line`.
    A bad entry is a problem and is left out; the others are kept.
    """
    problems: list[Problem] = []

    def problem(line: int, message: str) -> None:
        problems.append(Problem(path, line, ERROR, ProblemCode.ENFORCE, f"{label}: {message}"))

    if value is None:
        return (), problems
    if not isinstance(value, list):
        problem(key_line, "'enforce' should be a list of checks (imports, pattern or command)")
        return (), problems
    if len(value) > MAX_CHECKS:
        problem(key_line, f"'enforce' lists {len(value)} checks; at most {MAX_CHECKS}")
        return (), problems
    entry_lines = _entry_lines(lines, key_line, len(value))
    checks = []
    for index, (entry, line) in enumerate(zip(value, entry_lines, strict=True)):
        check, message = _read_check(entry, index, line)
        if check is None:
            problem(line, f"enforce check {index + 1}: {message}")
        else:
            checks.append(check)
    return tuple(checks), problems


def _read_check(entry: Any, index: int, line: int) -> tuple[Check | None, str]:
    if not isinstance(entry, dict):
        return None, "should be a mapping such as {imports: forbidden, ...}"
    entry = {str(key): item for key, item in entry.items()}
    kinds = [kind for kind in KINDS if kind in entry]
    if len(kinds) != 1:
        keys = ", ".join(sorted(entry)[:5]) or "nothing"
        return None, f"should say one of imports, pattern or command (it has {_cut(keys)})"
    kind = kinds[0]
    if kind == IMPORTS:
        return _read_imports(entry, index, line)
    if kind == PATTERN:
        return _read_pattern(entry, index, line)
    command = entry.pop(COMMAND)
    if entry:
        return None, f"a command check takes no {_fields(entry)}"
    if not isinstance(command, str) or not command.strip() or len(command) > MAX_TEXT:
        return None, f"command should be a line of shell, at most {MAX_TEXT} characters"
    return Check(COMMAND, line, index, command=command.strip()), ""


def _read_imports(entry: dict[str, Any], index: int, line: int) -> tuple[Check | None, str]:
    contract_type = entry.pop(IMPORTS)
    root = entry.pop("root", "")
    if contract_type not in _CONTRACT_FIELDS:
        return None, (
            f"unknown imports contract {_cut(str(contract_type))!r} "
            "(expected forbidden, layers or independence)"
        )
    if not isinstance(root, str) or not _relative_path(root):
        return None, f"root {_cut(str(root))!r} should be a folder inside the repository"
    required, optional = _CONTRACT_FIELDS[contract_type]
    if missing := required - entry.keys():
        return None, f"a {contract_type} contract needs {_fields(missing)}"
    if unknown := entry.keys() - required - optional:
        return None, f"a {contract_type} contract has no field {_fields(unknown)}"
    for field, item in entry.items():
        if field in _BOOLEAN_FIELDS:
            if not isinstance(item, bool):
                return None, f"{field} should be true or false"
            continue
        if not isinstance(item, list) or not all(isinstance(x, str) and x for x in item):
            return None, f"{field} should be a list of module names"
        if field in required and not item:
            return None, f"{field} should name at least one module"
        bad = next((x for x in item if not _names_modules(field, x)), None)
        if bad is not None:
            return None, f"{field}: {_cut(bad)!r} is not a module name"
    contract = (("type", contract_type), *sorted((k, _frozen(v)) for k, v in entry.items()))
    return Check(IMPORTS, line, index, contract=contract, root=root.strip().strip("/")), ""


def _read_pattern(entry: dict[str, Any], index: int, line: int) -> tuple[Check | None, str]:
    pattern = entry.pop(PATTERN)
    paths = entry.pop("paths", [])
    must = entry.pop("must", "absent")
    if entry:
        return None, f"a pattern check has no field {_fields(entry)} (paths, must)"
    if not isinstance(pattern, str) or not pattern or len(pattern) > MAX_TEXT:
        return None, f"pattern should be a regular expression, at most {MAX_TEXT} characters"
    if "\n" in pattern or "\0" in pattern:
        return None, "pattern should be one line"
    try:
        # A syntax check only (ADR 22): git grep runs it, in its own process.
        re.compile(pattern)
    except re.error as error:
        return None, f"pattern {_cut(pattern)!r} does not compile: {error}"
    except (RecursionError, OverflowError):
        return None, f"pattern {_cut(pattern)!r} is too deeply nested"
    if isinstance(paths, str):
        paths = [paths]
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        return None, "paths should be a list of globs such as legacy/**"
    if bad := next((p for p in paths if not _relative_path(p) or not p), None):
        return None, f"paths: {_cut(bad)!r} should be a glob inside the repository"
    if must not in MUSTS:
        return None, f"must {_cut(str(must))!r} should be absent or present"
    return Check(PATTERN, line, index, pattern=pattern, paths=tuple(paths), must=must), ""


def _names_modules(field: str, text: str) -> bool:
    if field == "layers":
        names = _LAYER_SEPARATOR.split(text.strip().removeprefix("(").removesuffix(")"))
        return all(_MODULE.fullmatch(name) for name in names)
    if field in _MODULE_FIELDS:
        return _MODULE.fullmatch(text) is not None
    return len(text) <= MAX_TEXT  # ignore_imports: "a.b -> c.*", import-linter reads it


def _relative_path(text: str) -> bool:
    parts = text.replace("\\", "/").split("/")
    return (
        len(text) <= MAX_TEXT
        and not text.startswith(("/", ":"))  # no absolute paths, no git pathspec magic
        and ".." not in parts
        and not any(c in text for c in "\0\n\r")
    )


def _entry_lines(lines: list[str], key_line: int, count: int) -> list[int]:
    """The line of each entry of the list under `enforce:`: the lines starting with "- "
    at the list's indentation. Where the YAML is written some other way (a flow list),
    every entry is given the key's line."""
    found: list[int] = []
    indent: int | None = None
    for number in range(key_line + 1, len(lines) + 1):
        text = lines[number - 1]
        stripped = text.lstrip(" ")
        top_level = bool(stripped) and len(text) == len(stripped) and not stripped.startswith("-")
        if text.strip() in ("---", "...") or top_level:
            break  # the end of front matter, or the next key
        if stripped.startswith("- ") or stripped == "-":
            depth = len(text) - len(stripped)
            indent = depth if indent is None else indent
            if depth == indent:
                found.append(number)
    return found if len(found) == count else [key_line] * count


def _frozen(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _fields(names: Any) -> str:
    return ", ".join(sorted(_cut(str(name), 40) for name in names))


def _cut(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- outcomes: what running a check found (history/enforce.py runs them) ---

HOLDING, BROKEN, UNCHECKABLE = "holding", "broken", "not checkable"


@dataclass(frozen=True, slots=True)
class Violation:
    """One place the code does not follow the decision."""

    path: str  # the offending file, from the repository root; "" when no file is to blame
    line: int
    message: str  # "legacy/billing.py imports portal.api (forbidden)"


@dataclass(frozen=True, slots=True)
class Outcome:
    check: Check
    state: str  # HOLDING, BROKEN or UNCHECKABLE
    violations: tuple[Violation, ...] = ()
    reason: str = ""  # why it is not checkable


def enforced(records: Any) -> list[Any]:
    """The decisions whose checks run: accepted ones, and proposed ones (they only warn)."""
    return [r for r in records if r.enforce and r.status in ("accepted", "proposed")]


def outcome_problems(record: Any, outcomes: list[Outcome]) -> list[Problem]:
    """`adr check --enforce`'s problems for one decision's outcomes.

    A violation is reported at the offending line, naming the decision; a check that
    could not run, at the check's line in the decision. A proposed decision's are
    warnings, "would fail": it is not in force yet.
    """
    proposed = record.status == "proposed"
    severity = WARNING if proposed else ERROR
    would = "would fail: " if proposed else ""
    label = f"{record.label} ({record.title})"
    problems = []
    for outcome in outcomes:
        if outcome.state == UNCHECKABLE:
            problems.append(
                Problem(
                    record.path,
                    outcome.check.line,
                    severity,
                    ProblemCode.ENFORCE_UNCHECKABLE,
                    f"{label}: {would}{outcome.check.describe()} cannot be checked: "
                    f"{outcome.reason}",
                )
            )
        for violation in outcome.violations:
            problems.append(
                Problem(
                    violation.path or record.path,
                    violation.line if violation.path else outcome.check.line,
                    severity,
                    ProblemCode.ENFORCE_BROKEN,
                    f"{label}: {would}{violation.message}",
                )
            )
    return problems

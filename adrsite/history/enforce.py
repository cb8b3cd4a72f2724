"""History layer: running a decision's checks on a working tree or at a commit (ADR 30).

Every check runs in another process, with a timeout, never in ours: import
contracts in an isolated interpreter running import-linter (import_contracts.py),
patterns in `git grep -P` (a committer's regex never runs in our process, ADR 22),
commands in the shell, and those only on the working tree (`adr check --enforce`).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from adrsite.records.enforce import (
    BROKEN,
    COMMAND,
    HOLDING,
    IMPORTS,
    PATTERN,
    UNCHECKABLE,
    Check,
    Outcome,
    Violation,
    enforced,
    outcome_problems,
)
from adrsite.records.model import Problem, Record

TIMEOUT = 120  # seconds, for one interpreter's contracts, one git grep or one command
MAX_MATCHES = 50  # reported per pattern check
_TAIL = 400  # characters of a failing command's output, in its message


def enforce_working_tree(root: Path, records: Sequence[Record]) -> list[Problem]:
    """`adr check --enforce`: the checks of every accepted (and proposed) decision, run on
    the working tree, commands included, as problems; one interpreter for every contract."""
    chosen = enforced(records)
    checks = [check for record in chosen for check in record.enforce]
    outcomes = iter(check_working_tree(root, checks, commands=True))
    problems: list[Problem] = []
    for record in chosen:
        problems += outcome_problems(record, [next(outcomes) for _ in record.enforce])
    return problems


def check_working_tree(root: Path, checks: Sequence[Check], *, commands: bool) -> list[Outcome]:
    """Run `checks` on the files under `root` (a repository's working tree), in their order.

    Patterns read the tracked files as they are on disk; `commands` runs command checks
    (`adr check --enforce`), which the site never does.
    """
    outcomes = dict(_imports(root, [c for c in checks if c.kind == IMPORTS]))
    for check in checks:
        if check.kind == PATTERN:
            outcomes[check] = _pattern(root, check, commit=None)
        elif check.kind == COMMAND:
            outcomes[check] = _command(root, check) if commands else _not_run(check)
    return [outcomes[check] for check in checks]


def check_commit(repository: Path, commit: str, checks: Sequence[Check]) -> list[Outcome]:
    """Run `checks` on `commit`'s tree: patterns through git grep at the commit, import
    contracts on the tree exported to a temporary folder. Commands never run here."""
    outcomes: dict[Check, Outcome] = {}
    imports = [c for c in checks if c.kind == IMPORTS]
    if imports:
        with tempfile.TemporaryDirectory(prefix="adrsite-enforce-") as folder:
            try:
                _export(repository, commit, Path(folder))
            except (OSError, subprocess.SubprocessError, tarfile.TarError) as error:
                reason = f"the tree at {commit[:7]} could not be exported: {error}"
                outcomes |= {c: Outcome(c, UNCHECKABLE, reason=reason) for c in imports}
            else:
                outcomes |= dict(_imports(Path(folder), imports))
    for check in checks:
        if check.kind == PATTERN:
            outcomes[check] = _pattern(repository, check, commit=commit)
        elif check.kind == COMMAND:
            outcomes[check] = _not_run(check)
    return [outcomes[check] for check in checks]


def _not_run(check: Check) -> Outcome:
    return Outcome(check, UNCHECKABLE, reason="commands run only in `adr check --enforce`")


# --- imports -------------------------------------------------------------


def _imports(tree: Path, checks: list[Check]) -> list[tuple[Check, Outcome]]:
    """Import contracts, one isolated interpreter per `root` they name."""
    found: list[tuple[Check, Outcome]] = []
    for root in sorted({c.root for c in checks}):
        batch = [c for c in checks if c.root == root]
        folder = tree / root if root else tree
        if not folder.is_dir() or not folder.resolve().is_relative_to(tree.resolve()):
            found += [(c, Outcome(c, UNCHECKABLE, reason=f"no folder {root}")) for c in batch]
            continue
        try:
            results = _run_import_linter(folder, [_contract_json(c) for c in batch])
        except (OSError, subprocess.SubprocessError, ValueError) as error:
            reason = f"import-linter did not finish: {error}"
            found += [(c, Outcome(c, UNCHECKABLE, reason=reason)) for c in batch]
            continue
        for check, result in zip(batch, results, strict=True):
            found.append((check, _import_outcome(check, result, root)))
    return found


def _contract_json(check: Check) -> dict[str, object]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in check.contract}


def _run_import_linter(folder: Path, contracts: list[dict[str, object]]) -> list[dict[str, Any]]:
    # -I: no user site, no PYTHONPATH, not the current folder: the tree only goes on
    # sys.path where the script puts it, after import-linter is loaded.
    result = subprocess.run(
        [sys.executable, "-I", "-m", "adrsite.history.import_contracts"],
        input=json.dumps({"root": str(folder), "contracts": contracts}),
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise ValueError(f"exit {result.returncode}: {last[:_TAIL]}")
    results = json.loads(result.stdout)
    if not isinstance(results, list) or len(results) != len(contracts):
        raise ValueError("unexpected output")
    return results


def _import_outcome(check: Check, result: dict[str, Any], root: str) -> Outcome:
    if result.get("error"):
        return Outcome(check, UNCHECKABLE, reason=str(result["error"]))
    raw = result.get("violations")
    violations = []
    for item in raw if isinstance(raw, list) else []:
        path = f"{root}/{item['path']}" if root else str(item["path"])
        message = f"{path} imports {item['imported']} ({check.contract_type})"
        chain = item.get("chain") or []
        if len(chain) > 1:
            steps = [chain[0][0]] + [f"{imported} (l.{_lines(ls)})" for _, imported, ls in chain]
            message += ", through " + " -> ".join(steps)
        violations.append(Violation(path, int(item.get("line") or 1), message))
    state = HOLDING if result.get("kept") and not violations else BROKEN
    return Outcome(check, state, tuple(violations))


def _lines(numbers: list[int]) -> str:
    return ",".join(str(n) for n in numbers) or "?"


def _export(repository: Path, commit: str, folder: Path) -> None:
    """`commit`'s tree into `folder`, with `git archive` (no checkout, no hooks)."""
    with subprocess.Popen(
        ["git", "archive", "--format=tar", commit],
        cwd=repository,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as process:
        assert process.stdout is not None
        with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
            archive.extractall(folder, filter="data")  # no links out, no devices
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, "git archive")


# --- patterns and commands ----------------------------------------------


def _pattern(repository: Path, check: Check, *, commit: str | None) -> Outcome:
    command = ["git", "grep", "-P", "-n", "-z", "-I", "--no-color", "-e", check.pattern]
    if commit:
        command.append(commit)
    command += ["--", *(f":(glob){path}" for path in check.paths or ["**"])]
    try:
        result = subprocess.run(
            command, cwd=repository, capture_output=True, timeout=TIMEOUT, check=False
        )
    except (OSError, subprocess.SubprocessError) as error:
        return Outcome(check, UNCHECKABLE, reason=f"git grep did not finish: {error}")
    if result.returncode not in (0, 1):  # 1: nothing matched
        words = result.stderr.decode("utf-8", "replace").strip().removeprefix("fatal: ")
        return Outcome(check, UNCHECKABLE, reason=f"git grep: {words[:_TAIL]}")
    prefix = f"{commit}:".encode() if commit else b""
    matches = []
    for line in result.stdout.split(b"\n"):
        parts = line.removeprefix(prefix).split(b"\0", 2)
        if len(parts) == 3 and parts[1].isdigit():
            matches.append((parts[0].decode("utf-8", "replace"), int(parts[1]), parts[2]))
    if check.must == "present":
        if matches:
            return Outcome(check, HOLDING)
        where = ", ".join(check.paths) or "the repository"
        message = f"nothing in {where} matches {check.pattern!r} (it must be present)"
        return Outcome(check, BROKEN, (Violation("", 0, message),))
    violations = tuple(
        Violation(path, number, f"{path}:{number} matches {check.pattern!r} (it must be absent)")
        for path, number, _ in matches[:MAX_MATCHES]
    )
    return Outcome(check, BROKEN if violations else HOLDING, violations)


def _command(root: Path, check: Check) -> Outcome:
    try:
        # The repository's own decision names it, as its Makefile or CI file would.
        result = subprocess.run(
            check.command,
            shell=True,
            cwd=root,
            capture_output=True,
            text=True,
            errors="replace",
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome(check, UNCHECKABLE, reason=f"it ran longer than {TIMEOUT} s")
    except OSError as error:
        return Outcome(check, UNCHECKABLE, reason=str(error))
    if result.returncode == 0:
        return Outcome(check, HOLDING)
    output = (result.stdout + result.stderr).strip()[-_TAIL:]
    message = f"{check.command!r} exited {result.returncode}" + (f": {output}" if output else "")
    return Outcome(check, BROKEN, (Violation("", 0, message),))

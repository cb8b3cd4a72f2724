"""Run import-linter contracts on a tree: `python -I -m adrsite.history.import_contracts`.

Started by history/enforce.py in its own isolated interpreter (no user site, no
PYTHONPATH, not the caller's sys.path), with a timeout: the tree is someone's code.
Reads `{"root": folder, "contracts": [{"type": ..., fields...}, ...]}` on stdin and
writes one result per contract on stdout, as JSON:
`{"kept": bool, "error": str, "violations": [{"path", "line", "importer", "imported",
"chain": [[importer, imported, [lines]], ...]}]}`. It never imports the tree's code:
grimp reads the files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

MAX_VIOLATIONS = 100  # per contract: past this, more of the same tells nobody anything


def main() -> None:
    request = json.load(sys.stdin)
    root = Path(request["root"])
    # Imported before the tree goes on the path, so a tree's own `grimp` cannot stand in.
    from importlinter import configuration
    from importlinter.application.use_cases import _register_built_in_contract_types, create_report
    from importlinter.application.user_options import UserOptions

    configuration.configure()  # as importlinter.api does: its timer, its readers
    sys.path.insert(0, str(root))
    _register_built_in_contract_types()
    results = [
        _run(root, contract, create_report, UserOptions) for contract in request["contracts"]
    ]
    json.dump(results, sys.stdout)


def _run(
    root: Path, contract: dict[str, Any], create_report: Any, user_options: Any
) -> dict[str, Any]:
    modules = _named_modules(contract)
    tops = sorted({name.split(".")[0] for name in modules})
    local = [top for top in tops if _exists(root, top)]
    missing = [name for name in modules if name.split(".")[0] in local and not _exists(root, name)]
    if not local:
        return _error(f"no module {', '.join(tops)} under {root.name or '.'}")
    if missing and contract["type"] != "layers":  # a layer may be optional: import-linter says
        return _error(f"no module {missing[0]} in the tree")
    options = {k: _ini(v) for k, v in contract.items()} | {"name": "adr", "id": "adr"}
    # Every package of the tree is in the graph: a chain may pass through one the
    # contract does not name (legacy -> shared -> portal).
    packages = sorted({*local, *(p.parent.name for p in root.glob("*/__init__.py"))})
    session = {"root_packages": packages, "include_external_packages": _ini(len(local) < len(tops))}
    try:
        report = create_report(user_options(session, [options]), cache_dir=None)
        checks = list(report.get_contracts_and_checks())
    except Exception as error:  # import-linter's own words: a module it cannot find, a cycle
        return _error(str(error).strip().splitlines()[0] if str(error).strip() else repr(error))
    if not checks:
        problems = getattr(report, "invalid_contract_options", {}) or {"": "invalid contract"}
        return _error(str(problems))
    _, check = checks[0]
    violations = [_violation(root, chain) for chain in _chains(check.metadata)]
    return {"kept": bool(check.kept), "error": "", "violations": violations[:MAX_VIOLATIONS]}


def _named_modules(contract: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for field in ("source_modules", "forbidden_modules", "modules", "containers"):
        names += contract.get(field, [])
    for layer in contract.get("layers", []):
        for part in layer.replace("|", ":").split(":"):
            names.append(part.strip().strip("()"))
    containers = contract.get("containers", [])
    if containers:  # layers inside containers are named relative to each one
        names = [n for n in names if n in containers] + [
            f"{c}.{layer}" for c in containers for layer in names if layer not in containers
        ]
    return [n for n in names if n]


def _exists(root: Path, module: str) -> bool:
    path = root.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _chains(metadata: Any) -> list[list[dict[str, Any]]]:
    """Every chain of imports in a contract check's metadata, whatever its contract type.

    import-linter shapes the metadata differently per type; a chain is always a list
    of `{"importer", "imported", "line_numbers"}` links.
    """
    found: list[list[dict[str, Any]]] = []

    def walk(value: Any) -> None:
        if isinstance(value, list) and value and all(_is_link(x) for x in value):
            found.append(value)
        elif isinstance(value, dict) and _is_link(value) and "line_numbers" in value:
            found.append([value])
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(metadata)
    return found


def _is_link(value: Any) -> bool:
    return isinstance(value, dict) and "importer" in value and "imported" in value


def _violation(root: Path, chain: list[dict[str, Any]]) -> dict[str, Any]:
    first = chain[0]
    lines = list(first.get("line_numbers") or [1])
    return {
        "path": _module_path(root, first["importer"]),
        "line": int(lines[0] or 1),
        "importer": first["importer"],
        "imported": chain[-1]["imported"],
        "chain": [
            [link["importer"], link["imported"], list(link.get("line_numbers", []))]
            for link in chain
        ],
    }


def _module_path(root: Path, module: str) -> str:
    path = root.joinpath(*module.split("."))
    for candidate in (path.with_suffix(".py"), path / "__init__.py"):
        if candidate.is_file():
            return candidate.relative_to(root).as_posix()
    return path.relative_to(root).as_posix() + ".py"


def _ini(value: Any) -> Any:
    # import-linter's readers hand it strings and lists of strings.
    if isinstance(value, bool):
        return "True" if value else "False"
    return value


def _error(message: str) -> dict[str, Any]:
    return {"kept": False, "error": message, "violations": []}


if __name__ == "__main__":
    main()

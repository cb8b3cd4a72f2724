"""The pure core never imports Django, the app or the CLI (ADR 4); file commands never start it."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "adrsite"
PURE_LAYERS = ["records", "history"]
FORBIDDEN = ("django", "adrsite.decisions", "adrsite.cli", "adrsite.settings", "adrsite.urls")


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.ImportFrom) and node.level:
            found.append((node.lineno, "." * node.level + (node.module or "")))
    return found


def pure_modules() -> list[Path]:
    return sorted(p for layer in PURE_LAYERS for p in (PACKAGE / layer).rglob("*.py"))


def test_the_walk_covers_every_module_of_the_pure_core():
    names = {path.relative_to(PACKAGE).as_posix() for path in pure_modules()}
    assert {
        "records/parse.py",
        "records/scan.py",
        "records/lint.py",
        "records/write.py",
        "records/folder.py",
        "records/naming.py",
        "records/renumber.py",
        "records/files.py",
        "records/report.py",
        "history/refs.py",
    } <= names


@pytest.mark.parametrize("path", pure_modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_pure_core_module_imports_nothing_from_django_or_above(path: Path):
    offending = [
        f"{path.relative_to(PACKAGE.parent)}:{line}: imports {module}"
        for line, module in imported_modules(path)
        if module.startswith(FORBIDDEN) or module.startswith("..")
    ]
    assert offending == []


def test_the_import_walk_catches_a_django_import(tmp_path: Path):
    module = tmp_path / "bad.py"
    module.write_text("import os\nfrom django.conf import settings\n")
    assert (2, "django.conf") in imported_modules(module)


def run_python(code: str, cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_importing_the_pure_core_loads_no_django(tmp_path: Path):
    code = (
        "import sys, adrsite.records.folder, adrsite.records.lint, adrsite.records.write, "
        "adrsite.records.render, adrsite.records.renumber, adrsite.records.report, "
        "adrsite.history.refs\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    assert run_python(code, tmp_path) == "[]"


def test_importing_history_loads_no_yaml_nor_the_records_layer(tmp_path: Path):
    # History reads git, never ADR files: front matter parsing has no place in it.
    code = (
        "import sys, adrsite.history.git\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'django', 'yaml', 'frontmatter', 'markdown_it'} or m.startswith('adrsite.records')))"
    )
    assert run_python(code, tmp_path) == "[]"


FILE_COMMANDS = [
    ["init"],
    ["new", "Use X", "--supersedes", "1"],
    ["status", "2", "accepted"],
    ["link", "2", "amends", "1"],
    ["list", "--json"],
    ["show", "1"],
    ["check"],
    ["renumber", "adr/0002-use-x.md"],
    ["toc"],
    ["why", "x"],
]


def test_file_commands_never_start_django(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    code = (
        "import sys, contextlib, io, os\n"
        "os.environ['ADR_DATE'] = '2026-11-21'\n"
        "from adrsite.cli import main\n"
        "codes = []\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    for argv in {FILE_COMMANDS!r}:\n"
        "        codes.append(main(argv))\n"
        "loaded = {m.split('.')[0] for m in sys.modules} & {'django', 'markdown_it', 'git'}\n"
        "print(codes, sorted(loaded))"
    )
    assert run_python(code, tmp_path) == f"{[0] * len(FILE_COMMANDS)} []"

"""What importing loads, which an import graph cannot show (ADR 4, ADR 30).

The import rules themselves (records and history never import Django, the app or
the CLI; cli -> decisions -> history -> records) are ADR 4's and ADR 14's `enforce:`
contracts, run by `adr check --enforce` in `./dev test`. What stays here is what a
fresh interpreter actually loads, third-party modules included.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


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

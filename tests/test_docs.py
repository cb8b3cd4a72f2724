"""README.md documents every `adr` sub-command and every status."""

from __future__ import annotations

import argparse
from pathlib import Path

from adrsite.cli import build_parser as _parser
from adrsite.records.model import STATUSES

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def sub_commands() -> list[str]:
    parser = _parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def test_the_parser_has_the_documented_commands():
    assert {
        "init",
        "new",
        "status",
        "link",
        "list",
        "show",
        "check",
        "renumber",
        "toc",
        "why",
    } <= set(sub_commands())


def test_every_sub_command_is_in_the_readme():
    assert [name for name in sub_commands() if f"`adr {name}" not in README] == []


def test_every_status_is_in_the_readme():
    assert [status for status in STATUSES if status not in README] == []


def test_the_quick_start_is_exactly_two_commands_and_ci_runs_the_test_one():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick_start.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["./dev serve", "./dev test"]
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert [line for line in ci.splitlines() if line and not line.startswith("#")][-1] == (
        "exec ./dev test"
    )

"""README.md documents every `adr` sub-command and every status."""

from __future__ import annotations

import argparse
from pathlib import Path

from adrsite.cli import _parser
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


def test_the_readme_opens_with_the_two_set_up_commands():
    quick_start = README.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "./dev serve" in quick_start
    assert "./dev test" in quick_start
    assert "./dev test" in (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()

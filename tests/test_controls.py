"""Control characters a committer wrote never reach a terminal raw: `adr list` and `adr show`."""

from __future__ import annotations

from pathlib import Path

import pytest

from adrsite.records.controls import visible_controls
from tests.test_check import commit_all, new_project, run_adr, write

RED = "\x1b[31mred\x1b[0m"
BODY = f"## Context\n\nPasted from CI: {RED}\x0b done\x07.\n\tIndented\x9b2J.\r\nLast line.\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return new_project(tmp_path / "project")


def test_adr_list_and_show_write_escape_sequences_visibly(repo):
    write(
        repo,
        "0001-use-red.md",
        f"---\nstatus: accepted\ndeciders: [Ada]\n---\n# Use {RED} X\x07\n\n{BODY}",
    )
    commit_all(repo, "Add")
    listing = run_adr(repo, "list")
    shown = run_adr(repo, "show", "1")
    assert "status:        accepted" in shown.stdout  # the front matter was read
    for result in (listing, shown):
        assert result.returncode == 0, result.stderr
        assert "\x1b" not in result.stdout
        assert not any(0x00 <= ord(c) < 0x20 and c not in "\n\t" for c in result.stdout)
        assert "\x9b" not in result.stdout
    assert "Use \\x1b[31mred\\x1b[0m X\\x07" in listing.stdout
    assert "Use \\x1b[31mred\\x1b[0m X\\x07" in shown.stdout
    # The body keeps its lines and tabs; only the controls are spelled out.
    assert "Pasted from CI: \\x1b[31mred\\x1b[0m\\x0b done\\x07.\n\tIndented\\x9b2J.\n" in (
        shown.stdout
    )


def test_visible_controls_spells_out_every_control_but_those_kept():
    assert visible_controls("a\x00b\x1b[0m\x7f\x85\ud800\uffff") == (
        "a\\x00b\\x1b[0m\\x7f\\x85\\ud800\\uffff"
    )
    assert visible_controls("a\tb\nc\r", keep="\t\n") == "a\tb\nc\\x0d"
    assert visible_controls("plain text, é, 日本, 🙂") == "plain text, é, 日本, 🙂"

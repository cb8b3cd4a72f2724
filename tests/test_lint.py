"""`adr check --against REF` at the core: numbers another branch took since the two parted."""

from __future__ import annotations

import shlex

from adrsite.records.lint import numbers_taken_elsewhere
from adrsite.records.model import Record
from adrsite.records.parse import parse


def records(*paths: str) -> list[Record]:
    return [parse(path, f"---\nstatus: accepted\n---\n# {path}\n".encode()) for path in paths]


def taken(here: list[str], *, ref: set[str], base: set[str]) -> list[str]:
    problems = numbers_taken_elsewhere(records(*here), ref="main", ref_paths=ref, base_paths=base)
    return [f"{problem.path}: {problem.message}" for problem in problems]


def test_a_number_main_took_for_another_file_since_the_branches_parted_is_taken():
    assert taken(
        ["adr/0001-use-x.md", "adr/0002-use-z.md"],
        ref={"adr/0001-use-x.md", "adr/0002-use-y.md"},
        base={"adr/0001-use-x.md"},
    ) == [
        "adr/0002-use-z.md: number 2 is already taken on main by adr/0002-use-y.md; "
        "renumber this one: adr renumber --against main adr/0002-use-z.md"
    ]


def test_the_renumber_hint_is_a_shell_command_whatever_the_names():
    # A ref and a file name with spaces and quotes: the hint still splits back into them.
    problem = numbers_taken_elsewhere(
        records("adr/0002-it's mine.md"),
        ref="team's main",
        ref_paths={"adr/0002-use-y.md"},
        base_paths=set(),
    )[0]
    hint = problem.message.split("renumber this one: ", 1)[1]
    assert shlex.split(hint) == [
        "adr",
        "renumber",
        "--against",
        "team's main",
        "adr/0002-it's mine.md",
    ]


def test_a_file_main_retitled_is_not_taken_from_its_old_name_here():
    # main renamed 0002-use-y.md; here it keeps the name it had where the branches parted.
    assert (
        taken(
            ["adr/0001-use-x.md", "adr/0002-use-y.md"],
            ref={"adr/0001-use-x.md", "adr/0002-use-y-everywhere.md"},
            base={"adr/0001-use-x.md", "adr/0002-use-y.md"},
        )
        == []
    )


def test_a_file_this_branch_retitled_is_not_taken_from_its_old_name_on_main():
    assert (
        taken(
            ["adr/0001-use-x.md", "adr/0002-use-y-everywhere.md"],
            ref={"adr/0001-use-x.md", "adr/0002-use-y.md"},
            base={"adr/0001-use-x.md", "adr/0002-use-y.md"},
        )
        == []
    )

"""The plan of `adr renumber`, with git's answer given by a fake callback (pure core)."""

from __future__ import annotations

import pytest

from adrsite.records.model import Record
from adrsite.records.parse import parse
from adrsite.records.renumber import renumber_plan, renumbered_references


def decision(path: str, title: str, *lines: str) -> Record:
    text = "\n".join(["---", "status: accepted", *lines, "---", f"# {title}", "", "Text."])
    return parse(path, text.encode())


def folder(*, colliding: bool) -> list[Record]:
    records = [
        decision("adr/0001-a.md", "A"),
        decision("adr/0002-use-x.md", "Use X"),
        decision("adr/0003-b.md", "B", "supersedes: [2]"),
        decision("adr/0004-c.md", "C", "amends: [0002-use-x.md]"),
    ]
    if colliding:  # another branch's ADR 2, merged without a conflict
        records.append(decision("adr/0002-use-y.md", "Use Y"))
    return records


def git_never_asked(path: str, number: int) -> str:
    raise AssertionError(f"git asked about {path} without a collision")


def test_a_decision_moves_to_the_next_free_number_in_its_folder_keeping_its_name():
    records = folder(colliding=False)
    plan = renumber_plan(records, records[1], number_meant=git_never_asked)
    assert (plan.number, plan.path, plan.name) == (5, "adr/0005-use-x.md", "0005-use-x.md")


def test_numbers_another_branch_took_are_skipped():
    records = folder(colliding=False)
    plan = renumber_plan(records, records[1], number_meant=git_never_asked, taken_elsewhere={9})
    assert plan.path == "adr/0010-use-x.md"


def test_without_a_collision_every_link_by_number_follows_and_git_is_not_asked():
    records = folder(colliding=False)
    plan = renumber_plan(records, records[1], number_meant=git_never_asked)
    assert plan.mend_numbers == {"adr/0003-b.md"}
    assert plan.notes == ()


def test_after_a_collision_a_link_follows_the_file_git_says_it_meant():
    records = folder(colliding=True)
    asked = []

    def meant(path: str, number: int) -> str:
        asked.append((path, number))
        return "adr/0002-use-x.md"

    plan = renumber_plan(records, records[1], number_meant=meant)
    assert plan.mend_numbers == {"adr/0003-b.md"}
    assert asked == [("adr/0003-b.md", 2)]  # links by file name need no git


def test_after_a_collision_a_link_that_meant_the_other_file_stays_without_a_note():
    records = folder(colliding=True)
    plan = renumber_plan(records, records[1], number_meant=lambda p, n: "adr/0002-use-y.md")
    assert (plan.mend_numbers, plan.notes) == (frozenset(), ())


def test_after_a_collision_a_link_git_cannot_place_stays_with_a_note_at_its_line():
    records = folder(colliding=True)
    plan = renumber_plan(records, records[1], number_meant=lambda p, n: "")
    assert plan.mend_numbers == frozenset()
    assert plan.notes_for("adr/0003-b.md") == [
        "adr/0003-b.md:3: note: number 2 now names the other file; "
        "change it to 5 if it meant adr/0005-use-x.md"
    ]
    assert plan.notes_for("adr/0004-c.md") == []


@pytest.mark.parametrize(("meant", "mended"), [("adr/0002-use-x.md", True), ("", False)])
def test_references_are_mended_by_name_always_and_by_number_as_planned(meant, mended):
    records = folder(colliding=True)
    plan = renumber_plan(records, records[1], number_meant=lambda p, n: meant)
    by_name = "---\nstatus: accepted\namends: [0002-use-x.md]\n---\n# C\n\nText."
    assert "amends: [0005-use-x.md]" in renumbered_references(by_name, records[3], plan)
    by_number = "---\nstatus: accepted\nsupersedes: [2]\n---\n# B\n\nText."
    after = renumbered_references(by_number, records[2], plan)
    assert ("supersedes: [5]" in after) is mended
    assert ("supersedes: [2]" in after) is not mended

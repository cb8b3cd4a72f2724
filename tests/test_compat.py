"""Folders written by adr-tools and log4brains work as they are (issue 11)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from adrsite.records.folder import FolderError, find_folder, log4brains_folders
from adrsite.records.lint import check
from adrsite.records.naming import LOG4BRAINS, OURS, folder_naming
from adrsite.records.parse import parse
from adrsite.records.templates import ADR_TOOLS
from adrsite.records.vocabulary import is_placeholder_value


@pytest.mark.parametrize(
    "value",
    [
        "[space and/or comma separated list of tags]",
        "[list everyone involved in the decision]",
        "[YYYY-MM-DD when the decision was last updated]",
    ],
)
def test_a_templates_bracketed_phrase_is_a_placeholder(value: str) -> None:
    assert is_placeholder_value(value)


@pytest.mark.parametrize(
    "value", ["[Nicole, Santiago]", "[Ada Lovelace]", "frontend, ui", "[a b c d](x.md)", ""]
)
def test_a_value_someone_wrote_is_not(value: str) -> None:
    assert not is_placeholder_value(value)


def test_placeholder_tags_and_deciders_are_no_data() -> None:
    text = (
        "# Use Vite\n\n- Status: proposed\n"
        "- Deciders: [list everyone involved in the decision] <!-- optional -->\n"
        "- Date: [YYYY-MM-DD when the decision was last updated] <!-- optional -->\n"
        "- Tags: [space and/or comma separated list of tags] <!-- optional -->\n"
    )
    record = parse("adr/20261201-use-vite.md", text.encode())
    assert (record.tags, record.deciders, record.date) == ((), (), "2026-12-01")
    assert not record.problems


@pytest.mark.parametrize("end", ["", "]", "[", "](x.md)"])
def test_a_long_bracketed_value_is_read_in_linear_time(end: str) -> None:
    text = "# X\n\n- Status: accepted\n- Tags: [" + "a [" * 50_000 + end + "\n"
    started = time.perf_counter()
    parse("adr/0001-x.md", text.encode())
    assert time.perf_counter() - started < 2.0  # a hang guard: linear code takes milliseconds


def test_a_folder_of_dates_in_two_formats_is_still_named_by_date() -> None:
    naming = folder_naming(["20201201-a.md", "2020-12-02-b.md"])
    assert naming.convention == LOG4BRAINS
    assert folder_naming(["0001-a.md", "20201202-b.md"]).convention == OURS


def test_an_empty_log4brains_folder_names_by_date() -> None:
    assert folder_naming([], LOG4BRAINS).convention == LOG4BRAINS


def test_a_section_left_as_the_template_wrote_it_is_a_warning() -> None:
    text = ADR_TOOLS.replace("NUMBER", "1").replace("TITLE", "X").replace("DATE", "2026-01-01")
    record = parse("adr/0001-x.md", text.replace("STATUS", "Accepted").encode())
    leftovers = [p for p in check([record]) if p.code == "template-text"]
    assert [(p.line, p.message) for p in leftovers] == [
        (
            9,
            "3 sections still as the template wrote them ('Context', 'Decision', "
            "'Consequences'); write this decision's own text, or remove them",
        )
    ]
    written = text.replace("The issue motivating", "Our issue:").replace("STATUS", "Accepted")
    record = parse("adr/0001-x.md", written.encode())
    [leftover] = [p for p in check([record]) if p.code == "template-text"]
    assert (leftover.line, leftover.message[:11]) == (13, "2 sections ")


def test_log4brains_packages_are_read_where_log4brains_writes_them_and_at_the_top(
    tmp_path: Path,
) -> None:
    config = tmp_path / ".log4brains.yml"
    config.write_text(
        "project:\n  adrFolder: ./docs/adr\n  packages:\n"
        "    - {name: core, path: ./core, adrFolder: ./core/adr}\n"
        "packages:\n  - {name: web, path: ./web, adrFolder: ./web/adr}\n"
    )
    found = log4brains_folders(config)
    assert [f.package for f in found] == ["", "core"]
    config.write_text("project:\n  adrFolder: docs/adr\npackages:\n  - {adrFolder: web/adr}\n")
    assert [(f.package, f.adr_folder) for f in log4brains_folders(config)] == [
        ("", tmp_path / "docs/adr"),
        ("web/adr", tmp_path / "web/adr"),
    ]


def test_a_log4brains_folder_outside_the_repository_is_refused(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".log4brains.yml").write_text("project:\n  adrFolder: ../elsewhere\n")
    with pytest.raises(FolderError, match="names no ADR folder inside the repository"):
        find_folder(tmp_path)
    (tmp_path / ".log4brains.yml").write_text("- just\n- a list\n")
    with pytest.raises(FolderError):
        find_folder(tmp_path)


def test_a_log4brains_path_with_a_nul_byte_is_no_folder(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".log4brains.yml").write_text('project:\n  adrFolder: "docs\\0adr"\n')
    with pytest.raises(FolderError, match="names no ADR folder"):
        find_folder(tmp_path)

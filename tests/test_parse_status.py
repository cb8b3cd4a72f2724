"""parse_status, the indexer's reading of each past revision, against the full parse.

parse_status reads only what decides the status and stops where it is known;
whatever a file holds, it must find the status `parse` finds.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from adrsite.records.parse import parse, parse_status
from adrsite.records.status_prefix import parse_status_prefix, states_the_same_status

ROOT = Path(__file__).parent.parent
REAL_FILES = sorted(
    [
        *(ROOT / "tests" / "samples").rglob("*.md"),
        *(ROOT / "examples").rglob("*.md"),
        *(ROOT / "adr").glob("*.md"),
    ]
)

BEFORE = ["", "\ufeff"]
FRONT_MATTER = [
    "",
    "---\nstatus: accepted\n---\n",
    "---\ntitle: From the front matter\nstatus: Superseded by [ADR 2](0002-x.md)\n---\n",
    "---\nstatus: [Proposed, Accepted]\ndate: 2020-01-01\n---\n",
    "---\nstatus: '{proposed | rejected | accepted}'\n---\n",
    "---\nstatus:\ndate: 2020-01-01\n---\n",
    "---\nstatus:\n  - accepted\n---\n",  # read as written: no status
    "---\nStatus : rejected\n---\n",
    "---\nstatus: [unclosed\n---\n",
    "---\nstatus: accepted\n",  # never closed
    "---\n- a list\n---\n",
    "---\ntitle: Only a title\n---\n",
]
TITLE = ["# 7. Use X\n", "Use X\n=====\n", "", "## A section first\n", "```\n# fenced\n```\n# T\n"]
PREAMBLE = [
    "",
    "* Status: accepted <!-- optional -->\n* Deciders: Ada\n",
    "* **Status:** proposed\n",
    "* Status:\n",
    "* Status: <!-- proposed | accepted --> accepted\n",
    "Status: proposed <!-- or accepted | rejected -->\n",
    "Status: **superseded by [ADR 2](0002-x.md)**\n",
    "* Status: Accepted or Rejected\n",
    "* status_: deprecated\n",
    "Date: 2020-01-01\nSupersedes [1. X](0001-x.md)\n",
    "Date 09/04/2018\n",
    "```\nStatus: rejected\n```\n",
    "* Deciders: Ada\n* Status: Foo\n* Status: accepted\n",
]
SECTION = [
    "",
    "## Status\n\nAccepted\n",
    "## Status\n\n2020-03-01 accepted\n2020-01-01 proposed\n\n## Context\n\nWords.\n",
    "## Status\n\n* 01/02/2020: Proposed\n* **2019-12-31**: ✅ Rejected\n",
    "## Status\n\nProposed | Accepted | Rejected\n\nAccepted | Rejected\n",
    "## Status\n\nSuperseded [ADR 5](0005-x.md)\nProposed\n",
    "## Status\n\nSuperseded by [5. Y](0005-y.md)\n\nAmends [3. Z](0003-z.md)\n",
    "## Status\n\n> Deprecated\n<!-- a comment -->\n",
    "## Status\n\nWe have not decided.\n",
    "## Status\n\n```\naccepted\n```\n\n### Later\n\nrejected\n",
    "```\n## Status\n\nrejected\n```\n## Status ##\n\n~~Proposed~~ Accepted\n",
    "## Status\n\n",
]


def files() -> list[str]:
    """Every combination of a front matter, a title, a preamble and a Status section."""
    return ["".join(parts) for parts in itertools.product(FRONT_MATTER, TITLE, PREAMBLE, SECTION)]


def written(text: str, before: str = "", newline: str = "\n") -> bytes:
    return (before + text.replace("\n", newline)).encode()


def test_the_generated_files_state_every_status_and_none():
    statuses = {parse("adr/0007-t.md", written(text)).status for text in files()}
    assert statuses == {"", "proposed", "accepted", "rejected", "deprecated", "superseded"}


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_parse_status_reads_what_parse_reads_in_real_files(path):
    data = path.read_bytes()
    name = f"adr/{path.name}"
    assert parse_status(name, data) == parse(name, data).status


@pytest.mark.parametrize(("before", "newline"), [("", "\n"), ("\ufeff", "\r\n"), ("", "\r")])
def test_parse_status_reads_what_parse_reads_in_every_generated_file(before, newline):
    differ = [
        text
        for text in files()
        if parse_status("adr/0007-t.md", data := written(text, before, newline))
        != parse("adr/0007-t.md", data).status
    ]
    assert differ == []


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"  \n\t\n",
        b"\x00binary",
        b"# T\n\n* Status: accepted\n" + b"x" * 9000 + b"\x00\n",
        b"# T\n\n* Status: acc\xffepted\n",
        b"---\nstatus: accepted\n---\n# T\n" + b"y" * (1024 * 1024),
        b"# T\n\n* Status: " + b" " * 100_000 + b"accepted\n",
        b"# T\n\n## Status\n\n" + b"Accepted " * 20_000 + b"\n",
        b"\xef\xbb\xbf---\r\nstatus: rejected\r\n---\r\n# T\r\n",
        b"# T\r\rStatus: deprecated\r",
        b"---\nstatus: &a accepted\nother: *a\n---\n# T\n",
    ],
    ids=lambda data: repr(data[:24]),
)
def test_parse_status_reads_what_parse_reads_in_odd_bytes(data):
    assert parse_status("adr/0007-t.md", data) == parse("adr/0007-t.md", data).status


@pytest.mark.parametrize(
    ("section", "status"),
    [
        ("Proposed\n\nSuperseded [ADR 5](0005-x.md)\n", "proposed"),  # a link line, no entry
        ("Proposed\n\nSuperseded by [ADR 5](0005-x.md)\n", "superseded"),
        ("2020-03-01 accepted\n2020-01-01 proposed\n", "accepted"),  # the latest date wins
        ("Proposed | Accepted | Rejected\n\nAccepted\n", "accepted"),
        ("```\naccepted\n```\n", ""),
    ],
)
def test_both_readings_of_a_status_section(section, status):
    data = f"# 7. T\n\n## Status\n\n{section}\n## Context\n\nrejected\n".encode()
    assert parse("adr/0007-t.md", data).status == parse_status("adr/0007-t.md", data) == status


# What may follow the bytes that decided a status: each a way a later revision goes on.
TAILS = [
    "",
    "x",
    "\n",
    "   \n\n\n",
    "---\n",
    "---\nstatus: rejected\n---\n",
    "=====\n",
    "# Another title\n",
    "## Status\n\nrejected\n",
    "## Context\n\nWords.\n",
    "### Later\n\n2099-01-01 deprecated\n",
    "* Status: deprecated\n",
    "Status: rejected\n",
    "```\n",
    "```\n## Status\n\nrejected\n```\n",
    "<!--\n",
    "\r\nStatus: rejected\r\n",
]


def holds_after_any_tail(name: str, data: bytes) -> list[str]:
    """The tails after which `parse_status_prefix`'s prefix of `data` would be trusted wrongly."""
    status, prefix = parse_status_prefix(name, data)
    assert status == parse(name, data).status
    if not prefix:
        return []
    assert data.startswith(prefix)
    assert states_the_same_status(prefix, data)
    return [
        tail
        for tail in TAILS
        if states_the_same_status(prefix, later := prefix + tail.encode())
        and parse(name, later).status != status
    ]


@pytest.mark.parametrize("path", REAL_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_what_follows_the_bytes_that_decided_a_status_never_changes_it_in_real_files(path):
    assert holds_after_any_tail(f"adr/{path.name}", path.read_bytes()) == []


def test_what_follows_the_bytes_that_decided_a_status_never_changes_it_in_generated_files():
    wrong = [text for text in files() if holds_after_any_tail("adr/0007-t.md", written(text))]
    assert wrong == []
    # Most of them are decided before their end: the prefix is worth keeping.
    decided = [text for text in files() if parse_status_prefix("adr/0007-t.md", written(text))[1]]
    assert len(decided) > len(files()) // 2


@pytest.mark.parametrize(
    ("data", "prefix"),
    [
        (b"# T\n\n* Status: accepted\n\n## Context\n\nWords.\n", b"# T\n\n* Status: accepted\n"),
        (b"---\nstatus: rejected\n---\n# T\n\nWords.\n", b"---\nstatus: rejected\n---\n# T\n"),
        (
            b"# T\n\n## Status\n\nAccepted\n\n## Context\n\nWords.\n",
            b"# T\n\n## Status\n\nAccepted\n\n## Context\n",
        ),
        (b"# T\n\n## Status\n\nAccepted\n", b""),  # the section runs to the end
        (b"# T\r\n\r\n* Status: accepted\r\n\r\nWords.\r\n", b""),  # lines end in \r\n
        (b"---\nstatus: accepted\n", b""),  # the front matter is never closed
    ],
)
def test_the_bytes_that_decide_a_status_end_where_its_source_ends(data, prefix):
    assert parse_status_prefix("adr/0007-t.md", data)[1] == prefix


def test_a_later_revision_is_trusted_only_when_it_begins_with_the_same_bytes_and_reads_as_text():
    prefix = parse_status_prefix("adr/0007-t.md", b"# T\n\n* Status: accepted\n\nWords.\n")[1]
    assert states_the_same_status(prefix, prefix + b"Other words.\n")
    assert not states_the_same_status(prefix, b"# T\n\n* Status: rejected\n\nWords.\n")
    assert not states_the_same_status(prefix, prefix + b"\x00")  # binary after all
    assert not states_the_same_status(prefix, prefix + b"x" * (1024 * 1024))  # too large
    assert not states_the_same_status(b"", b"# T\n")

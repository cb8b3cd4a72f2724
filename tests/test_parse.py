"""Reading one ADR file, in any of the three styles real folders use, into a Record."""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import pytest

from adrsite.records.dates import normalize_date
from adrsite.records.links import link_targets
from adrsite.records.model import Record
from adrsite.records.naming import parse_file_name
from adrsite.records.parse import (
    parse,
    parse_status,
)
from adrsite.records.vocabulary import link_kind, status_placeholder, status_word

SAMPLES = Path(__file__).parent / "samples"
SAMPLE_NAMES = sorted(str(path.relative_to(SAMPLES)) for path in SAMPLES.rglob("*.md"))

UNKNOWN_FOO = (
    "unknown status 'Foo' (expected proposed, accepted, rejected, deprecated or superseded)"
)


@pytest.fixture
def sample():
    """Parse a file from tests/samples, named by its path there ("madr2/0003-x.md")."""

    def read(name: str) -> Record:
        return parse(name, (SAMPLES / name).read_bytes())

    return read


def read(text: str, path: str = "adr/0007-t.md") -> Record:
    return parse(path, text.encode())


def facts(record: Record) -> dict:
    """Everything a Record states except its body, in plain values."""
    return {
        "number": record.number,
        "slug": record.slug,
        "title": record.title,
        "status": record.status,
        "status_text": record.status_text,
        "date": record.date,
        "deciders": record.deciders,
        "tags": record.tags,
        "links": [(link.kind, link.target) for link in record.links],
        "affects": record.affects,
        "rule": record.rule,
        "style": record.style,
        "problems": [str(problem) for problem in record.problems],
    }


def status_section(*lines: str) -> str:
    """An adr-tools file whose `## Status` section holds `lines`, one paragraph each."""
    return "# 7. T\n\n## Status\n\n" + "\n\n".join(lines) + "\n\n## Context\n\nWhy.\n"


# --- the samples, read in full ---------------------------------------------


def test_madr4_front_matter_is_read_in_full(sample):
    assert facts(sample("madr4/0012-use-redis-for-sessions.md")) == {
        "number": 12,
        "slug": "use-redis-for-sessions",
        "title": "Use Redis for sessions",
        "status": "accepted",
        "status_text": "accepted",
        "date": "2024-05-09",
        "deciders": ("Nicole", "Santiago"),
        "tags": ("sessions", "infrastructure"),
        "links": [("supersedes", "3"), ("amends", "0009-cache-everything.md")],
        "affects": ("web/sessions/**", "settings.py"),
        "rule": "",
        "style": "madr",
        "problems": [],
    }


def test_madr4_body_starts_after_the_front_matter(sample):
    record = sample("madr4/0012-use-redis-for-sessions.md")

    assert record.body.startswith("# ADR-0012: Use Redis for sessions\n\n## Context")
    assert record.title_line == 11
    assert record.status_line == 2


def test_madr2_bullets_and_links_section_are_read_in_full(sample):
    assert facts(sample("madr2/0003-use-postgresql.md")) == {
        "number": 3,
        "slug": "use-postgresql",
        "title": "Use PostgreSQL for the catalogue",
        "status": "superseded",
        "status_text": "superseded by [ADR-0007](0007-use-aurora.md)",
        "date": "2019-04-02",
        "deciders": ("Ada Lovelace", "Grace Hopper"),
        "tags": ("database", "storage"),
        "links": [
            ("superseded-by", "0007-use-aurora.md"),
            ("refines", "0001-record-decisions.md"),
            ("relates-to", "0005-cache.md"),
        ],
        "affects": (),
        "rule": "",
        "style": "madr2",
        "problems": [],
    }


def test_adr_tools_misspelt_superceded_by_gives_status_and_link(sample):
    assert facts(sample("adr-tools/0002-use-hexagonal-architecture.md")) == {
        "number": 2,
        "slug": "use-hexagonal-architecture",
        "title": "Use hexagonal architecture",
        "status": "superseded",
        "status_text": "Superceded by [5. Use clean architecture](0005-use-clean-architecture.md)",
        "date": "2020-09-26",
        "deciders": (),
        "tags": (),
        "links": [
            ("superseded-by", "0005-use-clean-architecture.md"),
            ("amends", "0001-record-architecture-decisions.md"),
        ],
        "affects": (),
        "rule": "",
        "style": "adr-tools",
        "problems": [],
    }


def test_adr_tools_status_changelog_takes_the_latest_entry(sample):
    assert facts(sample("adr-tools/0005-use-clean-architecture.md")) == {
        "number": 5,
        "slug": "use-clean-architecture",
        "title": "Use clean architecture",
        "status": "accepted",
        "status_text": "accepted",
        "date": "2020-09-09",
        "deciders": (),
        "tags": (),
        "links": [("supersedes", "0002-use-hexagonal-architecture.md")],
        "affects": (),
        "rule": "",
        "style": "adr-tools",
        "problems": [
            "adr-tools/0005-use-clean-architecture.md:3: warning: date '09/09/2020' is not "
            "ISO 8601 (YYYY-MM-DD); read as 2020-09-09"
        ],
    }
    assert sample("adr-tools/0005-use-clean-architecture.md").status_line == 9


def test_emoji_superseded_status_in_an_adr_prefixed_file(sample):
    assert facts(sample("messy/ADR001-emoji-status.md")) == {
        "number": 1,
        "slug": "emoji-status",
        "title": "Adopt Kubernetes",
        "status": "superseded",
        "status_text": "⌛️ Superseded by [36. Multi-cluster](036-multi-cluster.md)",
        "date": "",
        "deciders": (),
        "tags": (),
        "links": [("superseded-by", "036-multi-cluster.md")],
        "affects": (),
        "rule": "",
        "style": "adr-tools",
        "problems": [],
    }


def test_bold_bullets_and_a_related_to_line_in_an_adr_dash_file(sample):
    assert facts(sample("messy/adr-002-bold.md")) == {
        "number": 2,
        "slug": "bold",
        "title": "Use a monorepo",
        "status": "accepted",
        "status_text": "✅ Accepted (PR #2897)",
        "date": "2021-03-04",
        "deciders": (),
        "tags": (),
        "links": [("relates-to", "./099-something.md"), ("relates-to", "25")],
        "affects": (),
        "rule": "",
        "style": "madr2",
        "problems": [],
    }


def test_status_in_code_span_in_a_three_digit_file(sample):
    assert facts(sample("messy/003-quoted.md")) == {
        "number": 3,
        "slug": "quoted",
        "title": "Stay on VMs",
        "status": "deprecated",
        "status_text": "`Reverted`",
        "date": "",
        "deciders": (),
        "tags": (),
        "links": [],
        "affects": (),
        "rule": "",
        "style": "adr-tools",
        "problems": [],
    }


def test_date_named_file_has_no_number_its_names_date_and_a_quoted_rejection(sample):
    assert facts(sample("messy/20200926-date-named.md")) == {
        "number": None,
        "slug": "date-named",
        "title": "Date-named decision",
        "status": "rejected",
        "status_text": "Rejected in favour of ADR 111",
        "date": "2020-09-26",
        "deciders": (),
        "tags": (),
        "links": [],
        "affects": (),
        "rule": "",
        "style": "adr-tools",
        "problems": [],
    }


def test_status_section_inside_a_fenced_code_block_is_ignored(sample):
    assert facts(sample("messy/0004-fenced-status.md")) == {
        "number": 4,
        "slug": "fenced-status",
        "title": "Keep templates in code blocks",
        "status": "accepted",
        "status_text": "Accepted",
        "date": "",
        "deciders": (),
        "tags": (),
        "links": [],
        "affects": (),
        "rule": "",
        "style": "adr-tools",
        "problems": [],
    }
    assert sample("messy/0004-fenced-status.md").status_line == 19


# --- status lines ----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "status", "status_text", "links"),
    [
        ("✅ Accepted", "accepted", "✅ Accepted", []),
        (
            "⌛️ Superseded by [36. Multi-cluster](036-multi-cluster.md)",
            "superseded",
            "⌛️ Superseded by [36. Multi-cluster](036-multi-cluster.md)",
            [("superseded-by", "036-multi-cluster.md")],
        ),
        (
            "**superseded by [ADR 9](0009-use-x.md)**",
            "superseded",
            "**superseded by [ADR 9](0009-use-x.md)**",
            [("superseded-by", "0009-use-x.md")],
        ),
        ("`Rejected`", "rejected", "`Rejected`", []),
        ("> Accepted", "accepted", "Accepted", []),  # a quote mark is the page's, not the status
        ("- ~~Proposed~~ Accepted  ", "accepted", "~~Proposed~~ Accepted", []),
        ("Accepted, with the changes below", "accepted", "Accepted, with the changes below", []),
        ("Accepted (PR #2897)", "accepted", "Accepted (PR #2897)", []),
        ("Rejected in favour of ADR 111", "rejected", "Rejected in favour of ADR 111", []),
        ("Partly superseded", "accepted", "Partly superseded", []),
        ("Approved", "accepted", "Approved", []),
        ("Implemented", "accepted", "Implemented", []),
        ("Pending", "proposed", "Pending", []),
        ("Reverted", "deprecated", "Reverted", []),
        ("Superceded", "superseded", "Superceded", []),
        ("Superseded by ADR 25", "superseded", "Superseded by ADR 25", [("superseded-by", "25")]),
    ],
)
def test_status_section_line_maps_to_a_status(line, status, status_text, links):
    record = read(status_section(line))

    assert (record.status, record.status_text, record.style) == (status, status_text, "adr-tools")
    assert [(link.kind, link.target) for link in record.links] == links
    assert record.problems == ()


@pytest.mark.parametrize(
    ("line", "status", "status_text"),
    [
        ("* Status: ✅ Accepted", "accepted", "✅ Accepted"),
        (
            "- Status: **superseded by [ADR-0007](0007-x.md)**",
            "superseded",
            "**superseded by [ADR-0007](0007-x.md)**",
        ),
        ("* **Status:** accepted", "accepted", "accepted"),  # the ** closes the key
        ("* Status: `Rejected`", "rejected", "`Rejected`"),
        ("* Status: Accepted (PR #2897)", "accepted", "Accepted (PR #2897)"),
        ("* Status: Partly superseded", "accepted", "Partly superseded"),
        ("* Status: Approved", "accepted", "Approved"),
        ("* Status: Pending", "proposed", "Pending"),
        ("* Status: Superceded", "superseded", "Superceded"),
    ],
)
def test_status_bullet_maps_to_a_status(line, status, status_text):
    record = read(f"# T\n\n{line}\n\n## Context\n")

    assert (record.status, record.status_text, record.style) == (status, status_text, "madr2")
    assert record.problems == ()


@pytest.mark.parametrize(
    ("value", "status", "status_text"),
    [
        ("✅ Accepted", "accepted", "✅ Accepted"),
        ("Implemented", "accepted", "Implemented"),
        (
            "'[Accepted](https://example.com/vote)'",
            "accepted",
            "[Accepted](https://example.com/vote)",
        ),
        ("Reverted", "deprecated", "Reverted"),
        ("'Rejected in favour of ADR 111'", "rejected", "Rejected in favour of ADR 111"),
    ],
)
def test_front_matter_status_maps_to_a_status(value, status, status_text):
    record = read(f"---\nstatus: {value}\n---\n# T\n")

    assert (record.status, record.status_text, record.style) == (status, status_text, "madr")
    assert record.problems == ()


def test_front_matter_superseded_by_adr_number_gives_a_superseded_by_link():
    record = read("---\nstatus: superseded by ADR-0123\ndate: 2024-01-02\n---\n# T\n")

    assert (record.status, record.status_text) == ("superseded", "superseded by ADR-0123")
    assert [(link.kind, link.target, link.line) for link in record.links] == [
        ("superseded-by", "123", 2)
    ]
    assert record.problems == ()


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (status_section("Foo"), 5),
        ("# 7. T\n\n* Status: Foo\n\n## Context\n", 3),
        ("---\nstatus: Foo\n---\n# 7. T\n", 2),
    ],
    ids=["adr-tools", "madr2", "madr"],
)
def test_unknown_status_word_warns_and_keeps_the_decision(text, line):
    record = read(text)

    assert (record.number, record.title, record.status, record.status_text) == (7, "T", "", "Foo")
    assert [problem.code for problem in record.problems] == ["unknown-status"]
    assert [str(problem) for problem in record.problems] == [
        f"adr/0007-t.md:{line}: warning: {UNKNOWN_FOO}"
    ]


@pytest.mark.parametrize(
    "line",
    [
        "* STATUS: Accepted",
        "- status: accepted",
        "+ Status: accepted",
        "* **Status:** accepted",
        "- **Status**: accepted",
        "Status: accepted",
    ],
)
def test_status_bullet_is_read_with_any_bullet_and_key_case(line):
    record = read(f"# T\n\n{line}\n* Date: 2020-09-09\n\n## Context\n")

    assert (record.status, record.status_text.lower(), record.date, record.style) == (
        "accepted",
        "accepted",
        "2020-09-09",
        "madr2",
    )
    assert record.problems == ()


def test_status_quo_heading_is_not_the_status():
    record = read("# 7. T\n\n## Context\n\n### Status quo\n\nAccepted as is.\n\n## Decision\n")

    assert (record.status, record.status_text) == ("", "")
    assert [str(problem) for problem in record.problems] == [
        "adr/0007-t.md:1: error: no status (proposed, accepted, rejected, deprecated or superseded)"
    ]


def test_status_only_inside_a_fence_is_no_status():
    record = read("# 7. T\n\n## Context\n\n```\n## Status\n\nAccepted\n```\n")

    assert record.status == ""
    assert [problem.code for problem in record.problems] == ["no-status"]


# --- dated status changelogs ----------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        ("2020-09-01 proposed", "2020-09-09 accepted"),
        ("2020-09-09 accepted", "2020-09-01 proposed"),
        ("- 2020-09-09: Accepted", "- 2020-09-01: Proposed"),
    ],
    ids=["oldest-first", "newest-first", "bulleted-newest-first"],
)
def test_status_changelog_latest_date_wins(lines):
    record = read(status_section(*lines))

    assert (record.status, record.status_text.lower(), record.date) == (
        "accepted",
        "accepted",
        "2020-09-09",
    )
    assert record.problems == ()


def test_an_undated_status_section_is_read_by_its_last_status_line():
    # adr-tools appends: "Proposed" stays above the "Accepted" written later.
    text = status_section("Proposed", "Accepted")
    record = read(text)

    assert (record.status, record.status_text, record.status_line) == ("accepted", "Accepted", 7)
    assert record.problems == ()
    assert parse_status(record.path, text.encode()) == "accepted"  # the indexer's reading


def test_status_changelog_with_slashed_dates_sorts_by_the_date_read():
    record = read(status_section("12/20/2019 proposed", "01/05/2020 accepted"))

    assert (record.status, record.date, record.date_text) == (
        "accepted",
        "2020-01-05",
        "01/05/2020",
    )
    assert [str(problem) for problem in record.problems] == [
        "adr/0007-t.md:7: warning: date '01/05/2020' is ambiguous: 2020-05-01 (day first) or "
        "2020-01-05 (month first), and no other date in the folder tells which; "
        "read as 2020-01-05 (write YYYY-MM-DD)"
    ]


def test_date_line_wins_over_the_changelog_date():
    record = read("# 7. T\n\nDate: 2020-10-01\n\n## Status\n\n2020-09-09 accepted\n")

    assert (record.status, record.date) == ("accepted", "2020-10-01")


# --- dates -----------------------------------------------------------------


def test_slashed_date_line_warns_and_is_read_as_iso():
    record = read("# 7. T\n\nDate: 09/09/2020\n\n## Status\n\nAccepted\n")

    assert record.date == "2020-09-09"
    assert [(problem.code, problem.severity) for problem in record.problems] == [
        ("date", "warning")
    ]
    assert [str(problem) for problem in record.problems] == [
        "adr/0007-t.md:3: warning: date '09/09/2020' is not ISO 8601 (YYYY-MM-DD); "
        "read as 2020-09-09"
    ]


def test_date_line_that_is_not_a_date_is_an_error():
    record = read("# 7. T\n\nDate: someday soon\n\n## Status\n\nAccepted\n")

    assert (record.date, record.status) == ("", "accepted")
    assert [(problem.code, problem.severity) for problem in record.problems] == [("date", "error")]
    assert [str(problem) for problem in record.problems] == [
        "adr/0007-t.md:3: error: date 'someday soon' is not a date (write YYYY-MM-DD)"
    ]


def test_front_matter_date_that_is_not_iso_warns_at_its_line():
    record = read("---\nstatus: accepted\ndate: 09/09/2020\n---\n# T\n")

    assert record.date == "2020-09-09"
    assert [str(problem) for problem in record.problems] == [
        "adr/0007-t.md:3: warning: date '09/09/2020' is not ISO 8601 (YYYY-MM-DD); "
        "read as 2020-09-09"
    ]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (datetime.date(2020, 9, 9), ("2020-09-09", "", "")),
        (datetime.datetime(2020, 9, 9, 10, 30), ("2020-09-09", "", "")),
        ("2020-09-09", ("2020-09-09", "", "")),
        ("2020-09-09T10:30:00Z", ("2020-09-09", "", "")),
        ("**2020-09-09**", ("2020-09-09", "", "")),
        (None, ("", "", "")),
        ("", ("", "", "")),
        (
            "09/09/2020",
            (
                "2020-09-09",
                "warning",
                "date '09/09/2020' is not ISO 8601 (YYYY-MM-DD); read as 2020-09-09",
            ),
        ),
        (
            "13/01/2020",
            (
                "2020-01-13",
                "warning",
                "date '13/01/2020' is not ISO 8601 (YYYY-MM-DD); read as 2020-01-13",
            ),
        ),
        (
            "01/13/2020",
            (
                "2020-01-13",
                "warning",
                "date '01/13/2020' is not ISO 8601 (YYYY-MM-DD); read as 2020-01-13",
            ),
        ),
        (
            "09.10.2020",
            (
                "2020-10-09",
                "warning",
                "date '09.10.2020' is ambiguous: 2020-10-09 (day first) or 2020-09-10 (month "
                "first), and no other date in the folder tells which; read as 2020-10-09 "
                "(write YYYY-MM-DD)",
            ),
        ),
        (
            "01/06/2019",
            (
                "2019-01-06",
                "warning",
                "date '01/06/2019' is ambiguous: 2019-06-01 (day first) or 2019-01-06 (month "
                "first), and no other date in the folder tells which; read as 2019-01-06 "
                "(write YYYY-MM-DD)",
            ),
        ),
        (
            "2 March 2021",
            (
                "2021-03-02",
                "warning",
                "date '2 March 2021' is not ISO 8601 (YYYY-MM-DD); read as 2021-03-02",
            ),
        ),
        (
            "March 2, 2021",
            (
                "2021-03-02",
                "warning",
                "date 'March 2, 2021' is not ISO 8601 (YYYY-MM-DD); read as 2021-03-02",
            ),
        ),
        ("someday", ("", "error", "date 'someday' is not a date (write YYYY-MM-DD)")),
        ("2020-02-30", ("", "error", "date '2020-02-30' is not a date (write YYYY-MM-DD)")),
        ("31/02/2020", ("", "error", "date '31/02/2020' is not a date (write YYYY-MM-DD)")),
    ],
)
def test_normalize_date_reads_iso_warns_on_loose_and_refuses_the_rest(value, expected):
    assert normalize_date(value) == expected


# --- file names and titles -------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("0001-x.md", (1, "x")),
        ("001-x.md", (1, "x")),
        ("adr-001-x.md", (1, "x")),
        ("ADR001-x.md", (1, "x")),
        ("ADR-0001-x.md", (1, "x")),
        ("madr_0001_x.md", (1, "x")),
        ("0012-use-x.markdown", (12, "use-x")),
        ("20200926-x.md", (None, "x")),
        ("2020-09-26-x.md", (None, "x")),
        ("x.md", (None, "x")),
        ("README.md", (None, "README")),
    ],
)
def test_parse_file_name_gives_number_and_slug(name, expected):
    assert parse_file_name(name) == expected


@pytest.mark.parametrize("name", ["0001-x.md", "001-x.md", "adr-001-x.md", "ADR001-x.md"])
def test_numbered_file_name_gives_number_one_and_slug_x(name):
    record = read("# X\n\n## Status\n\nAccepted\n", path=f"docs/adr/{name}")

    assert (record.number, record.slug, record.title) == (1, "x", "X")


def test_date_prefixed_file_name_has_no_number():
    record = read("# X\n\n## Status\n\nAccepted\n", path="docs/adr/20200926-x.md")

    assert (record.number, record.slug, record.label) == (None, "x", "20200926-x.md")


@pytest.mark.parametrize(
    "heading",
    ["# 12. Use X", "# ADR-0012: Use X", "# [ADR 12] Use X", "# ADR 012 - Use X", "# 0012 - Use X"],
)
def test_title_number_prefix_is_stripped_and_numbers_an_unnumbered_file(heading):
    record = read(f"{heading}\n\n## Status\n\nAccepted\n", path="adr/use-x.md")

    assert (record.number, record.title) == (12, "Use X")


def test_file_name_number_wins_over_the_title_number():
    record = read("# 12. Use X\n\n## Status\n\nAccepted\n", path="adr/0003-use-x.md")

    assert (record.number, record.title) == (3, "Use X")


def test_title_without_a_number_is_kept_whole():
    record = read("# 3D printing for spare parts\n\n## Status\n\nAccepted\n", path="adr/x.md")

    assert (record.number, record.title) == (None, "3D printing for spare parts")


# --- links -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "link"),
    [
        ("Supersedes ADR 25", ("supersedes", "25")),
        ("Supersedes ADR025", ("supersedes", "25")),
        ("Supersedes [3. Use Y](0003-use-y.md)", ("supersedes", "0003-use-y.md")),
        ("Amends [MADR 099](./099-something.md)", ("amends", "./099-something.md")),
        ("Amends ./0004-use-z.md", ("amends", "./0004-use-z.md")),
        ("Relates to 0004-use-z.md", ("relates-to", "0004-use-z.md")),
        ("Amended by [4. Z](../adr/0004-use-z.md)", ("amended-by", "../adr/0004-use-z.md")),
    ],
)
def test_status_section_link_line_is_read_in_any_form(line, link):
    record = read(status_section("Accepted", line))

    assert record.status == "accepted"
    assert [(ref.kind, ref.target, ref.line) for ref in record.links] == [(*link, 7)]
    assert record.problems == ()


@pytest.mark.parametrize(
    ("bullet", "link"),
    [
        ("* Refines ADR025", ("refines", "25")),
        ("* Relates to ADR 25", ("relates-to", "25")),
        ("- Refined by [MADR 099](./099-something.md)", ("refined-by", "./099-something.md")),
        ("* Amends ./0004-use-z.md", ("amends", "./0004-use-z.md")),
        ("* Depends on 0004-use-z.md", ("depends-on", "0004-use-z.md")),
    ],
)
def test_madr2_links_bullet_is_read_in_any_form(bullet, link):
    record = read(f"# T\n\n* Status: accepted\n\n## Links\n\n{bullet}\n")

    assert [(ref.kind, ref.target, ref.line) for ref in record.links] == [(*link, 7)]


def test_link_line_under_the_title_is_read_without_a_colon():
    record = read("# T\n\nStatus: Accepted\n\nSupersedes ADR 25\n")

    assert (record.status, record.style) == ("accepted", "madr2")
    assert [(ref.kind, ref.target, ref.line) for ref in record.links] == [("supersedes", "25", 5)]


@pytest.mark.parametrize(
    ("text", "targets"),
    [
        ("[3. Use Y](0003-use-y.md)", ["0003-use-y.md"]),
        ('[3. Use Y](0003-use-y.md "the title")', ["0003-use-y.md"]),
        ("[3. Use Y](<0003-use-y.md>)", ["0003-use-y.md"]),
        ("[MADR 099](./099-something.md)", ["./099-something.md"]),
        ("[MADR 099]()", ["MADR 099"]),
        ("./0004-use-z.md", ["./0004-use-z.md"]),
        ("../adr/0004-use-z.md", ["../adr/0004-use-z.md"]),
        ("see 0004-use-z.md#consequences", ["0004-use-z.md"]),
        ("ADR 25", ["25"]),
        ("ADR025", ["25"]),
        ("ADR-0123", ["123"]),
        ("adr#7", ["7"]),
        ("ADR025 and [MADR 099](./099-something.md).", ["./099-something.md", "25"]),
        ("the radar 5 and 3 other teams", []),
    ],
)
def test_link_targets_finds_links_files_and_bare_adr_numbers(text, targets):
    assert link_targets(text) == targets


# --- MADR 4 front matter ---------------------------------------------------


def test_front_matter_decision_makers_are_the_deciders():
    record = read("---\nstatus: accepted\ndecision-makers: Nicole, Santiago\n---\n# T\n")

    assert record.deciders == ("Nicole", "Santiago")


def test_front_matter_typed_links_keep_numbers_and_file_names():
    record = read(
        "---\nstatus: accepted\nsupersedes: [3]\namends: ['0009-x.md']\n"
        "superseded-by: ADR-0123\n---\n# T\n"
    )

    assert [(ref.kind, ref.target, ref.line) for ref in record.links] == [
        ("supersedes", "3", 3),
        ("amends", "0009-x.md", 4),
        ("superseded-by", "ADR-0123", 5),
    ]


def test_front_matter_affects_glob_and_rule_are_kept_as_written():
    record = read(
        "---\nstatus: accepted\naffects: legacy/**\n"
        "rule: Django may call Flask; Flask never calls Django.\n---\n# T\n"
    )

    assert record.affects == ("legacy/**",)
    assert record.rule == "Django may call Flask; Flask never calls Django."


def test_front_matter_affects_list_keeps_every_glob():
    record = read('---\nstatus: accepted\naffects: ["web/**/*.py", "settings.py"]\n---\n# T\n')

    assert record.affects == ("web/**/*.py", "settings.py")


def test_deciders_keep_apostrophes_and_underscores_in_names():
    record = read("# T\n\n* Status: accepted\n* Deciders: Dara O'Brien and john_doe\n")

    assert record.deciders == ("Dara O'Brien", "john_doe")


def test_tags_lose_their_hash_marks():
    record = read("# T\n\n* Status: accepted\n* Tags: #database, storage\n")

    assert record.tags == ("database", "storage")


# --- line endings and byte order marks -------------------------------------


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_crlf_and_bom_read_the_same_as_lf(name):
    data = (SAMPLES / name).read_bytes()
    crlf_with_bom = b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")

    assert parse(name, crlf_with_bom) == parse(name, data)


def test_old_mac_line_endings_read_the_same_as_lf(sample):
    name = "madr2/0003-use-postgresql.md"

    assert parse(name, (SAMPLES / name).read_bytes().replace(b"\n", b"\r")) == sample(name)


# --- the vocabulary, directly ----------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("✅ **Accepted** (PR #2897)", ("accepted", "(PR #2897)")),
        ("Status: accepted", ("accepted", "")),
        ("ACCEPTED.", ("accepted", "")),
        ("'Accepted'", ("accepted", "")),
        ("__Accepted__", ("accepted", "")),
        ("superseded by [X](0005-x.md)", ("superseded", "by X (0005-x.md)")),
        ("⌛️ Superceded", ("superseded", "")),
        ("Partly superseded", ("accepted", "")),
        ("Approved", ("accepted", "")),
        ("Implemented", ("accepted", "")),
        ("Pending", ("proposed", "")),
        ("In review", ("proposed", "")),
        ("work_in_progress", ("proposed", "")),
        ("Reverted", ("deprecated", "")),
        ("Not accepted", ("rejected", "")),
        ("Rejected in favour of ADR 111", ("rejected", "in favour of ADR 111")),
        ("Won't do", ("rejected", "")),
        ("Won\u2019t do", ("rejected", "")),
        ("Foo", ("", "Foo")),
        ("Acceptedly", ("", "Acceptedly")),
    ],
)
def test_status_word_maps_the_first_word_and_returns_the_rest(text, expected):
    assert status_word(text) == expected


@pytest.mark.parametrize(
    ("verb", "kind"),
    [
        ("Supersedes", "supersedes"),
        ("Supercedes", "supersedes"),
        ("Superceded by", "superseded-by"),
        ("Replaced by", "superseded-by"),
        ("Amended by", "amended-by"),
        ("**Refines**", "refines"),
        ("relates-to", "relates-to"),
        ("Related", "relates-to"),
        ("See also", "relates-to"),
        ("Depends_on:", "depends-on"),
        ("Implements", "implements"),
    ],
)
def test_link_kind_normalises_verbs(verb, kind):
    assert link_kind(verb) == kind


def test_a_date_line_wins_over_the_date_in_the_file_name():
    record = parse("adr/20200926-x.md", b"# X\n\nDate: 2021-01-02\n\n## Status\n\nAccepted\n")
    assert record.date == "2021-01-02"


@pytest.mark.parametrize(
    ("title", "number", "expected"),
    [
        ("# 1.5 migration", None, "1.5 migration"),
        ("# 2024-01 roadmap", None, "2024-01 roadmap"),
        ("# 12. Use X", 12, "Use X"),
        ("# 12 - Use X", 12, "Use X"),
    ],
)
def test_digits_that_begin_a_title_are_a_number_only_when_set_apart(title, number, expected):
    record = parse("adr/use-x.md", f"{title}\n\n## Status\n\nAccepted\n".encode())
    assert (record.number, record.title) == (number, expected)


def test_a_struck_out_status_word_is_not_the_status():
    record = parse("adr/0001-x.md", b"# X\n\n## Status\n\n~~Proposed~~ Accepted\n")
    assert record.status == "accepted"


def test_invalid_yaml_is_the_only_error_not_also_a_missing_status():
    record = parse("adr/0004-b.md", b"---\nstatus: [accepted\n---\n# B\n")
    assert [str(p) for p in record.problems] == [
        "adr/0004-b.md:2: error: front matter is not valid YAML: did not find expected ',' or ']'"
    ]


@pytest.mark.parametrize(
    ("front_matter", "expected"),
    [
        (
            "status: accepted\ndate: 2026-02-30",
            "adr/0001-x.md:3: error: front matter has a value YAML cannot read: "
            "day is out of range for month",
        ),
        (
            "status: !!int x",
            "adr/0001-x.md:2: error: front matter has a value YAML cannot read: "
            "invalid literal for int() with base 10: 'x'",
        ),
        (
            "status: !!python/object:os.system x",
            "adr/0001-x.md:2: error: front matter is not valid YAML: "
            "could not determine a constructor for the tag "
            "'tag:yaml.org,2002:python/object:os.system'",
        ),
    ],
)
def test_front_matter_with_impossible_values_is_an_error_not_a_crash(front_matter, expected):
    record = parse("adr/0001-x.md", f"---\n{front_matter}\n---\n# X\n".encode())
    assert [str(p) for p in record.problems] == [expected]
    assert record.title == "X"


def test_yaml_aliases_are_refused_so_a_nested_alias_bomb_cannot_hang_a_check():
    layers = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for name, previous in zip("bcdefghi", "abcdefgh", strict=True):
        layers.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * 9)}]")
    text = "---\n" + "\n".join(layers) + "\nstatus: accepted\n---\n# Bomb\n"
    record = parse("adr/0001-bomb.md", text.encode())
    assert [str(p) for p in record.problems] == [
        "adr/0001-bomb.md:3: error: front matter is not valid YAML: "
        "aliases (*name) are not allowed in front matter"
    ]


def test_an_ampersand_in_a_value_is_not_an_anchor():
    record = parse(
        "adr/0001-x.md", b"---\nstatus: accepted\nrule: R&D uses *bold* words\n---\n# X\n"
    )
    assert (record.rule, record.problems) == ("R&D uses *bold* words", ())


def test_metadata_lines_in_the_body_are_not_metadata():
    text = (
        "# Use X\n\n* Status: accepted\n* Deciders: Ada <!-- optional -->\n\n"
        "## Decision\n\n- Deciders: whoever owns the service\n- Tags: not-a-tag\n"
    )
    record = parse("adr/0001-x.md", text.encode())
    assert (record.deciders, record.tags) == (("Ada",), ())


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_parse_status_reads_what_the_full_parse_reads(name):
    data = (SAMPLES / name).read_bytes()
    assert parse_status(f"adr/{name}", data) == parse(f"adr/{name}", data).status != ""


# --- template placeholders are no status -----------------------------------

PLACEHOLDERS = [
    "Accepted or Rejected",
    "Proposed | Accepted | Rejected",
    "Valid ADR statuses are: Proposed, Accepted, Rejected, Deprecated, Superseded",
    "{proposed | rejected | accepted}",
    "[Proposed, Accepted, Deprecated, Superseded]",
    "proposed, accepted, rejected, deprecated, superseded, etc.",
    "<Proposed/Accepted/...>",
    "Either accepted or rejected",
    "proposed | rejected | accepted | deprecated | … | superseded by ADR-0123",  # MADR 4
    "[proposed | rejected | accepted | deprecated | … | superseded by [ADR-0005](0005-x.md)]",
]
REAL_STATUSES = [
    ("Accepted", "accepted"),
    ("✅ Accepted (PR #2897)", "accepted"),
    ("Superseded by [ADR 5](0005-x.md)", "superseded"),
    ("Superseded by [ADR 5](../adr/0005-x.md)", "superseded"),
    ("Rejected in favour of ADR 111", "rejected"),
    ("Accepted, with the changes below", "accepted"),
    ("~~Proposed~~ Accepted", "accepted"),
    ("Deprecated, superseded by ADR 5", "deprecated"),
    ("Accepted / Implemented", "accepted"),
    ("[Accepted]", "accepted"),
]


def placeholder_warning(text: str, line: int) -> str:
    return (
        f"adr/0007-t.md:{line}: warning: status {text!r} is the template's placeholder, "
        "not a status; write one of proposed, accepted, rejected, deprecated or superseded"
    )


@pytest.mark.parametrize("text", PLACEHOLDERS)
@pytest.mark.parametrize(
    ("style", "line"), [("adr-tools", 5), ("madr2", 3), ("madr", 2)], ids=lambda v: str(v)
)
def test_a_template_placeholder_is_no_status_and_a_warning_naming_it(text, style, line):
    file = {
        "adr-tools": status_section(text),
        "madr2": f"# 7. T\n\n* Status: {text} <!-- optional -->\n\n## Context\n",
        "madr": f"---\nstatus: '{text}'\n---\n# 7. T\n",
    }[style]
    record = read(file)

    assert (record.status, record.status_text, record.style) == ("", text, style)
    assert [str(problem) for problem in record.problems] == [placeholder_warning(text, line)]
    assert record.links == ()  # "superseded by ADR-0005" in a placeholder links nothing
    assert parse_status(record.path, file.encode()) == ""


@pytest.mark.parametrize(("text", "status"), REAL_STATUSES)
def test_a_real_status_is_not_a_placeholder(text, status):
    for file in (
        status_section(text),
        f"# 7. T\n\n* Status: {text}\n",
        f"# 7. T\n\nStatus: {text}",
    ):
        record = read(file)
        assert (record.status, record.problems) == (status, ())
        assert parse_status(record.path, file.encode()) == status


def test_a_dated_status_changelog_is_not_a_placeholder():
    record = read(status_section("2020-01-01 proposed", "2020-02-01 accepted"))

    assert (record.status, record.date, record.problems) == ("accepted", "2020-02-01", ())


def test_a_placeholder_left_above_the_status_written_gives_way_to_it():
    record = read(status_section("Proposed | Accepted | Rejected", "Accepted"))

    assert (record.status, record.status_text, record.status_line) == ("accepted", "Accepted", 7)


@pytest.mark.parametrize(
    "value", ["[Proposed, Accepted, Deprecated, Superseded]", "{proposed | rejected | accepted}"]
)
def test_a_yaml_list_or_mapping_of_statuses_is_the_placeholder_as_written(value):
    file = f"---\nstatus: {value}\n---\n# 7. T\n"
    record = read(file)

    assert (record.status, record.status_text) == ("", value)
    assert [problem.code for problem in record.problems] == ["status-placeholder"]
    assert parse_status(record.path, file.encode()) == ""


def test_status_placeholder_is_linear_on_hostile_lines():
    for text in ["[" * 200_000, " " * 200_000 + "x", "](" * 100_000, "or " * 100_000]:
        started = time.perf_counter()
        assert not status_placeholder(text)
        assert time.perf_counter() - started < 0.5


# --- dates without a colon -------------------------------------------------


@pytest.mark.parametrize("line", ["Date 09/04/2018", "Date: 09/04/2018", "* **Date** 09/04/2018"])
def test_a_date_line_with_or_without_its_colon_is_the_date(line):
    record = read(f"# 7. T\n\n{line}\n\n## Status\n\nAccepted\n")

    assert (record.date, record.date_text) == ("2018-09-04", "09/04/2018")
    assert [problem.code for problem in record.problems] == ["date-ambiguous"]


def test_words_after_date_are_no_date():
    record = read("# 7. T\n\nDate 3 of the sprint was when we met.\n\n## Status\n\nAccepted\n")

    assert (record.date, record.problems) == ("", ())


@pytest.mark.parametrize(
    "text",
    [
        "# T\n\n* Status: a" + " " * 100_000 + "b\n",
        "# T\n\n## Status\n\n" + "[a](x" * 30_000 + "\n",
        "# T\n\n## Status\n\nSupersedes " + "[" * 100_000 + "\n",
    ],
    ids=["spaces-in-a-value", "unclosed-links", "brackets"],
)
def test_hostile_status_lines_parse_in_linear_time(text):
    started = time.perf_counter()
    parse("adr/0001-x.md", text.encode())
    assert time.perf_counter() - started < 1

"""The reading path (issue 12): summaries, onboarding orders and review-by read from files,
`adr check`'s overdue reviews and --stale, and the path's order, stories and Markdown."""

from __future__ import annotations

import time
from datetime import date

import pytest

from adrsite.records.lint import overdue_reviews, stale_decisions
from adrsite.records.onboarding import (
    UNTAGGED,
    Entry,
    ReadingPath,
    Replacement,
    in_path_order,
    reading_minutes,
)
from adrsite.records.parse import parse
from adrsite.records.summary import SUMMARY_CHARACTERS

MADR = """---
status: accepted
tags: [porting]
onboarding: 2
review-by: 2027-06-01
---
# Port incrementally

## Context and problem statement

We have a Flask app.

## Decision outcome

<!-- the option chosen -->
Chosen option: "port one endpoint at a time", because **each** port
ships alone ([why](0002-x.md)).

More text that is not the summary.

### Consequences

* Good.
"""

ADR_TOOLS = """# 3. Use the proxy

Date: 2026-10-21
Review by: 2025-01-31

## Status

Accepted

## Context

Flask is mounted.

## Decision

> We will proxy unported endpoints to Flask.

## Consequences

Fine.
"""

MADR2 = """# Use JWT

* Status: accepted
* Review by: 2024-12-31

## Context and Problem Statement

Identity must cross.

## Considered Options

* JWT
"""


def test_the_summary_is_the_decision_sections_first_paragraph_on_one_line():
    record = parse("adr/0001-port-incrementally.md", MADR.encode())
    assert record.summary == (
        'Chosen option: "port one endpoint at a time", because **each** port '
        "ships alone ([why](0002-x.md))."
    )
    assert parse("adr/0003-x.md", ADR_TOOLS.encode()).summary == (
        "We will proxy unported endpoints to Flask."
    )


def test_a_file_without_a_decision_section_has_no_summary_and_no_problem():
    record = parse("adr/0004-use-jwt.md", MADR2.encode())
    assert record.summary == ""
    assert not [p for p in record.problems if p.code != "review-by"]


def test_a_long_summary_is_cut_at_a_word_and_never_inside_a_link_or_code():
    words = " ".join(["word"] * 46)  # the link crosses the limit
    text = f"---\nstatus: accepted\n---\n# X\n\n## Decision\n\n{words} [a link](x.md) `code` end\n"
    summary = parse("adr/0001-x.md", text.encode()).summary
    assert summary.endswith("\u2026")
    assert len(summary) <= SUMMARY_CHARACTERS + 1
    assert "[" not in summary
    assert "`" not in summary
    assert summary.startswith("word word")


@pytest.mark.parametrize(
    "line", ["A" * 1_000_000, "[" * 300_000, "`" * 300_000, "word " * 200_000, " " * 500_000]
)
def test_a_hostile_decision_paragraph_is_summarised_in_linear_time(line):
    text = f"# X\n\nStatus: accepted\n\n## Decision\n\n{line}\n".encode()
    started = time.perf_counter()
    summary = parse("adr/0001-x.md", text).summary
    assert time.perf_counter() - started < 1.0
    assert len(summary) <= SUMMARY_CHARACTERS + 1


def test_onboarding_reads_a_number_or_skip_and_warns_on_anything_else():
    assert parse("adr/0001-x.md", MADR.encode()).onboarding == 2
    skip = parse("adr/0001-x.md", MADR.replace("onboarding: 2", "onboarding: Skip").encode())
    assert skip.onboarding is None
    assert skip.onboarding_skip
    bad = parse("adr/0001-x.md", MADR.replace("onboarding: 2", "onboarding: first").encode())
    assert bad.onboarding is None
    assert not bad.onboarding_skip
    assert [(p.line, p.code) for p in bad.problems] == [(4, "onboarding")]


def test_review_by_is_read_in_all_three_styles():
    assert parse("adr/0001-x.md", MADR.encode()).review_by == "2027-06-01"
    tools = parse("adr/0003-x.md", ADR_TOOLS.encode())
    assert (tools.review_by, tools.review_by_line) == ("2025-01-31", 4)
    madr2 = parse("adr/0004-x.md", MADR2.encode())
    assert (madr2.review_by, madr2.review_by_line) == ("2024-12-31", 4)
    wrong = parse("adr/0004-x.md", MADR2.replace("2024-12-31", "soon").encode())
    assert wrong.review_by == ""
    assert [(p.line, p.code) for p in wrong.problems] == [(4, "review-by")]


def test_adr_check_warns_about_a_review_date_that_has_passed_naming_the_decision():
    records = [
        parse("adr/0001-port.md", MADR.encode()),
        parse("adr/0003-use-the-proxy.md", ADR_TOOLS.encode()),
        parse("adr/0004-use-jwt.md", MADR2.encode()),
        parse("adr/0005-old.md", MADR2.replace("accepted", "superseded").encode()),
    ]
    problems = overdue_reviews(records, today="2026-11-21")
    assert [(p.path, p.line, p.severity, p.code) for p in problems] == [
        ("adr/0003-use-the-proxy.md", 4, "warning", "review-overdue"),
        ("adr/0004-use-jwt.md", 4, "warning", "review-overdue"),
    ]
    assert problems[0].message.startswith(
        "ADR 3 (Use the proxy) asked to be reviewed by 2025-01-31"
    )
    assert overdue_reviews(records, today="2025-01-31") == [problems[1]]  # on the day: not yet


def test_stale_warns_about_accepted_decisions_unchanged_in_that_many_days():
    records = [
        parse("adr/0001-port.md", MADR.encode()),
        parse("adr/0003-use-the-proxy.md", ADR_TOOLS.encode()),
        parse("adr/0004-draft.md", MADR.replace("accepted", "proposed").encode()),
    ]
    changed = {
        "adr/0001-port.md": "2026-01-01",
        "adr/0003-use-the-proxy.md": "2026-11-01",
        "adr/0004-draft.md": "2020-01-01",
    }
    problems = stale_decisions(records, changed=changed, today="2026-11-21", days=30)
    assert [(p.path, p.code) for p in problems] == [("adr/0001-port.md", "stale")]
    assert "has not changed in 324 days (since 2026-01-01)" in problems[0].message
    assert stale_decisions(records, changed={}, today="2026-11-21", days=0) == []


def entry(number: int, tag: str, onboarding: int | None = None, **fields) -> Entry:
    values = {
        "item": number, "label": f"ADR {number}", "title": f"Decision {number}",
        "url": f"/decisions/demo/{number}/", "rule": "", "summary": "", "words": 200,
        "tag": tag, "onboarding": onboarding, "number": number, "path": f"demo/{number}",
    }  # fmt: skip
    return Entry(**(values | fields))


def test_the_path_groups_by_tag_in_the_order_the_team_chose_then_by_number():
    entries = [
        entry(1, "architecture"),
        entry(2, "architecture", 11),
        entry(3, UNTAGGED),
        entry(7, "porting", 2),
        entry(8, "porting"),
        entry(9, "porting", 1),
        entry(4, "search"),
        entry(5, "architecture", 10),
    ]
    groups = in_path_order(entries)
    assert [(g.name, [e.item for e in g.entries]) for g in groups] == [
        ("porting", [9, 7, 8]),
        ("architecture", [5, 2, 1]),
        ("search", [4]),
        ("Other decisions", [3]),
    ]


def test_reading_time_is_words_over_two_hundred_and_the_whole_adds_up_the_entries():
    assert [reading_minutes(w) for w in (0, 120, 200, 450, 1000)] == [1, 1, 1, 2, 5]
    path = ReadingPath(
        in_path_order([entry(1, "a", words=900), entry(2, "b", words=1300)]), [], date(2026, 11, 21)
    )
    assert path.minutes == 4 + 6


def test_a_supersession_chain_reads_as_one_story():
    replaced = (
        Replacement("ADR 10", "Mount Flask inside Django", date(2026, 10, 21)),
        Replacement("ADR 4", "Run Flask alone", date(2024, 3, 2), this_year=False),
    )
    assert entry(11, "porting", replaced=replaced).story == (
        "replaced ADR 10 (Mount Flask inside Django) on 21 Oct, "
        "which replaced ADR 4 (Run Flask alone) on 2 Mar 2024"
    )
    assert entry(11, "porting").story == ""


def test_our_own_reading_path_starts_with_the_porting_rules_in_the_talks_order():
    # Our adr/ is the demo the site shows first (issue 12): the Flask-to-Django rules
    # first, in the order a newcomer needs them, then how adrsite itself is built.
    from pathlib import Path

    from adrsite.records.folder import find_folder, read_folder

    records = read_folder(find_folder(Path(__file__).resolve().parent.parent))
    ordered = sorted(
        (r for r in records if r.onboarding is not None and "porting" in r.tags),
        key=lambda r: r.onboarding or 0,
    )
    assert [r.number for r in ordered] == [7, 8, 9, 11, 12, 13, 14, 15]
    first_other = min(
        (r.onboarding for r in records if r.onboarding and "porting" not in r.tags), default=0
    )
    assert first_other > max(r.onboarding or 0 for r in ordered)

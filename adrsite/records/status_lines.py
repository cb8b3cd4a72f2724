"""Records layer: the lines that state an ADR's status, shared by the full parse and `parse_status`.

`parse_status` (the indexer's reading of every past revision) reads only these;
`parse` reads them too and reports what else it finds, so both agree.
Every pattern here is linear on any line (ADR 22).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from adrsite.records.dates import sortable_date
from adrsite.records.links import link_targets
from adrsite.records.scan import (
    LIST_MARK,
    META_LINE,
    _after_date,
    _value_as_written,
    changelog_entry,
    heading,
    outside_fences,
)
from adrsite.records.vocabulary import is_status_placeholder, status_word

HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)")
_DIGIT = re.compile(r"\d")


def status_of_text(written: str) -> str:
    """The status parse.py's `status_from_text` reads in a `status:` value, without its warnings."""
    written = written.strip()
    return "" if is_status_placeholder(written) else status_word(written)[0]


def preamble_status(lines: list[str], start: int) -> tuple[str | None, int]:
    """The `Status:` value parse.py's `read_preamble` finds from `start`, as written, or None;
    and the index of the line the walk stopped at (that line, a heading, or the end)."""
    for index, line in outside_fences(lines, start):
        if line.startswith("#") and heading(line):
            return None, index
        # A metadata line has a colon; most lines of a long preamble are prose.
        if ":" in line and (match := META_LINE.match(line)) and match["key"].lower() == "status":
            return HTML_COMMENT.sub("", _value_as_written(line, match)).strip(), index
    return None, len(lines)


def section_lines(
    lines: list[str], section: tuple[int, int]
) -> Iterator[tuple[int, str, str, str | None]]:
    """(index, changelog date or "", text, status) of each worded line of a `## Status` section.

    The status is None on the first template placeholder (no status, but a
    warning), "" on a line that states none (a link line, unknown words).
    """
    placeholder_seen = False
    for index, _ in outside_fences(lines, section[0], section[1]):
        # Quote and list marks are the page's structure, not the status as written.
        raw = LIST_MARK.sub("", lines[index].strip().lstrip(">").strip()).strip()
        if not raw or raw.startswith("<!--"):
            continue
        # Cleaning makes no digit: a line without one is no dated entry (most lines).
        changelog = changelog_entry(raw) if _DIGIT.search(raw) else None
        entry_date = changelog["date"] if changelog else ""
        text = _after_date(raw, entry_date) if changelog else raw
        if not placeholder_seen and is_status_placeholder(text):
            placeholder_seen = True
            yield index, entry_date, text, None
            continue
        status, rest = status_word(text)
        # "Superseded [ADR 5](0005-x.md)" is a link line; "Superseded by ..." a status.
        if status == "superseded" and link_targets(text) and not rest.lower().startswith("by"):
            status = ""
        yield index, entry_date, text, status


def latest_entry(entries: list[tuple[int, str, str, str]]) -> tuple[int, str, str, str]:
    """The entry a Status section states: its latest dated one, else its last."""
    dated = [entry for entry in entries if entry[1]]
    return max(dated, key=lambda entry: sortable_date(entry[1])) if dated else entries[-1]


def farthest_line_read(
    reach: int | None, title_stop: int | None, *stops: int, end: int = -1
) -> int | None:
    """How many first lines the status reading read: through each line a walk stopped at
    (and the one after the title's, which a setext title underlines); None when a walk
    ran to the end of the text (`end`, when known), or never started (`reach` None)."""
    if reach is None or title_stop is None:
        return None
    farthest = max(reach, title_stop + 2, *(stop + 1 for stop in stops))
    return None if end >= 0 and max(stops) >= end else farthest

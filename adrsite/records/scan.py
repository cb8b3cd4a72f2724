"""Records layer: find things in an ADR's lines: headings, sections, code fences, metadata lines.

The parser reads with these and the writer edits with them (records/write.py),
so both agree on where a section, a title or a `Key: value` line is.
Every pattern here is linear on any line (ADR 22): no two unbounded quantifiers
over the same characters meet unless the first is possessive (*+, ++), and a
pattern tried at every position cannot rescan the same run from each of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from adrsite.records.vocabulary import clean_text

# Title prefixes: "12. ", "ADR-0012: ", "[ADR 12] ", "ADR012 - ".
# The digits keep their leading zeros: int() drops them.
TITLE_NUMBER = re.compile(
    r"^(?:\[?(?:m?adr)[\s_-]*+#?(\d++)\]?(?:\s*+[:.)\-\u2013\u2014])?\s++"
    r"|(\d++)\s*+[:.)\-\u2013\u2014]\s++)",
    re.IGNORECASE,
)
_HEADING_OR_FENCE = frozenset("#`~ \t")  # how a heading or a (possibly indented) fence starts
_FENCE = re.compile(r"^\s*+(```|~~~)")
META_LINE = re.compile(
    r"^\s*+(?P<bullet>[-*+]\s++)?(?:\*\*|__)?"
    # A space in a key only before another letter: each length tried stops at the first
    # space of a run, so "Status" + 100,000 spaces is scanned once, not once per length.
    r"(?P<key>[A-Za-z](?:[A-Za-z_-]| (?=[A-Za-z_-])){0,30}?)\s*+(?:\*\*|__)?"
    r"\s*+:\s*+(?:\*\*|__)?\s*+(?P<value>(?:.*\S)?)\s*$"  # greedy to the last non-space
)
_CHANGELOG = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{4})\s*[:\-\u2013\u2014]?\s*(?P<rest>.*)$"
)
LIST_MARK = re.compile(r"^\s*+(?:[-*+]|\d++[.)])\s++")


def changelog_entry(line: str) -> re.Match[str] | None:
    """A dated line of a status changelog ("2020-09-09 accepted"), however decorated."""
    return _CHANGELOG.match(clean_text(LIST_MARK.sub("", line.strip())))


def heading(line: str) -> tuple[int, str] | None:
    """(level, text) of an ATX heading line ("## Status ##" gives (2, "Status")), or None.

    Plain string code: the regex it replaces, `^(#{1,6})\\s+(.*?)\\s*#*\\s*$`,
    took cubic time on a heading with a long run of spaces inside.
    """
    level = len(line) - len(line.lstrip("#"))
    if not 1 <= level <= 6 or not line[level : level + 1].isspace():
        return None
    return level, line[level:].strip().rstrip("#").rstrip()


def headings(lines: list[str], start: int) -> Iterator[tuple[int, int, str]]:
    """(index, level, name) of each heading outside code blocks; names cleaned and lowercased."""
    # The same walk as outside_fences, inlined: it runs over the lines of every
    # revision the indexer reads, and most lines are neither.
    fence = ""
    for index in range(start, len(lines)):
        line = lines[index]
        if not line or line[0] not in _HEADING_OR_FENCE:
            continue
        marker = _FENCE.match(line)
        if fence:
            if marker and marker[1] == fence:
                fence = ""
        elif marker:
            fence = marker[1]
        elif line[0] == "#" and (found := heading(line)):
            yield index, found[0], clean_text(found[1]).lower().rstrip(":")


def find_section(lines: list[str], start: int, names: set[str]) -> tuple[int, int] | None:
    """(first, end) line indexes of the body of the first section named in `names`.

    The walk stops where the section ends: a Status section, near the top, is
    found without reading the rest of the file.
    """
    walk = headings(lines, start)
    for index, level, name in walk:
        if level > 1 and name in names:
            end = next((i for i, other_level, _ in walk if other_level <= level), len(lines))
            return index + 1, end
    return None


def outside_fences(
    lines: list[str], start: int, end: int | None = None
) -> Iterator[tuple[int, str]]:
    """(index, line) for lines not inside a fenced code block, from `start` to `end`."""
    fence = ""
    for index in range(start, len(lines) if end is None else end):
        line = lines[index]
        marker = _FENCE.match(line)
        if fence:
            if marker and marker[1] == fence:
                fence = ""
            continue
        if marker:
            fence = marker[1]
            continue
        yield index, line


def _value_as_written(line: str, match: re.Match[str]) -> str:
    """A `Key: value` line's value with its own emphasis: `* Status: **accepted**` gives
    `**accepted**`; the `**` of `* **Status:** accepted` closes the key, not the value."""
    value = line[line.index(":", match.end("key")) + 1 :].strip()
    for mark in ("**", "__"):
        if line[: match.start("key")].endswith(mark) and value.startswith(mark):
            return value[len(mark) :].strip()
    return value


_CLOSERS = str.maketrans("[(<{", "])>}")


def _after_date(line: str, entry_date: str) -> str:
    """What a changelog line says after its date, as written: "**2020-09-09**: ✅ Accepted"."""
    before, found, after = line.partition(entry_date)
    if not found:  # the date was written with decoration inside it: take the cleaned words
        match = changelog_entry(line)
        return match["rest"] if match else line
    closing = before.strip().translate(_CLOSERS)[::-1]  # "**2020-09-09**", "[2020-09-09]"
    return after.removeprefix(closing).lstrip(": \t-\u2013\u2014").strip()


def _match_of(pattern: re.Pattern[str], line: str) -> re.Match[str]:
    """`pattern`'s match at the start of a line known to hold one (found by it, or by a
    pattern that matches less): a miss is a bug here, never a problem with the file."""
    match = pattern.match(line)
    if match is None:
        raise ValueError(f"{line[:60]!r}: expected to match {pattern.pattern!r}")
    return match

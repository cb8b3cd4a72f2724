"""Records layer: read a date as written, and a folder's day/month dates by its own convention.

`01/06/2019` is 1 June or 6 January. One file cannot tell; its folder often
can: a team writes its dates one way, and `26/03/2018` (only day first fits)
or `12/20/2019` (only month first) shows which. Without such dates, the date
git has for each file breaks the tie. Still undecided, the parser's reading
stays with its `date-ambiguous` warning: never a silent wrong date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime
from typing import Any, Literal

from adrsite.records.model import ERROR, WARNING, Problem, Record
from adrsite.records.problems import ProblemCode, Severity
from adrsite.records.vocabulary import clean_text

DAY_FIRST = "day first"
MONTH_FIRST = "month first"
_YEAR = re.compile(r"\d{4}")
# "September 30, 2024" is 18 characters: room for the spaces strptime allows.
_LONGEST_LOOSE_DATE = 40
_NUMERIC_DATE = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d{4})")


def settle_dates(
    records: list[Record], touched: Mapping[str, date | datetime] | None = None
) -> list[Record]:
    """`records` with each ambiguous date read by the folder's convention, and its warning set.

    The convention is what the folder's unambiguous day/month dates say, the
    majority when they disagree. With none (or a tie), `touched` decides: path
    -> the date git has for the file (when it was created or last changed);
    each ambiguous date votes for its reading nearer that date.
    """
    ambiguous = {r.path: readings for r in records if (readings := ambiguous_date(r.date_text))}
    if not ambiguous:
        return records
    convention, why = _by_evidence(records)
    if not convention and touched:
        convention, why = _by_git(ambiguous, touched)
    if not convention:
        return records
    return [
        _settled(record, ambiguous[record.path], convention, why)
        if record.path in ambiguous
        else record
        for record in records
    ]


def _by_evidence(records: list[Record]) -> tuple[str, str]:
    """(convention, why) from the dates only one reading fits; ("", "") when they don't tell."""
    found: dict[str, list[Record]] = {DAY_FIRST: [], MONTH_FIRST: []}
    for record in records:
        readings = day_month_readings(record.date_text)
        if readings and bool(readings[0]) != bool(readings[1]):
            found[DAY_FIRST if readings[0] else MONTH_FIRST].append(record)
    days, months = len(found[DAY_FIRST]), len(found[MONTH_FIRST])
    if days == months:
        return "", ""
    convention = DAY_FIRST if days > months else MONTH_FIRST
    example = found[convention][0]
    also = len(found[convention]) - 1
    others = f" and {also} other date{'s' * (also != 1)}" if also else ""
    return (
        convention,
        f"the folder writes {convention} ({example.date_text} in {example.path}{others})",
    )


def _by_git(
    ambiguous: dict[str, tuple[str, str]], touched: Mapping[str, date | datetime]
) -> tuple[str, str]:
    votes = {DAY_FIRST: 0, MONTH_FIRST: 0}
    for path, (day_first, month_first) in ambiguous.items():
        if (when := touched.get(path)) is None:
            continue
        when = when.date() if isinstance(when, datetime) else when
        to_day = abs((date.fromisoformat(day_first) - when).days)
        to_month = abs((date.fromisoformat(month_first) - when).days)
        if to_day != to_month:
            votes[DAY_FIRST if to_day < to_month else MONTH_FIRST] += 1
    if votes[DAY_FIRST] == votes[MONTH_FIRST]:
        return "", ""
    convention = DAY_FIRST if votes[DAY_FIRST] > votes[MONTH_FIRST] else MONTH_FIRST
    return convention, f"{convention} is nearer the dates git has for these files"


def _settled(record: Record, readings: tuple[str, str], convention: str, why: str) -> Record:
    iso = readings[0] if convention == DAY_FIRST else readings[1]
    line = next((p.line for p in record.problems if p.code == ProblemCode.DATE_AMBIGUOUS), 1)
    message = f"date {record.date_text!r} is not ISO 8601 (YYYY-MM-DD); read as {iso}: {why}"
    problems = [p for p in record.problems if p.code != ProblemCode.DATE_AMBIGUOUS]
    problems.append(Problem(record.path, line, WARNING, ProblemCode.DATE, message))
    return replace(record, date=iso, problems=tuple(sorted(problems, key=lambda p: p.line)))


def normalize_date(value: Any) -> tuple[str, Severity | Literal[""], str]:
    """(ISO date or "", severity, message): a readable non-ISO date is a warning."""
    if isinstance(value, datetime):
        return value.date().isoformat(), "", ""
    if isinstance(value, date):
        return value.isoformat(), "", ""
    text = clean_text(str(value)) if value is not None else ""
    if not text:
        return "", "", ""
    iso = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ][\d:.+Z-]*)?$", text)
    if iso and is_date(iso[1]):
        return iso[1], "", ""
    readings = ambiguous_date(text)
    if readings:
        day_first, month_first = readings
        # Undecided, "/" is read as the US month/day and "." as the European day.month.
        parsed = day_first if "." in text else month_first
        return (
            parsed,
            WARNING,
            (
                f"date {text!r} is ambiguous: {day_first} (day first) or {month_first} (month "
                f"first), and no other date in the folder tells which; read as {parsed} "
                f"(write YYYY-MM-DD)"
            ),
        )
    parsed = _read_loose_date(text)
    if parsed:
        return parsed, WARNING, loose_date_message(text, parsed)
    return "", ERROR, f"date {text!r} is not a date (write YYYY-MM-DD)"


def loose_date_message(text: str, iso: str, why: str = "") -> str:
    return f"date {text!r} is not ISO 8601 (YYYY-MM-DD); read as {iso}{why}"


def day_month_readings(text: str) -> tuple[str, str] | None:
    """(day first, month first) ISO readings of a numeric date like 01/06/2019, or None.

    A reading that is no date is "": 26/03/2018 gives ("2018-03-26", "").
    """
    match = _NUMERIC_DATE.fullmatch(text.strip())
    if not match:
        return None
    first, second, year = int(match[1]), int(match[3]), int(match[4])
    return _iso_or_empty(year, second, first), _iso_or_empty(year, first, second)


def ambiguous_date(text: str) -> tuple[str, str] | None:
    """(day first, month first) when both read and differ (01/06/2019), else None."""
    readings = day_month_readings(text)
    return readings if readings and all(readings) and readings[0] != readings[1] else None


def _iso_or_empty(year: int, month: int, day: int) -> str:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def is_date(text: str) -> bool:
    digits = text.replace("-", "")
    try:
        date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return False
    return len(digits) == 8 and 1900 < int(digits[:4]) < 2200


def _read_loose_date(text: str) -> str:
    readings = day_month_readings(text)
    if readings:  # 13/01/2020 only reads day first, 01/13/2020 only month first
        day_first, month_first = readings
        return day_first or month_first
    if len(text) > _LONGEST_LOOSE_DATE or not _YEAR.search(text):
        return ""  # every format below has a four-digit year; strptime is slow to say no
    for fmt in ("%Y/%m/%d", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%Y%m%d"):
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    return ""


def sortable_date(text: str) -> str:
    iso, _, _ = normalize_date(text)
    return iso or text

"""Records layer: read a folder's day/month dates by its own convention (pure core, no Django).

`01/06/2019` is 1 June or 6 January. One file cannot tell; its folder often
can: a team writes its dates one way, and `26/03/2018` (only day first fits)
or `12/20/2019` (only month first) shows which. Without such dates, the date
git has for each file breaks the tie. Still undecided, the parser's reading
stays with its `date-ambiguous` warning: never a silent wrong date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime

from adrsite.records.model import WARNING, Problem, Record
from adrsite.records.parse import DATE_AMBIGUOUS, ambiguous_date, day_month_readings

DAY_FIRST = "day first"
MONTH_FIRST = "month first"


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
    line = next((p.line for p in record.problems if p.code == DATE_AMBIGUOUS), 1)
    message = f"date {record.date_text!r} is not ISO 8601 (YYYY-MM-DD); read as {iso}: {why}"
    problems = [p for p in record.problems if p.code != DATE_AMBIGUOUS]
    problems.append(Problem(record.path, line, WARNING, "date", message))
    return replace(record, date=iso, problems=tuple(sorted(problems, key=lambda p: p.line)))

"""Nothing a committer writes can stall the parser: every entry point is linear on any line.

Each case below is a long run of one character (or a short unit) placed where a
regex would backtrack over it: inside a heading, a status line, a link line, a
changelog line, a front matter value. On super-linear code these take minutes
(a heading with 3,000 spaces took 187 s); on linear code, milliseconds. The
time limit is a hang guard only, far above what linear code needs: the ratios
to a normal file of the same size are measured in benchmarks/parse_worst.py.
"""

from __future__ import annotations

import contextlib
import re
import signal
import time
from collections.abc import Iterator

import pytest

from adrsite.records.links import link_targets
from adrsite.records.lint import check
from adrsite.records.parse import parse, parse_status
from adrsite.records.render import render_inline, render_markdown
from adrsite.records.vocabulary import clean_text, status_word
from adrsite.records.write import EditError, set_status

LINE = 100_000  # one 100 KB line
SHORT_LINES = 10_000
GUARD_SECONDS = 2.0  # linear code takes milliseconds; the old parser took minutes

# What a run is made of: the characters the parser's patterns skip, repeat or pair.
UNITS = [" ", "\t", "#", "*", "_", "a_", "'_", "[", "](", "<", "`", "~", ":", "0", " and", "adr0"]


def run_of(unit: str, size: int = LINE) -> str:
    return unit * (size // len(unit))


def line_shapes(run: str) -> list[str]:
    """Where a run sits in a line the parser looks at: each shape one of its patterns reads."""
    return [
        f"## a{run}b",  # a heading (the 187 s case)
        f"# 12. a{run}b",  # a numbered title
        f"# ADR-{run}x",  # a title number that never ends
        f"Status: a{run}x",  # a MADR 2 / Nygard preamble line (the 7 s case)
        f"* **Status:** a{run}x",
        f"- Status{run}:",
        f"Supersedes {run}x",  # an adr-tools link line
        f"Relates to{run}[x](0002-x.md)",
        f"2020-01-01{run}accepted",  # a changelog line
        f"* 2020-01-01 {run}",
        f"Superseded by ADR {run}x",
        f"Accepted, see [a{run}](0002-x.md)",
        f"a{run}x",
        run,
    ]


def documents(line: str) -> dict[str, str]:
    """The line in each place the parser reads: title, front matter, preamble, Status, body."""
    return {
        "title": f"{line}\n\n## Status\n\nAccepted\n",  # a heading line is read as the title
        "front matter": f"---\nstatus: {line}\ndeciders: a, {line}\ntags: [x]\n---\n# X\n",
        "preamble": f"# 1. X\n\n{line}\nDate: 2020-01-01\n\n## Context\n\nText.\n",
        "status section": f"# 1. X\n\nDate: 2020-01-01\n\n## Status\n\n{line}\n\n## Context\n",
        "body": f"# X\n\n## Context\n\n{line}\n\n## Links\n\n* {line}\n",
    }


class TookTooLong(BaseException):  # not an Exception: no except clause in the parser swallows it
    pass


@contextlib.contextmanager
def time_limit(what: str, seconds: float = GUARD_SECONDS) -> Iterator[None]:
    """Fail once `seconds` pass. A timer signal, not a thread: a regex holds the GIL
    for the whole match, but checks for signals as it goes, so it is interrupted."""

    def expire(signum: int, frame: object) -> None:
        raise TookTooLong(f"{what}: over {seconds} s (super-linear)")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("unit", UNITS)
def test_parse_parse_status_and_set_status_are_linear_on_a_100_kb_line(unit):
    for line in line_shapes(run_of(unit)):
        for place, text in documents(line).items():
            data = text.encode()
            what = f"{place}, line {line[:20]!r}..."
            with time_limit(f"parse: {what}"):
                record = parse("adr/0001-x.md", data)
            if place == "body":
                continue  # no status there to read or set
            with time_limit(f"parse_status: {what}"):
                parse_status("adr/0001-x.md", data)
            with (
                time_limit(f"set_status: {what}"),  # the writer, in this file's style
                contextlib.suppress(EditError),  # a file all in a code block: refused, in time
            ):
                set_status(text, record, status="deprecated", date="2026-01-01")


@pytest.mark.parametrize("unit", UNITS)
def test_link_targets_status_word_and_clean_text_are_linear(unit):
    for line in line_shapes(run_of(unit)):
        with time_limit(f"link_targets {line[:20]!r}"):
            link_targets(line)
        with time_limit(f"clean_text {line[:20]!r}"):
            clean_text(line)
        with time_limit(f"status_word {line[:20]!r}"):
            status_word(line)


@pytest.mark.parametrize("unit", [" ", "#", "[", "](", "`", "_", ":", "0", "adr0"])
def test_check_over_a_folder_is_linear(unit):
    run = run_of(unit, LINE // 10)
    files = {
        f"adr/{number:04d}-x{number}.md": text
        for number, text in enumerate(
            (text for line in line_shapes(run) for text in documents(line).values()), start=1
        )
    }
    long = run_of(unit)  # link targets the folder resolves by number or name
    files["adr/0900-links.md"] = f"---\nstatus: accepted\nsupersedes: {long}x\n---\n# X\n"
    records = [parse(path, text.encode()) for path, text in files.items()]
    with time_limit(f"check over a folder of {unit!r} runs"):
        check(records)


@pytest.mark.parametrize("unit", ["#", "*", "_", "[", "](", "<", "`", "~", " ", "adr0"])
def test_many_short_lines_are_linear(unit):
    """10,000 short lines of the same shapes: the cost is per line, never per pair of lines."""
    lines = [shape for _ in range(SHORT_LINES // 14) for shape in line_shapes(unit * 4)]
    for place, text in documents("\n".join(lines)).items():
        data = text.encode()
        with time_limit(f"parse, {place}, short lines"):
            parse("adr/0001-x.md", data)
        record = parse("adr/0001-x.md", data)
        with time_limit(f"set_status, {place}, short lines"):
            set_status(text, record, status="accepted", date="2026-01-01")


@pytest.mark.parametrize("unit", [" ", "#", "*", "_", "[", "](", "<", "`", "~", "adr0"])
def test_rendering_is_linear(unit):
    # markdown-it-py is linear on these; a 100 KB run of "*" still costs it
    # about a second, so this guard is wider (the render cache is issue 9's own item).
    line = f"## a{run_of(unit, LINE // 4)}b"
    with time_limit(f"render_markdown {unit!r}", 10):
        render_markdown(line)
    with time_limit(f"render_inline {unit!r}", 10):
        render_inline(line)


def test_the_guard_stops_a_super_linear_regex():
    """The guard itself works: a catastrophic pattern is interrupted, not waited for."""

    started = time.perf_counter()
    with pytest.raises(TookTooLong), time_limit("(a|a)*b", 0.2):
        re.match(r"(a|a)*b", "a" * 40)
    assert time.perf_counter() - started < 5

"""Parsing the worst cases a committer can write, as a ratio to a normal ADR of the same size.

Each case is a file of the same size (100 KB by default) whose text sits where a
backtracking regex would stall: a long run of one character in a heading, a
status line, a link line, a changelog line, a front matter value; or 10,000
short lines of such shapes. The normal file is an ADR in the same style padded
with ordinary paragraphs to the same size. Prints the median of several runs of
`parse` for each, and exits 1 if any case costs more than 10x its normal file
(issue 9; ADR 22).

    .venv/bin/python benchmarks/parse_worst.py [--size 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import paragraph

from adrsite.records.parse import parse

LIMIT = 10.0  # the most a worst case may cost, as a multiple of a normal file of its size

# Where a line sits: {line} is the worst case's line, {pad} ordinary paragraphs.
STYLES = {
    "front matter": "---\nstatus: {line}\ndate: 2024-01-01\ndeciders: [Ada]\n---\n# X\n\n{pad}",
    "preamble": "# X\n\n{line}\n* Date: 2024-01-01\n\n## Context\n\n{pad}",
    "status section": "# 1. X\n\nDate: 2024-01-01\n\n## Status\n\n{line}\n\n## Context\n\n{pad}",
    "body": "---\nstatus: accepted\n---\n# X\n\n## Context\n\n{line}\n\n{pad}",
}
NORMAL_LINE = {
    "front matter": "accepted",
    "preamble": "* Status: accepted",
    "status section": "Accepted",
    "body": "Text.",
}

# (label, style, line with {run} where the run goes, what the run is made of)
CASES = [
    ("heading: '## a' + spaces + 'b'", "body", "## a{run}b", " "),
    ("heading: '## a' + tabs + 'b'", "body", "## a{run}b", "\t"),
    ("heading: '## a' + '#' run + ':'", "body", "## a{run}:", "#"),
    ("title: '# ADR-' + zeros + 'x'", "body", "# ADR-{run}x", "0"),
    ("status: '[](' run (front matter)", "front matter", "{run}", "[]("),
    ("status: 'a' + spaces + 'x' (front matter)", "front matter", "a{run}x", " "),
    ("status: '_' inside a word (front matter)", "front matter", "a{run}x", "_"),
    ("preamble: 'Status: a' + spaces + 'x'", "preamble", "Status: a{run}x", " "),
    ("preamble: '* **Status:** a' + spaces", "preamble", "* **Status:** a{run}x", " "),
    ("preamble: key + spaces, no colon", "preamble", "Status{run}#", " "),
    ("link line: 'Supersedes ' + spaces + 'x'", "status section", "Supersedes {run}x", " "),
    ("link line: 'Relates to' + spaces", "status section", "Relates to{run}[x](0002-x.md)", " "),
    ("link line: 'Superseded by ADR ' + zeros", "status section", "Superseded by ADR {run}x", "0"),
    ("changelog: '2020-01-01' + spaces", "status section", "2020-01-01{run}accepted", " "),
    ("status section: '*' run", "status section", "{run}", "*"),
    ("status section: '`' run", "status section", "{run}", "`"),
    ("status section: '[' run", "status section", "{run}", "["),
    ("status section: '<' run", "status section", "{run}", "<"),
    ("status section: '~' run", "status section", "{run}", "~"),
    ("status section: ':' run", "status section", "a{run}x", ":"),
    ("body: 'a.md' run", "body", "{run}", "a.md"),
    ("body: 'adr0' run", "body", "{run}", "adr0"),
]
# 10,000 short lines: (label, style, the lines repeated)
SHORT_LINES = [
    ("10,000 short headings", "body", ["## a  b", "### x ##", "#### ` * _ [ ~"]),
    (
        "10,000 short status-section lines",
        "status section",
        ["Supersedes  x", "2020-01-01   accepted", "Relates to [a](0002-x.md)", "* ~~a~~ __b__"],
    ),
    ("10,000 short preamble lines", "preamble", ["* Status  x", "Deciders: a  and  b", "Date 1/2"]),
]


def padding(size: int, seed: int = 1) -> str:
    rng = random.Random(seed)
    paragraphs = []
    while sum(len(p) + 2 for p in paragraphs) < size:
        paragraphs.append(paragraph(rng))
    return "\n\n".join(paragraphs)


def sized(style: str, line: str, size: int, pad: str) -> str:
    """The style's document around `line`, padded with paragraphs to `size` bytes."""
    bare = STYLES[style].format(line=line, pad="")
    room = max(0, size - len(bare.encode()))
    return STYLES[style].format(line=line, pad=pad[:room])


def worst_document(style: str, template: str, unit: str, size: int) -> str:
    frame = len(STYLES[style].format(line=template.format(run=""), pad="").encode())
    run = unit * max(1, (size - frame) // len(unit.encode()))
    return STYLES[style].format(line=template.format(run=run), pad="")


def median_time(data: bytes, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        parse("adr/0001-x.md", data)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    pad = padding(args.size)
    normal = {
        style: median_time(sized(style, NORMAL_LINE[style], args.size, pad).encode(), args.runs)
        for style in STYLES
    }
    rows = []
    for label, style, template, unit in CASES:
        data = worst_document(style, template, unit, args.size).encode()
        rows.append((label, style, len(data), median_time(data, args.runs)))
    for label, style, shapes in SHORT_LINES:
        lines = [shapes[i % len(shapes)] for i in range(10_000)]
        data = STYLES[style].format(line="\n".join(lines), pad="").encode()
        normal_data = sized(style, NORMAL_LINE[style], len(data), padding(len(data))).encode()
        rows.append(
            (label, style, len(data), median_time(data, args.runs), median_time(normal_data, 3))
        )

    print(f"parse, median of {args.runs} runs; normal = an ADR of the same size and style\n")
    print(f"{'case':46} {'style':15} {'bytes':>7} {'ms':>8} {'normal ms':>9} {'ratio':>6}")
    worst = 0.0
    for row in rows:
        label, style, size, took = row[:4]
        base = row[4] if len(row) > 4 else normal[style]
        ratio = took / base
        worst = max(worst, ratio)
        flag = "  <- over" if ratio > LIMIT else ""
        print(
            f"{label:46} {style:15} {size:7} {took * 1e3:8.2f} {base * 1e3:9.2f} "
            f"{ratio:5.1f}x{flag}"
        )
    print(f"\nworst ratio {worst:.1f}x (limit {LIMIT:.0f}x)")
    return 1 if worst > LIMIT else 0


if __name__ == "__main__":
    sys.exit(main())

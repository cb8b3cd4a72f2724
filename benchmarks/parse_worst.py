"""Parsing the worst cases a committer can write, against the same lines in ordinary words.

Each case is a file of one size (100 KB by default) whose text sits where a
backtracking regex would stall: a long run of one character in a heading, a
status line, a link line, a changelog line, a front matter value; or 10,000
short lines of such shapes. Its baseline is the same file with ordinary words in
place of the run, so the same patterns read the same number of characters; an
ADR of the same size that is mostly prose is printed too, but only for scale:
`parse` stops reading a paragraph at its first character, so prose is nearly free.

Prints the best of several runs of `parse` for each case, and exits 1 if any
costs more than 10x its baseline or grows more than 10x when its input grows 4x
(a linear parse grows 4x, a quadratic one 16x; issue 9, ADR 22).

    .venv/bin/python benchmarks/parse_worst.py [--size 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import paragraph

from adrsite.records.parse import parse

LIMIT = 10.0  # the most a worst case may cost, as a multiple of the same lines in ordinary words
# Four times the input takes a linear parse four times as long, a quadratic one sixteen.
# The limit sits between: memory effects on strings of megabytes and the noise of a
# busy machine push linear cases to 5-7x, never near 16x.
GROWTH = 4
GROWTH_LIMIT = 10.0

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


def ordinary(length: int, seed: int = 2) -> str:
    """`length` characters of ordinary words on one line: what the run is replaced by."""
    return padding(length, seed).replace("\n", " ")[:length]


def sized(style: str, line: str, size: int, pad: str) -> str:
    """The style's document around `line`, padded with paragraphs to `size` bytes."""
    bare = STYLES[style].format(line=line, pad="")
    room = max(0, size - len(bare.encode()))
    return STYLES[style].format(line=line, pad=pad[:room])


def run_length(style: str, template: str, unit: str, size: int) -> int:
    frame = len(STYLES[style].format(line=template.format(run=""), pad="").encode())
    return max(1, (size - frame) // len(unit.encode()))


def worst_document(style: str, template: str, unit: str, size: int) -> str:
    run = unit * run_length(style, template, unit, size)
    return STYLES[style].format(line=template.format(run=run), pad="")


def ordinary_document(style: str, template: str, unit: str, size: int) -> str:
    """The worst case's document with its run replaced by ordinary words of the same length."""
    run = ordinary(len(unit) * run_length(style, template, unit, size))
    return STYLES[style].format(line=template.format(run=run), pad="")


def short_lines(shapes: list[str], count: int) -> list[str]:
    return [shapes[i % len(shapes)] for i in range(count)]


def ordinary_lines(shapes: list[str], count: int) -> list[str]:
    """Each shape keeps its first word (the key a reader looks for); the rest is ordinary words."""
    lines = []
    for i, shape in enumerate(short_lines(shapes, count)):
        key, _, rest = shape.partition(" ")
        lines.append(f"{key} {ordinary(len(rest), seed=i % 97)}")
    return lines


def best_time(data: bytes, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        parse("adr/0001-x.md", data)
        times.append(time.perf_counter() - start)
    return min(times)  # the least disturbed run: small times are noisy


def documents(size: int) -> list[tuple[str, str, str, str, str]]:
    """(label, style, worst document, same-shape ordinary document, normal ADR) for `size` bytes."""
    pad = padding(size)
    found = []
    for label, style, template, unit in CASES:
        worst = worst_document(style, template, unit, size)
        found.append(
            (
                label,
                style,
                worst,
                ordinary_document(style, template, unit, size),
                sized(style, NORMAL_LINE[style], len(worst.encode()), pad),
            )
        )
    count = max(1, size // 10)
    for label, style, shapes in SHORT_LINES:
        worst = STYLES[style].format(line="\n".join(short_lines(shapes, count)), pad="")
        same_shape = STYLES[style].format(line="\n".join(ordinary_lines(shapes, count)), pad="")
        found.append(
            (label, style, worst, same_shape, sized(style, NORMAL_LINE[style], len(worst), pad))
        )
    return found


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    larger = {row[0]: row[2] for row in documents(GROWTH * args.size)}

    print(
        f"parse, best of {args.runs} runs, {args.size:,} bytes; 'same shape' = the same lines "
        "with ordinary words in place of the run;\n'prose' = an ADR of the same size that is "
        "mostly paragraphs (printed only: parse reads no further into prose than it must);\n"
        "'x4' = time at four times the size over time at this size (linear: about 4)\n"
    )
    print(f"{'case':42} {'ms':>7} {'shape ms':>8} {'ratio':>6} {'prose ms':>8} {'x4':>5}")
    worst_ratio = worst_growth = 0.0
    for label, _style, worst, same_shape, prose in documents(args.size):
        took = best_time(worst.encode(), args.runs)
        base = best_time(same_shape.encode(), args.runs)
        growth = best_time(larger[label].encode(), args.runs) / took
        ratio = took / base
        worst_ratio, worst_growth = max(worst_ratio, ratio), max(worst_growth, growth)
        flag = "  <- over" if ratio > LIMIT or growth > GROWTH_LIMIT else ""
        print(
            f"{label:42} {took * 1e3:7.2f} {base * 1e3:8.2f} {ratio:5.1f}x "
            f"{best_time(prose.encode(), 3) * 1e3:8.2f} {growth:5.1f}{flag}"
        )
    print(
        f"\nworst ratio to the same shape {worst_ratio:.1f}x (limit {LIMIT:.0f}x); "
        f"worst growth at four times the size {worst_growth:.1f}x (limit {GROWTH_LIMIT:.0f}x)"
    )
    return 1 if worst_ratio > LIMIT or worst_growth > GROWTH_LIMIT else 0


if __name__ == "__main__":
    sys.exit(main())

"""The diff page's worst cases (issue 9), each as a ratio to diffing a normal ADR of the same size.

A normal revision of an ADR changes its status and a paragraph; the worst cases are
the ones `difflib` was cubic on: a 3 KB list of 1,200 lines renumbered, and a 70 KB
ADR with every paragraph rewritten. Each time is the best of several runs of
`line_diff`. A diff's input is lines, so the ratio that counts (exit 1 past 10x) is
to a normal ADR with as many lines; the ratio to one with as many characters is
printed too.

    .venv/bin/python benchmarks/diff_worst.py [--runs 20] [--difflib]
"""

from __future__ import annotations

import argparse
import difflib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from adrsite.records.diff import line_diff
from tests.diff_cases import alternating_lines, normal_edit, rewritten_paragraphs

TARGET = 10


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def difflib_time(old: str, new: str) -> float:
    """What the diff cost before ADR 23 (one run: it takes seconds)."""
    matcher = difflib.SequenceMatcher(None, old.splitlines(), new.splitlines(), autojunk=False)
    start = time.perf_counter()
    list(matcher.get_grouped_opcodes(3))
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--difflib", action="store_true", help="also time the old difflib diff")
    args = parser.parse_args()
    worst = 0.0
    for name, case in (
        ("alternating lines", alternating_lines),
        ("rewritten", rewritten_paragraphs),
    ):
        old, new = case()
        lines = max(len(old.splitlines()), len(new.splitlines()))
        took = timed(args.runs, old, new)
        print(f"{name}: {len(old):,} characters, {lines:,} lines: {took * 1000:.2f} ms")
        for unit, normal in (
            ("lines", normal_edit(lines=lines)),
            ("characters", normal_edit(size=len(old))),
        ):
            base = timed(args.runs, *normal)
            ratio = took / base
            shape = f"{len(normal[0]):,} characters, {len(normal[0].splitlines()):,} lines"
            print(f"  normal ADR of the same {unit} ({shape}): {base * 1000:.2f} ms, {ratio:.1f}x")
            if unit == "lines":
                worst = max(worst, ratio)
        if args.difflib:
            print(f"  difflib (before ADR 23): {difflib_time(old, new):.2f} s")
    print(
        f"worst ratio to a normal ADR of the same lines: {worst:.1f}x (target: at most {TARGET}x)"
    )
    return 1 if worst > TARGET else 0


def timed(runs: int, old: str, new: str) -> float:
    return best_of(runs, lambda: line_diff(old, new))


if __name__ == "__main__":
    sys.exit(main())

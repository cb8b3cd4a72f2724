"""A decision page's worst bodies (issue 9), each as a ratio to a normal ADR of the same size.

Before ADR 24 every view rendered the body: a 786 KB table took 10 to 16 s and
made 5 MB of HTML, and `*` x 50,000 took 2.4 s. Now a body is rendered on its
first view and cached, and one past 100,000 characters is shown as source. For
each case this prints the Markdown render alone (what every view cost before),
the page's first view (cache empty) and its cached view, through Django's test
client with the full middleware, each beside a normal ADR of as many characters.
Target (exit 1 past it): a cached view at most 3x the normal page's.

    .venv/bin/python benchmarks/render_worst.py [--runs 15]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from database import migrated_database

from tests.gitrepo import Repo, adr

TARGET = 3
SECTION = (
    "## Context and problem statement\n\n"
    "We need a queue between the web tier and the workers. Jobs arrive in bursts, "
    "and a lost job costs a customer an invoice; see [ADR 2](0002-use-y.md) and "
    "[the runbook](../docs/runbook.md).\n\n"
    "* **Good**, because it is *simple* to run\n* Bad, because `at-least-once` delivery\n\n"
    "| Option | Cost | Risk |\n|---|---|---|\n| X | low | medium |\n| Y | high | low |\n\n"
    "> A quoted requirement from the product team.\n\n"
)
ROW = "| a cell | another cell | [a link](0002-use-y.md) | `code` | **bold** |\n"


def normal(size: int) -> str:
    return (SECTION * (size // len(SECTION) + 1))[:size]


def cases() -> dict[str, str]:
    table = "| A | B | C | D | E |\n|---|---|---|---|---|\n"
    return {
        "table, 786 KB": table + ROW * ((786_000 - len(table)) // len(ROW)),
        "* x 50,000": "*" * 50_000,
        "> x 50,000 (nesting)": ">" * 50_000,
        "[ x 50,000": "[" * 50_000,
        "[ x 99,000 (at the cap)": "[" * 99_000,
        "]( x 25,000": "](" * 25_000,
        "table, 90 KB (under the cap)": table + ROW * ((90_000 - len(table)) // len(ROW)),
    }


def median_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        repo = Repo(Path(directory) / "repo")
        bodies = {}
        for number, (name, text) in enumerate(cases().items(), start=1):
            bodies[name] = (f"adr/{2 * number:04d}-worst.md", text)
            bodies[f"normal for {name}"] = (
                f"adr/{2 * number + 1:04d}-normal.md",
                normal(len(text)),
            )
        for path, text in bodies.values():
            repo.write(path, adr("A decision", body=text))
        repo.commit("Worst cases and normal decisions of the same sizes")
        migrated_database(directory)
        from django.core.cache import cache
        from django.test import Client
        from django.test.utils import setup_test_environment

        from adrsite.decisions.indexing import repository_index, repository_register
        from adrsite.records.render import render_markdown

        repository = repository_register(name="bench", location=str(repo.path), adr_dir="adr")
        repository_index(repository=repository)
        setup_test_environment()
        client = Client()

        def view(path: str) -> None:
            response = client.get(f"/decisions/bench/{path.removeprefix('adr/')[:-3]}/")
            assert response.status_code == 200, (path, response.status_code)

        def first_view(path: str) -> None:
            cache.clear()
            view(path)

        def timings(name: str) -> tuple[float, float, float, int]:
            path, text = bodies[name]
            render = median_of(1 if len(text) > 200_000 else 3, lambda: render_markdown(text))
            first = median_of(3, lambda: first_view(path))
            view(path)
            cached = median_of(args.runs, lambda: view(path))
            size = len(client.get(f"/decisions/bench/{path[4:-3]}/").content)
            return render, first, cached, size

        print(f"{'case':30} {'render':>16} {'first view':>18} {'cached view':>18} {'page':>8}")
        worst = 0.0
        for name in cases():
            bad, good = timings(name), timings(f"normal for {name}")
            ratios = [b / g for b, g in zip(bad, good, strict=True)]
            worst = max(worst, ratios[2])
            print(
                f"{name:30} {bad[0] * 1000:8.1f} ms {ratios[0]:5.1f}x "
                f"{bad[1] * 1000:8.1f} ms {ratios[1]:6.1f}x "
                f"{bad[2] * 1000:8.2f} ms {ratios[2]:6.1f}x {bad[3] // 1000:6} KB"
            )
        print(f"worst cached view: {worst:.1f}x a normal page of the same size (target: {TARGET}x)")
        return 1 if worst > TARGET else 0


if __name__ == "__main__":
    sys.exit(main())

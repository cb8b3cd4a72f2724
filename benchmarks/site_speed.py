"""How fast the site renders on a 10,000-decision corpus, in-process, against DESIGN.md's targets.

Builds a history with `history_corpus.py` (10,000 decisions in all three
styles, with supersessions, status changes and renames), indexes it, then
renders each page through Django's test client and prints the median of
several runs. Targets: the decision log under 100 ms, a decision page under
50 ms. It also prints each page's query count.

    .venv/bin/python benchmarks/site_speed.py [--decisions 10000] [--commits 14000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from database import migrated_database
from history_corpus import write_history

RUNS = 15
TARGETS_MS = {"log": 100.0, "decision": 50.0}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--decisions", type=int, default=10000)
    parser.add_argument("--commits", type=int, default=14000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        repo = Path(directory) / "repo"
        started = time.perf_counter()
        write_history(repo, args.decisions, args.commits)
        migrated_database(directory)
        from django.db import connection
        from django.test import Client
        from django.test.utils import setup_test_environment

        from adrsite.decisions.indexing import repository_index, repository_register

        repository = repository_register(name="bench", location=str(repo), adr_dir="adr")
        result = repository_index(repository=repository)
        print(
            f"corpus: {result.decisions} decisions, {args.commits} commits, "
            f"{result.new_revisions} revisions (built and indexed in "
            f"{time.perf_counter() - started:.0f} s)"
        )

        setup_test_environment()  # the test client's hosts and template instrumentation
        client = Client()
        from adrsite.decisions.models import Decision

        def page_of(number: int) -> str:
            """A decision's own URL: other spellings (`/decisions/bench/10/`) redirect to it."""
            current = Decision.objects.filter(deleted_commit="", number=number)
            return current.select_related("repository").get().get_absolute_url()

        middle = args.decisions // 2
        pages = {
            "log": ("log", "/"),
            "log, page 50": ("log", "/?page=50"),
            "log, searched": ("log", "/?q=decision"),
            "log, searched, deep": ("log", "/?q=decision&page=150"),
            "log, filtered": ("log", "/?status=accepted&sort=title"),
            "log, htmx fragment": ("log", "/?q=queue&status=proposed"),
            "decision": ("decision", page_of(middle)),
            "decision, superseded": ("decision", page_of(10)),
        }
        failed = False
        for label, (kind, url) in pages.items():
            headers = {"HX-Request": "true"} if "htmx" in label else {}
            queries: list[str] = []

            def count(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                response = client.get(url, headers=headers)
            if response.status_code != 200:
                print(f"{label}: {url} answered {response.status_code}")
                return 1
            timings = []
            for _ in range(RUNS):
                started = time.perf_counter()
                client.get(url, headers=headers)
                timings.append((time.perf_counter() - started) * 1000)
            median = statistics.median(timings)
            target = TARGETS_MS[kind]
            failed |= median > target
            print(
                f"{label:22} {url:26} median {median:6.1f} ms, best {min(timings):6.1f} ms, "
                f"{len(queries)} queries (target: under {target:.0f} ms)"
            )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

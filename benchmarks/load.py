"""The production recipe under load: gunicorn and PostgreSQL serving 1,000 decisions to 50
concurrent clients for 60 s while the repository is re-indexed in a loop (issue 13).

Builds a history with `history_corpus.py`, indexes it into BENCH_DATABASE_URL (SQLite in a
temporary folder without it), starts `gunicorn adrsite.wsgi` as the README's recipe runs it,
and runs `adr index --full` over and over in another process. Each client (a thread, one
connection per request, as gunicorn's sync workers close each one) cycles through the log,
a search, a decision page and the API. Prints requests/s, p50 and p99 latency per kind and
overall, errors, and how often "database is locked" was seen. Exits 1 on any error or lock,
or when no re-index finished while the clients ran.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:54329/bench \\
        .venv/bin/python benchmarks/load.py [--clients 50] [--seconds 60] [--workers 4]
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from database import migrated_database
from history_corpus import write_history

LOCKED = "database is locked"
SEARCHES = ["decision", "queue", "postgres", "cache", "deploy", "api"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz within a minute")


class Reindexer(threading.Thread):
    """`adr index --full` in a loop, each run its own process, until told to stop."""

    def __init__(self, repo: Path, env: dict[str, str]) -> None:
        super().__init__(daemon=True)
        self.command = [str(Path(sys.executable).parent / "adr"), "index", str(repo)]
        self.command += ["--name", "bench", "--full"]
        self.env = env
        self.stopping = threading.Event()
        self.runs: list[float] = []
        self.failures: list[str] = []

    def run(self) -> None:
        while not self.stopping.is_set():
            started = time.perf_counter()
            result = subprocess.run(self.command, env=self.env, capture_output=True, text=True)
            if result.returncode:
                self.failures.append(result.stderr.strip() or f"exit {result.returncode}")
            else:
                self.runs.append(time.perf_counter() - started)


def client_loop(
    port: int,
    requests: list[tuple[str, str]],
    start: int,
    until: float,
    results: list[tuple[str, float, str]],
) -> None:
    """Request each (kind, url) in turn from `start` on until `until`; record (kind, seconds,
    "" or what went wrong) for each."""
    for kind, url in itertools.islice(itertools.cycle(requests), start, None):
        if time.monotonic() >= until:
            return
        began = time.perf_counter()
        problem = ""
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            connection.request("GET", url)
            response = connection.getresponse()
            body = response.read()
            connection.close()
            if response.status != 200:
                problem = f"{response.status} {url}"
            if LOCKED.encode() in body:
                problem = f"{LOCKED}: {url}"
        except OSError as error:
            problem = f"{type(error).__name__}: {error} ({url})"
        results.append((kind, time.perf_counter() - began, problem))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--decisions", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn's, 2 or more")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        repo = Path(directory) / "repo"
        started = time.perf_counter()
        write_history(repo, args.decisions, args.commits)
        migrated_database(directory)
        from django.db import connection

        from adrsite.decisions.indexing import repository_register
        from adrsite.decisions.models import Decision, Repository

        Repository.objects.filter(name="bench").delete()  # a BENCH_DATABASE_URL used before
        repository_register(name="bench", location=str(repo), adr_dir="adr")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "adrsite.settings",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "XDG_DATA_HOME": directory,
        }
        subprocess.run(Reindexer(repo, env).command, env=env, check=True, capture_output=True)
        current = Decision.objects.filter(repository__name="bench", deleted_commit="")
        refs = sorted(decision.ref for decision in current.select_related("repository"))
        connection.close()
        engine = "PostgreSQL" if env["DATABASE_URL"].startswith("postgres") else "SQLite"
        print(
            f"corpus: {len(refs)} decisions, {args.commits} commits, indexed into {engine} "
            f"in {time.perf_counter() - started:.0f} s"
        )

        # Every kind in turn; the refs and searches vary, so caches see many pages.
        requests = []
        for index, ref in enumerate(refs[:: max(1, len(refs) // 200)]):
            requests += [
                ("log", "/" if index % 2 else f"/?page={index % 20 + 1}"),
                ("search", f"/?q={SEARCHES[index % len(SEARCHES)]}"),
                ("decision", f"/decisions/bench/{ref}/"),
                ("api", f"/api/decisions?page={index % 10 + 1}"),
                ("api", f"/api/decisions/bench/{ref}"),
            ]

        port = free_port()
        log = Path(directory) / "gunicorn.log"
        with log.open("w") as server_log:
            server = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "adrsite.wsgi", "--workers",
                 str(args.workers), "--bind", f"127.0.0.1:{port}", "--timeout", "60"],
                env=env, stdout=server_log, stderr=subprocess.STDOUT,
            )  # fmt: skip
            try:
                wait_until_up(port, server)
                reindexer = Reindexer(repo, env)
                reindexer.start()
                results: list[tuple[str, float, str]] = []
                until = time.monotonic() + args.seconds
                began = time.perf_counter()
                clients = [
                    threading.Thread(
                        target=client_loop, args=(port, requests, n * 7, until, results)
                    )
                    for n in range(args.clients)
                ]
                for client in clients:
                    client.start()
                for client in clients:
                    client.join()
                elapsed = time.perf_counter() - began
                reindexer.stopping.set()
                reindexer.join()
            finally:
                server.terminate()
                server.wait(timeout=30)
        server_text = log.read_text(errors="replace")

    print(
        f"gunicorn adrsite.wsgi, {args.workers} sync workers; {args.clients} clients for "
        f"{elapsed:.0f} s; adr index --full in a loop: {len(reindexer.runs)} runs finished "
        f"(median {statistics.median(reindexer.runs or [0]):.1f} s), "
        f"{len(reindexer.failures)} failed"
    )
    by_kind: dict[str, list[float]] = defaultdict(list)
    for kind, seconds, _ in results:
        by_kind[kind].append(seconds)
    for kind, seconds in [*sorted(by_kind.items()), ("all", [s for _, s, _ in results])]:
        print(
            f"  {kind:9} {len(seconds):6} requests {len(seconds) / elapsed:7.1f}/s  "
            f"p50 {percentile(seconds, 0.5) * 1000:7.0f} ms  "
            f"p99 {percentile(seconds, 0.99) * 1000:7.0f} ms"
        )
    errors = Counter(problem for _, _, problem in results if problem)
    locked = sum(text.count(LOCKED) for text in [server_text, *reindexer.failures])
    locked += sum(count for problem, count in errors.items() if LOCKED in problem)
    print(f"errors: {sum(errors.values())}; '{LOCKED}': {locked}")
    for problem, count in errors.most_common(10):
        print(f"  {count} x {problem}")
    for failure in reindexer.failures[:5]:
        print(f"  re-index failed: {failure.splitlines()[-1]}")
    if "Traceback" in server_text:
        print("gunicorn's log holds a traceback:\n" + server_text[-3000:])
    failed = errors or locked or reindexer.failures or not reindexer.runs
    failed = failed or "Traceback" in server_text
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

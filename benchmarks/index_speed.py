"""How fast `repository_index` reads a history, against the floor git itself sets, in one run.

Prints: the floor (`git log --raw` over the ADR folder, plus `git cat-file
--batch` of every blob it names), the full index, their ratio (target: at most
3x), the re-index after one new commit (target: under 0.5 s), and the peak
memory the index adds (target: flat in the number of commits).

    .venv/bin/python benchmarks/index_speed.py [--decisions 1000] [--commits 10000]
"""

from __future__ import annotations

import argparse
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from database import migrated_database
from history_corpus import write_history

_NEW_BLOB = re.compile(rb":\d{6} \d{6} [0-9a-f]{40} ([0-9a-f]{40}) [AMRT]")


def floor_seconds(repo: Path) -> tuple[float, int]:
    """What reading the same history costs git alone: one log, one cat-file of every blob."""
    started = time.perf_counter()
    log = subprocess.run(
        ["git", "log", "--raw", "-z", "-M", "--no-abbrev", "--format=%H", "--", "adr"],
        cwd=repo,
        capture_output=True,
        check=True,
    ).stdout
    blobs = sorted(set(_NEW_BLOB.findall(log)))
    subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=repo,
        input=b"\n".join(blobs) + b"\n",
        stdout=subprocess.DEVNULL,
        check=True,  # read by git, not held here: memory stays honest
    )
    return time.perf_counter() - started, len(blobs)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--decisions", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=10000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        repo = Path(directory) / "repo"
        started = time.perf_counter()
        write_history(repo, args.decisions, args.commits)
        print(
            f"corpus: {args.decisions} decisions, {args.commits} commits "
            f"(built in {time.perf_counter() - started:.1f} s)"
        )

        migrated_database(directory)
        from adrsite.decisions.indexing import repository_index, repository_register

        floor, blobs = floor_seconds(repo)
        floor = min(floor, floor_seconds(repo)[0])  # the better of two: a warm cache for git too
        repository = repository_register(name="bench", location=str(repo), adr_dir="adr")
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        result = repository_index(repository=repository, full=True)
        full = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

        (repo / "adr" / "0001-new-commit.md").write_text("# One more\n\n* Status: proposed\n")
        subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
        subprocess.run(
            ["git", "-c", "user.name=B", "-c", "user.email=b@x", "commit", "-qm", "One more"],
            cwd=repo,
            check=True,
        )
        started = time.perf_counter()
        again = repository_index(repository=repository)
        incremental = time.perf_counter() - started

    print(f"floor: git log --raw + cat-file --batch of {blobs} blobs: {floor:.2f} s")
    print(
        f"full index: {full:.2f} s ({result.new_revisions} revisions, {result.decisions} decisions)"
    )
    print(f"ratio: {full / floor:.1f}x the floor (target: at most 3x)")
    print(
        f"re-index after one commit: {incremental:.3f} s, {again.new_revisions} new revision "
        f"(target: under 0.5 s)"
    )
    print(
        f"peak memory: {rss_after / 1024:.0f} MiB, {(rss_after - rss_before) / 1024:.0f} MiB "
        "added by the full index"
    )
    return 0 if full <= 3 * floor and incremental < 0.5 else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""How fast `repository_index` reads a history, against the floor git itself sets, in one run.

Prints, for each shape of history: the floor (`git log --raw` over every place
the decisions have lived, plus `git cat-file --batch` of every blob it names),
the full index, their ratio (target: at most 3x), the re-index after one new
commit (target: under 0.5 s), and the peak memory the index adds (target: flat
in the number of commits).

The shapes (`--history`, all three by default):
- `plain`: 1,000 decisions over 10,000 commits in one folder that never moved;
- `moved`: the same, the folder moved three times (once by copy-then-delete);
- `sparse`: 200 decisions in 30,000 commits, 97 % of them touching code only,
  where git's walk, not the decisions, is most of the floor.

    .venv/bin/python benchmarks/index_speed.py [--history plain] [--decisions N] [--commits M]
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
from history_corpus import PLACES, write_history

_NEW_BLOB = re.compile(rb":\d{6} \d{6} [0-9a-f]{40} ([0-9a-f]{40}) [AMRT]")


def floor_seconds(repo: Path, places: list[str]) -> tuple[float, int]:
    """What reading the same history costs git alone: one log, one cat-file of every blob."""
    started = time.perf_counter()
    log = subprocess.run(
        ["git", "log", "--raw", "-z", "-M", "--no-abbrev", "--format=%H", "--", *places],
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


SHAPES = {
    # name: (decisions, commits, options of write_history)
    "plain": (1000, 10000, {}),
    "moved": (1000, 10000, {"moves": True}),
    "sparse": (200, 30000, {"code_share": 0.97}),
}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--history", choices=[*SHAPES, "all"], default="all")
    parser.add_argument("--decisions", type=int)
    parser.add_argument("--commits", type=int)
    args = parser.parse_args()

    met = True
    with tempfile.TemporaryDirectory() as directory:
        migrated_database(directory)
        for shape in SHAPES if args.history == "all" else [args.history]:
            decisions, commits, options = SHAPES[shape]
            met &= measure(
                Path(directory) / shape,
                shape,
                args.decisions or decisions,
                args.commits or commits,
                options,
            )
    return 0 if met else 1


def measure(repo: Path, shape: str, decisions: int, commits: int, options: dict) -> bool:
    from adrsite.decisions.indexing import repository_index, repository_register

    started = time.perf_counter()
    write_history(repo, decisions, commits, **options)
    places = list(PLACES) if options.get("moves") else ["adr"]
    adr_commits = subprocess.run(
        ["git", "rev-list", "--count", "HEAD", "--", *places],
        cwd=repo, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    print(
        f"{shape}: {decisions} decisions, {commits} commits, {adr_commits} of them "
        f"touching decisions (built in {time.perf_counter() - started:.1f} s)"
    )

    floor, blobs = floor_seconds(repo, places)
    floor = min(floor, floor_seconds(repo, places)[0])  # the better of two: git's cache warm too
    repository = repository_register(name=shape, location=str(repo), adr_dir="adr")
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

    print(
        f"  floor: git log --raw over {len(places)} place(s) + cat-file --batch of {blobs} "
        f"blobs: {floor:.2f} s"
    )
    print(
        f"  full index: {full:.2f} s ({result.new_revisions} revisions, "
        f"{result.decisions} decisions)"
    )
    print(f"  ratio: {full / floor:.1f}x the floor (target: at most 3x)")
    print(
        f"  re-index after one commit: {incremental:.3f} s, {again.new_revisions} new revision "
        f"(target: under 0.5 s)"
    )
    print(
        f"  peak memory: {rss_after / 1024:.0f} MiB, {(rss_after - rss_before) / 1024:.0f} MiB "
        "added by the full index"
    )
    return full <= 3 * floor and incremental < 0.5


if __name__ == "__main__":
    raise SystemExit(main())

"""What a push costs a warm worker: the re-index of one commit touching one decision (ADR 29).

A history of 10,000 decisions (benchmarks/history_corpus.py) is indexed once,
fully, in this process, then re-indexed after one more commit to warm it. Then,
for each of several pushes (a status change, a supersede, an edit that leaves
the record as it was), one commit is made and timed through `repository_index`,
against git's own work for it, measured in the same run: the git processes the
incremental run starts, each run alone from the command line (`merge-base
--is-ancestor`, `rev-parse --is-shallow-repository`, `log --raw` and the log of
adds since the last run, `diff-tree` since the last run, `cat-file --batch` of
the commit and its blob). Target: under 100 ms beyond git; exits 1 over it.

    .venv/bin/python benchmarks/push_speed.py [--decisions 10000] [--commits 11000]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from database import migrated_database
from history_corpus import write_history

TARGET = 0.100
_ENV = ["-c", "user.name=B", "-c", "user.email=b@x"]


def git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", *args], cwd=repo, input=stdin, capture_output=True, check=True
    ).stdout


def git_floor(repo: Path, since: str) -> float:
    """The git processes an incremental run of `since`..HEAD starts, each alone, timed."""
    started = time.perf_counter()
    git(repo, "rev-parse", "--is-shallow-repository")
    git(repo, "merge-base", "--is-ancestor", since, "HEAD")
    log = git(repo, "log", "--raw", "-z", "--no-abbrev", "-M", f"{since}..HEAD", "--", "adr")
    git(repo, "log", "--root", "--no-renames", "--diff-filter=A", "--format=%H",
        f"{since}..HEAD", "--", "adr")  # fmt: skip
    git(repo, "diff-tree", "-r", "-z", "--no-renames", "--no-abbrev", since, "HEAD", "--", "adr")
    blobs = re.findall(rb":\d{6} \d{6} [0-9a-f]{40} ([0-9a-f]{40}) [AMRT]", log)
    head = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "cat-file", "--batch", stdin=b"\n".join([head, *blobs]) + b"\n")
    return time.perf_counter() - started


def commit(repo: Path, path: Path, text: str, message: str) -> None:
    path.write_text(text)
    git(repo, "add", "-A")
    git(repo, *_ENV, "commit", "-qm", message)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--decisions", type=int, default=10000)
    parser.add_argument("--commits", type=int, default=11000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        migrated_database(directory)
        from adrsite.decisions.indexing import repository_index, repository_register

        repo = Path(directory) / "repo"
        started = time.perf_counter()
        write_history(repo, args.decisions, args.commits)
        print(
            f"corpus: {args.decisions} decisions, {args.commits} commits "
            f"(built in {time.perf_counter() - started:.1f} s)"
        )
        repository = repository_register(name="push", location=str(repo), adr_dir="adr")
        started = time.perf_counter()
        repository_index(repository=repository, full=True)
        print(f"full index: {time.perf_counter() - started:.1f} s")

        folder = repo / "adr"
        files = sorted(folder.glob("*.md"))
        target = files[len(files) // 2]
        original = target.read_text()
        pushes = [
            ("warm-up", original + "\nWarm-up.\n"),
            (
                "status change",
                re.sub(
                    r"(?i)(status: |\* Status: |## Status\n\n)\w+",
                    r"\1deprecated",
                    original,
                    count=1,
                ),
            ),
            ("text edit", original + "\nOne more line.\n"),
            ("back as it was", original),
            ("another edit", original + "\nAnother line.\n"),
            ("and another", original + "\nAnd another.\n"),
        ]
        beyond = []
        for what, text in pushes:
            since = git(repo, "rev-parse", "HEAD").decode().strip()
            commit(repo, target, text, what)
            started = time.perf_counter()
            result = repository_index(repository=repository)
            seconds = time.perf_counter() - started
            floor = min(git_floor(repo, since) for _ in range(3))
            if what == "warm-up":
                print(f"warm-up push: {seconds * 1000:.0f} ms ({result.summary()})")
                continue
            beyond.append(seconds - floor)
            print(
                f"{what}: re-index {seconds * 1000:.1f} ms, git's own work {floor * 1000:.1f} ms, "
                f"beyond git {(seconds - floor) * 1000:.1f} ms "
                f"({'incremental' if not result.full else 'full'}, "
                f"{result.changed_decisions} changed)"
            )
        worst = max(beyond)
        print(
            f"beyond git: median {statistics.median(beyond) * 1000:.1f} ms, worst "
            f"{worst * 1000:.1f} ms (target: under {TARGET * 1000:.0f} ms)"
        )
        return 0 if worst < TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())

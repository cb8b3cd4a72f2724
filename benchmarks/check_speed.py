"""How long `adr check` takes on 1,000 decisions, as a whole process (target: under 1 s).

Prints the median and best of several runs, and the floor they stand on: a bare
`python -c pass` start-up on the same machine, in the same run.

    .venv/bin/python benchmarks/check_speed.py [--decisions 1000] [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import write_corpus


def timed(command: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False
    )
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--decisions", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    adr = str(Path(sys.executable).parent / "adr")
    with tempfile.TemporaryDirectory() as directory:
        repo = Path(directory)
        (repo / ".git").mkdir()  # the repository root marker is all `adr check` needs
        write_corpus(repo / "adr", args.decisions)
        result = subprocess.run(
            [adr, "check", "--format", "json"], cwd=repo, capture_output=True, text=True
        )
        report = json.loads(result.stdout)
        assert report["decisions"] == args.decisions, report["decisions"]
        timed([adr, "check"], repo)  # warm the file cache
        check = [timed([adr, "check"], repo) for _ in range(args.runs)]
        floor = [timed([sys.executable, "-c", "pass"], repo) for _ in range(args.runs)]
    median, best, start_up = statistics.median(check), min(check), statistics.median(floor)
    print(
        f"adr check on {args.decisions} decisions "
        f"({report['errors']} errors, {report['warnings']} warnings found)"
    )
    print(f"  median {median:.3f} s, best {best:.3f} s over {args.runs} runs (target: under 1 s)")
    print(
        f"  python start-up floor {start_up:.3f} s; adr check is {median / start_up:.1f}x the floor"
    )
    return 0 if median < 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

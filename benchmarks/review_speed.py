"""What reading 200 open pull requests costs, against git's own log of their ranges (issue 15).

A history of 1,000 decisions over 10,000 commits (history_corpus.py) is indexed
once (set-up, not measured here: index_speed.py does). Then 200 refs
`refs/pull/N/head` are written with `git fast-import`, each forked from a
commit of the last 20 % of main's first-parent history, each with 1 to 3
commits that add an ADR (a quarter of them a number another ref also adds, a
few a number main already has), change a status or edit the text. Measured,
through `repository_index` (the reviews are read by `reviews_refresh` inside it;
its own time, git processes and queries are printed apart):

1. the first read of all 200 refs;
2. a re-index when nothing moved;
3. after 10 refs get one new commit each;
4. after the tip moves by one commit (every ref's merge base re-checked).

The floor, measured in the same run: for each range `<merge-base>..<head>`,
`git log --raw -M -- adr` (one process per ref, as a reader of each pull
request would run it), then one `git cat-file --batch` of every blob those
logs name (both sides). Targets: the first read at most 3x the floor; 10 moved
refs at most 3x their own floor (their 10 logs); a tip that moved at most 1x
the 200 refs' floor (nothing to read but where each ref parted); nothing moved
under 0.1 s for the reviews. Exits 1 when one is missed.

    .venv/bin/python benchmarks/review_speed.py [--refs 200] [--decisions 1000] [--commits 10000]
"""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import STATUSES, WORDS, madr, slug
from database import migrated_database
from history_corpus import _set_status, write_history

# -z: ":old-mode new-mode old-blob new-blob status\0path\0"
_BLOBS = re.compile(rb":\d{6} \d{6} ([0-9a-f]{40}) ([0-9a-f]{40}) [A-Z]")
_NO_BLOB = b"0" * 40
FIRST_READ_TARGET = 3.0  # x the floor of the 200 ranges
MOVED_TARGET = 3.0  # x the floor of the moved refs' ranges
TIP_TARGET = 1.0  # x the floor of the 200 ranges
STILL_TARGET = 0.1  # seconds for the reviews when nothing moved


def git(repo: Path, *args: str, stdin: bytes | None = None) -> bytes:
    return subprocess.run(
        ["git", *args], cwd=repo, input=stdin, capture_output=True, check=True
    ).stdout


@dataclass
class PullRequest:
    ref: str
    base: str
    head: str = ""


@dataclass
class Measured:
    """What one `repository_index` cost, and the share of it `reviews_refresh` took."""

    whole: float = 0.0
    reviews: float = 0.0
    processes: list[str] = field(default_factory=list)  # git commands the reviews started
    queries: int = 0
    result: object = None


def fast_import(repo: Path, stream: list[bytes]) -> None:
    subprocess.run(["git", "fast-import", "--quiet"], cwd=repo, input=b"".join(stream), check=True)


def commit_command(
    ref: str, parent: str, when: int, message: str, files: dict[str, bytes]
) -> bytes:
    who = "Lin Reviewer <lin@example.com>"
    text = message.encode()
    parts = [
        f"commit {ref}\nauthor {who} {when} +0000\ncommitter {who} {when} +0000\n"
        f"data {len(text)}\n".encode()
        + text
        + b"\n"
    ]
    if parent:
        parts.append(f"from {parent}\n".encode())
    for path, data in files.items():
        parts.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
    return b"".join(parts) + b"\n"


def write_pull_requests(repo: Path, count: int, decisions: int, seed: int = 2) -> list[PullRequest]:
    """`count` refs forked from the last 20 % of main, 1 to 3 commits each, one fast-import."""
    rng = random.Random(seed)
    line = git(repo, "rev-list", "--first-parent", "main").decode().split()
    recent = line[: max(1, len(line) // 5)]
    now = int(time.time()) - 86400
    stream: list[bytes] = []
    pulls = []
    trees: dict[str, dict[int, tuple[str, str]]] = {}  # base -> number -> (path, blob)
    wanted: list[tuple[int, str, list[tuple[str, int]]]] = []
    for index in range(count):
        base = rng.choice(recent)
        if base not in trees:
            listing = git(repo, "ls-tree", "-r", base, "--", "adr").decode().splitlines()
            trees[base] = {}
            for entry in listing:
                meta, path = entry.split("\t", 1)
                trees[base][int(path.split("/")[-1][:4])] = (path, meta.split()[2])
        steps = []
        for step in range(rng.randint(1, 3)):
            kind = rng.choice(("add", "status", "edit"))
            number = decisions + 100 + 3 * index + step if kind == "add" else 0
            steps.append((kind, number or rng.randint(1, decisions)))
        if index % 4 == 0:  # a quarter add a number another ref adds too
            steps[0] = ("add", decisions + 1 + index % 50)
        elif index % 25 == 1:  # a few add a number main already has
            steps[0] = ("add", rng.randint(1, decisions))
        wanted.append((index, base, steps))
    shas = sorted({trees[base][n][1] for _, base, steps in wanted for k, n in steps if k != "add"})
    blobs = dict(zip(shas, _cat_blobs(repo, shas), strict=True))
    for index, base, steps in wanted:
        ref = f"refs/pull/{1000 + index}/head"
        pulls.append(PullRequest(ref, base))
        texts: dict[str, bytes] = {}
        for step, (kind, number) in enumerate(steps):
            if kind == "add":
                name = f"Use {rng.choice(WORDS)} for {rng.choice(WORDS)} in review {index}"
                path = f"adr/{number:04d}-{slug(name)}.md"
                texts[path] = madr(number, name, "proposed", rng, {}).encode()
            else:
                path, blob = trees[base][number]
                text = texts.get(path, blobs[blob]).decode()
                if kind == "status":
                    text = _set_status(text, rng.choice(STATUSES))
                else:
                    text += f"\nAmended in review {index}.\n"
                texts[path] = text.encode()
            stream.append(
                commit_command(
                    ref,
                    base if step == 0 else "",
                    now - (count - index) * 60 + step,
                    f"{kind} ADR {number}",
                    {path: texts[path]},
                )
            )
    fast_import(repo, stream)
    for pull in pulls:
        pull.head = git(repo, "rev-parse", pull.ref).decode().strip()
    return pulls


def _cat_blobs(repo: Path, shas: list[str]) -> list[bytes]:
    out = git(repo, "cat-file", "--batch", stdin="".join(f"{s}\n" for s in shas).encode())
    found, at = [], 0
    for _ in shas:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        found.append(out[header_end + 1 : header_end + 1 + size])
        at = header_end + 1 + size + 1
    return found


def floor_seconds(repo: Path, ranges: list[tuple[str, str]]) -> tuple[float, int]:
    """git alone over the same ranges: a log per range, then one cat-file of their blobs."""
    started = time.perf_counter()
    blobs: set[bytes] = set()
    for base, head in ranges:
        log = git(repo, "log", "--raw", "-z", "-M", "--no-abbrev", "--format=%H",
                  f"{base}..{head}", "--", "adr")  # fmt: skip
        for old, new in _BLOBS.findall(log):
            blobs.update(sha for sha in (old, new) if sha != _NO_BLOB)
    subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=repo,
        input=b"\n".join(sorted(blobs)) + b"\n",
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - started, len(blobs)


def best_floor(repo: Path, ranges: list[tuple[str, str]]) -> tuple[float, int]:
    """The better of two: git's cache warm for both."""
    first, blobs = floor_seconds(repo, ranges)
    return min(first, floor_seconds(repo, ranges)[0]), blobs


@contextmanager
def watching(measured: Measured):
    """Time `reviews_refresh` inside `repository_index`; count its git processes and queries."""
    from django.db import connection

    import adrsite.decisions.indexing as indexing

    original_refresh = indexing.reviews_refresh
    original_init = subprocess.Popen.__init__
    inside = [False]

    def counting_init(self, args, *rest, **options):
        if inside[0]:
            command = args if isinstance(args, str) else " ".join(map(str, args[:3]))
            measured.processes.append(command)
        original_init(self, args, *rest, **options)

    def counting_query(execute, sql, params, many, context):
        if inside[0]:
            measured.queries += 1
        return execute(sql, params, many, context)

    def timed_refresh(*args, **kwargs):
        inside[0] = True
        started = time.perf_counter()
        try:
            return original_refresh(*args, **kwargs)
        finally:
            measured.reviews += time.perf_counter() - started
            inside[0] = False

    indexing.reviews_refresh = timed_refresh
    subprocess.Popen.__init__ = counting_init
    try:
        with connection.execute_wrapper(counting_query):
            yield
    finally:
        indexing.reviews_refresh = original_refresh
        subprocess.Popen.__init__ = original_init


def index_once(repository) -> Measured:
    from adrsite.decisions.indexing import repository_index

    measured = Measured()
    with watching(measured):
        started = time.perf_counter()
        measured.result = repository_index(repository=repository)
        measured.whole = time.perf_counter() - started
    return measured


def report(what: str, measured: Measured, refs: int, floor: float | None = None) -> None:
    kinds: dict[str, int] = {}
    for command in measured.processes:
        name = command.split()[1] if command.startswith("git ") else command
        kinds[name] = kinds.get(name, 0) + 1
    spawned = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items(), key=lambda kv: -kv[1]))
    line = (
        f"{what}: index {measured.whole:.3f} s, of it the reviews {measured.reviews:.3f} s"
        f" ({measured.reviews / refs * 1000:.2f} ms a ref over {refs});"
        f" {len(measured.processes)} git processes ({spawned or 'none'}),"
        f" {measured.queries} queries"
    )
    if floor is not None:
        line += f"; {measured.reviews / floor:.2f}x the floor"
    print(line)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--refs", type=int, default=200)
    parser.add_argument("--decisions", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=10000)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        migrated_database(directory)
        from adrsite.decisions.indexing import repository_index, repository_register
        from adrsite.decisions.models import Review

        repo = Path(directory) / "repo"
        started = time.perf_counter()
        write_history(repo, args.decisions, args.commits)
        print(
            f"corpus: {args.decisions} decisions, {args.commits} commits "
            f"(built in {time.perf_counter() - started:.1f} s)"
        )
        repository = repository_register(name="review", location=str(repo), adr_dir="adr")
        repository.review_max_age = 100_000  # the corpus's main is dated 2023
        repository.save(update_fields=["review_max_age"])
        started = time.perf_counter()
        repository_index(repository=repository, full=True)
        print(f"set-up: full index of main {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        pulls = write_pull_requests(repo, args.refs, args.decisions)
        commits = int(git(repo, "rev-list", "--count", *(p.head for p in pulls), "^main"))
        print(
            f"{len(pulls)} refs, {commits} commits, forked from "
            f"{len({p.base for p in pulls})} points of main's last 20 % "
            f"(written in {time.perf_counter() - started:.1f} s)"
        )
        ranges = [(p.base, p.head) for p in pulls]
        floor, blobs = best_floor(repo, ranges)
        print(
            f"floor: {len(ranges)} x git log --raw <merge-base>..<head> -- adr, "
            f"+ cat-file --batch of {blobs} blobs: {floor:.3f} s "
            f"({floor / len(ranges) * 1000:.2f} ms a ref)"
        )

        first = index_once(repository)
        open_reviews = Review.objects.filter(repository=repository, merged_commit="").count()
        report(f"first read ({open_reviews} open)", first, len(pulls), floor)

        still = index_once(repository)
        report("nothing moved", still, len(pulls))

        moved = pulls[:: max(1, len(pulls) // 10)][:10]
        stream = []
        for pull in moved:
            stream.append(
                commit_command(
                    pull.ref,
                    f"{pull.ref}^0",
                    int(time.time()),
                    "edit again",
                    {"adr/9999-one-more-in-review.md": f"# One more {pull.ref}\n".encode()},
                )
            )
        fast_import(repo, stream)
        for pull in moved:
            pull.head = git(repo, "rev-parse", pull.ref).decode().strip()
        moved_floor, _ = best_floor(repo, [(p.base, p.head) for p in moved])
        print(f"floor of the {len(moved)} moved refs: {moved_floor:.3f} s")
        after_moves = index_once(repository)
        report(f"{len(moved)} refs moved", after_moves, len(moved), moved_floor)

        tip_file = git(repo, "ls-tree", "--name-only", "main", "adr/").decode().split()[10]
        text = git(repo, "cat-file", "blob", f"main:{tip_file}")
        fast_import(
            repo,
            [commit_command("refs/heads/main", "refs/heads/main^0", int(time.time()),
                            "tip moves", {tip_file: text + b"\nOne more line on main.\n"})],
        )  # fmt: skip
        after_tip = index_once(repository)
        report("tip moved", after_tip, len(pulls), floor)
        still_again = index_once(repository)
        report("nothing moved, again", still_again, len(pulls))

    verdicts = [
        ("first read", first.reviews <= FIRST_READ_TARGET * floor,
         f"{first.reviews / floor:.2f}x the floor (target: at most {FIRST_READ_TARGET:g}x)"),
        ("nothing moved", still.reviews < STILL_TARGET,
         f"{still.reviews * 1000:.1f} ms (target: under {STILL_TARGET * 1000:.0f} ms)"),
        (f"{len(moved)} refs moved", after_moves.reviews <= MOVED_TARGET * moved_floor,
         f"{after_moves.reviews / moved_floor:.2f}x their floor "
         f"(target: at most {MOVED_TARGET:g}x)"),
        ("tip moved", after_tip.reviews <= TIP_TARGET * floor,
         f"{after_tip.reviews / floor:.2f}x the floor (target: at most {TIP_TARGET:g}x)"),
    ]  # fmt: skip
    for what, met, figure in verdicts:
        print(f"{what}: {figure} {'met' if met else 'MISSED'}")
    return 0 if all(met for _, met, _ in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""Benchmark corpus with history: N decisions over M commits, built with `git fast-import`.

The decisions are corpus.py's (all three styles). After one commit per
decision come status changes, batch edits of twenty files, renames (retitles),
supersessions, commits that touch no ADR, and a side branch merged back.
Deterministic for a seed; 10,000 commits take a few seconds.

Two shapes of real repositories, on request:
- `moves=True`: the folder lives in four places over the history, as real
  ones did: `architecture/decisions` is renamed to `doc/adr` a quarter of the
  way through, copied to `docs/decisions` halfway (the old one deleted in the
  next commit), and renamed to `adr` at three quarters. `PLACES` lists them.
- `code_share=0.97`: of the commits after the decisions are proposed, that
  share touch only code, as in repositories where ADR commits are a few percent.

    python benchmarks/history_corpus.py /tmp/history 1000 10000
"""

from __future__ import annotations

import random
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import STATUSES, adr_tools, madr, madr2, plan, slug

_STATUS_LINE = re.compile(r"(?m)^(status: |\* Status: )[^\n]*|(?<=## Status\n\n)[^\n]*")


def _set_status(text: str, status: str) -> str:
    """The first status line rewritten: `status: x`, `* Status: x`, or the adr-tools word."""
    return _STATUS_LINE.sub(lambda m: m[1] + status if m[1] else status.capitalize(), text, count=1)


class Stream:
    """A `git fast-import` stream, written straight to the process."""

    def __init__(self, out) -> None:
        self.out = out
        self.mark = 0
        self.time = 1_700_000_000

    def commit(
        self,
        branch: str,
        message: str,
        files: dict[str, bytes | None],
        renames: list[tuple[str, str]] = (),
        merge: int | None = None,
        copies: list[tuple[str, str]] = (),
        parent: int | None = None,
    ) -> int:
        self.mark += 1
        self.time += 3600
        who = ("Ada Lovelace <ada@example.com>", "Grace Hopper <grace@example.com>")[self.mark % 2]
        text = message.encode()
        parts = [
            f"commit refs/heads/{branch}\nmark :{self.mark}\n"
            f"author {who} {self.time} +0000\ncommitter {who} {self.time} +0000\n"
            f"data {len(text)}\n".encode()
            + text
            + b"\n"
        ]
        if parent:
            parts.append(f"from :{parent}\n".encode())
        if merge:
            parts.append(f"merge :{merge}\n".encode())
        for old, new in renames:
            parts.append(f"R {old} {new}\n".encode())
        for old, new in copies:
            parts.append(f"C {old} {new}\n".encode())
        for path, data in files.items():
            if data is None:
                parts.append(f"D {path}\n".encode())
            else:
                parts.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
        self.out.write(b"".join(parts) + b"\n")
        return self.mark


# Where the folder lives, oldest first, in a history written with `moves=True`.
PLACES = ("architecture/decisions", "doc/adr", "docs/decisions", "adr")


def write_history(
    repo: Path,
    decisions: int = 1000,
    commits: int = 10000,
    seed: int = 1,
    *,
    moves: bool = False,
    code_share: float = 0.0,
) -> None:
    repo.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True)
    rng = random.Random(seed)
    planned = plan(decisions, seed)
    names = {n: f"{n:04d}-{slug(t)}.md" for n, (_, t, _, _) in planned.items()}
    titles = {n: t for n, (_, t, _, _) in planned.items()}
    texts: dict[int, str] = {}
    for number, (style, name, status, links) in planned.items():
        if style == "madr":
            own = {k: v for k, v in links.items() if k != "superseded-by"}
            texts[number] = madr(number, name, status, rng, own)
        elif style == "madr2":
            texts[number] = madr2(number, name, status, rng, names, links)
        else:
            texts[number] = adr_tools(number, name, status, rng, names, titles, links)

    folder = PLACES[0] if moves else "adr"

    def path(number: int) -> str:
        return f"{folder}/{names[number]}"

    process = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=repo, stdin=subprocess.PIPE)
    stream = Stream(process.stdin)
    for number in range(1, decisions + 1):
        stream.commit("main", f"Propose ADR {number}", {path(number): texts[number].encode()})
    merge_at = decisions + (commits - decisions) // 2
    side_tip = None
    span = commits - decisions
    # (not where the side branch below forks or merges)
    move_at = {decisions + span * k // 4 + 7: k for k in (1, 2, 3)} if moves else {}
    for index in range(decisions, commits):
        kind = index % 10
        if index in move_at:  # the folder moves: renamed, or copied then deleted
            step = move_at[index]
            old, folder = folder, PLACES[step]
            if step == 2:
                stream.commit("main", f"Copy {old} to {folder}", {}, copies=[(old, folder)])
                stream.commit("main", f"Remove {old}", {old: None})
            else:
                stream.commit("main", f"Move {old} to {folder}", {}, renames=[(old, folder)])
            continue
        if index == merge_at - 5:  # a side branch of five commits, merged back below
            side_parent = stream.mark
            for step in range(5):
                number = rng.randint(1, decisions)
                texts[number] += f"\nSide branch note {step}.\n"
                side_tip = stream.commit(
                    "side",
                    f"Side {step}",
                    {path(number): texts[number].encode()},
                    parent=side_parent if step == 0 else None,
                )
            continue
        if index == merge_at and side_tip:
            stream.commit("main", "Merge side", {}, merge=side_tip)
            continue
        if code_share and rng.random() < code_share:
            stream.commit(
                "main",
                f"Code change {index}",
                {f"src/module{index % 50}.py": f"x = {index}\n".encode()},
            )
            continue
        if kind in (0, 1, 2, 3):  # a status change
            number = rng.randint(1, decisions)
            new_status = rng.choice(STATUSES)
            texts[number] = _set_status(texts[number], new_status)
            stream.commit(
                "main", f"ADR {number}: {new_status}", {path(number): texts[number].encode()}
            )
        elif kind == 4:  # a batch edit
            batch = rng.sample(range(1, decisions + 1), 20)
            for number in batch:
                texts[number] += f"\nReviewed in batch {index}.\n"
            stream.commit(
                "main", f"Review batch {index}", {path(n): texts[n].encode() for n in batch}
            )
        elif kind == 5:  # a retitle: the file is renamed, its number kept
            number = rng.randint(1, decisions)
            old = path(number)
            names[number] = f"{number:04d}-{slug(titles[number])}-r{index}.md"
            stream.commit("main", f"Retitle ADR {number}", {}, renames=[(old, path(number))])
        elif kind == 9:  # a supersession: two files in one commit
            new, old = rng.sample(range(1, decisions + 1), 2)
            texts[old] = _set_status(texts[old], "superseded")
            texts[new] += f"\nThis supersedes ADR {old}.\n"
            stream.commit(
                "main",
                f"ADR {new} supersedes ADR {old}",
                {path(old): texts[old].encode(), path(new): texts[new].encode()},
            )
        else:  # work that touches no decision
            stream.commit(
                "main",
                f"Code change {index}",
                {f"src/module{index % 50}.py": f"x = {index}\n".encode()},
            )
    process.stdin.close()
    if process.wait() != 0:
        raise RuntimeError("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=repo, check=True)


if __name__ == "__main__":
    target = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    total = int(sys.argv[3]) if len(sys.argv) > 3 else 10000
    write_history(target, count, total)
    print(f"{count} decisions over {total} commits in {target}")

"""Benchmark corpus: N decisions in all three styles, with supersessions and links.

Deterministic for a given seed, so figures from different runs compare. Used by
the benchmark scripts; run directly to write a corpus you can look at:

    python benchmarks/corpus.py /tmp/corpus 1000
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

_WORD_TEXT = (
    "cache queue tenant session ledger invoice search index shard replica gateway proxy "
    "token schema migration worker cron event stream audit report export import billing "
    "catalogue inventory pricing routing storage archive backup metrics tracing logging"
)
WORDS = _WORD_TEXT.split()
STATUSES = ["accepted"] * 6 + ["proposed", "rejected", "deprecated"]


def title(rng: random.Random, number: int) -> str:
    return f"Use {rng.choice(WORDS)} for {rng.choice(WORDS)} {rng.choice(WORDS)} {number}"


def slug(text: str) -> str:
    return "-".join(text.lower().split())


def paragraph(rng: random.Random, sentences: int = 6) -> str:
    return " ".join(
        " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16))).capitalize() + "."
        for _ in range(sentences)
    )


def madr(
    number: int, name: str, status: str, rng: random.Random, links: dict[str, list[int]]
) -> str:
    extra = "".join(f"{kind}: {targets}\n" for kind, targets in links.items() if targets)
    return (
        f"---\nstatus: {status}\ndate: 2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n"
        f"deciders: [Ada, Grace]\ntags: [{rng.choice(WORDS)}, {rng.choice(WORDS)}]\n{extra}---\n"
        f"# {name}\n\n## Context and problem statement\n\n{paragraph(rng)}\n\n"
        f"## Considered options\n\n* One\n* Two\n\n## Decision outcome\n\n{paragraph(rng)}\n\n"
        f"## Consequences\n\n* Good, because {paragraph(rng, 1)}\n"
        f"* Bad, because {paragraph(rng, 1)}\n"
    )


def madr2(
    number: int, name: str, status: str, rng: random.Random, names: dict[int, str], links
) -> str:
    status_line = status
    if status == "superseded" and links.get("superseded-by"):
        successor = links["superseded-by"][0]
        status_line = f"superseded by [ADR-{successor:04d}]({names[successor]})"
    link_lines = "".join(
        f"* Supersedes [ADR-{n:04d}]({names[n]})\n" for n in links.get("supersedes", [])
    )
    return (
        f"# {name}\n\n* Status: {status_line}\n* Deciders: Ada, Grace\n"
        f"* Date: 2023-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n\n"
        f"## Context and Problem Statement\n\n{paragraph(rng)}\n\n"
        f"## Decision Outcome\n\n{paragraph(rng)}\n"
        + (f"\n## Links\n\n{link_lines}" if link_lines else "")
    )


def adr_tools(
    number: int, name: str, status: str, rng: random.Random, names: dict[int, str], titles, links
) -> str:
    lines = [status.capitalize()]
    if status == "superseded" and links.get("superseded-by"):
        successor = links["superseded-by"][0]
        lines = [f"Superseded by [{successor}. {titles[successor]}]({names[successor]})"]
    lines += [f"Supersedes [{n}. {titles[n]}]({names[n]})" for n in links.get("supersedes", [])]
    lines += [f"Amends [{n}. {titles[n]}]({names[n]})" for n in links.get("amends", [])]
    status_section = "\n\n".join(lines)
    return (
        f"# {number}. {name}\n\nDate: 2022-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n\n"
        f"## Status\n\n{status_section}\n\n## Context\n\n{paragraph(rng)}\n\n"
        f"## Decision\n\n{paragraph(rng)}\n\n## Consequences\n\n{paragraph(rng)}\n"
    )


def plan(count: int, seed: int = 1) -> dict[int, tuple[str, str, str, dict[str, list[int]]]]:
    """number -> (style, title, status, links); every tenth decision supersedes an earlier one."""
    rng = random.Random(seed)
    decisions: dict[int, tuple[str, str, str, dict[str, list[int]]]] = {}
    for number in range(1, count + 1):
        style = ("madr", "madr2", "adr-tools")[number % 3]
        decisions[number] = (style, title(rng, number), rng.choice(STATUSES), {})
    for number in range(10, count + 1, 10):
        old = number - rng.randint(1, 9)
        decisions[number][3].setdefault("supersedes", []).append(old)
        style, name, _, links = decisions[old]
        decisions[old] = (style, name, "superseded", links)
        links.setdefault("superseded-by", []).append(number)
        if number % 30 == 0:
            decisions[number][3].setdefault("amends", []).append(number - 11)
        decisions[number] = (
            decisions[number][0],
            decisions[number][1],
            "accepted",
            decisions[number][3],
        )
    return decisions


def write_corpus(folder: Path, count: int, seed: int = 1) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    decisions = plan(count, seed)
    names = {n: f"{n:04d}-{slug(t)}.md" for n, (_, t, _, _) in decisions.items()}
    titles = {n: t for n, (_, t, _, _) in decisions.items()}
    rng = random.Random(seed + 1)
    written = []
    for number, (style, name, status, links) in decisions.items():
        if style == "madr":
            own = {k: v for k, v in links.items() if k != "superseded-by"}
            text = madr(number, name, status, rng, own)
        elif style == "madr2":
            text = madr2(number, name, status, rng, names, links)
        else:
            text = adr_tools(number, name, status, rng, names, titles, links)
        path = folder / names[number]
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    target, count = Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    print(f"{len(write_corpus(target, count))} decisions in {target}")

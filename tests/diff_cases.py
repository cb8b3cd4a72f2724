"""Pairs of revisions for the diff's tests and `benchmarks/diff_worst.py`: the worst cases
issue 9 reproduced, and a normal edit of an ADR of the same size to compare them with."""

from __future__ import annotations

import random

WORDS = (
    "the",
    "queue",
    "service",
    "team",
    "decision",
    "cost",
    "risk",
    "database",
    "cache",
    "latency",
    "event",
    "store",
    "deploy",
    "region",
    "replica",
    "schema",
    "migration",
    "contract",
    "client",
    "budget",
    "owner",
    "review",
)


def alternating_lines() -> tuple[str, str]:
    """A 3 KB ADR of 600 numbered lines, each followed by a blank one (1,200 lines), and a
    revision that renumbers them `1)` instead of `1.`: only the blank lines still match, and
    `difflib` without autojunk is cubic on that (6 to 8 s here)."""
    return _numbered("."), _numbered(")")


def _numbered(mark: str) -> str:
    return "".join(f"{n}{mark}\n\n" for n in range(1, 601))


def rewritten_paragraphs(size: int = 70_000, seed: int = 9) -> tuple[str, str]:
    """A realistic ADR of `size` characters (short paragraphs a line each, as editors that
    soft-wrap write them), and a revision with every paragraph and section heading below
    the status rewritten: only the blank lines still match, and `difflib` is cubic again."""
    rng = random.Random(seed)
    old = _adr(rng, size)
    parts = old.split("\n\n")
    new = parts[:3] + [
        f"{part} (revised)" if part.startswith("#") else _paragraph(rng) for part in parts[3:]
    ]
    return old, "\n\n".join(new)


def normal_edit(*, size: int = 0, lines: int = 0, seed: int = 1) -> tuple[str, str]:
    """A normal revision of an ADR of at least `size` characters and `lines` lines: its
    status and one paragraph change."""
    rng = random.Random(seed)
    old = _adr(rng, size, lines)
    parts = old.split("\n\n")
    parts[2] = "accepted"
    middle = len(parts) // 2
    parts[middle] = _paragraph(rng)
    return old, "\n\n".join(parts)


SECTIONS = ("## Context", "## Considered options", "## Decision outcome", "## Consequences")


def _adr(rng: random.Random, size: int, lines: int = 0) -> str:
    """Short paragraphs, a line each, in four sections of about the same length."""
    paragraphs = ["# Use a queue between the services", "## Status", "proposed"]
    while (
        sum(len(part) + 2 for part in paragraphs) < size
        or 2 * (len(paragraphs) + len(SECTIONS)) - 1 < lines
    ):
        paragraphs.append(_paragraph(rng))
    step = (len(paragraphs) - 3) // len(SECTIONS) + 1
    for place, heading in reversed(list(enumerate(SECTIONS))):
        paragraphs.insert(3 + place * step, heading)
    return "\n\n".join(paragraphs) + "\n"


def _paragraph(rng: random.Random) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 30)))
    return words.capitalize() + "."

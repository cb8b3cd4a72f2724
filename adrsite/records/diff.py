"""Records layer: the line diff of two revisions of a file, as rows a page can show (pure core).

The lines are matched by patience diff (ADR 23): lines found once on each side
anchor the match, so its cost grows near-linearly with the texts whatever a
committer writes; `difflib` is cubic on some files (alternating numbered and
blank lines took a minute for 3 KB). A pair of texts past the size cap is not
diffed at all: a page says so and links to the two revisions instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from patiencediff import PatienceSequenceMatcher

SAME, ADDED, REMOVED = "same", "added", "removed"

# Past either limit on either side, a page shows no diff: tens of thousands of
# table rows help no reader, and the page would cost the site as much to send.
MAX_LINES = 5_000
MAX_CHARACTERS = 500_000


@dataclass(frozen=True, slots=True)
class DiffLine:
    kind: str  # SAME, ADDED or REMOVED
    old_number: int | None  # the line's number in the old text, if it is there
    new_number: int | None
    text: str


@dataclass(frozen=True, slots=True)
class Hunk:
    """A run of changed lines with their context; `header` reads like git's `@@ -a,b +c,d @@`."""

    header: str
    lines: tuple[DiffLine, ...]


def too_large_to_diff(old: str, new: str) -> bool:
    """Whether either text is past the cap (MAX_LINES lines or MAX_CHARACTERS characters)."""
    return any(
        len(text) > MAX_CHARACTERS or len(text.splitlines()) > MAX_LINES for text in (old, new)
    )


def line_diff(old: str, new: str, *, context: int = 3) -> list[Hunk]:
    """The hunks that turn `old` into `new`; none when the texts are the same."""
    before, after = old.splitlines(), new.splitlines()
    matcher = PatienceSequenceMatcher(None, before, after)
    hunks = []
    for group in matcher.get_grouped_opcodes(context):
        lines: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [
                    DiffLine(SAME, i + 1, j + 1, before[i])
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                ]
                continue
            lines += [DiffLine(REMOVED, i + 1, None, before[i]) for i in range(i1, i2)]
            lines += [DiffLine(ADDED, None, j + 1, after[j]) for j in range(j1, j2)]
        first, last = group[0], group[-1]
        header = f"@@ -{_span(first[1], last[2])} +{_span(first[3], last[4])} @@"
        hunks.append(Hunk(header, tuple(lines)))
    return hunks


def _span(start: int, end: int) -> str:
    """git's `start,length` (1-based; an empty span names the line before it)."""
    length = end - start
    return f"{start + 1 if length else start},{length}"

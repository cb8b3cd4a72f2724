"""Records layer: the line diff of two revisions of a file, as rows a page can show (pure core).

The lines are matched by patience diff (ADR 23), written here: lines found once
on each side anchor the match, so its cost grows near-linearly with the texts
whatever a committer writes; `difflib` alone is cubic on some files (alternating
numbered and blank lines took a minute for 3 KB), so it only refines small
regions. A pair of texts past the size cap is not diffed at all: a page says so
and links to the two revisions instead.
"""

from __future__ import annotations

import difflib
from bisect import bisect_left
from dataclasses import dataclass

SAME, ADDED, REMOVED = "same", "added", "removed"

# Past either limit on either side, a page shows no diff: tens of thousands of
# table rows help no reader, and the page would cost the site as much to send.
MAX_LINES = 5_000
MAX_CHARACTERS = 500_000

# A region with no line found once on each side is left to difflib only when both
# sides are this short, so that its worse-than-quadratic worst case costs a
# bounded time per line; a longer one shows as all removed and all added.
SMALL_REGION = 100
# How many times over, at most, the matching looks at each line while it looks
# for lines found once in a region. Ordinary edits need two or three passes; a
# text built so that each pass frees only one more anchor would otherwise cost
# quadratic time, and past this budget its remaining regions show as replaced.
PASSES = 16


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
    return hunks_of(_PatienceMatcher(before, after), before, after, context=context)


def hunks_of(
    matcher: difflib.SequenceMatcher[str], before: list[str], after: list[str], *, context: int
) -> list[Hunk]:
    """The hunks a matcher's opcodes give, unified-diff style (difflib's own matcher too)."""
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


class _PatienceMatcher(difflib.SequenceMatcher[str]):
    """difflib's matcher with patience diff's matching blocks: `get_opcodes` and
    `get_grouped_opcodes` build on `get_matching_blocks`, so the hunks group as difflib's do.

    Its own copies of the lines and the blocks: typeshed declares none of difflib's
    attributes, and this matcher is never handed new sequences."""

    def __init__(self, a: list[str], b: list[str]) -> None:
        super().__init__(None, a, b, autojunk=False)
        self._lines = (a, b)
        self._blocks: list[difflib.Match] | None = None

    def get_matching_blocks(self) -> list[difflib.Match]:
        if self._blocks is None:
            self._blocks = _matching_blocks(*self._lines)
        return self._blocks


def _matching_blocks(a: list[str], b: list[str]) -> list[difflib.Match]:
    """difflib's `get_matching_blocks` by patience diff: blocks `(i, j, size)` in order, adjacent
    ones merged, ending with `(len(a), len(b), 0)`. Regions wait on a stack, not in recursion:
    hostile input may nest them thousands deep."""
    matches: list[tuple[int, int, int]] = []
    budget = PASSES * (len(a) + len(b))
    regions = [(0, len(a), 0, len(b))]
    while regions:
        a_start, a_end, b_start, b_end = regions.pop()
        # The lines equal at both ends match as they stand (and cost no budget: each is
        # matched once for good).
        prefix = 0
        while (
            a_start + prefix < a_end
            and b_start + prefix < b_end
            and a[a_start + prefix] == b[b_start + prefix]
        ):
            prefix += 1
        if prefix:
            matches.append((a_start, b_start, prefix))
            a_start, b_start = a_start + prefix, b_start + prefix
        suffix = 0
        while (
            a_start < a_end - suffix
            and b_start < b_end - suffix
            and a[a_end - suffix - 1] == b[b_end - suffix - 1]
        ):
            suffix += 1
        if suffix:
            a_end, b_end = a_end - suffix, b_end - suffix
            matches.append((a_end, b_end, suffix))
        if a_start == a_end or b_start == b_end:
            continue
        budget -= (a_end - a_start) + (b_end - b_start)
        if budget < 0:
            continue  # shown as replaced: a true diff, if not the shortest
        anchors = _unique_anchors(a, a_start, a_end, b, b_start, b_end)
        if anchors:
            previous_i, previous_j = a_start, b_start
            for i, j in anchors:
                matches.append((i, j, 1))
                regions.append((previous_i, i, previous_j, j))
                previous_i, previous_j = i + 1, j + 1
            regions.append((previous_i, a_end, previous_j, b_end))
        elif a_end - a_start <= SMALL_REGION and b_end - b_start <= SMALL_REGION:
            matcher = difflib.SequenceMatcher(
                None, a[a_start:a_end], b[b_start:b_end], autojunk=False
            )
            matches += [
                (a_start + i, b_start + j, size)
                for i, j, size in matcher.get_matching_blocks()
                if size
            ]
    return _merged(sorted(matches), len(a), len(b))


def _unique_anchors(
    a: list[str], a_start: int, a_end: int, b: list[str], b_start: int, b_end: int
) -> list[tuple[int, int]]:
    """The pairs `(i, j)` of lines found once in `a[a_start:a_end]` and once in
    `b[b_start:b_end]`, the most of them that are in the same order on both sides (a longest
    increasing subsequence by patience sorting: O(n log n))."""
    once_in_a = _positions_of_lines_found_once(a, a_start, a_end)
    once_in_b = _positions_of_lines_found_once(b, b_start, b_end)
    pairs = [
        (i, j)
        for line, i in once_in_a.items()  # in order of i: a dict keeps its first insertion
        if i is not None and (j := once_in_b.get(line)) is not None
    ]
    # tops[k] is the smallest j that ends an increasing run of k + 1 pairs so far, ends[k] that
    # pair's index; behind[p] is the pair before pair p in the longest run ending at p.
    tops: list[int] = []
    ends: list[int] = []
    behind: list[int] = []
    for index, (_, j) in enumerate(pairs):
        pile = bisect_left(tops, j)
        if pile == len(tops):
            tops.append(j)
            ends.append(index)
        else:
            tops[pile] = j
            ends[pile] = index
        behind.append(ends[pile - 1] if pile else -1)
    run = []
    index = ends[-1] if ends else -1
    while index >= 0:
        run.append(pairs[index])
        index = behind[index]
    run.reverse()
    return run


def _positions_of_lines_found_once(lines: list[str], start: int, end: int) -> dict[str, int | None]:
    """Each line of `lines[start:end]`: its position if it is there once, else None."""
    positions: dict[str, int | None] = {}
    for position in range(start, end):
        line = lines[position]
        positions[line] = None if line in positions else position
    return positions


def _merged(
    matches: list[tuple[int, int, int]], a_length: int, b_length: int
) -> list[difflib.Match]:
    """Sorted blocks with the adjacent ones joined, as difflib gives them, and its end marker."""
    blocks: list[difflib.Match] = []
    for i, j, size in matches:
        if blocks and blocks[-1].a + blocks[-1].size == i and blocks[-1].b + blocks[-1].size == j:
            last = blocks.pop()
            blocks.append(difflib.Match(last.a, last.b, last.size + size))
        else:
            blocks.append(difflib.Match(i, j, size))
    blocks.append(difflib.Match(a_length, b_length, 0))
    return blocks

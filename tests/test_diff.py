"""The line diff of two revisions: the same hunks as before, in time near-linear in the texts."""

from __future__ import annotations

import difflib
import random
import re
import threading

import pytest

from adrsite.records.diff import (
    ADDED,
    MAX_CHARACTERS,
    MAX_LINES,
    REMOVED,
    SAME,
    DiffLine,
    Hunk,
    hunks_of,
    line_diff,
    too_large_to_diff,
)
from tests.diff_cases import alternating_lines, normal_edit, rewritten_paragraphs

# The slowest worst case takes 150 ms alone and a few times that on a busy CI machine;
# the paths this guards against took 56 s (difflib) to minutes.
HANG_GUARD = 10


def finishes_within(seconds: float, work):
    """`work()`'s result, or a failure once it has run `seconds`: a hang guard, generous
    enough that only a super-linear path can reach it (the figures are in benchmarks/)."""
    results = []
    thread = threading.Thread(target=lambda: results.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"still running after {seconds} s: a super-linear path")
    return results[0]


@pytest.mark.parametrize("case", [alternating_lines, rewritten_paragraphs])
def test_the_worst_cases_issue_9_found_diff_in_linear_time(case):
    old, new = case()
    hunks = finishes_within(HANG_GUARD, lambda: line_diff(old, new))
    assert rebuilt(hunks, old, new) == (old.splitlines(), new.splitlines())
    removed = {line.text for hunk in hunks for line in hunk.lines if line.kind == REMOVED}
    added = {line.text for hunk in hunks for line in hunk.lines if line.kind == ADDED}
    assert removed - {""} == set(old.splitlines()) - set(new.splitlines())
    assert added - {""} == set(new.splitlines()) - set(old.splitlines())


def _lines(lines) -> str:
    return "\n".join(lines) + "\n"


def _each_pass_frees_one_anchor(pairs: int) -> tuple[str, str]:
    """`u1 u0 u2 u1 u3 u2 ...` against `e u0 e u1 e u2 ...`: in what is left after each anchor
    exactly one more line is found once a side, so patience without a budget is quadratic."""
    old = [line for k in range(pairs) for line in (f"u{k + 1}", f"u{k}")]
    new = [line for k in range(pairs) for line in ("e", f"u{k}")]
    return _lines(old), _lines(new)


def _small_repeated_regions(blocks: int) -> tuple[str, str]:
    """Issue 9's renumbered list in blocks of 100 lines, each after a line found once a side:
    every region goes to difflib, on the kind of input it is worst on."""
    old = [line for k in range(blocks) for line in (f"anchor {k}", *["1.", ""] * 50)]
    new = [line for k in range(blocks) for line in (f"anchor {k}", *["1)", ""] * 50)]
    return _lines(old), _lines(new)


ADVERSARIAL = {
    "two lines against three, alternating": (
        _lines(["a", "b"] * 5_000),
        _lines(["a", "b", "c"] * 3_334),
    ),
    "all lines equal": (_lines(["x"] * 10_000), _lines(["x"] * 10_000)),
    "all lines equal, one fewer": (_lines(["x"] * 10_000), _lines(["x"] * 9_999)),
    "old side empty": ("", _lines(map(str, range(10_000)))),
    "new side empty": (_lines(map(str, range(10_000))), ""),
    "no line in common": (
        _lines(f"a{n}" for n in range(10_000)),
        _lines(f"b{n}" for n in range(10_000)),
    ),
    "reversed": (_lines(map(str, range(10_000))), _lines(map(str, reversed(range(10_000))))),
    # 20,000 lines: at 10,000 patience without its budget takes 3 s here, too near the guard.
    "each pass frees one anchor": _each_pass_frees_one_anchor(10_000),
    "small regions of repeated lines": _small_repeated_regions(100),
}


@pytest.mark.parametrize("name", ADVERSARIAL)
def test_adversarial_texts_of_10_000_lines_diff_in_near_linear_time(name):
    old, new = ADVERSARIAL[name]
    hunks = finishes_within(HANG_GUARD, lambda: line_diff(old, new))
    assert rebuilt(hunks, old, new) == (old.splitlines(), new.splitlines())
    if old == new:
        assert hunks == []


def test_a_small_region_with_no_line_found_once_is_matched_finely():
    """No line is found once on each side, so patience has no anchor; the region is small,
    so difflib matches it and the blank lines stay."""
    old, new = "1.\n\n2.\n\n3.\n", "1)\n\n2)\n\n3)\n"
    kept = [line.text for hunk in line_diff(old, new) for line in hunk.lines if line.kind == SAME]
    assert kept == ["", ""]


def test_a_large_region_with_no_line_found_once_shows_as_replaced():
    """Issue 9's renumbered list: past SMALL_REGION no anchor means no matching at all (only
    the blank line both texts end with stays)."""
    old, new = alternating_lines()
    kinds = [line.kind for hunk in line_diff(old, new) for line in hunk.lines]
    assert kinds == [REMOVED] * 1_199 + [ADDED] * 1_199 + [SAME]


def test_a_normal_edit_shows_only_what_changed():
    old, new = normal_edit(size=70_000)
    hunks = line_diff(old, new)
    changed = [line.text for hunk in hunks for line in hunk.lines if line.kind != SAME]
    assert len(hunks) == 2
    assert changed[:2] == ["proposed", "accepted"]
    assert len(changed) == 4


# --- the same hunks as difflib's on ordinary edits ---------------------------------------


def difflib_line_diff(old: str, new: str, *, context: int = 3) -> list[Hunk]:
    """The implementation this module had before patience diff (ADR 23), for comparison:
    difflib's matcher, through the same hunk builder."""
    before, after = old.splitlines(), new.splitlines()
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    return hunks_of(matcher, before, after, context=context)


def edited(rng: random.Random, lines: list[str]) -> list[str]:
    """`lines` with up to three insertions, deletions or replacements of a few lines each,
    the new lines written for the occasion (as an author edits prose)."""
    result = list(lines)
    for edit in range(rng.randint(1, 3)):
        at = rng.randint(0, len(result))
        length = rng.randint(1, 4)
        fresh = [f"new {edit}.{n}" for n in range(length)]
        kind = rng.choice(["insert", "delete", "replace"])
        if kind == "insert":
            result[at:at] = fresh
        elif kind == "delete":
            del result[at : at + length]
        else:
            result[at : at + length] = fresh
    return result


@pytest.mark.parametrize("seed", range(300))
def test_ordinary_edits_give_the_same_hunks_as_difflib(seed):
    rng = random.Random(seed)
    lines = [f"line {n}" for n in range(rng.randint(0, 40))]
    old, new = "\n".join(lines), "\n".join(edited(rng, lines))
    assert line_diff(old, new) == difflib_line_diff(old, new)


@pytest.mark.parametrize("seed", range(300))
def test_edits_of_prose_differ_from_difflibs_only_in_blank_lines(seed):
    """Between paragraphs the blank lines repeat. Patience pairs only the lines found once
    a side (and those at either end of a gap), so it may show a blank line as removed and
    added where difflib kept it, or keep another one; every other line reads the same."""
    rng = random.Random(seed)
    lines = [f"line {n}" if n % 4 else "" for n in range(rng.randint(0, 40))]
    old, new = "\n".join(lines), "\n".join(edited(rng, lines))
    hunks = line_diff(old, new)
    assert rebuilt(hunks, old, new) == (old.splitlines(), new.splitlines())
    assert changed_text(hunks) == changed_text(difflib_line_diff(old, new))


def changed_text(hunks: list[Hunk]) -> list[tuple[str, str]]:
    """What each changed line says, in order, blank lines left out."""
    return [
        (line.kind, line.text)
        for hunk in hunks
        for line in hunk.lines
        if line.kind != SAME and line.text
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", ""),
        ("a\nb\n", "a\nb\n"),
        ("", "a\nb\n"),
        ("a\nb\n", ""),
        ("a\nb\nc\n", "a\nx\nb\nc\n"),
        ("a\nb\nc\n", "a\nc\n"),
        ("a\nb\nc\n", "a\nB\nc\n"),
        ("\n".join(map(str, range(20))), "\n".join(map(str, [0, *range(2, 18), "x", 19]))),
    ],
)
def test_equal_texts_insertions_deletions_and_replacements(old, new):
    assert line_diff(old, new) == difflib_line_diff(old, new)
    assert rebuilt(line_diff(old, new), old, new) == (old.splitlines(), new.splitlines())


def test_a_replacement_reads_like_git():
    assert line_diff("a\nb\nc\n", "a\nB\nc\n") == [
        Hunk(
            "@@ -1,3 +1,3 @@",
            (
                DiffLine(SAME, 1, 1, "a"),
                DiffLine(REMOVED, 2, None, "b"),
                DiffLine(ADDED, None, 2, "B"),
                DiffLine(SAME, 3, 3, "c"),
            ),
        )
    ]
    assert line_diff("a\nb\n", "a\nb\n") == []


@pytest.mark.parametrize("seed", range(200))
def test_any_small_texts_give_hunks_that_rebuild_both_sides(seed):
    """On texts full of repeated lines patience may align otherwise than difflib; its
    hunks must still be a true diff, numbered right, with three lines of context."""
    rng = random.Random(seed)
    old = "\n".join(rng.choice("ab ") for _ in range(rng.randint(0, 30)))
    new = "\n".join(rng.choice("abc ") for _ in range(rng.randint(0, 30)))
    assert rebuilt(line_diff(old, new), old, new) == (old.splitlines(), new.splitlines())


def rebuilt(hunks: list[Hunk], old: str, new: str) -> tuple[list[str], list[str]]:
    """Both texts again from the hunks, the unchanged lines between them taken from `old`;
    checks each hunk's numbering and header on the way."""
    before = old.splitlines()
    old_lines: list[str] = []
    new_lines: list[str] = []
    for hunk in hunks:
        old_numbers = [line.old_number for line in hunk.lines if line.old_number]
        new_numbers = [line.new_number for line in hunk.lines if line.new_number]
        gap = (old_numbers or [len(old_lines) + 1])[0] - 1 - len(old_lines)
        assert gap == (new_numbers or [len(new_lines) + 1])[0] - 1 - len(new_lines)
        unchanged = before[len(old_lines) : len(old_lines) + gap]
        old_lines += unchanged
        new_lines += unchanged
        for line in hunk.lines:
            if line.kind != ADDED:
                assert line.old_number == len(old_lines) + 1
                old_lines.append(line.text)
            if line.kind != REMOVED:
                assert line.new_number == len(new_lines) + 1
                new_lines.append(line.text)
        assert re.fullmatch(r"@@ -\d+,\d+ \+\d+,\d+ @@", hunk.header)
        assert any(line.kind != SAME for line in hunk.lines)
        assert [line.kind for line in hunk.lines[:4]].count(SAME) <= 3
    tail = before[len(old_lines) :]
    return old_lines + tail, new_lines + tail


# --- the size cap -------------------------------------------------------------------------


def test_texts_past_the_cap_on_either_side_are_too_large_to_diff():
    small = "a line\n" * 10
    assert not too_large_to_diff(small, small)
    assert not too_large_to_diff("x\n" * MAX_LINES, "x" * MAX_CHARACTERS)
    assert too_large_to_diff(small, "x\n" * (MAX_LINES + 1))
    assert too_large_to_diff("x\n" * (MAX_LINES + 1), small)
    assert too_large_to_diff("x" * (MAX_CHARACTERS + 1), small)
    assert too_large_to_diff(small, "x" * (MAX_CHARACTERS + 1))

"""The pure part of decisions in review (adrsite/records/reviews.py): how a ref is named,
and the collisions across open work."""

from __future__ import annotations

import pytest

from adrsite.records.reviews import (
    ADDED,
    OpenReview,
    ProposedChange,
    collisions,
    review_label,
)


@pytest.mark.parametrize(
    ("ref", "label"),
    [
        ("refs/pull/412/head", "#412"),
        ("refs/merge-requests/7/head", "!7"),
        ("refs/heads/try-y", "try-y"),
        ("refs/remotes/origin/try-y", "origin/try-y"),
        # a branch named like a pull request must not pass for it
        ("refs/heads/#412", "heads/#412"),
        ("refs/heads/!7", "heads/!7"),
        ("refs/#412", "refs/#412"),
        ("refs/heads/a#412", "a#412"),
    ],
)
def test_a_ref_is_named_as_people_name_it_and_a_branch_never_passes_for_a_request(ref, label):
    assert review_label(ref) == label


def added(path: str, blob: str, number: int = 4) -> ProposedChange:
    return ProposedChange(ADDED, path, "", number, path, None, "proposed", "", blob)


def review(number: int, *changes: ProposedChange) -> OpenReview:
    return OpenReview(f"refs/pull/{number}/head", f"#{number}", changes)


def found(reviews, tracked=None):
    return collisions(reviews, tracked or {}, tracked_label="main", against="origin/main")


def test_a_stacked_pull_request_that_edits_the_base_ones_new_decision_is_no_collision():
    """Same path, other content: git reports the conflict at the merge, if any; it is no
    silent second decision with the number."""
    base = review(412, added("adr/0004-use-kafka.md", "b1"))
    stacked = review(460, added("adr/0004-use-kafka.md", "b2"))
    assert found([base, stacked]) == []
    # nor with the tracked branch, when main took the file meanwhile with other content
    assert found([stacked], {4: [("adr/0004-use-kafka.md", "b1")]}) == []


def test_a_number_many_open_refs_pick_is_one_collision_with_a_line_per_ref():
    """Every open pull request tends to pick the next free number: k refs make one
    collision of k entries, each message naming a few others, not k² pairs."""
    refs = [review(n, added(f"adr/0004-idea-{n}.md", f"b{n}")) for n in range(1, 201)]
    (collision,) = found(refs)
    assert [mine.label for mine in collision.refs] == [f"#{n}" for n in range(1, 201)]
    messages = [collision.message(mine) for mine in collision.refs]
    assert max(len(message) for message in messages) < 400
    assert messages[0] == (
        "#1 adds ADR 4 (adr/0004-idea-1.md), which #2 (adr/0004-idea-2.md), "
        "#3 (adr/0004-idea-3.md), #4 (adr/0004-idea-4.md) and 196 more also add; "
        "renumber it: git fetch origin refs/pull/2/head "
        "&& adr renumber --against FETCH_HEAD adr/0004-idea-1.md"
    )
    assert collision.refs[1].fix.startswith("git fetch origin refs/pull/1/head ")


def test_a_number_main_has_and_open_refs_add_is_one_collision_fixed_against_main():
    refs = [
        review(1, added("adr/0004-a.md", "a")),
        review(2, added("adr/0004-b.md", "b")),
        review(3, added("adr/0004-main.md", "m")),  # main's own file: merged already
    ]
    (collision,) = found(refs, {4: [("adr/0004-main.md", "m")]})
    assert collision.tracked_paths == ("adr/0004-main.md",)
    assert [mine.label for mine in collision.refs] == ["#1", "#2"]
    assert collision.message(collision.refs[0]) == (
        "#1 adds ADR 4 (adr/0004-a.md), which main already has (adr/0004-main.md), and "
        "#2 (adr/0004-b.md) also adds; renumber it: adr renumber --against origin/main "
        "adr/0004-a.md"
    )

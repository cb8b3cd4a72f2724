"""The pure part of decisions in review (adrsite/records/reviews.py): how a ref is named,
and the collisions across open work."""

from __future__ import annotations

import pytest

from adrsite.records.reviews import review_label


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

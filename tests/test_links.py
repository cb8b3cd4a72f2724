"""records/links.py: the one place that says which way a link reads from each side."""

from __future__ import annotations

from adrsite.records.links import LinksAsRead, links_as_read


def test_a_decision_reads_its_own_links_forwards_and_those_pointing_at_it_backwards():
    # B supersedes A and amends C; D depends on B; E relates to B.
    read = links_as_read(
        outgoing=[("supersedes", "A"), ("amends", "C")],
        incoming=[("depends-on", "D"), ("relates-to", "E")],
    )
    assert read == [("supersedes", "A"), ("amends", "C"), ("required-by", "D"), ("relates-to", "E")]


def test_a_kind_of_adr_tools_own_shows_on_its_source_alone():
    read = links_as_read(outgoing=[("Foo bar", "A")], incoming=[("Foo bar", "C")])
    assert read == [("Foo bar", "A")]


def test_supersession_is_read_apart_from_the_other_kinds_in_the_order_given():
    split = LinksAsRead.of(
        [("supersedes", "A"), ("relates-to", "E"), ("superseded-by", "F"), ("amended-by", "G")]
    )
    assert (split.supersedes, split.superseded_by, split.others) == (
        ["A"],
        ["F"],
        [("relates-to", "E"), ("amended-by", "G")],
    )

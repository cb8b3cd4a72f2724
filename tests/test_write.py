"""Writing keeps every file readable: edits round-trip, on clean files and mangled ones."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from adrsite.records.export import decisions_json
from adrsite.records.folder import resolved_links
from adrsite.records.front_matter import _FRONT_MATTER_VALUE
from adrsite.records.lint import check
from adrsite.records.model import ERROR, WARNING
from adrsite.records.parse import parse, parse_status
from adrsite.records.scan import _match_of
from adrsite.records.write import (
    EditError,
    _read_back,
    add_link,
    replace_number_references,
    set_status,
    set_tags,
)

SAMPLES = sorted(Path(__file__).parent.joinpath("samples").rglob("*.md"))
UNREADABLE = {"binary", "not-utf8", "too-large", "empty"}


def edited_status(text: str, status: str = "deprecated") -> str:
    return set_status(text, parse("adr/0001-x.md", text.encode()), status=status, date="2026-01-01")


def test_a_stale_status_line_is_removed_with_its_blank_line():
    text = "# 1. X\n\n## Status\n\nSuperseded by [2. B](0002-b.md)\n\nAccepted\n\n## Context\n"
    assert (
        edited_status(text)
        == "# 1. X\n\nDate: 2026-01-01\n\n## Status\n\nDeprecated\n\n## Context\n"
    )


def test_two_status_lines_become_one_whatever_their_spacing():
    text = "# 1. X\n\n## Status\n\nAccepted\nSuperseded by \n## Consequences\n"
    assert (
        edited_status(text)
        == "# 1. X\n\nDate: 2026-01-01\n\n## Status\n\nDeprecated\n## Consequences\n"
    )


def test_a_status_in_a_code_block_inside_the_status_section_is_not_read():
    text = "# 1. X\n\n## Status\n\nAccepted\n\n```\nRejected\n```\n\n## Context\n"
    assert parse("adr/0001-x.md", text.encode()).status == "accepted"


def test_a_key_without_a_space_after_its_colon_is_not_the_status_key():
    text = "---\nstatus:te: 2024-05-09\n---\n# X\n"
    assert (
        edited_status(text, "accepted")
        == "---\nstatus:te: 2024-05-09\nstatus: accepted\ndate: 2026-01-01\n---\n# X\n"
    )


def test_a_status_is_added_before_the_first_section():
    text = "# 4. X\n\nSome text.\n\n## Context\n\nRejected ideas.\n"
    assert edited_status(text, "accepted") == (
        "# 4. X\n\nDate: 2026-01-01\n\nSome text.\n\n"
        "## Status\n\nAccepted\n\n## Context\n\nRejected ideas.\n"
    )


def test_with_no_section_to_end_it_the_status_goes_under_the_title():
    text = "# 4. X\n\nSome text.\n\n```\n## Not a heading\n"
    assert edited_status(text, "accepted") == (
        "# 4. X\n\nDate: 2026-01-01\n\nStatus: Accepted\n\nSome text.\n\n```\n## Not a heading\n"
    )


def test_a_decorated_changelog_gets_a_new_dated_entry():
    text = "# 5. X\n\n## Status\n\n2020-09-01 proposed\n\n> 2020-09-09 accepted\n\n## Context\n"
    edited = edited_status(text, "deprecated")
    assert "2020-09-01 proposed\n\n> 2020-09-09 accepted\n\n> 2026-01-01 deprecated\n" in edited
    assert parse("adr/0005-x.md", edited.encode()).status == "deprecated"


def test_aligned_front_matter_keeps_its_spacing_and_comments():
    text = "---\nstatus:   proposed  # ask the DBA\ndate:     2024-01-01\n---\n# X\n"
    assert edited_status(text, "accepted") == (
        "---\nstatus:   accepted  # ask the DBA\ndate:     2026-01-01\n---\n# X\n"
    )


TOKENS = [
    b"---\n", b"## Status\n", b"* Status: ", b"[", b"]", b"(", b")", b"\n", b"**", b"`",
    b"\xff", b"&a ", b"*a", b": ", b"- ", b"ADR 3", b"supersedes: ", b"# ", b"\r\n", b"{",
    b"!!", b"0003-x.md", b"~~", b"<!--", b"\t", b"Superseded by ", b"2020-13-45", b"'", b'"',
]  # fmt: skip


def mangled(seed: int) -> bytes:
    rng = random.Random(seed)
    data = bytearray(SAMPLES[seed % len(SAMPLES)].read_bytes())
    for _ in range(rng.randint(1, 6)):
        at = rng.randint(0, len(data))
        if (roll := rng.random()) < 0.5:
            data[at:at] = rng.choice(TOKENS)
        elif roll < 0.8:
            del data[at : at + rng.randint(1, 20)]
        else:
            data[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 5)))
    return bytes(data)


@pytest.mark.parametrize("batch", range(10))
def test_mangled_files_never_crash_the_core_and_status_edits_round_trip(batch):
    neighbour = parse("adr/0003-x.md", SAMPLES[0].read_bytes())
    seeds = range(batch * 150, (batch + 1) * 150)
    lost: dict[str, set[int | str]] = {"tags": set(), "link": set(), "refused": set()}
    for seed in seeds:
        record = parse(f"adr/{seed % 20 + 1:04d}-x.md", mangled(seed))
        assert parse_status(record.path, mangled(seed)) == record.status, seed  # the indexer's
        problems = check([neighbour, record])
        assert set(record.problems) <= set(problems), seed  # the folder's add to the file's
        assert problems == sorted(problems, key=lambda p: (p.path, p.line, p.code)), seed
        assert {p.path for p in problems} <= {neighbour.path, record.path}, seed
        assert all(p.severity in (ERROR, WARNING) and p.line >= 1 for p in problems), seed
        (exported,) = decisions_json([record], [neighbour, record])
        assert (exported["path"], exported["number"], exported["title"]) == (
            record.path, record.number, record.title,
        ), seed  # fmt: skip
        assert (exported["status"], exported["tags"]) == (record.status or None, [*record.tags])
        assert exported["problems"] == [str(p) for p in record.problems], seed
        if any(p.code in UNREADABLE or p.code.startswith("front-matter") for p in record.problems):
            continue  # the CLI refuses to edit these
        text = mangled(seed).decode("utf-8-sig").replace("\r\n", "\n")
        edited = set_status(text, record, status="accepted", date="2026-01-01")
        again = parse(record.path, edited.encode())
        assert again.status == "accepted", (seed, edited)
        try:
            linked = parse(
                record.path, add_link(edited, again, kind="amends", target=neighbour).encode()
            )
        except EditError as error:  # a refusal says where, but none is expected here
            lost["refused"].add(f"{seed}: {error}")
        else:
            declared = {
                (link.source, link.kind, link.target)
                for link in resolved_links([neighbour, linked])
            }
            if linked.status != "accepted" or (
                record.path != neighbour.path
                and (record.path, "amends", neighbour.path) not in declared
            ):
                lost["link"].add(seed)
        try:
            tagged = parse(record.path, set_tags(edited, again, ("a",)).encode())
        except EditError as error:
            lost["refused"].add(f"{seed}: {error}")
        else:
            if (tagged.tags, tagged.status) != (("a",), "accepted"):
                lost["tags"].add(seed)
    assert lost == {"tags": set(), "link": set(), "refused": set()}


def test_number_references_are_renumbered_in_every_form_and_keep_their_padding():
    text = (
        "---\nsupersedes: [3, 13, 0003]\n---\n# X\n\n## Status\n\nAccepted\n\n"
        "Amends ADR-0003 and ADR 3\n\nBody text about 3 things.\n"
    )
    renumbered = replace_number_references(text, parse("adr/0009-x.md", text.encode()), 3, 17)
    assert renumbered == (
        "---\nsupersedes: [17, 13, 0017]\n---\n# X\n\n## Status\n\nAccepted\n\n"
        "Amends ADR-0017 and ADR 17\n\nBody text about 3 things.\n"
    )


USE_Y = parse("adr/0002-use-y.md", b"---\nstatus: accepted\n---\n# Use Y\n")
AMENDS_Y = {
    "madr": "---\nstatus: accepted\n---\n# Use X\n",
    "madr2": "# Use X\n\n* Status: accepted\n\n## Context\n\nWhy.\n",
    "adr-tools": "# 1. Use X\n\n## Status\n\nAccepted\n\n## Context\n\nWhy.\n",
}


@pytest.mark.parametrize("style", AMENDS_Y)
def test_a_link_written_once_is_not_written_again(style):
    text = AMENDS_Y[style]
    once = add_link(text, parse("adr/0001-use-x.md", text.encode()), kind="amends", target=USE_Y)
    record = parse("adr/0001-use-x.md", once.encode())
    assert (record.style, [(link.kind, link.target) for link in record.links]) == (
        style,
        [("amends", "2" if style == "madr" else "0002-use-y.md")],
    )
    assert add_link(once, record, kind="amends", target=USE_Y) == once


@pytest.mark.parametrize(
    "text",
    [
        "---\nstatus: accepted\namends: [5, 2]\n---\n# Use X\n",
        '---\nstatus: accepted\namends: ["2"]\n---\n# Use X\n',
        "---\nstatus: accepted\namends: 2\n---\n# Use X\n",
        "---\nstatus: accepted\namends: '2'\n---\n# Use X\n",
        "---\nstatus: accepted\namends:\n  - 5\n  - 2\n---\n# Use X\n",
        "# Use X\n\n* Status: accepted\n\n## Links\n\n* Amends [ADR-0002](0002-use-y.md)\n",
        "# 1. Use X\n\n## Status\n\nAccepted\n\nAmends [2. Use Y](0002-use-y.md)\n\n## Context\n",
    ],
    ids=["list", "quoted-in-list", "scalar", "quoted-scalar", "block-list", "madr2", "adr-tools"],
)
def test_a_link_declared_by_hand_is_not_written_again(text):
    record = parse("adr/0001-use-x.md", text.encode())
    assert [link.kind for link in record.links][-1] == "amends"  # read as the link it is
    assert add_link(text, record, kind="amends", target=USE_Y) == text


@pytest.mark.parametrize("odd", ["\r", "\u2028", "\x0b", "\x1c", "\x85", "\t# c\r"])
def test_a_front_matter_key_line_ending_in_odd_whitespace_is_still_rewritten(odd: str):
    text = f"---\nstatus: proposed{odd}\ntags: [a]{odd}\n---\n# Use X\n\nBody\n"
    record = parse("adr/0001-use-x.md", text.encode())
    edited = set_tags(
        set_status(text, record, status="accepted", date="2026-01-01"), record, ("b",)
    )
    assert parse("adr/0001-use-x.md", edited.encode()).status == "accepted"
    assert parse("adr/0001-use-x.md", edited.encode()).tags == ("b",)


def test_a_line_that_misses_the_pattern_it_was_found_by_is_a_clear_error_not_a_none():
    with pytest.raises(ValueError, match=r"'# Use X': expected to match"):
        _match_of(_FRONT_MATTER_VALUE, "# Use X")
    assert _match_of(_FRONT_MATTER_VALUE, "status: x # y")["comment"] == " # y"


# Each cause of a lost edit the mangled files showed, in a minimal file.


def test_a_flow_list_a_line_break_splits_is_rewritten_whole():
    text = "---\nstatus: accepted\ntags: [sessions, infr\n  astructure]  # why\n---\n# Use X\n"
    edited = set_tags(text, parse("adr/0001-use-x.md", text.encode()), ("a", "b"))
    assert edited == "---\nstatus: accepted\ntags: [a, b]  # why\n---\n# Use X\n"


def test_a_block_list_or_text_block_below_its_key_is_replaced_with_its_comments_after_it_kept():
    text = (
        "---\nstatus: >\n  proposed\ntags:\n  - x\n  - y\n# the team's\n\ndate: 2020-01-01\n"
        "---\n# Use X\n"
    )
    record = parse("adr/0001-use-x.md", text.encode())
    edited = set_tags(
        set_status(text, record, status="accepted", date="2026-01-01"), record, ("a",)
    )
    assert edited == (
        "---\nstatus: accepted\ntags: [a]\n# the team's\n\ndate: 2026-01-01\n---\n# Use X\n"
    )


@pytest.mark.parametrize("dashes", ["-----", "---  "])
def test_front_matter_closed_by_any_line_of_dashes_is_edited_in_place(dashes):
    text = f"---\nstatus: proposed\ntags: [a]\n{dashes}\n# Use X\n"
    assert edited_status(text, "accepted") == (
        f"---\nstatus: accepted\ndate: 2026-01-01\ntags: [a]\n{dashes}\n# Use X\n"
    )


def test_the_lines_of_a_value_rewritten_whole_no_longer_count_as_front_matter():
    text = "---\nstatus: >\n  pro\n  posed\n---\nDate: today\n\n# Use X\n"
    edited = edited_status(text, "accepted")
    assert edited == "---\nstatus: accepted\ndate: 2026-01-01\n---\nDate: today\n\n# Use X\n"


@pytest.mark.parametrize(
    ("written", "appended"),
    [
        ('amends: ["0009-cach\ne-everything.md"]', 'amends: ["0009-cach e-everything.md", 2]'),
        ("amends:\n  [5]  # why", "amends: [5, 2]  # why"),
        ("amends: [5,\n  7]\n# more", "amends: [5, 7, 2]\n# more"),
    ],
    ids=["split-string", "below-its-key", "split-list"],
)
def test_a_link_is_appended_to_a_flow_list_whatever_lines_it_spans(written, appended):
    text = f"---\nstatus: accepted\n{written}\n---\n# Use X\n"
    edited = add_link(text, parse("adr/0001-use-x.md", text.encode()), kind="amends", target=USE_Y)
    assert edited == f"---\nstatus: accepted\n{appended}\n---\n# Use X\n"


def test_a_link_goes_above_a_code_block_left_open_at_the_end_of_the_status_section():
    text = "# 1. Use X\n\n## Status\n\nAccepted\n\n```\n## Status\n\nRejected\n"
    edited = add_link(text, parse("adr/0001-use-x.md", text.encode()), kind="amends", target=USE_Y)
    assert edited == (
        "# 1. Use X\n\n## Status\n\nAccepted\n\nAmends [2. Use Y](0002-use-y.md)\n\n"
        "```\n## Status\n\nRejected\n"
    )


def test_a_new_links_section_goes_above_a_code_block_left_open():
    text = "# Use X\n\n* Status: accepted\n\nText.\n\n```markdown\n## Links\n"
    edited = add_link(text, parse("adr/0001-use-x.md", text.encode()), kind="amends", target=USE_Y)
    assert edited == (
        "# Use X\n\n* Status: accepted\n\nText.\n\n## Links\n\n* Amends [ADR-0002](0002-use-y.md)"
        "\n\n```markdown\n## Links\n"
    )


def test_a_link_in_a_closed_code_block_at_the_end_of_a_section_is_not_taken_as_written():
    text = "# 1. Use X\n\n## Status\n\nAccepted\n\n```\nAmends [2. Use Y](0002-use-y.md)\n```\n"
    edited = add_link(text, parse("adr/0001-use-x.md", text.encode()), kind="amends", target=USE_Y)
    assert edited == text + "\nAmends [2. Use Y](0002-use-y.md)\n"


@pytest.mark.parametrize(
    ("text", "edit", "refusal"),
    [
        (
            "```\n# Use X\n\n## Status\n\nAccepted\n",
            lambda t, r: set_status(t, r, status="rejected", date="2026-01-01"),
            "adr/0001-use-x.md:2: cannot set the status to rejected: the edit would not be read "
            "back (it would be in a code block: is a ``` left open above?)",
        ),
        (
            "---\nstatus: accepted\ntags: [x]\n---\n# Use X\n",
            lambda t, r: set_tags(t, r, ("db: pg",)),  # YAML reads a mapping, not a tag
            "adr/0001-use-x.md:3: cannot set the tags to db: pg: the edit would not be read back",
        ),
        (
            "# Use X\n\n* Status: accepted\n* Tags: x\n",
            lambda t, r: set_tags(t, r, ("rock and roll",)),  # read back as two tags
            "adr/0001-use-x.md:4: cannot set the tags to rock and roll: "
            "the edit would not be read back",
        ),
    ],
    ids=["in-a-code-block", "yaml-mapping", "split-by-and"],
)
def test_an_edit_the_reader_would_not_find_is_refused_with_its_file_and_line(text, edit, refusal):
    with pytest.raises(EditError) as refused:
        edit(text, parse("adr/0001-use-x.md", text.encode()))
    assert str(refused.value) == refusal


def test_an_edit_that_would_change_another_value_is_refused():
    text = "---\nstatus: accepted\ntags: [x]\n---\n# Use X\n"
    tag = "a]\nstatus: rejected\nz: [b"  # read back as the tag "a", and a second status
    with pytest.raises(EditError, match=r"(?s)^adr/0001-use-x.md:3: .*: its status would change$"):
        set_tags(text, parse("adr/0001-use-x.md", text.encode()), (tag,))


def test_an_edit_read_back_is_still_refused_when_it_changes_another_value():
    text = "---\nstatus: accepted\ntags: [x]\n---\n# Use X\n"
    edited = "---\nstatus: rejected\ntags: [y]\n---\n# Use X\n"
    record = parse("adr/0001-use-x.md", text.encode())
    with pytest.raises(EditError, match=r"^adr/0001-use-x.md:2: cannot tag: its status would"):
        _read_back(text, edited, record, "tag", changed={"tags"}, found=lambda _: True)
    assert _read_back(text, edited, record, "tag", changed={"tags", "status"}, found=bool) == edited


def test_an_adr_tools_date_is_the_decisions_and_a_status_change_keeps_it():
    text = "# 1. X\n\nDate: 1992-01-12\n\n## Status\n\nAccepted\n\n## Context\n"
    assert edited_status(text) == text.replace("Accepted", "Deprecated")


def test_a_madr_date_is_last_updated_and_a_status_change_moves_it():
    front = "---\nstatus: accepted\ndate: 1992-01-12\n---\n# X\n"
    assert edited_status(front) == "---\nstatus: deprecated\ndate: 2026-01-01\n---\n# X\n"
    bullets = "# X\n\n* Status: accepted\n* Date: 1992-01-12\n\n## Context\n"
    assert (
        edited_status(bullets) == "# X\n\n* Status: deprecated\n* Date: 2026-01-01\n\n## Context\n"
    )

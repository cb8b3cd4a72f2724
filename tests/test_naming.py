"""A folder's own file-naming convention and the names that break it (pure core)."""

from __future__ import annotations

import time

import pytest

from adrsite.records.naming import (
    OURS,
    classify,
    folder_naming,
    new_decision_name,
    renumbered_name,
    slugify,
)


@pytest.mark.parametrize(
    ("name", "pattern"),
    [
        ("0001-use-x.md", "NNNN-slug.md"),
        ("001-use-x.md", "NNN-slug.md"),
        ("7-use-x.md", "N-slug.md"),
        ("adr-001-use-x.md", "adr-NNN-slug.md"),
        ("ADR045-remove-forms-api.md", "ADRNNN-slug.md"),
        ("ADR-0001-Use-Forms-API.md", "ADR-NNNN-Slug-Words.md"),
        ("0001_use_x.md", "NNNN_slug_words.md"),
        ("0001-Use-postgresql.markdown", "NNNN-Slug.markdown"),
        ("2020-09-26-use-x.md", "YYYY-MM-DD-slug.md"),
        ("20200926-use-x.md", "YYYYMMDD-slug.md"),
        ("20201399-use-x.md", "slug.md"),  # not a date, and too long for a number
        ("use-x.md", "slug.md"),
        ("0001.md", "NNNN.md"),
    ],
)
def test_a_file_name_is_classified_into_the_convention_it_follows(name, pattern):
    assert classify(name).pattern == pattern
    assert not classify(name).differences(name)


@pytest.mark.parametrize(
    "names",
    [
        [f"{n:03d}-decision-{n}.md" for n in range(1, 151)],  # 100 and up still fit NNN
        [f"{n}-decision-{n}.md" for n in range(1, 26)],  # not padded: 1 to 25
        [f"{n:02d}-decision-{n}.md" for n in range(1, 31)],  # 01 to 30
        [f"adr-{n:03d}-decision-{n}.md" for n in range(1, 9)],
        [f"ADR{n:03d}-Decision-{n}.md" for n in range(1, 9)],
        [f"2020-09-{n:02d}-decision-{n}.md" for n in range(1, 9)],
        [f"202009{n:02d}-decision-{n}.md" for n in range(1, 9)],
        ["use-x.md", "use-y.md"],
        ["0001-use-x.md", "0002-use-oauth.md", "0003-redis.md", "0004-use-2-queues.md"],
    ],
)
def test_a_folder_that_keeps_to_one_convention_has_no_outliers(names):
    naming = folder_naming(names)

    assert naming.own
    assert naming.following == naming.total == len(names)
    assert [name for name in names if naming.convention.differences(name)] == []


def test_the_convention_most_files_follow_is_the_folders_and_each_outlier_is_told_why():
    names = [f"adr-{n:03d}-decision-{n}.md" for n in range(1, 12)] + [
        "ADR-012-Use-X.md",
        "adr-13-use-y.md",
        "adr-014_use_z.md",
        "2020-01-02-use-w.md",
        "adr-015-use-v.markdown",
    ]

    naming = folder_naming(names)

    assert naming.convention.pattern == "adr-NNN-slug.md"
    assert (naming.own, naming.following, naming.total) == (True, 11, 16)
    assert {name: naming.convention.differences(name) for name in names[11:]} == {
        "ADR-012-Use-X.md": [
            "the prefix 'ADR-' (expected 'adr-')",
            "words in title case (expected lowercase)",
        ],
        "adr-13-use-y.md": ["a 2-digit number (expected 3 digits)"],
        "adr-014_use_z.md": [
            "an underscore after the number (expected a hyphen)",
            "words joined by underscores (expected hyphens)",
        ],
        "2020-01-02-use-w.md": ["a date (expected a number)"],
        "adr-015-use-v.markdown": ["the extension '.markdown' (expected '.md')"],
    }


def test_a_folder_without_a_majority_or_without_files_follows_ours():
    assert folder_naming([]).convention == OURS
    mixed = ["0001-use-x.md", "002-use-y.md", "adr-3-use-z.md", "use-w.md"]

    naming = folder_naming(mixed)

    assert naming.convention == OURS
    assert (naming.own, naming.following, naming.total) == (False, 1, 4)
    assert OURS.differences("002-use-y.md") == ["a 3-digit number (expected 4 digits)"]
    assert OURS.differences("use-w.md") == ["no number"]


def test_half_is_not_a_majority():
    naming = folder_naming(["001-use-x.md", "002-use-y.md", "0003-use-z.md", "0004-use-w.md"])

    assert naming.convention == OURS
    assert (naming.own, naming.following) == (False, 2)


def test_widths_fit_one_way_only():
    three = classify("001-use-x.md")
    assert three.differences("999-use-x.md") == []
    assert three.differences("1000-use-x.md") == []  # past 999 the padding runs out
    assert three.differences("01-use-x.md") == ["a 2-digit number (expected 3 digits)"]
    assert three.differences("0100-use-x.md") == ["a 4-digit number (expected 3 digits)"]
    unpadded = classify("7-use-x.md")
    assert unpadded.differences("12-use-x.md") == []
    assert unpadded.differences("07-use-x.md") == ["a 2-digit number (expected no zero-padding)"]


def test_capitalised_words_fit_title_and_sentence_case_but_lowercase_does_not():
    title = folder_naming(["0001-Use-Forms-API.md", "0002-Remove-Forms-API.md", "0003-Use-X.md"])
    assert title.convention.pattern == "NNNN-Slug-Words.md"
    assert title.convention.differences("0004-Use-the-API.md") == []
    assert title.convention.differences("0005-API.md") == []
    assert title.convention.differences("0006-use-x.md") == [
        "words in lowercase (expected title case)"
    ]
    lower = classify("0001-use-x.md")
    assert lower.differences("0002-use-OAuth.md") == ["words in mixed case (expected lowercase)"]
    assert lower.differences("0003-2fa.md") == []


@pytest.mark.parametrize(
    ("folder", "number", "expected"),
    [
        ("0001-use-x.md", 12, "0012-use-the-forms-api.md"),
        ("ADR045-remove-forms-api.md", 46, "ADR046-use-the-forms-api.md"),
        ("ADR-0001-Use-Forms-API.md", 2, "ADR-0002-Use-The-Forms-Api.md"),
        ("ADR-0001-Use-forms.md", 2, "ADR-0002-Use-the-forms-api.md"),
        ("adr_001_use_x.md", 1000, "adr_1000_use_the_forms_api.md"),
        ("7 Use X.md", 8, "8 Use The Forms Api.md"),
        ("2020-09-26-use-x.md", None, "2026-11-21-use-the-forms-api.md"),
        ("20200926-use-x.md", None, "20261121-use-the-forms-api.md"),
        ("use-x.markdown", None, "use-the-forms-api.markdown"),
    ],
)
def test_a_new_file_name_follows_the_convention(folder, number, expected):
    convention = classify(folder)

    name = convention.file_name(slug="use-the-forms-api", number=number, date="2026-11-21")

    assert name == expected
    assert convention.differences(name) == []


def test_any_name_is_classified_quickly_without_an_error():
    hostile = [
        "0001" + "-" * 100_000 + "\n.md",
        "adr-" + "1" * 100_000 + ".md",
        "2020-01-01" + "_ ." * 50_000 + "x.md",
        "".join(chr(code) for code in range(1, 0x250)) + ".md",
        "\udcff\x00.md",
        ".md",
        "",
    ]
    started = time.perf_counter()

    naming = folder_naming(hostile * 20)

    assert time.perf_counter() - started < 2
    assert naming.total == len(hostile) * 20


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Use PostgreSQL", "use-postgresql"),
        ("Ünïcode — café & crème!", "unicode-cafe-creme"),
        ("  ", "decision"),
        ("日本語", "decision"),
        ("word " * 40, "-".join(["word"] * 12)),
        ("a" * 80, "a" * 80),  # one long word is kept whole: a slug is never empty
    ],
)
def test_a_title_becomes_ascii_lowercase_hyphenated_words_of_about_sixty_characters(title, slug):
    assert slugify(title) == slug


@pytest.mark.parametrize(
    ("name", "number", "renamed"),
    [
        ("0012-use-x.md", 13, "0013-use-x.md"),
        ("012-use-x.md", 1000, "1000-use-x.md"),
        ("adr-012-use-x.md", 13, "adr-013-use-x.md"),
        ("ADR012_use-x.md", 13, "ADR013_use-x.md"),
        ("12-use-x.md", 130, "130-use-x.md"),
        ("12use-x.md", 13, "13-use-x.md"),
        ("use-x.md", 13, "0013-use-x.md"),
    ],
)
def test_a_renumbered_name_keeps_its_prefix_padding_and_separator(name, number, renamed):
    assert renumbered_name(name, number, "use-x") == renamed


def test_a_new_decision_takes_the_next_number_in_the_folders_convention():
    names = ["adr-001-a.md", "adr-002-b.md", "adr-007-c.md"]
    assert new_decision_name(names, [1, 2, 7], title="Use X", date="2026-11-21") == (
        "adr-008-use-x.md",
        8,
    )
    assert new_decision_name([], [], title="Use X", date="2026-11-21") == ("0001-use-x.md", 1)


def test_a_date_named_folder_numbers_a_new_decision_only_when_its_titles_carry_numbers():
    names = ["2020-09-26-a.md", "2020-10-01-b.md"]
    assert new_decision_name(names, [], title="Use X", date="2026-11-21") == (
        "2026-11-21-use-x.md",
        None,
    )
    assert new_decision_name(names, [4], title="Use X", date="2026-11-21")[1] == 5

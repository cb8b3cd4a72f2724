"""Finding the ADR folder, telling decisions from templates, resolving links (pure core)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adrsite.records.folder import (
    FolderError,
    Resolver,
    find_folder,
    glob_match,
    is_decision_file,
    is_decision_path,
    read_folder,
)
from adrsite.records.parse import parse


def make_repository(root: Path, *folders: str) -> Path:
    (root / ".git").mkdir(parents=True)
    for folder in folders:
        (root / folder).mkdir(parents=True)
    return root


@pytest.mark.parametrize(
    "name",
    [
        "README.md",
        "readme.md",
        "index.md",
        "template.md",
        "adr-template.md",
        "000-template.md",
        "0000-template.md",
        "template-short.md",
        "ADRXXX-title-of-decision.md",
        "NNNN-XXX.md",
        "_draft.md",
        ".hidden.md",
        "notes.txt",
        "diagram.png",
    ],
)
def test_readmes_templates_hidden_and_non_markdown_files_are_not_decisions(name):
    assert not is_decision_file(name)


@pytest.mark.parametrize(
    "name",
    [
        "0001-record-decisions.md",
        "001-x.md",
        "adr-001-x.md",
        "ADR001-x.md",
        "20200926-x.md",
        "0005-use-a-template-engine.md",
        "0007-support-xxxl-sizes.md",
        "use-postgresql.md",
        "0002-x.markdown",
    ],
)
def test_numbered_dated_and_plain_markdown_files_are_decisions(name):
    assert is_decision_file(name)


def test_decisions_in_sub_folders_are_read_and_templates_folders_skipped(tmp_path):
    root = make_repository(tmp_path, "docs/adr/backend", "docs/adr/templates", "docs/adr/_drafts")
    adr = root / "docs" / "adr"
    (adr / "0001-a.md").write_text("---\nstatus: accepted\n---\n# A\n")
    (adr / "backend" / "0002-b.md").write_text("# 2. B\n\n## Status\n\nProposed\n")
    (adr / "templates" / "0000-x.md").write_text("# Not a decision\n")
    (adr / "_drafts" / "0003-c.md").write_text("# Not yet\n")
    (adr / "README.md").write_text("# Index\n")

    records = read_folder(find_folder(root))

    assert [(r.path, r.number, r.title, r.status) for r in records] == [
        ("docs/adr/0001-a.md", 1, "A", "accepted"),
        ("docs/adr/backend/0002-b.md", 2, "B", "proposed"),
    ]


def test_the_folder_is_found_from_a_sub_folder_of_the_repository(tmp_path):
    root = make_repository(tmp_path, "docs/decisions", "src/app/models")

    folder = find_folder(root / "src" / "app" / "models")

    assert (folder.root, folder.relative) == (root, "docs/decisions")


def test_adr_dir_names_the_folder_as_adr_tools_does(tmp_path):
    root = make_repository(tmp_path, "adr", "architecture/records", "src")
    (root / ".adr-dir").write_text("architecture/records\n")

    assert find_folder(root / "src").relative == "architecture/records"


def test_the_usual_folders_are_tried_in_order(tmp_path):
    root = make_repository(tmp_path, "docs/adr", "doc/adr")
    assert find_folder(root).relative == "doc/adr"


def test_commands_run_inside_the_adr_folder_find_it(tmp_path):
    root = make_repository(tmp_path, "adr")
    assert find_folder(root / "adr").path == root / "adr"


def test_dir_overrides_the_search(tmp_path):
    root = make_repository(tmp_path, "adr", "elsewhere")
    assert find_folder(root, "elsewhere").relative == "elsewhere"


def test_the_search_stops_at_the_repository_root(tmp_path):
    make_repository(tmp_path, "adr")
    inner = make_repository(tmp_path / "vendor" / "lib")
    with pytest.raises(FolderError, match="no ADR folder found in"):
        find_folder(inner)


def records(*files: tuple[str, str]):
    return [parse(path, text.encode()) for path, text in files]


def test_links_resolve_by_relative_path_file_name_and_number():
    a, b, c = records(
        ("adr/0001-a.md", "# A\n"),
        ("adr/backend/0002-b.md", "# B\n"),
        ("adr/20200101-c.md", "# C\n"),
    )
    resolver = Resolver([a, b, c])

    assert resolver.resolve("backend/0002-b.md", a) is b
    assert resolver.resolve("./backend/0002-b.md", a) is b
    assert resolver.resolve("../0001-a.md", b) is a
    assert resolver.resolve("0002-b.md", a) is b  # by file name, wherever it lives
    assert resolver.resolve("2", a) is b
    assert resolver.resolve("ADR-0002", a) is b
    assert resolver.resolve("adr 2", a) is b
    assert resolver.resolve("20200101-c.md", a) is c
    assert resolver.resolve("0002-b.md#decision-outcome", a) is b


def test_a_renamed_target_still_resolves_by_its_number():
    a, b = records(("adr/0001-a.md", "# A\n"), ("adr/0002-new-name.md", "# B\n"))
    assert Resolver([a, b]).resolve("0002-old-name.md", a) is b


def test_a_link_path_is_broken_when_it_leads_to_no_decision_as_written():
    a, b, c = records(
        ("adr/0001-a.md", "# A\n"),
        ("adr/backend/0002-use-b.md", "# B\n"),
        ("adr/0003-use c.md", "# C\n"),
    )
    resolver = Resolver([a, b, c])

    for fine in (
        "backend/0002-use-b.md",
        "./backend/0002-use-b.md#outcome",
        "/adr/backend/0002-use-b.md",  # from the repository root, as GitHub reads it
        "0002-use-b.md",  # a bare file name names the file wherever it lives
        "0003-use%20c.md",  # percent-escaped, as Markdown links write spaces
        "2",
        "ADR-2",
        "https://example.com/adr/0009-x.md",
    ):
        assert not resolver.is_broken_path(fine, a), fine
    for broken in (
        "0002-use-old-name.md",  # renamed since: still read as 2
        "../adr/backend/0002-use-old-name.md",
        "../0002-use-b.md",  # the right name at the wrong place
        "0002-Use-B.md",  # another case: works on a Mac, not on GitHub
        "/docs/0002-use-b.md",
    ):
        assert resolver.is_broken_path(broken, a), broken
        assert resolver.resolve(broken, a) is b, broken


def test_a_shared_number_is_ambiguous_and_a_url_is_never_local():
    a, b1, b2 = records(
        ("adr/0001-a.md", "# A\n"), ("adr/0002-x.md", "# X\n"), ("adr/0002-y.md", "# Y\n")
    )
    resolver = Resolver([a, b1, b2])

    assert resolver.candidates("2", a) == [b1, b2]
    assert resolver.resolve("2", a) is None
    assert resolver.candidates("https://example.com/other/adr/0001-a.md", a) == []
    assert resolver.candidates("9", a) == []


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("legacy/**", "legacy/api/views.py", True),
        ("legacy/**", "legacy", False),
        ("legacy", "legacy/api/views.py", True),
        ("legacy/", "legacy/api/views.py", True),
        ("legacy", "legacy-tools/x.py", False),
        ("app/*.py", "app/models.py", True),
        ("app/*.py", "app/sub/models.py", False),
        ("**/models.py", "models.py", True),
        ("**/models.py", "app/sub/models.py", True),
        ("app/**/test_*.py", "app/test_x.py", True),
        ("app/**/test_*.py", "app/a/b/test_x.py", True),
        ("settings.py", "adrsite/settings.py", False),
        ("adrsite/setting?.py", "adrsite/settings.py", True),
        ("./adrsite/**", "adrsite/cli.py", True),
        ("./.github/**", ".github/workflows/ci.yml", True),
        (".github/**", ".github/workflows/ci.yml", True),
        ("docs/[ab].md", "docs/a.md", False),  # brackets are literal, as they are in file names
    ],
)
def test_affects_globs_match_like_gitignore_paths(pattern, path, matches):
    assert glob_match(pattern, path) is matches


def test_a_decision_path_is_one_inside_the_folder_with_a_decisions_name():
    assert is_decision_path("doc/adr/0001-use-x.md", "doc/adr")
    assert is_decision_path("doc/adr/team/0001-use-x.md", "doc/adr")
    assert not is_decision_path("doc/adrs/0001-use-x.md", "doc/adr")  # a sibling, not inside
    assert not is_decision_path("src/0001-use-x.md", "doc/adr")
    assert not is_decision_path("doc/adr/README.md", "doc/adr")
    assert not is_decision_path("doc/adr/templates/0001-use-x.md", "doc/adr")  # skipped
    assert is_decision_path("0001-use-x.md", "")
    assert is_decision_path("0001-use-x.md", ".")

"""`adr check` as a user runs it: the real `adr` script, in a real git repository."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import git_env

ADR = str(Path(sys.executable).parent / "adr")
FIXED_TIME = "2026-11-21T12:00:00+00:00"


def run_adr(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `adr ARGS` in `cwd`; a user never sees a traceback, whatever the input."""
    result = subprocess.run(
        [ADR, *args],
        cwd=cwd,
        env=git_env(ADR_DATE="2026-11-21"),
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in result.stderr
    return result


def git(repo: Path, *args: str) -> str:
    env = git_env(GIT_AUTHOR_DATE=FIXED_TIME, GIT_COMMITTER_DATE=FIXED_TIME)
    result = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def write(repo: Path, name: str, content: str | bytes) -> Path:
    """Write a file into the repository's adr/ folder."""
    path = repo / "adr" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def decision(title: str, status: str = "accepted", *front_matter: str) -> str:
    """A MADR decision: status on line 2, date on line 3, then `front_matter` lines."""
    lines = ["---", f"status: {status}", "date: 2026-01-02", *front_matter, "---"]
    return "\n".join([*lines, f"# {title}", "", "## Context", "", "Some context.", ""])


def new_project(root: Path) -> Path:
    """An empty git repository at `root` on branch main with an empty adr/ folder."""
    (root / "adr").mkdir(parents=True)
    git(root, "init", "--quiet", "--initial-branch=main")
    git(root, "config", "user.name", "Ada Lovelace")
    git(root, "config", "user.email", "ada@example.com")
    return root


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """An empty git repository on branch main with an empty adr/ folder."""
    return new_project(tmp_path / "project")


def commit_all(repo: Path, message: str) -> None:
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "--message", message)


# --- files that cannot be read ------------------------------------------------


def test_front_matter_that_is_not_valid_yaml_is_an_error_at_the_faulty_line(repo):
    write(repo, "0001-use-x.md", decision("Use X"))
    write(repo, "0002-x.md", "---\nstatus: accepted\ntitle: a: b\n---\n# Use Y\n")

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/0002-x.md:3: error: front matter is not valid YAML: "
        "mapping values are not allowed in this context\n"
        "2 decisions: 1 error, 0 warnings\n"
    )
    assert result.returncode == 1


def test_an_unclosed_bracket_in_front_matter_is_reported_where_it_opens(repo):
    write(repo, "0002-x.md", "---\nstatus: [accepted\ndate: 2026-01-02\n---\n# Use Y\n")

    result = run_adr(repo, "check", "--format", "json")

    problems = json.loads(result.stdout)["problems"]
    yaml_lines = [p["line"] for p in problems if p["code"] == "front-matter-yaml"]
    assert yaml_lines == [2]
    assert result.returncode == 1


def test_front_matter_that_is_a_list_is_an_error_on_its_first_line(repo):
    write(repo, "0002-x.md", "---\n- accepted\n- 2026-01-02\n---\n# Use Y\n")

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/0002-x.md:2: error: front matter is a list, not a mapping of keys to values\n"
        "1 decision: 1 error, 0 warnings\n"
    )
    assert result.returncode == 1


def test_a_byte_that_is_not_utf8_is_an_error_at_its_line_and_the_rest_is_still_read(repo):
    write(
        repo,
        "0002-use-postgresql.md",
        b"---\nstatus: accepted\ndeciders: Ana \xff Ruiz\n---\n# Use PostgreSQL\n\nText.\n",
    )

    result = run_adr(repo, "check")
    listing = run_adr(repo, "list")

    assert result.stdout == (
        "adr/0002-use-postgresql.md:3: error: not valid UTF-8 (byte 0xff); save the file as UTF-8\n"
        "1 decision: 1 error, 0 warnings\n"
    )
    assert result.returncode == 1
    assert listing.stdout == "    2  accepted    -           Use PostgreSQL\n"


def test_an_empty_file_is_an_error(repo):
    write(repo, "0001-use-x.md", decision("Use X"))
    write(repo, "0002-use-y.md", "")

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/0002-use-y.md:1: error: file is empty\n2 decisions: 1 error, 0 warnings\n"
    )
    assert result.returncode == 1


def test_a_binary_file_is_an_error(repo):
    write(repo, "0001-use-x.md", decision("Use X"))
    write(repo, "0002-diagram.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/0002-diagram.md:1: error: binary file, not Markdown\n"
        "2 decisions: 1 error, 0 warnings\n"
    )
    assert result.returncode == 1


def test_a_file_of_five_megabytes_is_too_large(repo):
    write(repo, "0001-use-x.md", decision("Use X"))
    write(repo, "0002-huge.md", b"# Huge\n" + b"x" * (5 * 1024 * 1024 - 7))

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/0002-huge.md:1: error: file is too large to be an ADR (5.0 MiB; the limit is 1 MiB)\n"
        "2 decisions: 1 error, 0 warnings\n"
    )
    assert result.returncode == 1


def test_one_bad_decision_never_hides_the_others(repo):
    write(repo, "0001-use-x.md", decision("Use X"))
    write(repo, "0002-use-y.md", b"---\nstatus: accepted\n---\n# Use Y\n\nCaf\xe9.\n")
    write(repo, "0003-use-z.md", decision("Use Z", "proposed"))

    result = run_adr(repo, "check")
    listing = run_adr(repo, "list")

    assert result.stdout == (
        "adr/0002-use-y.md:6: error: not valid UTF-8 (byte 0xe9); save the file as UTF-8\n"
        "3 decisions: 1 error, 0 warnings\n"
    )
    assert result.returncode == 1
    assert listing.stdout == (
        "    1  accepted    2026-01-02  Use X\n"
        "    2  accepted    -           Use Y\n"
        "    3  proposed    2026-01-02  Use Z\n"
    )


def test_a_file_that_cannot_be_parsed_still_appears_in_the_list(repo):
    write(repo, "0001-use-x.md", decision("Use X"))
    write(repo, "0002-use-y.md", "---\nstatus: [accepted\n---\n# Use Y\n")
    write(repo, "0003-use-z.md", decision("Use Z", "proposed"))

    listing = run_adr(repo, "list")

    assert listing.stdout == (
        "    1  accepted    2026-01-02  Use X\n"
        "    2  ?           -           Use Y\n"
        "    3  proposed    2026-01-02  Use Z\n"
    )
    assert listing.returncode == 0


# --- the folder as a whole ----------------------------------------------------


def test_a_number_used_twice_is_an_error_on_each_file_naming_all_of_them(repo):
    write(repo, "0001-use-x.md", decision("Use X"))
    write(repo, "0002-a.md", decision("A"))
    write(repo, "0002-b.md", decision("B"))
    write(repo, "0002-c.md", decision("C"))

    result = run_adr(repo, "check")

    shared = (
        "number 2 is used by 3 files: adr/0002-a.md, adr/0002-b.md, adr/0002-c.md; "
        "keep one and run 'adr renumber FILE' on the others"
    )
    assert result.stdout == (
        f"adr/0002-a.md:1: error: {shared}\n"
        f"adr/0002-b.md:1: error: {shared}\n"
        f"adr/0002-c.md:1: error: {shared}\n"
        "4 decisions: 3 errors, 0 warnings\n"
    )
    assert result.returncode == 1


def test_links_to_a_missing_decision_are_errors_at_the_link_lines(repo):
    write(repo, "0001-use-x.md", decision("Use X"))
    write(repo, "0002-use-y.md", decision("Use Y", "accepted", "supersedes: [9]"))
    write(
        repo,
        "0003-use-z.md",
        "# 3. Use Z\n\nDate: 2026-01-02\n\n## Status\n\nAccepted\n\n"
        "Amends [9. Use W](0009-use-w.md)\n\n## Context\n\nSome context.\n",
    )

    result = run_adr(repo, "check", "--format", "json")

    assert json.loads(result.stdout)["problems"] == [
        {
            "path": "adr/0002-use-y.md",
            "line": 4,
            "severity": "error",
            "code": "broken-link",
            "message": "supersedes link to '9': no such decision",
        },
        {
            "path": "adr/0003-use-z.md",
            "line": 9,
            "severity": "error",
            "code": "broken-link",
            "message": "amends link to '0009-use-w.md': no such decision",
        },
    ]
    assert result.returncode == 1


def test_a_link_to_a_web_page_is_not_a_broken_link(repo):
    write(
        repo,
        "0001-use-x.md",
        "# 1. Use X\n\nDate: 2026-01-02\n\n## Status\n\nAccepted\n\n"
        "Relates to [the RFC](https://example.com/docs/rfc.md)\n\n## Context\n\nSome context.\n",
    )

    result = run_adr(repo, "check")

    assert result.stdout == "1 decision: 0 errors, 0 warnings\n"
    assert result.returncode == 0


def test_a_decision_in_another_repository_does_not_supersede_one_here(repo):
    write(repo, "0001-use-x.md", decision("Use X"))
    write(
        repo,
        "0002-use-y.md",
        decision(
            "Use Y",
            "accepted",
            "supersedes: https://github.com/acme/billing/blob/main/adr/0001-use-x.md",
        ),
    )

    result = run_adr(repo, "check")

    assert result.stdout == "2 decisions: 0 errors, 0 warnings\n"
    assert result.returncode == 0


def test_two_decisions_that_supersede_each_other_are_one_cycle(repo):
    write(repo, "0001-use-x.md", decision("Use X", "superseded", "supersedes: [2]"))
    write(repo, "0002-use-y.md", decision("Use Y", "superseded", "supersedes: [1]"))

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/0001-use-x.md:1: error: supersede cycle: "
        "adr/0001-use-x.md supersedes adr/0002-use-y.md supersedes adr/0001-use-x.md\n"
        "2 decisions: 1 error, 0 warnings\n"
    )
    assert result.returncode == 1


def test_three_decisions_in_a_ring_are_one_cycle_whichever_side_declares_it(repo):
    write(repo, "0001-use-x.md", decision("Use X", "accepted"))
    # 2 supersedes 3, 3 supersedes 4 (said by 4), 4 supersedes 2 (said by 2)
    write(
        repo,
        "0002-use-y.md",
        decision("Use Y", "superseded", "supersedes: [3]", "superseded-by: 4"),
    )
    write(repo, "0003-use-z.md", decision("Use Z", "superseded"))
    write(repo, "0004-use-w.md", decision("Use W", "superseded", "superseded-by: 3"))

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/0002-use-y.md:1: error: supersede cycle: adr/0002-use-y.md supersedes "
        "adr/0003-use-z.md supersedes adr/0004-use-w.md supersedes adr/0002-use-y.md\n"
        "4 decisions: 1 error, 0 warnings\n"
    )
    assert result.returncode == 1


def test_cycles_that_share_a_decision_are_each_reported(repo):
    write(repo, "0001-use-x.md", decision("Use X", "superseded", "supersedes: [2, 3]"))
    write(repo, "0002-use-y.md", decision("Use Y", "superseded", "supersedes: [3]"))
    write(repo, "0003-use-z.md", decision("Use Z", "superseded", "supersedes: [1]"))

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/0001-use-x.md:1: error: supersede cycle: adr/0001-use-x.md supersedes "
        "adr/0002-use-y.md supersedes adr/0003-use-z.md supersedes adr/0001-use-x.md\n"
        "adr/0001-use-x.md:1: error: supersede cycle: "
        "adr/0001-use-x.md supersedes adr/0003-use-z.md supersedes adr/0001-use-x.md\n"
        "3 decisions: 2 errors, 0 warnings\n"
    )
    assert result.returncode == 1


def test_a_long_chain_of_supersessions_is_not_a_cycle(repo):
    write(repo, "0001-use-a.md", decision("Use A", "superseded"))
    for number in range(2, 40):
        earlier = f"supersedes: [{number - 1}, {number - 2}]" if number > 2 else "supersedes: [1]"
        status = "accepted" if number == 39 else "superseded"
        write(repo, f"{number:04d}-use-a.md", decision(f"Use A{number}", status, earlier))

    result = run_adr(repo, "check")

    assert result.stdout == "39 decisions: 0 errors, 0 warnings\n"
    assert result.returncode == 0


# --- supersession both ways ---------------------------------------------------


def test_an_accepted_decision_that_an_accepted_one_supersedes_is_a_warning(repo):
    write(repo, "0001-use-x.md", decision("Use X", "accepted"))
    write(repo, "0002-use-y.md", decision("Use Y", "accepted", "supersedes: [1]"))

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/0001-use-x.md:2: warning: status is 'accepted' but ADR 2 (adr/0002-use-y.md) "
        "supersedes it; its status should be superseded\n"
        "2 decisions: 0 errors, 1 warning\n"
    )
    assert result.returncode == 0


def test_superseded_by_declared_on_the_old_decision_counts_the_same(repo):
    write(repo, "0001-use-x.md", decision("Use X", "accepted", "superseded-by: 2"))
    write(repo, "0002-use-y.md", decision("Use Y", "accepted"))

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/0001-use-x.md:2: warning: status is 'accepted' but ADR 2 (adr/0002-use-y.md) "
        "supersedes it; its status should be superseded\n"
        "2 decisions: 0 errors, 1 warning\n"
    )
    assert result.returncode == 0


def test_a_superseded_decision_with_an_unknown_status_word_is_named_by_that_word(repo):
    write(repo, "0001-use-x.md", decision("Use X", "finalised-ish"))
    write(repo, "0002-use-y.md", decision("Use Y", "accepted", "supersedes: [1]"))

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/0001-use-x.md:2: warning: status is 'finalised-ish' but ADR 2 "
        "(adr/0002-use-y.md) supersedes it; its status should be superseded\n"
        "adr/0001-use-x.md:2: warning: unknown status 'finalised-ish' "
        "(expected proposed, accepted, rejected, deprecated or superseded)\n"
        "2 decisions: 0 errors, 2 warnings\n"
    )
    assert result.returncode == 0


def test_status_superseded_with_no_successor_is_a_warning(repo):
    write(repo, "0001-use-x.md", decision("Use X", "superseded"))

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/0001-use-x.md:2: warning: status is superseded but no decision supersedes it; "
        "name the successor (supersedes / superseded by)\n"
        "1 decision: 0 errors, 1 warning\n"
    )
    assert result.returncode == 0


def test_a_proposed_successor_leaves_the_old_decision_accepted_without_a_warning(repo):
    write(repo, "0001-use-x.md", decision("Use X", "accepted"))
    write(repo, "0002-use-y.md", decision("Use Y", "proposed", "supersedes: [1]"))

    result = run_adr(repo, "check")

    assert result.stdout == "2 decisions: 0 errors, 0 warnings\n"
    assert result.returncode == 0


# --- one file at a time ---------------------------------------------------------


def test_an_unknown_status_word_is_a_warning(repo):
    write(repo, "0001-use-x.md", decision("Use X", "finalised-ish"))

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/0001-use-x.md:2: warning: unknown status 'finalised-ish' "
        "(expected proposed, accepted, rejected, deprecated or superseded)\n"
        "1 decision: 0 errors, 1 warning\n"
    )
    assert result.returncode == 0


def test_a_decision_without_a_title_is_an_error(repo):
    write(repo, "0001-use-x.md", "---\nstatus: accepted\ndate: 2026-01-02\n---\nNo heading.\n")

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/0001-use-x.md:5: error: no title (the first heading should be '# Title')\n"
        "1 decision: 1 error, 0 warnings\n"
    )
    assert result.returncode == 1


def test_a_readable_date_that_is_not_iso_8601_is_a_warning(repo):
    write(repo, "0001-use-x.md", "---\nstatus: accepted\ndate: 21/11/2026\n---\n# Use X\n")

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/0001-use-x.md:3: warning: date '21/11/2026' is not ISO 8601 (YYYY-MM-DD); "
        "read as 2026-11-21\n"
        "1 decision: 0 errors, 1 warning\n"
    )
    assert result.returncode == 0


def test_in_a_folder_without_a_convention_of_its_own_names_should_be_ours(repo):
    write(repo, "0001-use-x.md", decision("Use X"))
    write(repo, "2-use-y.md", decision("Use Y"))
    write(repo, "0003_Use_Z.md", decision("Use Z"))
    write(repo, "notes.md", decision("Notes"))

    result = run_adr(repo, "check")

    should = (
        "warning: file name should be NNNN-slug.md "
        "(this folder has no naming convention most of its files follow)"
    )
    assert result.stdout == (
        f"adr/0003_Use_Z.md:1: {should}; it has an underscore after the number "
        "(expected a hyphen), words in title case (expected lowercase), "
        "words joined by underscores (expected hyphens)\n"
        f"adr/2-use-y.md:1: {should}; it has a 1-digit number (expected 4 digits)\n"
        f"adr/notes.md:1: {should}; it has no number\n"
        "4 decisions: 0 errors, 3 warnings\n"
    )
    assert result.returncode == 0


@pytest.mark.parametrize(
    "names",
    [
        ["adr-001-use-x.md", "adr-002-use-y.md", "adr-010-use-z.md"],
        ["ADR001-use-x.md", "ADR002-use-y.md", "ADR100-use-z.md"],
        ["001-use-x.md", "002-use-y.md", "1000-use-z.md"],
        ["1-use-x.md", "2-use-y.md", "10-use-z.md"],
        ["2020-09-26-use-x.md", "2020-10-01-use-y.md", "2021-01-02-use-z.md"],
        ["20200926-use-x.md", "20201001-use-y.md", "20210102-use-z.md"],
        ["ADR-0001-Use-X.md", "ADR-0002-Use-Y.md", "ADR-0003-Remove-Forms-API.md"],
    ],
)
def test_a_folder_that_keeps_to_one_naming_convention_gets_no_naming_warning(repo, names):
    for index, name in enumerate(names):
        write(repo, name, decision(f"Decision {index}"))

    result = run_adr(repo, "check")

    assert result.stdout == "3 decisions: 0 errors, 0 warnings\n"
    assert result.returncode == 0


def test_a_file_that_breaks_the_folders_own_convention_is_a_warning_naming_it(repo):
    for number in range(1, 14):
        write(repo, f"adr-{number:03d}-decision-{number}.md", decision(f"Decision {number}"))
    write(repo, "backend/adr-014-use-queues.md", decision("Use queues"))  # the same folder
    write(repo, "backend/ADR-015-Use-Kafka.md", decision("Use Kafka"))

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/backend/ADR-015-Use-Kafka.md:1: warning: file name should follow this folder's "
        "convention adr-NNN-slug.md (as 14 of 15 files do); it has the prefix 'ADR-' "
        "(expected 'adr-'), words in title case (expected lowercase)\n"
        "15 decisions: 0 errors, 1 warning\n"
    )
    assert result.returncode == 0


def test_a_link_whose_path_is_broken_but_whose_number_resolves_is_a_warning(repo):
    write(
        repo,
        "ADR044-use-forms-api.md",
        "# ADR044: Use forms-api\n\n## Status\n\n"
        "Superseded by [AD045: Remove forms-api](ADR045-use-forms-api.md)\n",
    )
    write(
        repo,
        "ADR045-remove-forms-api.md",
        "# ADR045: Remove forms-api\n\n## Status\n\nAccepted\n\n"
        "Supersedes [AD044: Use forms-api](ADR044-use-forms-api.md)\n",
    )
    write(
        repo,
        "ADR046-use-graphql.md",
        "# ADR046: Use GraphQL\n\n## Status\n\nAccepted\n\n"
        "Relates to [AD044](../adr/ADR044-use-forms-api.md), [AD045](../adr/ADR045-remove.md)\n",
    )

    result = run_adr(repo, "check")

    # Still read as ADR 45 (no "superseded without a successor"), and the path named.
    assert result.stdout == (
        "adr/ADR044-use-forms-api.md:5: warning: superseded-by link to "
        "'ADR045-use-forms-api.md': no such file; read as ADR045-remove-forms-api.md "
        "(fix the path)\n"
        "adr/ADR046-use-graphql.md:7: warning: relates-to link to '../adr/ADR045-remove.md': "
        "no such file; read as ADR045-remove-forms-api.md (fix the path)\n"
        "3 decisions: 0 errors, 2 warnings\n"
    )
    assert result.returncode == 0


def test_a_link_path_from_a_sub_folder_is_read_relative_to_it(repo):
    write(repo, "0001-use-x.md", decision("Use X", "superseded"))
    write(
        repo,
        "backend/0002-use-y.md",
        decision("Use Y", "accepted", 'supersedes: ["0001-use-x-old.md"]'),
    )
    write(
        repo,
        "backend/0003-use-z.md",
        decision(
            "Use Z", "accepted", 'relates-to: ["../0001-use-x.md", "/adr/backend/0002-use-y.md"]'
        ),
    )

    result = run_adr(repo, "check")

    assert result.stdout == (
        "adr/backend/0002-use-y.md:4: warning: supersedes link to '0001-use-x-old.md': "
        "no such file; read as ../0001-use-x.md (fix the path)\n"
        "3 decisions: 0 errors, 1 warning\n"
    )
    assert result.returncode == 0


# --- formats for machines -------------------------------------------------------


def test_json_format_counts_and_lists_every_problem(repo):
    write(repo, "0001-use-x.md", decision("Use X", "finalised-ish"))
    write(repo, "0002-x.md", "---\nstatus: accepted\ntitle: a: b\n---\n# Use Y\n")

    result = run_adr(repo, "check", "--format", "json")

    report = json.loads(result.stdout)
    assert report["decisions"] == 2
    assert report["errors"] == sum(p["severity"] == "error" for p in report["problems"])
    assert report["warnings"] == sum(p["severity"] == "warning" for p in report["problems"])
    assert report["problems"][0] == {
        "path": "adr/0001-use-x.md",
        "line": 2,
        "severity": "warning",
        "code": "unknown-status",
        "message": "unknown status 'finalised-ish' "
        "(expected proposed, accepted, rejected, deprecated or superseded)",
    }
    assert {
        "path": "adr/0002-x.md",
        "line": 3,
        "severity": "error",
        "code": "front-matter-yaml",
        "message": "front matter is not valid YAML: mapping values are not allowed in this context",
    } in report["problems"]
    assert result.returncode == 1


def test_json_format_of_a_clean_folder_exits_zero(repo):
    write(repo, "0001-use-x.md", decision("Use X"))

    result = run_adr(repo, "check", "--format", "json")

    assert json.loads(result.stdout) == {"decisions": 1, "errors": 0, "warnings": 0, "problems": []}
    assert result.returncode == 0


def test_github_format_escapes_the_message_as_data_and_the_file_as_a_property(repo):
    write(repo, "0001-use-x.md", decision("Use X", "100% done, mostly"))
    write(repo, "0002-a,b:c.md", decision("Use Y", "'someday, or: never'"))

    result = run_adr(repo, "check", "--format", "github")

    # GitHub's workflow commands: data escapes % CR LF; property values also : and ,
    assert result.stdout == (
        "::warning file=adr/0001-use-x.md,line=2,title=adr check unknown-status::"
        "unknown status '100%25 done, mostly' "
        "(expected proposed, accepted, rejected, deprecated or superseded)\n"
        "::warning file=adr/0002-a%2Cb%3Ac.md,line=2,title=adr check unknown-status::"
        "unknown status 'someday, or: never' "
        "(expected proposed, accepted, rejected, deprecated or superseded)\n"
        "2 decisions: 0 errors, 2 warnings\n"
    )
    assert result.returncode == 0


def test_github_format_keeps_colons_in_the_message(repo):
    write(repo, "0002-x.md", "---\nstatus: accepted\ntitle: a: b\n---\n# Use Y\n")

    result = run_adr(repo, "check", "--format", "github")

    assert (
        "::error file=adr/0002-x.md,line=3,title=adr check front-matter-yaml::"
        "front matter is not valid YAML: mapping values are not allowed in this context\n"
    ) in result.stdout
    assert result.returncode == 1


# --- against another branch -----------------------------------------------------


@pytest.fixture
def diverged(repo: Path) -> Path:
    """main and feature each added their own ADR 3 since they parted; feature is checked out."""
    write(repo, "0001-use-x.md", decision("Use X"))
    write(repo, "0002-use-y.md", decision("Use Y"))
    commit_all(repo, "ADR 1 and 2")
    git(repo, "switch", "--quiet", "--create", "feature")
    write(repo, "0003-use-x.md", decision("Use X again", "proposed"))
    commit_all(repo, "ADR 3 on feature")
    git(repo, "switch", "--quiet", "main")
    write(repo, "0003-use-y.md", decision("Use Y again", "proposed"))
    commit_all(repo, "ADR 3 on main")
    git(repo, "switch", "--quiet", "feature")
    return repo


def test_check_against_main_reports_a_number_main_took_since_the_branch_parted(diverged):
    result = run_adr(diverged, "check", "--against", "main")

    assert result.stdout == (
        "adr/0003-use-x.md:1: error: number 3 is already taken on main by adr/0003-use-y.md; "
        "renumber this one: adr renumber --against main adr/0003-use-x.md\n"
        "3 decisions: 1 error, 0 warnings\n"
    )
    assert result.returncode == 1


@pytest.mark.parametrize("where", [".", "adr", "src"])
def test_following_the_against_hint_literally_fixes_the_collision(diverged, where):
    # main also took 4 since: the hint must skip main's numbers, not only this branch's.
    git(diverged, "switch", "--quiet", "main")
    write(diverged, "0004-use-z.md", decision("Use Z", "proposed"))
    commit_all(diverged, "ADR 4 on main")
    git(diverged, "switch", "--quiet", "feature")
    (diverged / "src").mkdir()
    hint = run_adr(diverged, "check", "--against", "main").stdout.splitlines()[0]
    command = shlex.split(hint.split("renumber this one: ", 1)[1])
    assert command[:4] == ["adr", "renumber", "--against", "main"]

    moved = run_adr(diverged / where, *command[1:])

    assert (moved.returncode, moved.stdout) == (0, "adr/0003-use-x.md -> adr/0005-use-x.md\n")
    git(diverged, "merge", "--quiet", "--no-edit", "main")
    after = run_adr(diverged, "check")
    assert (after.returncode, after.stdout) == (0, "5 decisions: 0 errors, 0 warnings\n")


def test_check_without_against_does_not_look_at_other_branches(diverged):
    result = run_adr(diverged, "check")

    assert result.stdout == "3 decisions: 0 errors, 0 warnings\n"
    assert result.returncode == 0


def test_check_against_main_ignores_a_file_renamed_on_the_branch(repo):
    write(repo, "0001-use-x.md", decision("Use X"))
    write(repo, "0002-use-y.md", decision("Use Y"))
    commit_all(repo, "ADR 1 and 2")
    git(repo, "switch", "--quiet", "--create", "feature")
    git(repo, "mv", "adr/0002-use-y.md", "adr/0002-use-y-everywhere.md")
    commit_all(repo, "rename ADR 2")
    git(repo, "switch", "--quiet", "main")
    write(repo, "0003-use-z.md", decision("Use Z", "proposed"))
    commit_all(repo, "ADR 3 on main")
    git(repo, "switch", "--quiet", "feature")

    result = run_adr(repo, "check", "--against", "main")

    assert result.stdout == "2 decisions: 0 errors, 0 warnings\n"
    assert result.returncode == 0


def test_check_against_main_ignores_a_file_main_retitled(repo):
    # Here 0002-use-y.md keeps the name both branches started from: not "number 2 is taken".
    write(repo, "0001-use-x.md", decision("Use X"))
    write(repo, "0002-use-y.md", decision("Use Y"))
    commit_all(repo, "ADR 1 and 2")
    git(repo, "switch", "--quiet", "--create", "feature")
    write(repo, "0003-use-z.md", decision("Use Z", "proposed"))
    commit_all(repo, "ADR 3 on feature")
    git(repo, "switch", "--quiet", "main")
    git(repo, "mv", "adr/0002-use-y.md", "adr/0002-use-y-everywhere.md")
    commit_all(repo, "retitle ADR 2 on main")
    git(repo, "switch", "--quiet", "feature")

    result = run_adr(repo, "check", "--against", "main")

    assert result.stdout == "3 decisions: 0 errors, 0 warnings\n"
    assert result.returncode == 0


def test_check_against_an_unknown_ref_is_a_message_not_a_traceback(diverged):
    result = run_adr(diverged, "check", "--against", "nosuchref")

    assert result.stderr.startswith("adr: --against nosuchref: ")
    assert result.stdout == ""
    assert result.returncode == 1


def test_check_against_an_unknown_ref_says_the_ref_does_not_exist(diverged):
    result = run_adr(diverged, "check", "--against", "nosuchref")

    assert result.stderr == "adr: --against nosuchref: no such branch, tag or commit\n"
    assert result.returncode == 1


# --- finding the folder -----------------------------------------------------------


def test_check_from_a_sub_folder_finds_the_adr_folder_above(repo):
    write(repo, "0001-use-x.md", decision("Use X", "finalised-ish"))
    deep = repo / "src" / "billing"
    deep.mkdir(parents=True)

    result = run_adr(deep, "check")

    assert result.stdout == (
        "adr/0001-use-x.md:2: warning: unknown status 'finalised-ish' "
        "(expected proposed, accepted, rejected, deprecated or superseded)\n"
        "1 decision: 0 errors, 1 warning\n"
    )
    assert result.returncode == 0


def test_check_in_a_repository_without_an_adr_folder_says_so(tmp_path):
    git(tmp_path, "init", "--quiet")

    result = run_adr(tmp_path, "check")

    assert result.stderr.startswith(f"adr: no ADR folder found in {tmp_path.resolve()} ")
    assert result.stdout == ""
    assert result.returncode == 1


# --- what a status and a date say ----------------------------------------------


def test_a_status_left_as_the_templates_placeholder_is_a_warning_and_no_status(repo):
    write(repo, "0001-use-x.md", "# 1. Use X\n\n## Status\n\nAccepted or Rejected\n")
    write(repo, "0002-use-y.md", decision("Use Y", "'{proposed | rejected | accepted}'"))
    write(repo, "0003-use-z.md", "# 3. Use Z\n\n* Status: ✅ Accepted (PR #2897)\n")

    result = run_adr(repo, "check")
    listing = run_adr(repo, "list", "--json")

    choose = "write one of proposed, accepted, rejected, deprecated or superseded"
    assert result.stdout == (
        f"adr/0001-use-x.md:5: warning: status 'Accepted or Rejected' is the template's "
        f"placeholder, not a status; {choose}\n"
        f"adr/0002-use-y.md:2: warning: status '{{proposed | rejected | accepted}}' is the "
        f"template's placeholder, not a status; {choose}\n"
        "3 decisions: 0 errors, 2 warnings\n"
    )
    assert result.returncode == 0
    assert [(d["status"], d["status_text"]) for d in json.loads(listing.stdout)["decisions"]] == [
        (None, "Accepted or Rejected"),
        (None, "{proposed | rejected | accepted}"),
        ("accepted", "✅ Accepted (PR #2897)"),
    ]


def test_day_month_dates_are_read_by_the_folders_convention_or_warn(repo):
    write(repo, "0001-a.md", "# 1. A\n\nDate: 26/03/2018\n\n## Status\n\nAccepted\n")
    write(repo, "0002-b.md", "# 2. B\n\nDate 01/06/2019\n\n## Status\n\nAccepted\n")

    settled = run_adr(repo, "list")
    (repo / "adr" / "0001-a.md").unlink()
    undecided = run_adr(repo, "check")

    assert settled.stdout == (
        "    1  accepted    2018-03-26  A\n    2  accepted    2019-06-01  B\n"
    )
    assert undecided.stdout == (
        "adr/0002-b.md:3: warning: date '01/06/2019' is ambiguous: 2019-06-01 (day first) or "
        "2019-01-06 (month first), and no other date in the folder tells which; "
        "read as 2019-01-06 (write YYYY-MM-DD)\n"
        "1 decision: 0 errors, 1 warning\n"
    )


# --- files and paths a committer may plant (issue 9) ----------------------------


def test_a_symlink_out_of_the_repository_is_never_followed_and_is_an_error(repo, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:the secret\n")
    write(repo, "0001-use-x.md", decision("Use X"))
    (repo / "adr" / "0002-passwords.md").symlink_to(secret)
    (repo / "adr" / "0003-alias.md").symlink_to("0001-use-x.md")

    checked = run_adr(repo, "check")
    shown = run_adr(repo, "show", "2")
    listed = run_adr(repo, "list")

    assert "the secret" not in shown.stdout + shown.stderr + listed.stdout
    assert (
        "adr/0002-passwords.md:1: error: a symbolic link (outside the repository): not read; "
        "commit the file itself"
    ) in checked.stdout
    assert (
        "adr/0003-alias.md:1: warning: a symbolic link (a link, not a file): not read; "
        "commit the file itself"
    ) in checked.stdout
    assert checked.returncode == 1


def test_an_adr_dir_file_pointing_outside_the_repository_is_a_clear_error(repo):
    (repo / "src").mkdir()
    (repo / "src" / ".adr-dir").write_text("../../etc\n")

    result = run_adr(repo / "src", "list")

    assert result.returncode == 1
    assert "names '../../etc', which is outside the repository" in result.stderr


def test_one_file_name_in_two_sub_folders_is_a_clash_adr_check_reports(repo):
    write(repo, "team-a/use-queues.md", decision("Use queues"))
    write(repo, "team-b/use-queues.md", decision("Use queues too"))

    result = run_adr(repo, "check")

    assert (
        "adr/team-a/use-queues.md:1: warning: file name 'use-queues.md' is used by 2 files: "
        "adr/team-a/use-queues.md, adr/team-b/use-queues.md; a link by this name is ambiguous: "
        "rename one, or link by path"
    ) in result.stdout

"""Decisions that check themselves (issue 16): front matter `enforce:`, `adr check --enforce`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from adrsite.history.enforce import check_commit
from adrsite.records.enforce import BROKEN, HOLDING, UNCHECKABLE
from adrsite.records.parse import parse
from tests.test_check import decision, git, new_project, run_adr, write

FORBIDDEN = [
    "enforce:",
    "  - imports: forbidden",
    "    source_modules: [legacy]",
    "    forbidden_modules: [portal]",
]
NO_DJANGO_URLS = [
    "enforce:",
    "  - pattern: 'requests\\.(get|post)\\(.*/django/'",
    '    paths: ["legacy/**"]',
]


def porting_project(root: Path, *, broken: bool) -> Path:
    """legacy/ (Flask) and portal/ (Django), and ADR 14 forbidding legacy -> portal."""
    new_project(root)
    for name, text in {
        "legacy/__init__.py": "",
        "legacy/helpers.py": "import os\n",
        "legacy/billing.py": "import json\n\nfrom legacy import helpers\n",
        "shared/__init__.py": "",
        "shared/money.py": "import decimal\n",
        "portal/__init__.py": "",
        "portal/api.py": "from legacy import billing\n",
    }.items():
        (root / name).parent.mkdir(exist_ok=True)
        (root / name).write_text(text)
    if broken:  # billing -> shared.money -> portal.api: an indirect import
        (root / "legacy/billing.py").write_text("import json\n\nfrom shared import money\n")
        (root / "shared/money.py").write_text("import decimal\n\nimport portal.api\n")
    write(
        root, "0014-unidirectional-flow.md", decision("Unidirectional flow", "accepted", *FORBIDDEN)
    )
    write(root, "0015-no-http.md", decision("No HTTP to Django", "accepted", *NO_DJANGO_URLS))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "porting")
    return root


# --- reading and validating `enforce:` ------------------------------------------------


def read(*front_matter: str):
    return parse(
        "adr/0014-x.md", decision("Unidirectional flow", "accepted", *front_matter).encode()
    )


def test_a_valid_check_is_read_with_its_line_and_contract():
    record = read(*FORBIDDEN)
    (check,) = record.enforce
    assert (check.kind, check.line, check.contract_type) == ("imports", 5, "forbidden")
    assert dict(check.contract)["forbidden_modules"] == ("portal",)
    assert record.problems == ()


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (["  - imports: layered", "    layers: [a]"], "unknown imports contract 'layered'"),
        (["  - imports: forbidden", "    source_modules: [a]"], "needs forbidden_modules"),
        (["  - imports: independence", "    modules: [a]", "    colour: red"], "no field colour"),
        (
            ["  - imports: forbidden", "    source_modules: [a-b]", "    forbidden_modules: [c]"],
            "'a-b' is not a module name",
        ),
        (["  - pattern: '(unclosed'"], "does not compile"),
        (["  - pattern: x", "    must: maybe"], "must 'maybe' should be absent or present"),
        (["  - pattern: x", "    paths: ['../elsewhere/**']"], "should be a glob inside"),
        (["  - lint: everything"], "should say one of imports, pattern or command"),
        (["  - imports: layers", "    layers: [a]", "    root: /etc"], "root '/etc'"),
    ],
)
def test_a_bad_check_is_an_error_at_its_line_naming_the_decision(entry, message):
    record = read("enforce:", "  - pattern: fine", *entry)
    (problem,) = record.problems
    assert (problem.line, problem.code, problem.severity) == (6, "enforce", "error")
    assert problem.message.startswith("ADR 14 (Unidirectional flow): enforce check 2: ")
    assert message in problem.message
    assert [c.pattern for c in record.enforce] == ["fine"]  # the good one is kept


def test_enforce_that_is_not_a_list_is_an_error():
    (problem,) = read("enforce: everything").problems
    assert "should be a list of checks" in problem.message


# --- running them: adr check --enforce -------------------------------------------------


def test_a_contract_that_holds_passes(tmp_path: Path):
    root = porting_project(tmp_path / "p", broken=False)
    result = run_adr(root, "check", "--enforce")
    assert result.stdout == "2 decisions: 0 errors, 0 warnings\n"
    assert result.returncode == 0


def test_a_broken_contract_names_the_line_the_decision_and_the_chain(tmp_path: Path):
    root = porting_project(tmp_path / "p", broken=True)
    result = run_adr(root, "check", "--enforce")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        "legacy/billing.py:3: error: ADR 14 (Unidirectional flow): legacy/billing.py imports "
        "portal.api (forbidden), through legacy.billing -> shared.money (l.3) -> "
        "portal.api (l.3)"
    )


def test_without_enforce_checks_do_not_run(tmp_path: Path):
    root = porting_project(tmp_path / "p", broken=True)
    assert run_adr(root, "check").returncode == 0


def test_json_and_github_formats_carry_the_violation(tmp_path: Path):
    root = porting_project(tmp_path / "p", broken=True)
    report = json.loads(run_adr(root, "check", "--enforce", "--format", "json").stdout)
    (problem,) = report["problems"]
    assert (problem["path"], problem["line"], problem["code"]) == (
        "legacy/billing.py",
        3,
        "enforce-broken",
    )
    github = run_adr(root, "check", "--enforce", "--format", "github").stdout.splitlines()[0]
    assert github.startswith(
        "::error file=legacy/billing.py,line=3,title=adr check enforce-broken::ADR 14 "
    )


def test_a_pattern_that_must_be_absent_reports_each_match(tmp_path: Path):
    root = porting_project(tmp_path / "p", broken=False)
    (root / "legacy/sync.py").write_text("import requests\n\nrequests.post('http://x/django/a')\n")
    git(root, "add", "-A")
    result = run_adr(root, "check", "--enforce")
    assert result.stdout.splitlines()[0] == (
        "legacy/sync.py:3: error: ADR 15 (No HTTP to Django): legacy/sync.py:3 matches "
        "'requests\\\\.(get|post)\\\\(.*/django/' (it must be absent)"
    )


def test_a_proposed_decision_would_fail_without_failing(tmp_path: Path):
    root = porting_project(tmp_path / "p", broken=True)
    write(
        root, "0014-unidirectional-flow.md", decision("Unidirectional flow", "proposed", *FORBIDDEN)
    )
    result = run_adr(root, "check", "--enforce")
    assert result.returncode == 0
    assert "warning: ADR 14 (Unidirectional flow): would fail: legacy/billing.py imports" in (
        result.stdout
    )


@pytest.mark.parametrize("status", ["deprecated", "superseded", "rejected"])
def test_decisions_no_longer_in_force_are_not_enforced(tmp_path: Path, status: str):
    root = porting_project(tmp_path / "p", broken=True)
    write(root, "0014-unidirectional-flow.md", decision("Unidirectional flow", status, *FORBIDDEN))
    result = run_adr(root, "check", "--enforce")
    assert "imports portal" not in result.stdout


def test_a_missing_module_is_an_error_and_other_checks_still_run(tmp_path: Path):
    root = porting_project(tmp_path / "p", broken=False)
    missing = [
        "enforce:",
        "  - imports: forbidden",
        "    source_modules: [nowhere]",
        "    forbidden_modules: [portal]",
    ]
    write(root, "0016-missing.md", decision("Missing", "accepted", *missing))
    (root / "legacy/sync.py").write_text("requests.get('/django/')\n")
    git(root, "add", "-A")
    result = run_adr(root, "check", "--enforce")
    assert result.returncode == 1
    assert "adr/0016-missing.md:5: error: ADR 16 (Missing): imports: forbidden cannot be " in (
        result.stdout
    )
    assert "nowhere" in result.stdout
    assert "legacy/sync.py:1: error: ADR 15" in result.stdout


def test_a_command_check_runs_only_in_adr_check(tmp_path: Path):
    root = porting_project(tmp_path / "p", broken=False)
    write(root, "0016-cmd.md", decision("Cmd", "accepted", "enforce:", "  - command: exit 3"))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "cmd")
    result = run_adr(root, "check", "--enforce")
    assert "adr/0016-cmd.md:5: error: ADR 16 (Cmd): 'exit 3' exited 3" in result.stdout
    record = parse("adr/0016-cmd.md", (root / "adr/0016-cmd.md").read_bytes())
    (outcome,) = check_commit(root, git(root, "rev-parse", "HEAD").strip(), record.enforce)
    assert outcome.state == UNCHECKABLE


def test_a_regex_git_cannot_compile_is_not_checkable(tmp_path: Path):
    root = porting_project(tmp_path / "p", broken=False)
    # Python's re reads it; PCRE refuses \\u (it spells no character there).
    write(root, "0016-re.md", decision("Re", "accepted", "enforce:", "  - pattern: '\\u0041'"))
    result = run_adr(root, "check", "--enforce")
    assert result.returncode == 1
    assert "adr/0016-re.md:5: error: ADR 16 (Re): pattern '\\\\u0041' absent cannot be checked" in (
        result.stdout
    )


def test_checks_at_a_commit_read_that_commit_not_the_working_tree(tmp_path: Path):
    root = porting_project(tmp_path / "p", broken=True)
    broken_at = git(root, "rev-parse", "HEAD").strip()
    (root / "shared/money.py").write_text("import decimal\n")  # mended, not committed
    record = parse(
        "adr/0014-unidirectional-flow.md", (root / "adr/0014-unidirectional-flow.md").read_bytes()
    )
    (outcome,) = check_commit(root, broken_at, record.enforce)
    assert outcome.state == BROKEN
    assert run_adr(root, "check", "--enforce").returncode == 0
    git(root, "commit", "-qam", "mend")
    (outcome,) = check_commit(root, git(root, "rev-parse", "HEAD").strip(), record.enforce)
    assert outcome.state == HOLDING


def test_the_sample_porting_project_has_one_rule_holding_and_one_broken():
    here = Path(__file__).resolve().parent.parent / "examples" / "porting"
    result = run_adr(here, "check", "--enforce")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "examples/porting/legacy/billing.py:3: error: ADR 1 (Flask never imports Django): "
        "examples/porting/legacy/billing.py imports portal.api (forbidden)",
        "2 decisions: 1 error, 0 warnings",
    ]

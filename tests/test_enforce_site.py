"""The site runs decisions' `enforce:` checks at each indexed head (issue 16, ADR 30)."""

from __future__ import annotations

from pathlib import Path

import pytest

from adrsite.decisions import enforcing, warm
from adrsite.decisions.indexing import INDEX_FORMAT, repository_index, repository_register
from adrsite.decisions.models import CheckResult
from tests.test_check import decision, git, write
from tests.test_enforce import porting_project

pytestmark = pytest.mark.django_db


def head(root: Path) -> str:
    return git(root, "rev-parse", "HEAD").strip()


def index(root: Path):
    repository = repository_register(name="porting", location=str(root), adr_dir="adr")
    repository_index(repository=repository)
    return repository


def test_a_rule_broken_then_mended_shows_when_on_the_rules_and_decision_pages(client, tmp_path):
    root = porting_project(tmp_path / "p", broken=True)
    write(
        root,
        "0014-unidirectional-flow.md",
        (root / "adr/0014-unidirectional-flow.md")
        .read_text()
        .replace("status: accepted", "status: accepted\nrule: Flask never calls Django."),
    )
    git(root, "commit", "-qam", "rule")
    broken_at = head(root)
    index(root)
    page = client.get("/rules/").content.decode()
    assert f"broken since <code>{broken_at[:7]}</code>" in page
    assert "legacy/billing.py imports portal.api (forbidden)" in page

    (root / "shared/money.py").write_text("import decimal\n")
    git(root, "commit", "-qam", "mend")
    mended_at = head(root)
    index(root)
    page = client.get("/rules/").content.decode()
    assert f"broken from <code>{broken_at[:7]}</code> to <code>{mended_at[:7]}</code>" in page
    assert "imports portal.api" not in page  # the violation is gone at the last head
    detail = client.get("/decisions/porting/0014-unidirectional-flow/").content.decode()
    assert '<strong class="check-state">holding</strong> <code>imports: forbidden</code>' in (
        detail
    )
    assert f"broken from <code>{broken_at[:7]}</code>" in detail


def test_checks_run_once_per_commit(tmp_path, monkeypatch):
    root = porting_project(tmp_path / "p", broken=False)
    repository = index(root)
    assert CheckResult.objects.filter(commit=head(root)).count() == 2

    def fail(*args, **kwargs):
        raise AssertionError("ran again at a commit already checked")

    monkeypatch.setattr(enforcing, "check_commit", fail)
    repository_index(repository=repository, full=False)
    repository.last_indexed_commit = ""  # a second index at the same head: cached
    repository.save()
    repository_index(repository=repository)


def test_bad_checks_are_not_checkable_and_never_stop_the_index(client, tmp_path):
    root = porting_project(tmp_path / "p", broken=False)
    bad = [
        "enforce:",
        "  - pattern: '\\u0041'",
        "  - imports: forbidden",
        "    source_modules: [nowhere]",
        "    forbidden_modules: [portal]",
        "  - command: rm -rf /",
        "  - imports: nonsense",
    ]
    write(root, "0016-bad.md", decision("Bad", "accepted", 'rule: "Bad."', *bad))
    git(root, "add", "-A")
    git(root, "commit", "-qm", "bad")
    index(root)
    states = dict(CheckResult.objects.filter(path="adr/0016-bad.md").values_list("index", "state"))
    assert states == {0: "not checkable", 1: "not checkable"}  # the command never runs here
    page = client.get("/rules/").content.decode()
    assert "Module &#x27;nowhere&#x27; does not exist" in page
    assert CheckResult.objects.filter(state="holding").count() == 2  # the others still ran


@pytest.mark.django_db(transaction=True)
def test_a_push_to_a_warm_process_runs_the_checks_at_its_head(tmp_path):
    """The incremental path (ADR 29) reads only the changed files, none of them a decision
    here, yet the code changed: the decisions carrying checks are asked again."""
    warm._WARM.clear()
    root = porting_project(tmp_path / "p", broken=False)
    repository = index(root)
    assert repository.pk in warm._WARM  # the next run is the warm one
    (root / "legacy/billing.py").write_text("import json\n\nfrom shared import money\n")
    (root / "shared/money.py").write_text("import decimal\n\nimport portal.api\n")
    git(root, "commit", "-qam", "break the rule")
    result = repository_index(repository=repository)
    assert not result.full
    at_head = CheckResult.objects.filter(repository=repository, commit=head(root))
    assert sorted(at_head.values_list("state", flat=True)) == ["broken", "holding"]


def test_an_index_made_before_checks_existed_gets_them_at_its_head_without_a_commit(tmp_path):
    # A site upgraded to ADR 30 would show no checks until the next push: the index
    # format says its index predates them, so the next run reads it again, checks too.
    from adrsite.decisions.models import Repository

    root = porting_project(tmp_path / "p", broken=False)
    repository = index(root)
    CheckResult.objects.all().delete()
    Repository.objects.filter(pk=repository.pk).update(index_format=INDEX_FORMAT - 1)
    repository.refresh_from_db()
    result = repository_index(repository=repository)
    assert result.full
    assert CheckResult.objects.filter(commit=head(root)).count() == 2

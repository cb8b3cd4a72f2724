"""Decisions in review in a browser (ADR 37): the log's "in review" facet, a proposal's diff."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.gitrepo import Repo
from tests.review_fixture import review_log

pytestmark = pytest.mark.browser


@pytest.fixture
def open_work(live_server, tmp_path: Path) -> str:
    """The review fixture's repository, indexed with its open pull requests kept open."""
    from adrsite.decisions.indexing import repository_index, repository_register
    from adrsite.decisions.models import Repository

    repo = Repo(tmp_path / "demo")
    review_log(repo)
    repository = repository_register(name="demo", location=str(repo.path), adr_dir="adr")
    Repository.objects.filter(pk=repository.pk).update(review_max_age=100_000, branch="main")
    repository.refresh_from_db()
    repository_index(repository=repository)
    return live_server.url


def test_the_in_review_facet_swaps_in_the_proposals_and_leads_to_a_proposals_diff(
    page: Page, open_work: str
) -> None:
    page.goto("/")
    page.locator("#in-review").click()
    expect(page).to_have_url(re.compile(r"\?in_review=1$"))
    entries = page.locator("tr.review-entry")
    expect(entries).to_have_count(8)
    expect(page.locator("#in-review")).to_have_attribute("aria-current", "true")
    page.get_by_role("link", name="ADR 2: accepted → superseded").click()
    expect(page).to_have_url(re.compile(r"/reviews/demo/pull/420/head/~/0002-use-postgresql/$"))
    expect(page.locator(".banner-not-merged")).to_contain_text("Not merged — proposed in #420")
    expect(page.locator("table.diff tr.line-removed td.text")).to_have_text(["status: accepted"])
    expect(page.locator("table.diff tr.line-added td.text")).to_have_text(["status: superseded"])
    page.go_back()
    expect(entries).to_have_count(8)

"""The site in a browser: the log loads, leads to a decision, and needs no JavaScript to read."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from adrsite.decisions.models import Decision

pytestmark = pytest.mark.browser

# Any link into a decision page, whatever the markup around it.
DECISION_LINKS = 'a[href*="/decisions/"]'


def decision_links(page: Page) -> list[tuple[Locator, str]]:
    """The links on the page that name an indexed decision, each with that decision's title.

    A list may also link a decision by its number ("ADR 14") or from a badge; those
    name no title and are left out. The longest title a link's text contains wins.
    """
    titles = sorted(
        set(Decision.objects.exclude(title="").values_list("title", flat=True)), key=len
    )
    named = []
    links = page.locator(DECISION_LINKS)
    for index, text in enumerate(links.all_text_contents()):
        text = " ".join(text.split())
        found = [title for title in titles if title in text]
        if found:
            named.append((links.nth(index), found[-1]))
    return named


def test_the_log_leads_to_a_decision_page_titled_as_its_link(page, site):
    response = page.goto(f"{site}/")
    assert response is not None
    assert response.status == 200
    expect(page.locator("h1").first).to_be_visible()
    links = decision_links(page)
    assert links, f"no link on / names a decision: {page.locator(DECISION_LINKS).count()} links"

    link, title = links[0]
    link.click()

    expect(page).to_have_url(re.compile(r"/decisions/"))
    expect(page.locator("h1").first).to_contain_text(title)


def test_the_log_lists_decisions_without_javascript(page_without_js, site):
    response = page_without_js.goto(f"{site}/")
    assert response is not None
    assert response.status == 200
    expect(page_without_js.locator("h1").first).to_be_visible()
    assert decision_links(page_without_js), "no link on / names a decision without JavaScript"

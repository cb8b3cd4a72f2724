"""The site in a browser: search and filters with htmx, Back, links between decisions, diffs.

Every test reads a fixture decision log (the `site` fixture indexes tests/gitrepo.team_log
from its git history), and every page it opens must log no console error (conftest.py).
"""

from __future__ import annotations

import re

import pytest
from django.db.models import Count
from playwright.sync_api import Page, expect

from adrsite.decisions.models import Decision, Revision

pytestmark = pytest.mark.browser

ROWS = "table.log tbody tr"
# The decision page's own heading (its Markdown body may hold another <h1>).
TITLE = "#decision-title"
FACETS = "nav.facets"


def decision(number: int) -> Decision:
    """The current decision with this number in the indexed repository."""
    return Decision.objects.select_related("repository").get(number=number, deleted_commit="")


def current_count(**filters: str) -> int:
    return Decision.objects.filter(deleted_commit="", **filters).count()


def has_params(**params: str) -> re.Pattern[str]:
    """A URL whose query string has each `name=value`, in any order, among other parameters."""
    lookaheads = "".join(
        rf"(?=.*[?&]{re.escape(name)}={re.escape(value)}(&|#|$))" for name, value in params.items()
    )
    return re.compile(f"^{lookaheads}")


def row(page: Page, title: str):
    return page.locator(ROWS).filter(has=page.get_by_role("link", name=title, exact=True))


def two_revisions() -> tuple[Decision, Revision, Revision]:
    """A current decision with at least two revisions, and its last two, oldest first."""
    found = (
        Decision.objects.filter(deleted_commit="")
        .annotate(revision_count=Count("revisions"))
        .filter(revision_count__gte=2)
        .select_related("repository")
        .order_by("number")
        .first()
    )
    assert found is not None, "no decision of the log has two revisions in git history"
    older, newer = found.revisions.order_by("-authored_at", "-id")[:2][::-1]
    return found, older, newer


def first_line(message: str) -> str:
    return message.strip().splitlines()[0]


# --- 1. search as you type ---------------------------------------------------------


def test_typing_a_search_narrows_the_log_in_place_and_updates_the_url(page, site):
    page.goto("/")
    everything = current_count()
    expect(page.locator(ROWS)).to_have_count(everything)
    assert everything > 2
    match = decision(13).title  # "Safemigrate fakes existing tables"
    other = decision(10).title
    expect(row(page, other)).to_be_visible()
    page.evaluate("window.__marker = 1")

    page.locator("#q").press_sequentially("safemigrate", delay=30)

    expect(page).to_have_url(has_params(q="safemigrate"))
    expect(page.locator(ROWS)).to_have_count(1)
    expect(row(page, match)).to_be_visible()
    expect(row(page, other)).to_be_hidden()
    expect(page.locator("#results .summary")).to_contain_text("matching “safemigrate”")
    assert page.evaluate("window.__marker") == 1, "the page reloaded instead of swapping #results"


# --- 2. Back -------------------------------------------------------------------------


def test_back_restores_the_previous_filter_then_the_whole_log(page, site):
    page.goto("/")
    everything = current_count()
    expect(page.locator(ROWS)).to_have_count(everything)
    all_facet = page.locator(FACETS).get_by_role("link", name=re.compile(r"^all\b"))
    superseded_facet = page.locator(f"{FACETS} a.status-superseded")

    page.locator("#q").fill("flask")
    expect(page).to_have_url(has_params(q="flask"))
    expect(superseded_facet).to_be_visible()
    searched = page.locator(ROWS).count()
    assert 1 < searched < everything, f"'flask' should match some decisions, not {searched}"

    superseded_facet.click()
    expect(page).to_have_url(has_params(q="flask", status="superseded"))
    expect(superseded_facet).to_have_attribute("aria-current", "true")
    expect(page.locator(ROWS)).not_to_have_count(searched)

    page.go_back()
    expect(page).to_have_url(has_params(q="flask"))
    expect(page).not_to_have_url(re.compile(r"status=superseded"))
    expect(all_facet).to_have_attribute("aria-current", "true")
    expect(superseded_facet).not_to_have_attribute("aria-current", "true")
    expect(page.locator(ROWS)).to_have_count(searched)
    expect(page.locator("#q")).to_have_value("flask")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#q")).to_have_value("")
    expect(page.locator(ROWS)).to_have_count(everything)
    expect(all_facet).to_have_attribute("aria-current", "true")


def test_back_while_the_page_still_loads_its_scripts_shows_the_page_of_the_url(page, site):
    """The first Back reloads the page; a second, before that page's htmx has run, must too.

    After the reload Chrome takes Back to the entries pushed before it as a move within
    the page (popstate). htmx listens for those only once its deferred script has run, so
    here its script is held back on the reloaded page: a Back then must not leave the
    page showing the previous search under the URL of the whole log.
    """
    held = []

    def hold_htmx_once_armed(route):
        if held == ["armed"]:
            held[0] = route  # never answered: the Back below reloads the page before it
        else:
            route.continue_()

    page.route("**/htmx-2*.js", hold_htmx_once_armed)
    page.goto("/")
    everything = current_count()
    expect(page.locator(ROWS)).to_have_count(everything)
    page.locator("#q").fill("flask")
    expect(page).to_have_url(has_params(q="flask"))
    page.locator(f"{FACETS} a.status-superseded").click()
    expect(page).to_have_url(has_params(q="flask", status="superseded"))

    held.append("armed")
    page.go_back()
    expect(page).to_have_url(has_params(q="flask"))
    expect(page.locator("#q")).to_have_value("flask")
    expect(page.locator(f"{FACETS} a.status-superseded")).not_to_have_attribute(
        "aria-current", "true"
    )
    assert held != ["armed"], "the reloaded page asked for no htmx script"
    assert page.evaluate("typeof htmx") == "undefined", "htmx ran: nothing was held back"

    page.go_back(wait_until="commit")  # this page never loads: its htmx is held back
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("#q")).to_have_value("")
    expect(page.locator(ROWS)).to_have_count(everything)


# --- 3. the status facets ------------------------------------------------------------


def test_a_status_facet_shows_only_that_status_and_the_search_keeps_it(page, site):
    page.goto("/")
    superseded = current_count(status="superseded")
    assert 0 < superseded < current_count()
    expect(page.locator(ROWS)).to_have_count(current_count())
    facet = page.locator(f"{FACETS} a.status-superseded")
    page.evaluate("window.__marker = 1")

    facet.click()

    expect(page).to_have_url(has_params(status="superseded"))
    expect(facet).to_have_attribute("aria-current", "true")
    expect(page.locator(ROWS)).to_have_count(superseded)
    expect(page.locator(f"{ROWS} .badge")).to_have_text(["superseded"] * superseded)
    assert page.evaluate("window.__marker") == 1, "the facet reloaded the page"

    # "flask" matches accepted decisions too: the status must stay in the form's request.
    assert current_count(status="accepted", body__icontains="flask") > 0
    page.locator("#q").fill("flask")

    expect(page).to_have_url(has_params(q="flask", status="superseded"))
    expect(page.locator("#results .summary")).to_contain_text("matching “flask”")
    expect(page.locator("#results .summary")).to_contain_text("with status superseded")
    expect(page.locator(f"{FACETS} a.status-superseded")).to_have_attribute("aria-current", "true")
    expect(page.locator(ROWS)).not_to_have_count(0)
    badges = page.locator(f"{ROWS} .badge")
    expect(badges).to_have_text(["superseded"] * badges.count())


# --- 4. superseded -> successor --------------------------------------------------------


def test_the_superseded_banner_leads_to_the_successor_which_links_back(page, site):
    old, new = decision(10), decision(11)
    page.goto(old.get_absolute_url())
    expect(page.locator(TITLE)).to_have_text(old.title)
    banner = page.locator(".banner-superseded")
    expect(banner).to_have_count(1)

    banner.get_by_role("link").click()

    expect(page).to_have_url(re.compile(re.escape(new.get_absolute_url()) + "$"))
    expect(page.locator(TITLE)).to_have_text(new.title)
    back = page.locator(".banner-supersedes a")
    expect(back).to_contain_text(old.title)
    expect(back).to_have_attribute("href", old.get_absolute_url())
    back.click()
    expect(page.locator(TITLE)).to_have_text(old.title)


# --- 5. diffs ------------------------------------------------------------------------


def test_a_diff_link_opens_the_changes_between_two_revisions(page, site):
    found, older, newer = two_revisions()
    page.goto(found.get_absolute_url())
    link = page.locator("a.diff-link").first
    expect(link).to_be_visible()

    link.click()

    expect(page).to_have_url(has_params(to=newer.commit))
    expect(page.locator("h1")).to_contain_text(older.commit[:7])
    expect(page.locator("h1")).to_contain_text(newer.commit[:7])
    expect(page.locator("table.diff")).to_be_visible()
    expect(page.locator("table.diff").locator(".line-added, .line-removed").first).to_be_visible()
    sides = page.locator(".diff-side .commit-message")
    expect(sides).to_have_count(2)
    expect(sides.nth(0)).to_contain_text(first_line(older.message))
    expect(sides.nth(1)).to_contain_text(first_line(newer.message))


def test_the_compare_form_diffs_the_two_chosen_revisions(page, site):
    found, older, newer = two_revisions()
    page.goto(found.get_absolute_url())
    # The other way round from the default: newest first, so its lines read as removed.
    page.get_by_role("radio", name=f"compare from {newer.commit[:7]}").check()
    page.get_by_role("radio", name=f"compare to {older.commit[:7]}").check()

    page.get_by_role("button", name="Compare the chosen revisions").click()

    expect(page).to_have_url(has_params(**{"from": newer.commit, "to": older.commit}))
    expect(page.locator("h1")).to_have_text(
        f"Changes from {newer.commit[:7]} to {older.commit[:7]}"
    )
    expect(page.locator("table.diff .line-added, table.diff .line-removed").first).to_be_visible()
    expect(page.locator('.diff-side[aria-label="From"] .commit-message')).to_contain_text(
        first_line(newer.message)
    )
    expect(page.locator('.diff-side[aria-label="To"] .commit-message')).to_contain_text(
        first_line(older.message)
    )


# --- 6. without JavaScript --------------------------------------------------------------


def test_search_facets_and_decisions_work_without_javascript(page_without_js, site):
    page = page_without_js
    page.goto("/")
    expect(page.locator(ROWS)).to_have_count(current_count())
    match = decision(12)  # "JWT carries identity across"

    page.locator("#q").fill("jwt")
    page.locator("#q").press("Enter")

    expect(page).to_have_url(has_params(q="jwt"))
    expect(page.locator(ROWS)).to_have_count(1)
    expect(row(page, match.title)).to_be_visible()
    expect(page.locator("#q")).to_have_value("jwt")

    page.goto("/")
    page.locator(f"{FACETS} a.status-superseded").click()

    expect(page).to_have_url(has_params(status="superseded"))
    superseded = current_count(status="superseded")
    expect(page.locator(ROWS)).to_have_count(superseded)
    expect(page.locator(f"{ROWS} .badge")).to_have_text(["superseded"] * superseded)

    old = decision(10)
    row(page, old.title).get_by_role("link", name=old.title).click()

    expect(page).to_have_url(re.compile(re.escape(old.get_absolute_url()) + "$"))
    expect(page.locator(TITLE)).to_have_text(old.title)
    expect(page.locator(".banner-superseded a")).to_contain_text(decision(11).title)


def test_the_filter_button_submits_the_search_without_javascript(page_without_js, site):
    page = page_without_js
    page.goto("/")
    page.locator("#q").fill("safemigrate")

    page.get_by_role("button", name="Filter").click()

    expect(page).to_have_url(has_params(q="safemigrate"))
    expect(page.locator(ROWS)).to_have_count(1)
    expect(row(page, decision(13).title)).to_be_visible()


# --- 7. every page, and the keyboard ------------------------------------------------------


def test_every_page_renders_its_heading_without_console_errors(page, site):
    found, older, newer = two_revisions()
    pages = [
        "/",
        "/?q=flask",
        decision(10).get_absolute_url(),
        found.get_absolute_url(),
        f"{found.get_absolute_url()}revisions/{older.commit}/",
        f"{found.get_absolute_url()}diff/?from={older.commit}&to={newer.commit}",
        "/timeline/",
        "/graph/",
        "/rules/",
        "/problems/",
        "/start/",
    ]
    for url in pages:
        response = page.goto(url)
        assert response is not None
        assert response.status == 200, f"{url}: HTTP {response.status}"
        # .first: a decision's or a revision's Markdown body may hold another <h1>.
        heading = page.locator("main h1").first
        expect(heading).to_be_visible()
        expect(heading).not_to_be_empty()


def test_tab_first_focuses_the_skip_link_which_moves_focus_to_the_content(page, site):
    page.goto("/")
    skip = page.get_by_role("link", name="Skip to content")

    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()

    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def test_the_reading_path_reads_without_javascript(page_without_js, site):
    page = page_without_js
    page.goto("/")
    page.get_by_role("link", name="Start here").click()

    expect(page).to_have_url(re.compile(r"/start/$"))
    expect(page.locator("main h1")).to_have_text("Start here")
    groups = page.locator("section.path-group h2")
    expect(groups.first).to_contain_text("Other decisions")  # the fixture tags none
    entries = page.locator("section.path-group").first.locator("li.path-entry h3 a")
    expect(entries.first).to_have_text(f"ADR 1: {decision(1).title}")
    expect(entries.nth(1)).to_have_text(f"ADR 11: {decision(11).title}")
    proxy = page.locator("li.path-entry", has=page.get_by_role("link", name=decision(11).title))
    expect(proxy.locator(".path-story")).to_contain_text(f"Replaced ADR 10 ({decision(10).title})")
    in_force = page.locator("section.path-group li.path-entry h3")
    expect(in_force.filter(has_text=decision(10).title)).to_have_count(0)  # never as in force
    expect(page.locator(".path-minutes")).to_contain_text("minute")
    expect(page.locator("#recent h2")).to_have_text("What changed in the last 90 days")

    entries.first.click()
    expect(page.locator(TITLE)).to_have_text(decision(1).title)

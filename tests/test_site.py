"""The site: the decision log, a decision's page and history, and the pages around them."""

from __future__ import annotations

import contextlib
import html
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from adrsite.decisions import queries
from adrsite.decisions.indexing import repository_index, repository_register
from adrsite.decisions.models import Decision, Problem, Repository
from adrsite.decisions.queries import PAGE_SIZE
from adrsite.decisions.refs import decision_ref, folder_relative, number_in
from adrsite.records.diff import MAX_CHARACTERS, MAX_LINES
from tests.gitrepo import Repo, adr, team_log

pytestmark = pytest.mark.django_db

ADA = "Ada Lovelace <ada@example.com>"
GRACE = "Grace Hopper <grace@example.com>"
EVIL = (
    '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[click](javascript:alert(3))\n'
)


def index(repo: Repo, name: str = "demo", **fields: object) -> Repository:
    repository = repository_register(name=name, location=str(repo.path), adr_dir="adr")
    if fields:
        Repository.objects.filter(pk=repository.pk).update(**fields)
        repository.refresh_from_db()
    repository_index(repository=repository)
    return repository


@pytest.fixture
def team(tmp_path: Path) -> Repository:
    """A decision log like ours (tests/gitrepo.team_log), indexed from its git history."""
    return index(team_log(Repo(tmp_path / "ours")), name="adrsite")


@pytest.fixture
def story(repo: Repo) -> Repo:
    """Three decisions with a history: X proposed then accepted, Y supersedes X, Z amends Y."""
    repo.write("adr/0001-use-x.md", adr("Use X", body="We need a queue. X is simple."))
    repo.commit("Propose X", author=ADA)
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted", body="We need a queue. X is fast."))
    repo.commit("Accept X", author=GRACE)
    repo.write(
        "adr/0002-use-y.md",
        "---\nstatus: accepted\nsupersedes: [1]\ntags: [queues]\n"
        'rule: "Every queue is Y."\n---\n# Use Y\n\nY replaces X because Y scales.\n',
    )
    repo.write("adr/0001-use-x.md", adr("Use X", "superseded", body="We need a queue."))
    repo.commit("Supersede X with Y", author=ADA)
    repo.write(
        "adr/0003-tune-y.md",
        "---\nstatus: proposed\namends: [2]\n---\n# Tune Y\n\nSmaller batches.\n",
    )
    repo.commit("Propose tuning Y", author=GRACE)
    return repo


def html_of(client, url: str, **headers: str) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


# --- the decision log -------------------------------------------------------


def test_the_log_lists_a_teams_decisions_with_counts_per_status(client, team):
    html = html_of(client, "/")
    assert "Unidirectional flow" in html
    assert "Mount Flask inside Django" in html
    assert 'class="badge status-superseded"' in html
    assert re.search(r"superseded <span class=\"count\">1</span>", html)
    assert 'href="/decisions/adrsite/0014-unidirectional-flow/"' in html


@pytest.mark.also_postgres  # hostile input: the fuzz suite runs on both databases
def test_the_log_filters_by_status_tag_and_text_and_ignores_unknown_values(client, story):
    index(story)
    accepted = html_of(client, "/?status=accepted")
    assert "Use Y" in accepted
    assert "Use X" not in accepted
    assert "Tune Y" not in accepted
    tagged = html_of(client, "/?tag=queues")
    assert "Use Y" in tagged
    assert "Tune Y" not in tagged
    searched = html_of(client, "/?q=batches")
    assert "Tune Y" in searched
    assert "Use Y" not in searched
    assert "<mark>batches</mark>" in searched.lower()
    both = html_of(client, "/?q=y&status=proposed")
    assert "Tune Y" in both
    assert ">Use Y<" not in both
    everything = html_of(client, "/?status=nonsense&sort=nonsense&page=x&tag=")
    assert all(title in everything for title in ("Use X", "Use Y", "Tune Y"))


def test_the_log_filters_by_repository_when_there_are_several(client, story, tmp_path):
    index(story)
    other = Repo(tmp_path / "other")
    other.write("adr/0001-use-z.md", adr("Use Z"))
    other.commit("Z")
    index(other, name="other")
    assert "Use Z" in html_of(client, "/")
    assert "Use X" in html_of(client, "/")
    only_other = html_of(client, "/?repository=other")
    assert "Use Z" in only_other
    assert "Use X" not in only_other
    assert '<select name="repository">' in only_other


def test_the_log_sorts_by_number_title_or_change(client, story):
    index(story)
    titles = re.compile(r'<a href="/decisions/demo/[^"]+/">([^<]+)</a>')
    assert titles.findall(html_of(client, "/")) == ["Tune Y", "Use Y", "Use X"]
    assert titles.findall(html_of(client, "/?sort=number")) == ["Use X", "Use Y", "Tune Y"]
    assert titles.findall(html_of(client, "/?sort=title")) == ["Tune Y", "Use X", "Use Y"]


def test_the_log_is_paginated_beyond_a_page(client, repo):
    for number in range(1, PAGE_SIZE + 6):
        repo.write(f"adr/{number:04d}-decision-{number}.md", adr(f"Decision {number}"))
    repo.commit("Many")
    index(repo)
    first = html_of(client, "/?sort=number")
    assert "Decision 1<" in first
    assert f"Decision {PAGE_SIZE}<" in first
    assert f"Decision {PAGE_SIZE + 1}<" not in first
    assert "page 1 of 2" in first
    assert 'rel="next" href="?sort=number&amp;page=2"' in first
    second = html_of(client, "/?sort=number&page=2")
    assert f"Decision {PAGE_SIZE + 5}<" in second
    assert "Decision 1<" not in second
    assert "page 2 of 2" in html_of(client, "/?sort=number&page=99")  # past the end: the last


def test_a_filter_change_goes_back_to_page_one_and_a_page_change_keeps_the_filters():
    on_page_3 = queries.LogFilters(status="accepted", tag="db", sort="number", page=3)
    assert on_page_3.query(status="proposed") == "?status=proposed&tag=db&sort=number"
    assert on_page_3.query(tag="") == "?status=accepted&sort=number"
    assert on_page_3.query(sort="title") == "?status=accepted&tag=db&sort=title"
    assert on_page_3.query(text="kafka") == "?q=kafka&status=accepted&tag=db&sort=number"
    assert on_page_3.query(page=4) == "?status=accepted&tag=db&sort=number&page=4"
    assert on_page_3.query(page=1) == "?status=accepted&tag=db&sort=number"


def test_the_filter_links_on_page_three_lead_to_page_one(client, repo, monkeypatch):
    # "proposed" chosen on page 3 of "accepted" would show an empty page 3 of one proposal.
    monkeypatch.setattr(queries.log, "PAGE_SIZE", 2)
    for number in range(1, 8):
        repo.write(
            f"adr/{number:04d}-decision-{number}.md",
            f"---\nstatus: accepted\ntags: [db]\n---\n# Decision {number}\n",
        )
    repo.write("adr/0008-proposal.md", adr("A proposal"))
    repo.commit("Seven decisions and a proposal")
    index(repo)

    page_3 = html_of(client, "/?status=accepted&page=3")

    assert "page 3 of 4" in page_3
    links = dict(re.findall(r'<a id="((?:status|sort)-[\w-]+)"[^>]* href="([^"]*)"', page_3))
    assert links == {
        "status-all": "?",
        "status-accepted": "?status=accepted",
        "status-proposed": "?status=proposed",
        "sort-number": "?status=accepted&amp;sort=number",
        "sort-title": "?status=accepted&amp;sort=title",
        "sort-updated": "?status=accepted&amp;sort=-updated",
    }
    assert set(re.findall(r'<a class="tag" href="([^"]*)"', page_3)) == {
        "?status=accepted&amp;tag=db"
    }
    assert 'rel="prev" href="?status=accepted&amp;page=2"' in page_3
    assert 'rel="next" href="?status=accepted&amp;page=4"' in page_3
    assert "A proposal<" in html_of(client, "/" + html.unescape(links["status-proposed"]))


def test_htmx_gets_the_results_fragment_from_the_same_url(client, story):
    index(story)
    response = client.get("/?q=batches", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "HX-Request" in response["Vary"]
    assert "<html" not in html
    assert '<section id="results"' in html
    assert '<span id="filter-state" hx-swap-oob="true">' in html  # the form follows a link's filter
    assert "Tune Y" in html
    # Back in the browser asks htmx to restore the page: that needs the whole page.
    restored = client.get(
        "/?q=batches", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restored.content.decode()


def test_the_search_form_works_as_a_plain_get_form(client, story):
    index(story)
    html = html_of(client, "/?q=batches")
    form = re.search(r"<form class=\"filters\" method=\"get\" action=\"/\".*?</form>", html, re.S)
    assert form
    assert 'name="q" value="batches"' in form[0]
    assert 'type="submit"' in form[0]
    assert 'hx-get="/"' in form[0]
    assert 'hx-push-url="true"' in form[0]
    assert "delay:" in form[0]  # debounced as one types


def test_an_empty_index_says_how_to_start(client):
    html = html_of(client, "/")
    assert "No decisions yet" in html
    assert "adr new" in html
    assert "adr index" in html


# --- a decision ----------------------------------------------------------------


def test_a_superseded_decision_links_its_successor_and_the_successor_what_it_replaced(
    client, story
):
    index(story)
    old = html_of(client, "/decisions/demo/0001-use-x/")
    assert re.search(r'Superseded by <a href="/decisions/demo/0002-use-y/">ADR 2: Use Y</a>', old)
    new = html_of(client, "/decisions/demo/0002-use-y/")
    assert re.search(r'Supersedes <a href="/decisions/demo/0001-use-x/">ADR 1: Use X</a>', new)
    assert re.search(r'Amended by <a href="/decisions/demo/0003-tune-y/">', new)
    assert re.search(
        r'Amends <a href="/decisions/demo/0002-use-y/">',
        html_of(client, "/decisions/demo/0003-tune-y/"),
    )


def test_a_link_declared_only_by_the_old_decision_shows_on_both(client, repo):
    repo.write("adr/0001-use-x.md", "---\nstatus: superseded\nsuperseded-by: [2]\n---\n# Use X\n")
    repo.write("adr/0002-use-y.md", adr("Use Y", "accepted"))
    repo.commit("Both")
    index(repo)
    assert "Superseded by <a" in html_of(client, "/decisions/demo/0001-use-x/")
    assert "Supersedes <a" in html_of(client, "/decisions/demo/0002-use-y/")


def test_a_decision_page_shows_its_text_metadata_and_git_timeline(client, story):
    index(story, web_url="https://git.example.com/demo/blob/{commit}/{path}")
    html = html_of(client, "/decisions/demo/0001-use-x/")
    assert '<h1 id="decision-title">Use X</h1>' in html
    assert '<div class="body" hx-disable>' in html
    assert "We need a queue." in html
    assert html.count("<h1") == 1  # the file's own "# Use X" is the page's title, not repeated
    assert "Ada Lovelace, Grace Hopper" in html  # authors
    timeline = html.split('id="history-heading"', 1)[1].split("</ol>", 1)[0]
    changes = re.findall(r"status-(\w+)\">\w+</span>\s*by ([\w ]+) in", timeline)
    assert changes == [
        ("proposed", "Ada Lovelace"),
        ("accepted", "Grace Hopper"),
        ("superseded", "Ada Lovelace"),
    ]
    first = story.git("rev-list", "--max-parents=0", "HEAD")
    assert f'href="https://git.example.com/demo/blob/{first}/"' in timeline


def test_every_revision_is_viewable_and_any_two_diffable(client, story):
    index(story)
    propose, accept = story.git(
        "log", "--format=%H", "--reverse", "--", "adr/0001-use-x.md"
    ).split()[:2]
    page = html_of(client, "/decisions/demo/0001-use-x/")
    assert f'?from={propose}&amp;to={accept}">diff</a>' in page
    revision = html_of(client, f"/decisions/demo/0001-use-x/revisions/{propose}/")
    assert "X is simple." in revision
    assert "Propose X" in revision
    assert revision.count("<h1") == 1
    assert "<p>status: proposed</p>" not in revision
    diff = html_of(client, f"/decisions/demo/0001-use-x/diff/?from={propose[:7]}&to={accept[:7]}")
    assert re.search(r'class="line-removed">.*?X is simple\.', diff, re.S)
    assert re.search(r'class="line-added">.*?X is fast\.', diff, re.S)
    assert "Propose X" in diff
    assert "Accept X" in diff
    assert client.get("/decisions/demo/0001-use-x/diff/?from=zzz&to=").status_code == 404
    assert client.get("/decisions/demo/0001-use-x/revisions/0000000/").status_code == 404


def test_a_diff_past_the_size_cap_links_to_both_revisions_instead(client, repo):
    repo.write("adr/0001-use-x.md", adr("Use X", body="Short."))
    repo.commit("Propose X")
    repo.write("adr/0001-use-x.md", adr("Use X", body="Short, then longer."))
    repo.commit("Edit X")
    lines = "".join(f"Step {n}.\n" for n in range(MAX_LINES + 1))
    repo.write("adr/0001-use-x.md", adr("Use X", body=lines))
    repo.commit("Paste the whole runbook")
    index(repo)
    first, second, huge = repo.git("log", "--format=%H", "--reverse").split()
    url = "/decisions/demo/0001-use-x/diff/?from={}&to={}"
    with CaptureQueriesContext(connection) as small_diff:
        shown = html_of(client, url.format(first, second))
    assert re.search(r'class="line-added">.*?Short, then longer\.', shown, re.S)
    assert "too large" not in shown
    with CaptureQueriesContext(connection) as capped:
        page = html_of(client, url.format(second, huge))
    assert "This diff is too large to show" in page
    assert f"longer than {MAX_LINES:,} lines or {MAX_CHARACTERS:,} characters" in page
    assert 'class="diff"' not in page
    assert "Step 17." not in page
    for commit in (second, huge):
        link = f'href="/decisions/demo/0001-use-x/revisions/{commit}/"'
        assert page.count(link) == 2  # in the revision's summary and in the notice
    assert "Step 17." in html_of(client, f"/decisions/demo/0001-use-x/revisions/{huge}/")
    assert len(capped) == len(small_diff)


@pytest.mark.also_postgres  # hostile input: the fuzz suite runs on both databases
def test_an_unknown_decision_gets_the_sites_own_404_page(client, repo):
    repo.write("adr/0002-use-kafka.md", adr("Use Kafka"))
    repo.commit("One")
    index(repo)
    for url in (
        "/decisions/demo/9/",
        "/decisions/demo/0002-use-redis/",
        "/decisions/demo/other/0002-use-kafka/",
        "/decisions/nowhere/2/",
        "/decisions/demo/0002-use-kafka/revisions/zzzzzzz/",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Back to the decision log" in response.content.decode()


def test_a_deleted_decision_keeps_its_page_and_history(client, story):
    story.git("rm", "-q", "adr/0003-tune-y.md")
    story.commit("Drop the tuning")
    index(story)
    assert "Tune Y" not in html_of(client, "/")
    html = html_of(client, "/decisions/demo/0003-tune-y/")
    assert "This decision was deleted in" in html
    assert "Drop the tuning" in html


# --- the pages around the log --------------------------------------------------


def test_the_timeline_shows_every_status_change_newest_first(client, story):
    index(story)
    html = html_of(client, "/timeline/")
    events = re.findall(r">(ADR \d: [\w ]+)</a>\s*(written as|became)", html)
    assert events == [
        ("ADR 3: Tune Y", "written as"),
        ("ADR 2: Use Y", "written as"),  # in the same commit as the next line
        ("ADR 1: Use X", "became"),
        ("ADR 1: Use X", "became"),
        ("ADR 1: Use X", "written as"),
    ]


def test_the_graph_draws_each_link_as_an_arc_between_linked_decisions(client, story):
    index(story)
    html = html_of(client, "/graph/")
    assert html.count('<path class="arc arc-supersedes"') == 1
    assert html.count('<path class="arc arc-amends"') == 1
    assert html.count("<circle") == 3
    assert 'href="/decisions/demo/0002-use-y/"' in html


def test_the_rules_page_lists_accepted_decisions_that_state_a_rule(client, team, story):
    index(story)
    html = html_of(client, "/rules/")
    assert "Every queue is Y." in html
    assert "Django may call Flask; Flask never calls Django." in html or "Flask never" in html


def test_the_problems_page_lists_what_the_indexer_found(client, repo):
    repo.write("adr/0001-use-x.md", "---\nstatus: [unclosed\n---\n# Use X\n")
    repo.commit("Broken")
    index(repo)
    html = html_of(client, "/problems/")
    assert "adr/0001-use-x.md:2" in html
    assert "front matter is not valid YAML" in html


def problem_headings(html: str) -> list[str]:
    """The problems page's group headings, in order, as text."""
    headings = re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.DOTALL)
    return [re.sub(r"<[^>]+>", "", heading).strip() for heading in headings]


@pytest.mark.also_postgres
def test_the_problems_page_shows_errors_first_then_warnings_grouped_by_code(client, repo):
    for number in range(1, 5):
        repo.write(f"adr/ADR{number:03d}-decision-{number}.md", adr(f"Decision {number}"))
    repo.write("adr/adr-5-use-y.md", adr("Use Y"))  # breaks the folder's ADRNNN- convention
    repo.write("adr/ADR006_Use_Z.md", adr("Use Z"))
    repo.write("adr/ADR007-broken.md", "---\nstatus: [unclosed\n---\n# Broken\n")
    repo.write("adr/ADR008-maybe.md", adr("Maybe", "someday"))
    repo.write("adr/ADR009-twice.md", adr("Twice"))
    repo.write("adr/ADR009-again.md", adr("Again"))
    repo.commit("Decisions, some of them wrong")
    index(repo)

    html = html_of(client, "/problems/")

    assert problem_headings(html) == [
        "Errors — 3",
        "file-name — 2 warnings",
        "unknown-status — 1 warning",
    ]
    errors, file_names, statuses = html.split("<h2 ")[1:]
    assert errors.count("<tr class=") == 3
    assert "adr/ADR007-broken.md:2" in errors
    assert errors.count("number 9 is used by 2 files") == 2
    assert "adr/adr-5-use-y.md:1" in file_names
    assert "adr/ADR006_Use_Z.md:1" in file_names
    assert "this folder&#x27;s convention ADRNNN-slug.md (as 8 of 10 files do)" in file_names
    assert "adr/ADR008-maybe.md" in statuses
    assert 'href="#warnings-file-name"' in html
    assert 'id="warnings-file-name"' in html


@pytest.mark.also_postgres
def test_a_link_path_that_still_resolves_shows_as_a_warning_on_the_problems_page(client, repo):
    repo.write(
        "adr/ADR044-use-forms-api.md",
        "# ADR044: Use forms-api\n\n## Status\n\n"
        "Superseded by [AD045: Remove forms-api](ADR045-use-forms-api.md)\n",
    )
    repo.write(
        "adr/ADR045-remove-forms-api.md",
        "# ADR045: Remove forms-api\n\n## Status\n\nAccepted\n\n"
        "Supersedes [AD044: Use forms-api](ADR044-use-forms-api.md)\n",
    )
    repo.commit("Remove forms-api")
    repository = index(repo)

    [problem] = repository.problems.all()
    assert (problem.path, problem.line, problem.severity, problem.code) == (
        "adr/ADR044-use-forms-api.md", 5, "warning", "link-path",
    )  # fmt: skip
    assert problem.decision.number == 44
    html = html_of(client, "/problems/")
    assert problem_headings(html) == ["link-path — 1 warning"]
    assert (
        "superseded-by link to &#x27;ADR045-use-forms-api.md&#x27;: no such file; "
        "read as ADR045-remove-forms-api.md (fix the path)"
    ) in html
    # Still read as the link it meant: ADR 44's page names its successor.
    assert 'href="/decisions/demo/ADR045-remove-forms-api/"' in html_of(
        client, "/decisions/demo/ADR044-use-forms-api/"
    )


def add_problems(repository: Repository, count: int) -> None:
    """`count` errors and `count` warnings of each of two codes, straight into the index."""
    decision = repository.decisions.get()
    Problem.objects.bulk_create(
        Problem(repository=repository, decision=decision, path=decision.path, line=n,
                severity=severity, code=code, message=f"{code} {n}")
        for n in range(count)
        for severity, code in [("error", "no-title"), ("warning", "date"), ("warning", "file-name")]
    )  # fmt: skip


@pytest.mark.also_postgres
def test_the_problems_page_runs_one_query_for_its_groups_at_two_sizes(client, repo, monkeypatch):
    monkeypatch.setattr(queries.whole_log, "PROBLEMS_PER_GROUP", 5)
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("One")
    repository = index(repo)
    add_problems(repository, 2)

    with CaptureQueriesContext(connection) as few:
        small = html_of(client, "/problems/")
    add_problems(repository, 10)
    with CaptureQueriesContext(connection) as many:
        large = html_of(client, "/problems/")

    # One for the groups, whatever their size; one for the reviews due (asked each day);
    # one for the repositories whose background sync failed (ADR 33); one for the open
    # reviews whose numbers collide (ADR 37: none here, so no more).
    assert len(many) == len(few) == 4
    assert problem_headings(small) == ["Errors — 2", "date — 2 warnings", "file-name — 2 warnings"]
    assert problem_headings(large) == [
        "Errors — 12",
        "date — 12 warnings",
        "file-name — 12 warnings",
    ]
    assert large.count("The first 5 of 12, by repository and file.") == 3
    assert large.count("<tr class=") == 15
    assert "The first" not in small
    assert "demo</span> <code>" not in large  # one repository: rows need not name it
    other = repository_register(name="alpha", location=str(repo.path), adr_dir="adr")
    Problem.objects.create(
        repository=other, path="adr/x.md", severity="error", code="no-title", message="x"
    )
    with CaptureQueriesContext(connection) as both:
        several = html_of(client, "/problems/")
    assert len(both) == 4
    assert problem_headings(several)[0] == "Errors — 13"
    assert '<span class="muted">alpha</span> <code>adr/x.md:1</code>' in several
    assert '<span class="muted">demo</span> <code>adr/0001-use-x.md:0</code>' in several
    assert "No problems" in html_of(client, "/problems/?repository=elsewhere")
    assert problem_headings(html_of(client, "/problems/?repository=alpha")) == ["Errors — 1"]


def test_the_atom_feed_lists_changes_newest_first(client, story):
    index(story)
    response = client.get("/feed.atom")
    assert response["Content-Type"].startswith("application/atom+xml")
    atom = "{http://www.w3.org/2005/Atom}"
    titles = [
        e.findtext(f"{atom}title") for e in ET.fromstring(response.content).iter(f"{atom}entry")
    ]
    assert titles[0] == "ADR 3: Tune Y (proposed)"
    assert "ADR 1: Use X (superseded)" in titles


def test_the_json_api_serves_the_export_contract_and_one_decision(client, story):
    index(story)
    everything = client.get("/api/decisions").json()
    assert everything["repository"] == "demo"
    assert [d["path"] for d in everything["decisions"]] == [
        "adr/0001-use-x.md", "adr/0002-use-y.md", "adr/0003-tune-y.md",
    ]  # fmt: skip
    one = client.get("/api/decisions/demo/1").json()
    assert one["superseded_by"] == ["adr/0002-use-y.md"]
    assert [h["status"] for h in one["history"]] == ["proposed", "accepted", "superseded"]
    assert one == {
        **everything["decisions"][0],
        "url": "http://testserver/decisions/demo/0001-use-x/",
    }
    assert client.get("/api/decisions/demo/42").status_code == 404
    assert client.get("/api/decisions?repository=nowhere").status_code == 404


# --- safe by construction --------------------------------------------------------


@pytest.mark.also_postgres  # hostile input: the fuzz suite runs on both databases
def test_no_raw_html_from_an_adr_reaches_any_page(client, repo):
    repo.write("adr/0001-evil.md", f"---\nstatus: accepted\n---\n# Evil\n\n{EVIL}")
    first = repo.commit("Evil")
    repo.write("adr/0001-evil.md", f"---\nstatus: accepted\n---\n# Evil\n\nscript {EVIL}more\n")
    second = repo.commit("More evil")
    index(repo)
    for url in (
        "/decisions/demo/0001-evil/",
        f"/decisions/demo/0001-evil/revisions/{first}/",
        f"/decisions/demo/0001-evil/diff/?from={first}&to={second}",
        "/?q=script",
        "/?q=alert",
    ):
        html = html_of(client, url)
        assert "<script>alert" not in html, url
        assert "<img src=x" not in html, url
        assert "onerror=" not in html.replace("onerror=&quot;", ""), url
        assert 'href="javascript:' not in html, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html_of(client, "/decisions/demo/0001-evil/")


def test_pages_carry_a_content_security_policy_and_no_inline_handlers(client, story):
    index(story)
    for url in (
        "/",
        "/decisions/demo/0001-use-x/",
        "/timeline/",
        "/graph/",
        "/rules/",
        "/problems/",
    ):
        response = client.get(url)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self' 'nonce-" in policy
        assert "unsafe-inline" not in policy
        nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
        html = response.content.decode()
        assert f'nonce="{nonce}"' in html, url  # htmx's script tag carries it
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), url
        assert "style=" not in html, url


def test_every_asset_is_served_by_the_app_not_a_cdn(client, team):
    head = html_of(client, "/").split("<body", 1)[0]
    assets = re.findall(r'(?:src|href)="([^"]+)"', head)
    assert "/static/django_htmx/htmx-2.min.js" in assets
    assert "/static/adrsite/site.css" in assets
    for asset in assets:
        assert asset.startswith("/"), asset
        assert client.get(asset).status_code == 200, asset


# --- constant queries ------------------------------------------------------------------


def grow(repo: Repo, start: int, count: int) -> None:
    """`count` more decisions, each superseding the one before and amended, with two revisions."""
    for number in range(start, start + count):
        text = adr(f"Decision {number}", body=f"Body {number}.")
        if number > 1:
            text = text.replace("status: proposed", f"status: accepted\nsupersedes: [{number - 1}]")
        repo.write(f"adr/{number:04d}-decision-{number}.md", text)
    repo.commit(f"Add {count}")
    for number in range(start, start + count):
        repo.write(
            f"adr/{number:04d}-decision-{number}.md",
            (repo.path / f"adr/{number:04d}-decision-{number}.md").read_text() + "More.\n",
        )
    repo.commit(f"Edit {count}")


PAGES = {
    "/": 200,
    "/?q=decision&status=accepted": 200,
    "/?tag=none&sort=title&page=2": 200,
    "/decisions/demo/0002-decision-2/": 200,
    "/decisions/demo/ADR-2/": 301,
    "/decisions/demo/1/": 200,  # two files share number 1: the page of choices
    "/api/decisions/demo/0002-decision-2": 200,
    "/api/decisions/demo/1": 300,
    "/api/decisions": 200,
    "/api/decisions?page=2": 200,  # pages of API_PAGE_SIZE = 2 here
    "/timeline/": 200,
    "/graph/": 200,
    "/rules/": 200,
    "/problems/": 200,
    "/start/": 200,
    "/start/?repository=demo": 200,
    "/feed.atom": 200,
}


def queries_per_page(client) -> dict[str, tuple[int, int]]:
    """Queries of each page's first view (nothing cached yet) and of the next view."""
    cache.clear()
    counts = {}
    for url, status in PAGES.items():
        views = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == status, url
            views.append(len(queries))
        counts[url] = (views[0], views[1])
    return counts


def test_every_page_runs_the_same_number_of_queries_at_two_sizes(client, repo, monkeypatch):
    monkeypatch.setattr(queries.export, "API_PAGE_SIZE", 2)  # a second page even at the small size
    grow(repo, 1, 3)
    repo.write("adr/0001-also-one.md", adr("Also one"))
    repo.commit("A parallel branch took number 1")
    small = index(repo)
    few = queries_per_page(client)
    grow(repo, 4, 60)
    for branch in range(5):
        # Accepted: more decisions in force on the reading path, each its own entry.
        repo.write(f"adr/0001-one-more-{branch}.md", adr(f"One more {branch}", "accepted"))
    repo.commit("More branches took number 1")
    repository_index(repository=small)
    many = queries_per_page(client)
    assert many == few
    # 9: a decision's page asks once for its reviews, open and merged (ADR 37).
    assert max(again for _, again in few.values()) <= 9, few
    # A first view renders the body and stores it (ADR 24): a cache write, whatever the size.
    assert max(first - again for first, again in few.values()) <= 5, few


def test_every_page_runs_the_same_number_of_queries_for_a_user_of_restricted_repositories(
    client, repo, tmp_path, monkeypatch
):
    """Per-repository access (ADR 35) filters inside each query: no query more per page,
    for a signed-in member of the group, beside a repository restricted to another."""
    from django.contrib.auth.models import Group, User

    from adrsite.decisions.indexing import repository_restrict

    monkeypatch.setattr(queries.export, "API_PAGE_SIZE", 2)
    grow(repo, 1, 3)
    repo.write("adr/0001-also-one.md", adr("Also one"))
    repo.commit("A parallel branch took number 1")
    small = index(repo)
    index(team_log(Repo(tmp_path / "theirs")), name="theirs")
    repository_restrict(name="demo", groups=["ours"])
    repository_restrict(name="theirs", groups=["theirs"])
    user = User.objects.create_user("member")
    user.groups.add(Group.objects.get(name="ours"), Group.objects.create(name="other"))
    client.force_login(user)
    few = queries_per_page(client)
    grow(repo, 4, 60)
    repository_index(repository=small)
    many = queries_per_page(client)
    assert many == few
    # The session and the user: two queries more than an anonymous visitor's (9, above).
    assert max(again for _, again in few.values()) <= 11, few


def test_adr_serve_migrates_and_serves_a_repositorys_decisions(tmp_path):
    """The README's main command, end to end, in a fresh repository."""
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "ADR_DATE": "2026-11-21"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    adr = str(Path(sys.executable).parent / "adr")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run([adr, "init"], cwd=repo, env=env, check=True, capture_output=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(
        ["git", "-c", "user.name=Ada", "-c", "user.email=ada@x", "commit", "-qm", "Start"],
        cwd=repo,
        check=True,
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [adr, "serve", "--port", str(port)],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        html = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    html = response.read().decode()
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.1)
        # A decision's page reads and writes the rendered-body cache, whose table serve made.
        page = f"http://127.0.0.1:{port}/decisions/repo/0001-record-architecture-decisions/"
        decision_html = ""
        for _ in range(2 if html else 0):  # the first view writes the cache, the next reads it
            with urllib.request.urlopen(page, timeout=10) as response:
                decision_html = response.read().decode()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert "Record architecture decisions" in html, output
    assert "We make decisions about this system's architecture" in decision_html, output
    assert f"database: {tmp_path / 'data' / 'adrsite' / 'adrsite.sqlite3'}" in output


# --- odd input, found in review --------------------------------------------------


@pytest.mark.also_postgres  # LIKE and integer limits differ: the scheme must not
def test_odd_numbers_in_urls_are_not_found_never_a_crash(client, story):
    index(story)
    assert client.get("/?page=²").status_code == 200  # "²".isdigit() is true; int() refuses it
    assert client.get("/decisions/demo/²/").status_code == 404
    assert client.get("/api/decisions/demo/%C2%B2").status_code == 404
    assert client.get("/decisions/demo/0001-use-x%00/").status_code == 404
    assert client.get("/api/decisions/demo/%00").status_code == 404


@pytest.mark.also_postgres  # hostile input: the fuzz suite runs on both databases
def test_a_repository_name_must_fit_in_a_url(repo):
    with pytest.raises(ValueError, match="letters, digits, - and _ only"):
        repository_register(name="team.adr", location=str(repo.path), adr_dir="adr")


@pytest.mark.also_postgres  # hostile input: the fuzz suite runs on both databases
def test_commit_messages_reach_the_atom_feed_as_text_not_markup(client, repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit('Add <img src=x onerror="alert(1)">')
    index(repo)
    atom = "{http://www.w3.org/2005/Atom}"
    entry = next(ET.fromstring(client.get("/feed.atom").content).iter(f"{atom}entry"))
    summary = entry.find(f"{atom}summary")
    assert summary is not None
    assert summary.get("type") == "html"
    # HTML that, rendered by a feed reader, shows the message as it was typed
    assert summary.text == "Add &lt;img src=x onerror=&quot;alert(1)&quot;&gt;"


def test_a_markdown_file_and_an_upper_case_one_each_have_a_page(client, repo):
    repo.write("adr/0001-use-x.markdown", adr("Use X"))
    repo.write("adr/0002-use-y.MD", adr("Use Y"))
    repo.commit("Two extensions")
    index(repo)
    log = html_of(client, "/")
    assert 'href="/decisions/demo/0001-use-x/"' in log
    assert 'href="/decisions/demo/0002-use-y/"' in log
    assert "Use Y" in html_of(client, "/decisions/demo/0002-use-y/")


def test_a_deleted_and_rewritten_file_keeps_both_decisions_revisions_reachable(client, repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    first = repo.commit("Add X")
    repo.git("rm", "-q", "adr/0001-use-x.md")
    repo.commit("Remove X")
    repo.write("adr/0001-use-x.md", adr("Use X again"))
    again = repo.commit("Add X again")
    index(repo)
    assert "Use X again" in html_of(client, "/decisions/demo/0001-use-x/")
    assert "Add X" in html_of(client, f"/decisions/demo/0001-use-x/revisions/{first}/")
    diff = html_of(client, f"/decisions/demo/0001-use-x/diff/?from={first}&to={again}")
    assert "Use X again" in diff
    timeline = html_of(client, "/timeline/")
    for href in re.findall(r'href="(/decisions/demo/[^"]+/revisions/[^"]+/)"', timeline):
        assert client.get(href).status_code == 200, href


def test_relative_links_in_a_decision_lead_to_pages_and_tables_keep_no_inline_style(client, repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.write(
        "adr/0002-use-y.md",
        "---\nstatus: accepted\n---\n# Use Y\n\nSee [X](0001-use-x.md#context), "
        "[the code](../src/app.py) and [mail](mailto:a@example.com).\n\n"
        "| Option | Cost |\n|:---|---:|\n| X | 3 |\n",
    )
    repo.commit("Two")
    index(repo, web_url="https://git.example.com/demo/blob/{commit}/{path}")
    html = html_of(client, "/decisions/demo/0002-use-y/")
    assert '<a href="/decisions/demo/0001-use-x/#context">X</a>' in html
    assert re.search(r'<a href="https://git.example.com/demo/blob/\w+/src/app.py">', html)
    assert '<a href="mailto:a@example.com">' in html
    assert '<td class="align-right">3</td>' in html
    assert "style=" not in html


@pytest.mark.also_postgres  # hostile input: the fuzz suite runs on both databases
def test_a_decision_page_shows_the_status_as_written_escaped_and_its_links_working(client, repo):
    repo.write("adr/0001-use-x.md", adr("Use X", "superseded"))
    repo.write("adr/0002-use-y.md", "# Use Y\n\n* Status: ✅ **Accepted** (PR #2897) <b>loud</b>\n")
    repo.write("adr/0003-use-z.md", "# Use Z\n\n## Status\n\nAccepted\n")
    repo.write(
        "adr/0004-use-w.md",
        "# Use W\n\n## Status\n\nSuperseded by [ADR 1](0001-use-x.md) "
        "[click](javascript:alert(1)) <script>alert(2)</script>\n",
    )
    repo.commit("Four")
    index(repo)

    y = html_of(client, "/decisions/demo/0002-use-y/")
    w = html_of(client, "/decisions/demo/0004-use-w/")
    z = html_of(client, "/decisions/demo/0003-use-z/")

    assert (
        '<span class="muted status-text">“✅ <strong>Accepted</strong> (PR #2897) '
        "&lt;b&gt;loud&lt;/b&gt;”</span>"
    ) in y
    written = re.search(r'<span class="muted status-text">(.*?)</span>', w)[1]
    assert '“Superseded by <a href="/decisions/demo/0001-use-x/">ADR 1</a> ' in written
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in w
    assert "<script>alert" not in w
    assert 'href="javascript:' not in w
    assert "status-text" not in z  # "Accepted" says no more than the badge


# --- the decision URL scheme (ADR 21) ------------------------------------------------


def location_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 301, (url, response.status_code)
    return response["Location"]


@pytest.mark.also_postgres  # LIKE and integer limits differ: the scheme must not
def test_every_spelling_of_a_decision_redirects_permanently_to_its_one_url(client, repo):
    repo.write("adr/0012-use-x.md", adr("Use X"))
    first = repo.commit("Propose X")
    repo.write("adr/0012-use-x.md", adr("Use X", "accepted"))
    second = repo.commit("Accept X")
    index(repo)
    assert "Use X" in html_of(client, "/decisions/demo/0012-use-x/")
    spellings = ("12", "0012", "ADR-12", "adr12", "ADR_0012", "0012-use-x.md", "adr/0012-use-x.md")
    for spelling in spellings:
        assert location_of(client, f"/decisions/demo/{spelling}/") == "/decisions/demo/0012-use-x/"
    assert (
        location_of(client, f"/decisions/demo/ADR-12/revisions/{first}/")
        == f"/decisions/demo/0012-use-x/revisions/{first}/"
    )
    assert (
        location_of(client, f"/decisions/demo/12/diff/?from={first}&to={second}")
        == f"/decisions/demo/0012-use-x/diff/?from={first}&to={second}"
    )
    # A script asks the API by any spelling and is answered at once, with the page's one URL.
    one = client.get("/api/decisions/demo/adr12")
    assert one.status_code == 200
    assert one.json()["url"] == "http://testserver/decisions/demo/0012-use-x/"


@pytest.mark.also_postgres  # LIKE and integer limits differ: the scheme must not
def test_the_file_name_adr_n_and_the_padded_number_reach_a_decision_on_every_page(client, repo):
    """Issue 11's three spellings, as people paste them, on each of a decision's pages."""
    repo.write("adr/0013-use-events.md", adr("Use events"))
    repo.write("adr/0014-unidirectional-flow.md", adr("Unidirectional flow"))
    first = repo.commit("Propose")
    repo.write("adr/0014-unidirectional-flow.md", adr("Unidirectional flow", "accepted"))
    second = repo.commit("Accept")
    index(repo)
    page = "/decisions/demo/0014-unidirectional-flow/"
    assert "Unidirectional flow</h1>" in html_of(client, page)
    diff = f"diff/?from={first[:7]}&to={second}"
    for spelling in ("0014-unidirectional-flow.md", "ADR-14", "0014"):
        assert location_of(client, f"/decisions/demo/{spelling}/") == page
        assert location_of(client, f"/decisions/demo/{spelling}/?x=1") == f"{page}?x=1"
        revision = f"revisions/{first}/"
        assert location_of(client, f"/decisions/demo/{spelling}/{revision}") == page + revision
        assert location_of(client, f"/decisions/demo/{spelling}/{diff}") == page + diff
        answer = client.get(f"/api/decisions/demo/{spelling}")
        assert answer.status_code == 200, spelling
        assert (answer.json()["title"], answer.json()["url"]) == (
            "Unidirectional flow",
            f"http://testserver{page}",
        )
    assert "Unidirectional flow" in html_of(client, page + f"revisions/{first}/")
    assert "Unidirectional flow" in html_of(client, page + diff)


def test_a_repositorys_address_leads_to_the_log_of_that_repository(client, repo, tmp_path):
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    repo.commit("X")
    index(repo)
    other = Repo(tmp_path / "other")
    other.write("adr/0001-use-y.md", adr("Use Y"))
    other.commit("Y")
    index(other, name="other")
    response = client.get("/decisions/demo/")
    assert response.status_code == 302  # not 301: a repository page may take the address
    assert response["Location"] == "/?repository=demo"
    log = client.get(response["Location"]).content.decode()
    assert "Use X" in log
    assert "Use Y" not in log
    # The log's other filters are kept, and the repository is the one in the path.
    filtered = client.get("/decisions/other/?status=proposed&repository=demo")
    assert filtered["Location"] == "/?status=proposed&repository=other"
    assert client.get("/decisions/other").status_code == 301  # the slash appended first
    assert client.get("/decisions/nowhere/").status_code == 404
    assert client.head("/decisions/demo/")["Location"] == "/?repository=demo"


@pytest.mark.also_postgres  # LIKE and integer limits differ: the scheme must not
def test_a_number_two_files_share_gets_a_page_listing_both_and_the_problem(client, repo):
    repo.write("adr/0094-use-queues.md", adr("Use queues", "accepted"))
    repo.write("adr/0095-use-kafka.md", adr("Use Kafka", "accepted"))
    repo.write("adr/0095-use-redis.md", adr("Use Redis"))
    repo.commit("Two pull requests both took 95")
    index(repo)
    response = client.get("/decisions/demo/95/")
    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(
        r'<tr>\s*<td><a href="([^"]+)">ADR 95: ([^<]+)</a></td>\s*'
        r'<td><span class="badge status-(\w+)">\w+</span>\s*</td>\s*<td><code>([^<]+)</code>',
        html,
    )
    assert rows == [
        ("/decisions/demo/0095-use-kafka/", "Use Kafka", "accepted", "adr/0095-use-kafka.md"),
        ("/decisions/demo/0095-use-redis/", "Use Redis", "proposed", "adr/0095-use-redis.md"),
    ]
    assert "2 decisions share number 95" in html
    assert "adr renumber FILE" in html
    assert "number 95 is used by 2 files: adr/0095-use-kafka.md, adr/0095-use-redis.md" in html
    assert "Use queues" not in html
    for href, title, _, _ in rows:
        assert title in html_of(client, href)
    assert "2 decisions share number 95" in html_of(client, "/decisions/demo/ADR-0095/diff/")
    # The API: 300 Multiple Choices, and where each choice lives.
    answer = client.get("/api/decisions/demo/95")
    assert answer.status_code == 300
    body = answer.json()
    assert body["error"] == "2 decisions share number 95; choose one"
    assert [(c["path"], c["number"], c["title"], c["status"]) for c in body["choices"]] == [
        ("adr/0095-use-kafka.md", 95, "Use Kafka", "accepted"),
        ("adr/0095-use-redis.md", 95, "Use Redis", "proposed"),
    ]
    for choice in body["choices"]:
        assert choice["url"].startswith("http://testserver/decisions/demo/0095-use-")
        assert client.get(choice["api"]).json()["path"] == choice["path"]


@pytest.mark.also_postgres  # LIKE and integer limits differ: the scheme must not
def test_files_in_sub_folders_have_their_folder_in_their_url(client, repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.write(
        "adr/team-a/2024-01-02-use-y.md", adr("Team A uses Y", body="See [X](../0001-use-x.md).")
    )
    repo.write(
        "adr/team-b/2024-01-02-use-y.md",
        adr("Team B uses Y", body="See [A](../team-a/2024-01-02-use-y.md)."),
    )
    repo.write("adr/team-b/deep/0002-use-z.md", adr("Use Z"))
    first = repo.commit("Three teams")
    repo.write("adr/team-b/deep/0002-use-z.md", adr("Use Z", "accepted"))
    second = repo.commit("Accept Z")
    index(repo)
    log = html_of(client, "/")
    for href in (
        "/decisions/demo/team-a/2024-01-02-use-y/",
        "/decisions/demo/team-b/2024-01-02-use-y/",
        "/decisions/demo/team-b/deep/0002-use-z/",
    ):
        assert f'href="{href}"' in log
    a = html_of(client, "/decisions/demo/team-a/2024-01-02-use-y/")
    assert "Team A uses Y" in a
    assert '<a href="/decisions/demo/0001-use-x/">X</a>' in a
    b = html_of(client, "/decisions/demo/team-b/2024-01-02-use-y/")
    assert "Team B uses Y" in b
    assert '<a href="/decisions/demo/team-a/2024-01-02-use-y/">A</a>' in b
    # The file name alone: the choices when two folders hold it, else a redirect.
    both = html_of(client, "/decisions/demo/2024-01-02-use-y/")
    assert "2 decisions are named “2024-01-02-use-y”" in both
    assert "renumber" not in both
    assert 'href="/decisions/demo/team-a/2024-01-02-use-y/"' in both
    assert 'href="/decisions/demo/team-b/2024-01-02-use-y/"' in both
    assert (
        location_of(client, "/decisions/demo/0002-use-z/")
        == "/decisions/demo/team-b/deep/0002-use-z/"
    )
    assert location_of(client, "/decisions/demo/2/") == "/decisions/demo/team-b/deep/0002-use-z/"
    z = "/decisions/demo/team-b/deep/0002-use-z"
    assert "Three teams" in html_of(client, f"{z}/revisions/{first}/")
    assert "Accept Z" in html_of(client, f"{z}/diff/?from={first}&to={second}")
    assert client.get("/api/decisions/demo/team-b/deep/0002-use-z").json()["title"] == "Use Z"


@pytest.mark.also_postgres  # LIKE and integer limits differ: the scheme must not
def test_a_decision_named_like_a_sub_page_keeps_its_extension_in_its_url(client, repo):
    repo.write("adr/team.md", adr("Team"))
    repo.write("adr/team/diff.md", adr("Diff tool"))
    repo.write("adr/team/revisions/abcdef0.md", adr("Revision scheme"))
    first = repo.commit("Three")
    repo.write("adr/team.md", adr("Team", "accepted"))
    repo.write("adr/team/diff.md", adr("Diff tool", "accepted"))
    second = repo.commit("Accept")
    index(repo)
    log = html_of(client, "/")
    for href, title in (
        ("/decisions/demo/team/", "Team"),
        ("/decisions/demo/team/diff.md/", "Diff tool"),
        ("/decisions/demo/team/revisions/abcdef0.md/", "Revision scheme"),
    ):
        assert f'<a href="{href}">{title}</a>' in log
        assert f'<h1 id="decision-title">{title}</h1>' in html_of(client, href)
    changes = f"?from={first}&to={second}"
    team_diff = html_of(client, f"/decisions/demo/team/diff/{changes}")
    assert '<a href="/decisions/demo/team/">team: Team</a>' in team_diff
    tool_diff = html_of(client, f"/decisions/demo/team/diff.md/diff/{changes}")
    assert '<a href="/decisions/demo/team/diff.md/">diff: Diff tool</a>' in tool_diff
    assert "Three" in html_of(client, f"/decisions/demo/team/diff.md/revisions/{first}/")
    assert location_of(client, "/decisions/demo/diff/") == "/decisions/demo/team/diff.md/"


@pytest.mark.also_postgres  # LIKE and integer limits differ: the scheme must not
def test_any_character_in_a_file_name_survives_the_round_trip_through_a_url(client, repo):
    names = [
        "0001-a b?c#d%20e&f=g+h;i'j\"k<l>.md",
        "0002-ünïcödé-日本.md",
        "sub dir/0003-x\\y|z`~!@$^*(){}[],.md",
        "0004-tab\tand-newline\n-in-name.md",
    ]
    for number, name in enumerate(names, 1):
        repo.write(f"adr/{name}", adr(f"Odd name {number}"))
    commit = repo.commit("Odd names")
    index(repo)
    log = html_of(client, "/")
    hrefs = [
        html.unescape(h) for h in re.findall(r'<a href="(/decisions/demo/[^"]+)">Odd name', log)
    ]
    assert len(hrefs) == len(names)
    for href in hrefs:
        assert not set(href) & set("\n\t ?#"), href
        number = int(re.search(r"/(?:sub%20dir/)?000(\d)", href)[1])
        page = html_of(client, href)
        assert f'<h1 id="decision-title">Odd name {number}</h1>' in page
        revision = re.search(r'href="([^"]+/revisions/[0-9a-f]+/)"', page)[1]
        assert html.unescape(revision) == f"{href}revisions/{commit}/"
        assert "Odd names" in html_of(client, html.unescape(revision))
        api = href.replace("/decisions/", "/api/decisions/").rstrip("/")
        assert client.get(api).json()["title"] == f"Odd name {number}"


@pytest.mark.also_postgres  # LIKE and integer limits differ: the scheme must not
def test_deleted_decisions_keep_their_url_and_a_current_one_at_the_same_ref_wins(client, repo):
    repo.write("adr/0004-gone.md", adr("Gone"))
    repo.write("adr/0005-x.md", adr("Old X"))
    repo.write("adr/0006-y.md", adr("Old Y"))
    repo.write("adr/a/0007-z.md", adr("Z in a"))
    repo.write("adr/b/0007-z.md", adr("Z in b"))
    repo.commit("Five")
    repo.git("rm", "-q", "adr/0004-gone.md", "adr/0005-x.md", "adr/0006-y.md", "adr/a/0007-z.md")
    repo.git("rm", "-q", "adr/b/0007-z.md")
    repo.commit("Remove them")
    repo.write("adr/0005-x.markdown", adr("New X"))
    repo.write("adr/0009-twice.md", adr("Twice, first"))
    repo.commit("Write X again, and 9")
    repo.git("rm", "-q", "adr/0009-twice.md")
    repo.commit("Remove 9")
    repo.write("adr/0009-twice.markdown", adr("Twice, second"))
    repo.commit("Write 9 again")
    repo.git("rm", "-q", "adr/0009-twice.markdown")
    repo.write("adr/sub/0006-y.md", adr("New Y"))
    repo.commit("Write Y again, remove 9 again")
    index(repo)
    # Only deleted: its number leads to it, its own ref keeps its page.
    assert location_of(client, "/decisions/demo/4/") == "/decisions/demo/0004-gone/"
    assert "This decision was deleted in" in html_of(client, "/decisions/demo/0004-gone/")
    # The same ref, deleted and current: the current one.
    new_x = html_of(client, "/decisions/demo/0005-x/")
    assert '<h1 id="decision-title">New X</h1>' in new_x
    assert "This decision was deleted in" not in new_x
    # Two deleted decisions at one ref: the last to go.
    assert "Twice, second</h1>" in html_of(client, "/decisions/demo/0009-twice/")
    assert location_of(client, "/decisions/demo/9/") == "/decisions/demo/0009-twice/"
    # A deleted decision's own ref beats a current one found by its file name only.
    assert '<h1 id="decision-title">Old Y</h1>' in html_of(client, "/decisions/demo/0006-y/")
    assert location_of(client, "/decisions/demo/6/") == "/decisions/demo/sub/0006-y/"
    # Two deleted decisions share a number and a name: the choices, each marked deleted.
    for ref in ("7", "0007-z"):
        choices = html_of(client, f"/decisions/demo/{ref}/")
        assert (
            'href="/decisions/demo/a/0007-z/">ADR 7: Z in a</a> <span class="muted">(deleted'
            in choices
        )
        assert (
            'href="/decisions/demo/b/0007-z/">ADR 7: Z in b</a> <span class="muted">(deleted'
            in choices
        )


@pytest.mark.also_postgres  # LIKE and integer limits differ: the scheme must not
def test_two_files_that_differ_only_in_extension_are_each_reachable(client, repo):
    repo.write("adr/0008-w.md", adr("W in md"))
    repo.write("adr/0008-w.markdown", adr("W in markdown"))
    repo.commit("Both")
    index(repo)
    choices = html_of(client, "/decisions/demo/0008-w/")
    assert '<a href="/decisions/demo/0008-w.markdown/">ADR 8: W in markdown</a>' in choices
    assert '<a href="/decisions/demo/0008-w.md/">ADR 8: W in md</a>' in choices
    assert "W in md</h1>" in html_of(client, "/decisions/demo/0008-w.md/")
    assert "W in markdown</h1>" in html_of(client, "/decisions/demo/0008-w.markdown/")


def test_a_decision_ref_is_its_path_in_the_adr_folder_without_extension():
    assert decision_ref("adr/0012-use-x.md", "adr") == "0012-use-x"
    assert decision_ref("docs/adr/sub/0003-x.MARKDOWN", "docs/adr/") == "sub/0003-x"
    assert decision_ref("0003-x.md", ".") == "0003-x"
    assert decision_ref("doc/adr/0003-x.md", "docs/adr") == "doc/adr/0003-x"  # before a move
    assert decision_ref("adr/diff.md", "adr") == "diff"  # the sub-page route needs a ref before it
    assert decision_ref("adr/a/diff.md", "adr") == "a/diff.md"
    assert decision_ref("adr/a/revisions/abcdef0.md", "adr") == "a/revisions/abcdef0.md"
    assert decision_ref("adr/a/revisions/not-a-commit.md", "adr") == "a/revisions/not-a-commit"
    assert folder_relative("adrs/0001-x.md", "adr") == "adrs/0001-x.md"


def test_number_spellings_are_read_in_linear_time_and_bounded():
    for spelling in ("12", "0012", "ADR-12", "adr12", "adr_12", "MADR-0012", "adr 12"):
        assert number_in(spelling) == 12, spelling
    for spelling in ("12a", "ADR--12", "²", "٣", "-12", "", "adr", "9" * 10):
        assert number_in(spelling) is None, spelling
    assert number_in("0" * 100_000 + "7") == 7
    started = time.perf_counter()
    assert number_in("0" * 100_000 + "x") is None
    assert time.perf_counter() - started < 0.1


# --- methods, bytes and secrets (issue 9) -------------------------------------------


def url_patterns(resolver=None, prefix: str = ""):
    """Every (namespaced name, pattern) of the site's pages, however deeply included: the
    decisions app's; sign-in, accounts and Django's admin are tests/test_login.py's."""
    from django.urls import URLResolver, get_resolver

    for entry in (resolver or get_resolver()).url_patterns:
        if resolver is None and getattr(entry, "namespace", None) != "decisions":
            continue
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from url_patterns(entry, namespace)
        else:
            yield f"{prefix}{entry.name}", entry.pattern


# The webhooks answer POST only (GET and HEAD: 405); tests/test_webhooks.py tests them.
POST_ONLY = {"decisions:hook-github", "decisions:hook-gitlab", "decisions:hook-generic"}


def open_a_review(story: Repo) -> None:
    """Pull request #7 proposes accepting X again (ADR 37), indexed: for the review pages."""
    story.git("checkout", "-q", "-b", "pr-7")
    story.write("adr/0001-use-x.md", adr("Use X", "accepted", body="We need a queue."))
    story.git("update-ref", "refs/pull/7/head", story.commit("Accept X again", author=ADA))
    story.git("checkout", "-q", "main")
    story.git("branch", "-q", "-D", "pr-7")
    index(story, review_max_age=100_000)  # its commit is months old: kept open all the same


def route_samples(story: Repo) -> list[tuple[str, str, dict[str, str], str]]:
    """For every route of the URLconf: its name, a URL of it that answers 200 on the story
    (with a review open: open_a_review), the values that URL gives its path converters,
    and its query string ("" or "?...")."""
    from django.urls import reverse

    open_a_review(story)
    first, second = story.git("log", "--format=%H", "--", "adr/0001-use-x.md").split()[-2:]
    arguments = {
        "repository": "demo",
        "ref": "0001-use-x",
        "commit": first,
        "refname": "pull/7/head",
    }
    queries = {"decisions:diff": f"?from={first}&to={second}"}
    samples = []
    for name, pattern in url_patterns():
        if name in POST_ONLY:  # webhooks: tests/test_webhooks.py
            continue
        kwargs = {key: arguments[key] for key in pattern.converters}
        samples.append((name, reverse(name, kwargs=kwargs), kwargs, queries.get(name, "")))
    return samples


# What a route's sample URL answers when it is not 200: a redirect, where it leads.
REDIRECTS = {"decisions:repository": "/?repository=demo"}


def test_head_answers_every_route_as_get_does_without_a_body(client, story):
    index(story)
    seen = set()
    for name, path, _, query in route_samples(story):
        url = path + query
        got, head = client.get(url), client.head(url)
        expected = 302 if name in REDIRECTS else 200
        assert got.status_code == expected, url
        assert head.status_code == expected, url
        assert head["Content-Type"] == got["Content-Type"], url
        assert head.get("Location") == got.get("Location") == REDIRECTS.get(name), url
        assert head.content == b"", url
        seen.add(name)
    assert len(seen) == 17, seen  # every route: a new one without a sample URL fails above


# Every page and every parameter it reads, each given a NUL byte: PostgreSQL refuses it in
# any text value, so a parameter that reached a query would be a 500 there.
NUL_IN_PARAMETERS = [
    "/?tag=%00",
    "/?repository=%00",
    "/?q=%00",
    "/?q=use%00x&status=%00&sort=%00&page=%00",
    "/?tag%00=queues",
    "/timeline/?repository=%00",
    "/graph/?repository=%00",
    "/rules/?repository=%00",
    "/problems/?repository=%00",
    "/feed.atom?repository=%00",
    "/api/decisions?repository=%00",
    "/api/decisions?repository=demo&page=%00",
    "/api/reviews?repository=%00",
    "/decisions/demo/0001-use-x/?repository=%00",
    "/decisions/demo/0001-use-x/diff/?from=%00&to=%00",
]
NUL_IN_PATHS = [
    "/decisions/demo/%00/",
    "/decisions/demo/0001-use-x%00/",
    "/decisions/demo/0001-use-x/revisions/%00/",
    "/decisions/demo/%00/diff/",
    "/api/decisions/demo/%00",
    "/api/decisions/demo/0001%00",
    "/api/decisions/%00/1",
    "/%00/",
]


@pytest.mark.also_postgres  # PostgreSQL refuses NUL in text: the fuzz must run there too
def test_a_nul_byte_in_a_query_parameter_drops_that_parameter_on_every_page(client, story):
    index(story)
    for url in NUL_IN_PARAMETERS:
        response = client.get(url)
        expected = 404 if "diff" in url else 200  # the diff without its two revisions
        assert response.status_code == expected, url
    everything = html_of(client, "/")
    for url in ("/?tag=%00", "/?repository=%00", "/?q=%00", "/?tag%00=queues"):
        assert html_of(client, url).count("/decisions/demo/") == everything.count(
            "/decisions/demo/"
        ), url  # the filter is dropped, not matched against
    assert len(client.get("/api/decisions?repository=%00").json()["decisions"]) == 3


@pytest.mark.also_postgres  # PostgreSQL refuses NUL in text: the fuzz must run there too
def test_a_nul_byte_in_a_url_path_is_not_found_on_every_route(client, story):
    index(story)
    for url in NUL_IN_PATHS:
        response = client.get(url)
        assert response.status_code == 404, url
        if not url.startswith("/api/"):
            assert "Not found" in response.content.decode() or b"404" in response.content, url


# What a committer, a browser or a scanner may put in any part of a URL, percent-encoded
# as it arrives: bytes PostgreSQL refuses, bytes that are no UTF-8, sizes and numbers no
# column or integer holds, LIKE's and SQL's metacharacters, and text that only looks odd.
HOSTILE = {
    "NUL": "%00",
    "lone surrogate": "%ED%A0%80",
    "invalid UTF-8": "%FF",
    "10,000 characters": "x" * 10_000,
    "huge integer": "99999999999999999999",
    "negative": "-1",
    "exponent": "1e9",
    "LIKE's %": "%25",
    "LIKE's _": "_",
    "backslash": "%5C",
    "quote": "'",
    "SQL": "%25_%5C'%22;--%20",
    "control characters": "%01%1B%5B31m%7F",
    "right-to-left override": "%E2%80%AEevil",
    "emoji": "%F0%9F%92%A5",
}

# What a hostile value in each query parameter a view reads gets, but NUL, which
# refuse_unstorable_input drops everywhere: "dropped" answers as if the parameter were
# absent; "no match" is a filter nothing matches (the page lists no decision); "search"
# is the log's text search (no match, or, for text with no word in it, no search); a
# number is the status code.
HOSTILE_PARAMETER_ANSWERS = {
    ("decisions:log", "page"): "dropped",
    ("decisions:log", "sort"): "dropped",
    ("decisions:log", "status"): "dropped",
    ("decisions:log", "in_review"): "dropped",
    ("decisions:log", "q"): "search",
    ("decisions:log", "repository"): "no match",
    ("decisions:log", "tag"): "no match",
    ("decisions:timeline", "repository"): "no match",
    ("decisions:graph", "repository"): "no match",
    ("decisions:rules", "repository"): "no match",
    ("decisions:start", "repository"): "no match",
    ("decisions:problems", "repository"): "no match",
    ("decisions:api-decisions", "repository"): 404,
    ("decisions:api-decisions", "page"): 404,
    ("decisions:api-reviews", "repository"): 404,
    ("decisions:diff", "from"): 404,
    ("decisions:diff", "to"): 404,
}


def answer_of(response) -> tuple[int, bytes]:
    """A response as the fuzz compares it: the CSP nonce is new on every response."""
    return response.status_code, re.sub(rb'nonce="[^"]*"', b'nonce=""', response.content)


def decisions_listed(response) -> set[bytes]:
    return set(re.findall(rb'href="/decisions/demo/[^"?]+/"', response.content))


def decisions_listed_in(page: str) -> set[str]:
    """The refs of the decisions a page of the log lists."""
    return {html.unescape(ref) for ref in re.findall(r'<a href="/decisions/demo/([^"?]+)/">', page)}


@pytest.fixture
def parameters_read(monkeypatch) -> set[str]:
    """The names of the query parameters read from here on (cleared by the test)."""
    from django.http import QueryDict

    read: set[str] = set()
    real_get, real_getitem, real_getlist = QueryDict.get, QueryDict.__getitem__, QueryDict.getlist

    def get(self, key, default=None):
        read.add(key)
        return real_get(self, key, default)

    def getitem(self, key):
        read.add(key)
        return real_getitem(self, key)

    def getlist(self, key, default=None):
        read.add(key)
        return real_getlist(self, key, default)

    monkeypatch.setattr(QueryDict, "get", get)
    monkeypatch.setattr(QueryDict, "__getitem__", getitem)
    monkeypatch.setattr(QueryDict, "getlist", getlist)
    return read


@pytest.mark.also_postgres  # PostgreSQL refuses NUL, checks lengths, escapes LIKE: run it there too
def test_a_hostile_value_in_any_query_parameter_of_any_route_is_dropped_or_refused(
    client, story, parameters_read
):
    """Every route the resolver knows, every parameter its view reads (found by watching it
    read), every hostile value: never a 500, and the answer HOSTILE_PARAMETER_ANSWERS says."""
    from urllib.parse import parse_qsl, unquote, urlencode

    from adrsite.decisions.search import search_words

    story.write("adr/0004-broken.md", "---\nstatus: [unclosed\n---\n# Broken\n")
    story.commit("A problem for the problems page to list")
    index(story)
    answered = set()
    for name, path, _, query in route_samples(story):
        parameters_read.clear()
        unfiltered = client.get(path + query)
        assert unfiltered.status_code == (302 if name in REDIRECTS else 200), path
        for parameter in sorted(parameters_read):
            answer = HOSTILE_PARAMETER_ANSWERS.get((name, parameter))
            answered.add((name, parameter))
            others = [(k, v) for k, v in parse_qsl(query.lstrip("?")) if k != parameter]
            without = f"{path}?{urlencode(others)}"
            if answer == "no match":  # or the test proves nothing
                assert decisions_listed(unfiltered), path
            for label, value in HOSTILE.items():
                url = f"{without}&{parameter}={value}"
                response = client.get(url)
                where = (name, parameter, label)
                if label == "NUL" or answer == "dropped":
                    assert answer_of(response) == answer_of(client.get(without)), where
                elif answer == "no match":
                    assert response.status_code == 200, where
                    assert decisions_listed(response) == set(), where
                elif answer == "search":
                    assert response.status_code == 200, where
                    words = search_words(unquote(value, errors="replace"))
                    listed = set() if words else decisions_listed(unfiltered)
                    assert decisions_listed(response) == listed, where
                elif answer is not None:
                    assert response.status_code == answer, where
                else:  # a parameter read by a new view: at least never a crash
                    assert response.status_code in (200, 400, 404), where
                if name.startswith("decisions:api") and response.status_code == 404:
                    assert "error" in response.json(), where
    assert answered == set(HOSTILE_PARAMETER_ANSWERS)  # each answer above is still needed


@pytest.mark.also_postgres  # PostgreSQL refuses NUL, checks lengths, escapes LIKE: run it there too
def test_a_hostile_value_in_any_path_segment_of_any_route_is_not_found(client, story):
    index(story)
    urls = [f"/{value}/" for value in HOSTILE.values()]
    for _, path, kwargs, query in route_samples(story):
        for sample in kwargs.values():
            assert path.count(sample) == 1, (path, sample)
            urls += [path.replace(sample, value) + query for value in HOSTILE.values()]
            urls += [path.replace(sample, sample + value) + query for value in HOSTILE.values()]
    assert len(urls) > 200
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        if url.startswith("/api/"):  # JSON, the resolver's and the NUL guard's 404s too
            assert response["Content-Type"] == "application/json", url
            assert response.json()["error"], url
        else:
            assert response["Content-Type"].startswith("text/html"), url
            assert "Back to the decision log" in response.content.decode(), url


@pytest.mark.also_postgres  # hostile input: the fuzz suite runs on both databases
def test_under_api_an_address_nothing_answers_is_a_json_error_and_elsewhere_a_page(client, story):
    index(story)
    for url, message in [
        ("/api/nothing", "no such API address"),
        ("/api/decisions/bad%20slug!/0001-use-x", "no such API address"),
        ("/api/decisions/demo/x%00y", "No page has NUL in its address"),
        ("/api/decisions/demo/no-such", "no decision 'no-such' in 'demo'"),
    ]:
        response = client.get(url)
        assert (response.status_code, response["Content-Type"]) == (404, "application/json"), url
        assert response.json() == {"error": message}, url
    many = "&".join(f"p{n}=1" for n in range(1100))  # over DATA_UPLOAD_MAX_NUMBER_FIELDS
    response = client.get(f"/api/decisions?{many}")
    assert (response.status_code, response["Content-Type"]) == (400, "application/json")
    assert response.json() == {"error": "bad request"}
    for url in ("/nothing/", "/decisions/bad%20slug!/0001-use-x/", "/decisions/demo/x%00y/"):
        page = client.get(url)
        assert (page.status_code, page["Content-Type"]) == (404, "text/html; charset=utf-8")
        assert "Back to the decision log" in page.content.decode()
    page = client.get(f"/?{many}")
    assert (page.status_code, page["Content-Type"]) == (400, "text/html; charset=utf-8")


# The same, as a committer writes it: text for titles, statuses, tags, names and messages.
HOSTILE_TEXT = [
    "%", "_", "\\", "'", '"', "%_\\'\";--", "99999999999999999999", "-1", "1e9",
    "\x01\x1b[31m\x7f", "\u202eevil\u202c", "💥", "\ufffd",
]  # fmt: skip
LONG = "x" * 10_000


@pytest.fixture
def hostile_story(repo: Repo) -> Repo:
    """Decisions whose every field, author and commit message holds hostile bytes."""
    joined = " ".join(HOSTILE_TEXT)
    tags = ", ".join(f"'{t}'" for t in HOSTILE_TEXT if t.isprintable() and "'" not in t)
    repo.write(
        "adr/0001-use-x.md",
        f'---\nstatus: "accepted %_ 💥 \u202e"\ntags: [{tags}, "{LONG}", "\'"]\n'
        f"supersedes: [99999999999999999999, -1, '%']\ndeciders: ['%_', '💥']\n---\n"
        f"# Use X {joined}\n\n{joined}\n\n{LONG}\n",
    )
    repo.commit(f"Add X {joined}", author="Ev\u202eil 💥 %_\\' <evil%_@example.com>")
    repo.write(
        "adr/0002-use-y.md",  # adr-tools style: no YAML to refuse the control characters
        f"# 2. Use Y {joined}\n\nDate: 2026-01-02\n\n## Status\n\n{joined}\n\n"
        f"Amends [1. X](0001-use-x.md)\n\n## Context\n\n{joined}\n",
    )
    repo.write(f"adr/0003-{''.join(t for t in HOSTILE_TEXT if '/' not in t)}.md", adr("Odd"))
    repo.write("adr/0004-" + "y" * 200 + ".md", adr(LONG))
    repo.write("adr/0005-nul.md", b"---\nstatus: accepted\n---\n# NUL\n\n\0 \xff\n")
    repo.write("adr/0006-bytes.md", b"---\nstatus: accepted\n---\n# Bytes\n\n\xff \xed\xa0\x80\n")
    repo.commit(f"More {joined}\n\n{LONG}", author=f"{LONG[:300]} <{LONG[:300]}@example.com>")
    repo.write("adr/0002-use-y.md", f"# 2. Use Y {joined}\n\n## Status\n\nRejected {joined}\n")
    repo.git("add", "-A")
    repo.commit_object(
        f"parent {repo.git('rev-parse', 'HEAD')}\n".encode()
        + b"author \xff\xed\xa0\x80 \x01 <x@example.com> 1767261600 +0000\n"
        b"committer Ada <ada@example.com> 1767261600 +0000\n",
        b"nul\0 \xff \xed\xa0\x80 \x1b[31m\n",
    )
    return repo


@pytest.mark.also_postgres  # PostgreSQL refuses NUL, checks lengths, escapes LIKE: run it there too
def test_hostile_bytes_in_every_field_of_every_commit_serve_every_page(client, hostile_story):
    """Every page, every decision's pages, its revisions and its diff, the API, the feed."""
    from django.urls import reverse

    from adrsite.decisions.models import Decision, Revision

    index(hostile_story)
    decisions = list(Decision.objects.select_related("repository"))
    assert len(decisions) == 6
    urls = ["/", "/timeline/", "/graph/", "/rules/", "/problems/", "/api/decisions"]
    for tag in (t for t in HOSTILE_TEXT if t.isprintable()):
        urls.append(f"/?{urlencode({'tag': tag.lower(), 'q': tag})}")
    for decision in decisions:
        urls.append(decision.get_absolute_url())
        urls.append(reverse("decisions:api-decision", args=["demo", decision.ref]))
        commits = [r.commit for r in Revision.objects.filter(decision=decision)]
        for commit in commits:
            urls.append(reverse("decisions:revision", args=["demo", decision.ref, commit]))
        diff = reverse("decisions:diff", args=["demo", decision.ref])
        urls.append(f"{diff}?{urlencode({'from': commits[0], 'to': commits[-1]})}")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if response["Content-Type"] == "application/json":
            response.json()
    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(client.get("/feed.atom").content)
    assert len(list(feed.iter(f"{atom}entry"))) == Revision.objects.count() == 7
    assert client.get("/api/decisions").json()["count"] == 6
    for tag in [t for t in HOSTILE_TEXT if t.isprintable() and "'" not in t] + ["'", LONG]:
        tagged = html_of(client, f"/?{urlencode({'tag': tag})}")  # "%" matches "%" alone
        assert decisions_listed_in(tagged) == {"0001-use-x"}, tag
    by_long_names = Revision.objects.get(path="adr/0006-bytes.md")  # cut to fit, not refused
    assert (by_long_names.author, by_long_names.author_email) == (LONG[:255], LONG[:255])


@pytest.mark.also_postgres  # hostile input: the fuzz suite runs on both databases
def test_control_characters_reach_the_atom_feed_visible_and_the_feed_stays_xml(client, repo):
    red = "\x1b[31mred\x1b[0m"
    repo.write("adr/0001-use-x.md", adr(f"Use {red} X\x0c\x7f", body=f"Body {red}\x0b.\n"))
    repo.commit(f"Add {red}\x0b\x01 from CI")
    index(repo)
    response = client.get("/feed.atom")
    assert response.status_code == 200
    atom = "{http://www.w3.org/2005/Atom}"
    entry = next(ET.fromstring(response.content).iter(f"{atom}entry"))
    assert (
        entry.findtext(f"{atom}title") == "ADR 1: Use \\x1b[31mred\\x1b[0m X\\x0c\\x7f (proposed)"
    )
    summary = entry.findtext(f"{atom}summary")
    assert summary == "Add \\x1b[31mred\\x1b[0m\\x0b\\x01 from CI"
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", response.content.decode())


@pytest.mark.also_postgres  # hostile input: the fuzz suite runs on both databases
def test_the_api_serves_the_export_a_page_at_a_time_with_links_between_pages(
    client, story, monkeypatch
):
    repository = index(story)
    monkeypatch.setattr(queries.export, "API_PAGE_SIZE", 2)
    first = client.get("/api/decisions?repository=demo").json()
    base = "http://testserver/api/decisions?repository=demo"
    assert first["count"] == 3
    assert (first["page"], first["pages"]) == (1, 2)
    assert first["previous"] is None
    assert first["next"] == f"{base}&page=2"
    second = client.get(first["next"]).json()
    assert (second["next"], second["previous"]) == (None, f"{base}&page=1")
    whole = queries.decision_export(repository=repository)  # what `adr export` prints
    assert first["decisions"] + second["decisions"] == whole["decisions"]
    assert {key: first[key] for key in ("repository", "head")} == {
        key: whole[key] for key in ("repository", "head")
    }
    for page in ("3", "0", "-1", "x", "²", "9" * 30):
        response = client.get(f"/api/decisions?page={page}")
        assert response.status_code == 404, page
        assert "error" in response.json()


def test_the_api_keeps_a_page_to_a_fixed_size(client, repo):
    grow(repo, 1, queries.API_PAGE_SIZE + 1)
    index(repo)
    first = client.get("/api/decisions").json()
    assert len(first["decisions"]) == queries.API_PAGE_SIZE
    assert first["count"] == queries.API_PAGE_SIZE + 1
    assert len(client.get(first["next"]).json()["decisions"]) == 1


def test_a_500_page_under_debug_shows_no_password_from_settings_or_the_environment(
    settings, story, monkeypatch
):
    from django.test import Client

    # Made up here: the page's traceback shows this test's source, which must not hold them.
    passwords = [f"{uuid.uuid4().hex}-secret" for _ in range(3)]
    settings.DEBUG = True
    settings.SENTRY_DSN = f"https://public:{passwords[0]}@sentry.example.com/1"

    def broken(**kwargs):
        raise RuntimeError("the timeline broke")

    monkeypatch.setattr(queries, "timeline", broken)
    response = Client(raise_request_exception=False).get(
        "/timeline/",
        DATABASE_URL=f"postgres://adr:{passwords[1]}@db.example.com/adr",
        CACHE_LOCATION=f"redis://cache:{passwords[2]}@cache.example.com/0",
    )
    assert response.status_code == 500
    page = response.content.decode()
    assert "the timeline broke" in page  # it is the technical 500 page
    assert "DATABASE_URL" in page
    assert "SENTRY_DSN" in page
    assert "cache.example.com" in page  # the value is shown, without its password
    for password in passwords:
        assert password not in page, password


def test_adr_serve_refuses_debug_on_an_address_others_can_reach(tmp_path):
    repo = tmp_path / "repo"
    (repo / "adr").mkdir(parents=True)
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "DEBUG": "true"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    adr = str(Path(sys.executable).parent / "adr")
    for host in ("0.0.0.0", "::", "192.0.2.1", "example.com"):
        result = subprocess.run(
            [adr, "serve", "--host", host, "--port", "1"],
            cwd=repo, env=env, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        assert result.returncode == 1, (host, result.stderr)
        assert result.stderr.startswith("adr: DEBUG=true"), result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
        assert result.stdout == ""  # refused before migrating or indexing anything


def test_adr_serve_on_every_interface_answers_by_the_machines_address_and_says_so(tmp_path):
    """Issue 11: by LAN address it answered 400 (the Host was no allowed name). It allows the
    machine's addresses, says them before starting, warns there is no login, and still
    refuses a Host that is none of them (no `*`)."""
    from adrsite.cli.addresses import machine_addresses

    lan = next((str(a) for a in machine_addresses() if a.version == 4 and not a.is_loopback), None)
    if lan is None:
        pytest.skip("this machine has no IPv4 address but loopback")
    repo = tmp_path / "repo"
    (repo / "adr").mkdir(parents=True)
    (repo / "adr" / "0001-use-x.md").write_text(adr("Use X", "accepted"))
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    for name in ("DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS", "DEBUG"):
        env.pop(name, None)
    with socket.socket() as probe:
        probe.bind(("0.0.0.0", 0))
        port = probe.getsockname()[1]
    adr_command = str(Path(sys.executable).parent / "adr")
    server = subprocess.Popen(
        [adr_command, "serve", "--host", "0.0.0.0", "--port", str(port)],
        cwd=repo, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip

    def get(host: str) -> int:
        request = urllib.request.Request(f"http://{lan}:{port}/", headers={"Host": host})
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    watchdog = threading.Timer(60, server.kill)  # a broken serve fails the test, never hangs it
    watchdog.start()
    try:
        answers = ""
        for line in server.stdout:  # said before the server starts
            if line.startswith(("answers", "Quit the server")):
                answers = line
                break
        status = {}
        for _ in range(100):
            try:
                status = {host: get(host) for host in (f"{lan}:{port}", "evil.example")}
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.1)
    finally:
        watchdog.cancel()
        server.terminate()
        _, errors = server.communicate(timeout=10)
    assert status == {f"{lan}:{port}": 200, "evil.example": 400}, errors
    assert f" http://{lan}:{port}/" in answers, (answers, errors)
    assert f"http://127.0.0.1:{port}/" in answers
    assert "*" not in answers
    assert "adr: warning: adr serve asks no one to sign in" in errors
    assert "Sharing with a team" in errors


def test_only_loopback_hosts_count_as_this_machine_only():
    from adrsite.cli import _loopback

    assert all(map(_loopback, ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"]))
    assert not any(map(_loopback, ["0.0.0.0", "::", "[::]", "10.0.0.1", "example.com", ""]))


# --- rendered bodies, cached (issue 9, ADR 24) ---------------------------------------


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The Markdown texts rendered from here on, in order."""
    from adrsite.decisions import bodies

    rendered: list[str] = []
    real = bodies.render_markdown

    def counting(text: str, **options):
        rendered.append(text)
        return real(text, **options)

    monkeypatch.setattr(bodies, "render_markdown", counting)
    return rendered


@pytest.mark.also_postgres
def test_a_body_is_rendered_once_and_served_from_the_cache_after(client, story, renders):
    index(story)

    def body(url: str) -> str:
        return html_of(client, url).split('<div class="body" hx-disable>', 1)[1].split("</div>")[0]

    first = body("/decisions/demo/0001-use-x/")
    assert "We need a queue." in first
    assert len(renders) == 1
    assert body("/decisions/demo/0001-use-x/") == first
    assert len(renders) == 1  # the second view rendered nothing
    propose = story.git("log", "--format=%H", "--reverse", "--", "adr/0001-use-x.md").split()[0]
    revision = f"/decisions/demo/0001-use-x/revisions/{propose}/"
    assert "X is simple." in html_of(client, revision)
    assert len(renders) == 2  # a revision is another text: rendered once too
    html_of(client, revision)
    html_of(client, "/decisions/demo/0001-use-x/")
    assert len(renders) == 2


@pytest.mark.also_postgres
def test_a_new_commit_path_or_renderer_version_renders_again(client, repo, renders, monkeypatch):
    from adrsite.decisions import bodies
    from adrsite.decisions.models import Decision

    body = "Same words. [Y](0002-use-y.md) and [the diagram](img/d.png)."
    repo.write("adr/0001-use-x.md", adr("Use X", body=body))
    repo.commit("Write X")
    repository = index(repo)
    html_of(client, "/decisions/demo/0001-use-x/")
    assert len(renders) == 1
    # The same text at a new commit: its links point at that commit now.
    repo.write("adr/0001-use-x.md", adr("Use X", body=body) + "\n")
    repo.commit("Touch X")
    repository_index(repository=repository)
    html_of(client, "/decisions/demo/0001-use-x/")
    assert len(renders) == 2
    decision = Decision.objects.select_related("repository").get()
    bodies.decision_body(decision=decision)
    assert len(renders) == 2  # the page's own key
    # The same text and commit at another path: its relative links resolve from there.
    decision.path = "adr/old/0001-use-x.md"
    assert 'href="/decisions/demo/old/0002-use-y/"' in bodies.decision_body(decision=decision).html
    assert len(renders) == 3
    monkeypatch.setattr(bodies, "RENDERER_VERSION", bodies.RENDERER_VERSION + 1)
    html_of(client, "/decisions/demo/0001-use-x/")
    assert len(renders) == 4
    monkeypatch.setattr(bodies, "LINKS_VERSION", bodies.LINKS_VERSION + 1)
    html_of(client, "/decisions/demo/0001-use-x/")
    assert len(renders) == 5
    html_of(client, "/decisions/demo/0001-use-x/")
    assert len(renders) == 5


@pytest.mark.also_postgres
def test_a_new_web_url_template_changes_the_links_of_a_cached_body(client, repo, renders):
    repo.write("adr/0001-use-x.md", adr("Use X", body="See [the diagram](img/d.png)."))
    repo.commit("Write X")
    index(repo, web_url="https://old.example.com/{commit}/{path}")
    assert 'href="https://old.example.com/' in html_of(client, "/decisions/demo/0001-use-x/")
    Repository.objects.update(web_url="https://new.example.com/{commit}/{path}")
    page = html_of(client, "/decisions/demo/0001-use-x/")
    assert 'href="https://new.example.com/' in page
    assert "old.example.com" not in page
    assert len(renders) == 2


@pytest.mark.also_postgres
def test_a_body_too_large_to_render_is_shown_as_source_with_a_notice(client, repo, renders):
    from adrsite.decisions.bodies import MAX_RENDER_CHARACTERS

    row = "| **bold** | <script>alert(1)</script> | [x](0002-y.md) |\n"
    table = "| a | b | c |\n|---|---|---|\n" + row * (MAX_RENDER_CHARACTERS // len(row) + 1)
    repo.write("adr/0001-use-x.md", adr("Use X", body=table))
    repo.commit("A huge table", author=ADA)
    index(repo, web_url="https://git.example.com/demo/blob/{commit}/{path}")
    commit = repo.git("rev-parse", "HEAD")
    kilobytes = -(-len(table.encode()) // 1000)
    for url in ("/decisions/demo/0001-use-x/", f"/decisions/demo/0001-use-x/revisions/{commit}/"):
        page = html_of(client, url)
        assert f"This decision is {kilobytes} KB, too large to render; shown as source" in page
        file_url = f"https://git.example.com/demo/blob/{commit}/adr/0001-use-x.md"
        assert f'<a href="{file_url}">see the file on the git host</a>' in page
        source = page.split('<pre class="source-text body-source">', 1)[1].split("</pre>", 1)[0]
        assert source.count("| **bold** | &lt;script&gt;alert(1)&lt;/script&gt;") > 1000
        assert "<table>" not in page
        assert "<strong>" not in page
        assert "<script>alert" not in page
        assert page.count("&lt;script&gt;alert(1)") == source.count("&lt;script&gt;alert(1)")
    assert renders == []  # never handed to the renderer


@pytest.mark.also_postgres
def test_a_body_whose_html_is_too_large_is_shown_as_source_and_not_rendered_again(
    client, repo, renders, monkeypatch
):
    from adrsite.decisions import bodies

    repo.write("adr/0001-use-x.md", adr("Use X", body="| a |\n|---|\n" + "|\n" * 200))
    repo.commit("A table of empty cells")
    index(repo)
    monkeypatch.setattr(bodies, "MAX_HTML_CHARACTERS", 2000)
    for _ in range(2):
        page = html_of(client, "/decisions/demo/0001-use-x/")
        assert "too large to render; shown as source" in page
        assert "<table>" not in page
    assert len(renders) == 1  # what it rendered to was too large: that much is cached


@pytest.mark.also_postgres
def test_a_hostile_body_page_answers(client, repo):
    from tests.test_linear import time_limit

    for name, text in (("stars", "*" * 50_000), ("brackets", "[" * 20_000 + "](" * 10_000)):
        repo.write(f"adr/0001-{name}.md", adr(name, body=text))
    repo.commit("Hostile bodies")
    index(repo)
    for name in ("stars", "brackets"):
        with time_limit(f"the {name} page", 30):  # a hang guard, not a timing assertion
            for _ in range(2):
                html_of(client, f"/decisions/demo/0001-{name}/")


def test_adr_migrate_creates_the_cache_table(tmp_path):
    import sqlite3

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    adr_script = str(Path(sys.executable).parent / "adr")
    for _ in range(2):  # the second time it is there already, and says nothing of it
        result = subprocess.run(
            [adr_script, "migrate", "-v", "1"], env=env, capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        assert "adr_cache" not in result.stdout + result.stderr
    database = sqlite3.connect(tmp_path / "data" / "adrsite" / "adrsite.sqlite3")
    with contextlib.closing(database):
        tables = {row[0] for row in database.execute("SELECT name FROM sqlite_master")}
    assert "adr_cache" in tables


def test_link_policy_of_a_decisions_text_lives_in_one_function():
    from adrsite.decisions.bodies import link_from

    repository = Repository(
        name="demo", adr_dir="adr", web_url="https://git.example/blob/{commit}/{path}"
    )
    decision = Decision(repository=repository, path="adr/0002-y.md", updated_commit="c0ffee")
    link = link_from(decision)
    assert link("0001-x.md") == "/decisions/demo/0001-x/"
    assert link("./sub/0003-z.md#why") == "/decisions/demo/sub/0003-z/#why"
    assert link("diagram.png") == "https://git.example/blob/c0ffee/adr/diagram.png"
    assert link("../README.md") == "https://git.example/blob/c0ffee/README.md"
    for left_alone in ("https://example.com/x.md", "mailto:a@b", "/rules/", "#context"):
        assert link(left_alone) is None, left_alone
    repository.web_url = ""
    assert link("diagram.png") is None


# --- the reading path (issue 12) ---------------------------------------------------------


def test_the_reading_path_shows_decisions_in_force_with_their_story_and_summary(client, repo):
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    repo.commit("Accept X")
    repo.write(
        "adr/0002-use-y.md",
        "---\nstatus: accepted\nsupersedes: [1]\ntags: [queues]\nonboarding: 2\n"
        'rule: "Every queue is Y."\n---\n# Use Y\n\n## Decision\n\nWe use *Y*, see '
        "[X](0001-use-x.md).\n\nNot the summary.\n",
    )
    repo.write("adr/0001-use-x.md", adr("Use X", "superseded"))
    repo.commit("Supersede X with Y")
    repo.write(
        "adr/0003-use-z.md",
        "---\nstatus: accepted\nsupersedes: [2]\ntags: [queues]\nreview-by: 2020-01-01\n"
        "---\n# Use Z\n\nNo decision section here.\n",
    )
    repo.write("adr/0002-use-y.md", (repo.path / "adr/0002-use-y.md").read_text().replace(
        "status: accepted", "status: superseded"))  # fmt: skip
    repo.commit("Supersede Y with Z")
    repo.write(
        "adr/0004-lint.md", "---\nstatus: accepted\ntags: [tools]\nonboarding: 1\n---\n# Lint\n"
    )
    repo.write("adr/0005-hidden.md", "---\nstatus: accepted\nonboarding: skip\n---\n# Hidden\n")
    repo.write("adr/0006-draft.md", adr("Draft"))
    repo.write("adr/0007-plain.md", adr("Plain", "accepted", body="word " * 550))
    repo.commit("More")
    index(repo)

    page = html_of(client, "/start/")
    listed = re.findall(r'<h3><a href="/decisions/demo/([^"]+)/">', page)
    assert listed == ["0004-lint", "0003-use-z", "0007-plain"]  # tools (1), queues, untagged
    assert list(re.findall(r"<h2>([^<]+) <span", page)) == [
        "tools", "queues", "Other decisions",
    ]  # fmt: skip
    assert "Replaced ADR 2 (Use Y) on 4 Jan, which replaced ADR 1 (Use X) on 3 Jan." in page
    assert "due for review" in page
    assert "Asked to be reviewed by 2020-01-01." in page
    assert page.count("due for review") == 1
    html_after = page.split('href="/decisions/demo/0003-use-z/"')[1].split("</li>")[0]
    assert "path-summary" not in html_after  # no Decision section: no summary, no error
    assert (
        "3 min" in page.split("0007-plain")[1].split("</h3>")[0]
    )  # 550 words and a few: 2.8 minutes
    assert 'about <strong class="path-minutes">5 minutes</strong>' in page
    assert "Start here" in html_of(client, "/rules/")  # the header links to it
    assert '<a href="/start/" aria-current="page">Start here</a>' in page


def test_a_decision_an_accepted_one_supersedes_is_not_in_force_whatever_it_says(client, repo):
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    repo.write("adr/0002-use-y.md", "---\nstatus: accepted\nsupersedes: [1]\n---\n# Use Y\n")
    repo.commit("Y supersedes X, which still says accepted")
    index(repo)
    page = html_of(client, "/start/")
    assert re.findall(r'<h3><a href="/decisions/demo/([^"]+)/">', page) == ["0002-use-y"]
    assert "Replaced ADR 1 (Use X)." in page  # never read superseded: no date to tell


def test_the_reading_path_summary_is_rendered_with_the_sites_links(client, repo):
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    repo.write(
        "adr/0002-use-y.md",
        "---\nstatus: accepted\n---\n# Use Y\n\n## Decision outcome\n\nWe use *Y*, see "
        "[X](0001-use-x.md) and <script>alert(1)</script>.\n",
    )
    repo.commit("Y")
    index(repo)
    page = html_of(client, "/start/")
    assert '<em>Y</em>, see <a href="/decisions/demo/0001-use-x/">X</a>' in page
    assert "<script>alert" not in page


def test_the_last_ninety_days_list_status_changes_newest_first(story):
    # X proposed 2 Jan, accepted 3 Jan, superseded with Y accepted 4 Jan
    repository = index(story)
    path = queries.reading_path(visible=queries.every_repository(), today=date(2026, 4, 3))
    assert [(c.label, c.status, c.on.isoformat()) for c in path.recent] == [
        ("ADR 2", "accepted", "2026-01-04"),
        ("ADR 1", "superseded", "2026-01-04"),
        ("ADR 1", "accepted", "2026-01-03"),
    ]
    later = queries.reading_path(visible=queries.every_repository(), today=date(2026, 4, 4))
    assert [(c.label, c.status) for c in later.recent] == [
        ("ADR 2", "accepted"),
        ("ADR 1", "superseded"),
    ]
    assert (
        queries.reading_path(visible=queries.every_repository(), today=date(2026, 8, 1)).recent
        == []
    )
    assert (
        queries.reading_path(
            visible=queries.every_repository(), repository="elsewhere", today=date(2026, 4, 3)
        ).groups
        == []
    )
    assert (
        queries.reading_path(
            visible=queries.every_repository(), repository=repository.name, today=date(2026, 4, 3)
        ).entries
        == 1
    )


def test_the_reading_path_narrows_to_one_repository(client, story, tmp_path):
    index(story)
    other = Repo(tmp_path / "other")
    other.write("adr/0001-use-w.md", adr("Use W", "accepted"))
    other.commit("W")
    index(other, name="other")
    both = html_of(client, "/start/")
    assert "Use W" in both
    assert "Use Y" in both
    only = html_of(client, "/start/?repository=other")
    assert "Use W" in only
    assert "Use Y" not in only
    assert '<option value="other" selected>' in only


def test_pages_load_a_print_stylesheet_that_hides_the_navigation(client, story):
    index(story)
    page = html_of(client, "/start/")
    link = re.search(r'<link rel="stylesheet" href="([^"]+print\.css)" media="print">', page)
    assert link, "no print stylesheet"
    css = b"".join(client.get(link[1]).streaming_content).decode()
    assert ".site-header" in css
    assert "display: none" in css


def test_the_problems_page_lists_reviews_that_are_overdue(client, repo):
    repo.write("adr/0001-use-x.md", "---\nstatus: accepted\nreview-by: 2020-01-01\n---\n# Use X\n")
    repo.write("adr/0002-use-y.md", "---\nstatus: accepted\nreview-by: 2999-01-01\n---\n# Use Y\n")
    repo.write("adr/0003-old.md", "---\nstatus: rejected\nreview-by: 2020-01-01\n---\n# Old\n")
    repo.commit("Reviews")
    index(repo)
    page = html_of(client, "/problems/")
    assert "Reviews due — 1" in page
    assert "ADR 1: Use X" in page
    assert "ADR 2: Use Y" not in page
    assert "ADR 3: Old" not in page

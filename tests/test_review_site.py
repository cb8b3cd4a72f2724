"""Decisions in review on the site (ADR 37): the log's facet, proposals, collisions, timeline."""

from __future__ import annotations

import html
import re

import pytest

from adrsite.decisions.indexing import repository_index, repository_register
from adrsite.decisions.models import Repository
from tests.gitrepo import Repo
from tests.review_fixture import ReviewLog, review_log

pytestmark = pytest.mark.django_db

WEB = "https://github.com/org/demo/blob/{commit}/{path}"


def index(repo: Repo, name: str = "demo") -> Repository:
    """Index `repo` with its open work: the fixture's commits are months old, kept open."""
    repository = repository_register(name=name, location=str(repo.path), adr_dir="adr")
    Repository.objects.filter(pk=repository.pk).update(
        review_max_age=100_000, web_url=WEB, branch="main"
    )
    repository.refresh_from_db()
    repository_index(repository=repository)
    return repository


@pytest.fixture
def work(repo: Repo) -> ReviewLog:
    found = review_log(repo)
    repo.git("update-ref", "-d", "refs/pull/450/head")  # #450: its branch deleted
    index(repo)
    return found


def text_of(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def rows(page_html: str, css_class: str) -> list[str]:
    return [
        text_of(row) for row in re.findall(rf'<tr class="{css_class}">(.*?)</tr>', page_html, re.S)
    ]


KAFKA_FIX = (
    "git fetch origin refs/pull/415/head && adr renumber --against FETCH_HEAD adr/0004-use-kafka.md"
)


def test_the_logs_in_review_facet_lists_each_open_proposed_change(client, work):
    log = page(client, "/")
    facet = re.search(r'<a id="in-review"[^>]*href="([^"]+)"[^>]*>(.*?)</a>', log)
    assert facet is not None
    assert (html.unescape(facet[1]), text_of(facet[2])) == ("?in_review=1", "in review 7")
    listed = page(client, "/?in_review=1")
    assert rows(listed, "review-entry") == [
        "new: ADR 4 Use Kafka number taken #460 Bob Builder 2026-01-09",
        "new: ADR 6 Use htmx #440 Bob Builder 2026-01-07",
        "new: ADR 3 Use GraphQL number taken #430 Carol Reviewer 2026-01-06",
        "ADR 2: accepted → superseded #420 Bob Builder 2026-01-05",
        "new: ADR 5 Replace PostgreSQL with CockroachDB #420 Bob Builder 2026-01-05",
        "new: ADR 4 Use Redis number taken #415 Carol Reviewer 2026-01-04",
        "new: ADR 4 Use Kafka number taken #412 Bob Builder 2026-01-03",
    ]
    assert '<a class="review-link" href="https://github.com/org/demo/pull/412">#412</a>' in listed
    assert 'href="/reviews/demo/pull/420/head/~/0002-use-postgresql/">ADR 2: accepted' in listed
    assert "Drop the cache" not in listed  # #450's ref was deleted
    assert rows(page(client, "/?in_review=1&repository=elsewhere"), "review-entry") == []


def test_the_in_review_facet_is_paged_and_a_page_knows_collisions_off_it(client, work, monkeypatch):
    from adrsite.decisions.queries import reviews as review_queries

    everything = rows(page(client, "/?in_review=1"), "review-entry")
    monkeypatch.setattr(review_queries, "PAGE_SIZE", 3)
    pages = [page(client, f"/?in_review=1&page={n}") for n in (1, 2, 3)]
    assert [row for listed in pages for row in rows(listed, "review-entry")] == everything
    assert "page 2 of 3" in text_of(pages[1])
    assert 'id="page-next" rel="next" href="?page=3&amp;in_review=1"' in pages[1]
    # #412's page: its collision with #415 is on page 2, its number taken all the same
    assert rows(pages[2], "review-entry") == [
        "new: ADR 4 Use Kafka number taken #412 Bob Builder 2026-01-03",
    ]
    assert rows(page(client, "/?in_review=1&page=99"), "review-entry") == rows(
        pages[2], "review-entry"
    )


def test_the_tracked_decisions_are_read_for_the_numbers_open_work_adds_only(client, work):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for url in ("/?in_review=1", "/problems/", "/reviews/demo/pull/412/head/~/0004-use-kafka/"):
        with CaptureQueriesContext(connection) as seen:
            page(client, url)
        tracked = [
            q["sql"]
            for q in seen.captured_queries
            if 'FROM "adr_decision"' in q["sql"] and '"blob"' in q["sql"]
        ]
        assert tracked, url
        assert all('"adr_decision"."number" IN (' in sql for sql in tracked), url


def test_a_page_reads_the_proposed_texts_it_shows_only(client, work, repo):
    """A proposal page reads its one file's text, not every file's of the review; a
    decision page the open proposals' texts (for their diffs), not the merged ones'."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def texts_read(url: str) -> list[str]:
        with CaptureQueriesContext(connection) as seen:
            page(client, url)
        return [
            q["sql"] for q in seen.captured_queries if '"adr_proposed_change"."content"' in q["sql"]
        ]

    read = texts_read("/reviews/demo/pull/420/head/~/0002-use-postgresql/")  # of 2 files
    assert len(read) == 1
    assert '"adr_proposed_change"."id" = ' in read[0]
    repo.git("merge", "-q", "--no-ff", "-m", "Merge #420", work.heads["#420"])
    index(repo)
    read = texts_read("/decisions/demo/0002-use-postgresql/")  # #420 merged: no text shown
    assert len(read) == 1
    assert read[0].count('"adr_proposed_change"."content"') == 1  # in a CASE WHEN open
    assert "CASE WHEN" in read[0]


def test_problems_says_when_open_work_past_the_limit_is_not_compared(client, work, monkeypatch):
    from adrsite.decisions.queries import reviews as review_queries

    monkeypatch.setattr(review_queries, "REVIEW_LIMIT", 5)  # #460 ... #415 of 6 open
    problems = page(client, "/problems/")
    note = re.search(r'<p class="note">(.*?)</p>', problems, re.S)
    assert note is not None
    assert text_of(note[1]) == (
        "only the 5 most recently active open reviews are compared; 1 more is not."
    )
    assert "#412" not in text_of(problems)


def test_a_decision_page_shows_the_change_proposed_to_it_with_its_diff(client, work):
    detail = page(client, "/decisions/demo/0002-use-postgresql/")
    notice = re.search(r'<p class="banner banner-proposed" role="note">(.*?)</p>', detail, re.S)
    assert notice is not None
    assert text_of(notice[1]) == (
        "A change to this decision is proposed in #420 (on the host): Bob Builder, 2026-01-05."
    )
    assert 'href="/reviews/demo/pull/420/head/~/0002-use-postgresql/">#420</a>' in notice[1]
    assert rows(detail, "line-removed") == ["2 \N{MINUS SIGN} status: accepted"]
    assert rows(detail, "line-added") == ["2 + status: superseded"]
    assert "banner-proposed" not in page(client, "/decisions/demo/0003-use-rest/")


def test_a_proposal_page_renders_the_decision_marked_not_merged_with_its_collisions(client, work):
    proposal = page(client, "/reviews/demo/pull/412/head/~/0004-use-kafka/")
    state = re.search(r'<p class="banner banner-not-merged" role="note">(.*?)</p>', proposal, re.S)
    assert state is not None
    assert text_of(state[1]) == (
        f"Not merged — proposed in #412 by Bob Builder, last commit 2026-01-03 "
        f"({work.heads['#412'][:7]})."
    )
    assert '<h1 id="decision-title">Use Kafka</h1>' in proposal
    body = re.search(r'<div class="body" hx-disable>(.*?)</div>', proposal, re.S)
    assert body is not None
    assert text_of(body[1]) == "Context # Why we chose it."
    collisions = re.findall(r'<li class="severity-error collision">(.*?)</li>', proposal, re.S)
    assert [text_of(c) for c in collisions] == [  # its own side; #415's page shows #415's
        "#412 adds ADR 4 (adr/0004-use-kafka.md), which #415 (adr/0004-use-redis.md) "
        f"also adds; renumber it: {KAFKA_FIX}",
    ]
    redis = page(client, "/reviews/demo/pull/415/head/~/0004-use-redis/")
    collisions = re.findall(r'<li class="severity-error collision">(.*?)</li>', redis, re.S)
    assert [text_of(c) for c in collisions] == [
        "#415 adds ADR 4 (adr/0004-use-redis.md), which #460 (adr/0004-use-kafka.md) and "
        "1 more also add; renumber it: git fetch origin refs/pull/460/head "
        "&& adr renumber --against FETCH_HEAD adr/0004-use-redis.md",
    ]
    assert 'class="diff"' not in proposal  # a new decision: nothing to compare with
    changed = page(client, "/reviews/demo/pull/420/head/~/0002-use-postgresql/")
    assert rows(changed, "line-added") == ["2 + status: superseded"]
    assert "severity-error collision" not in changed
    review = page(client, "/reviews/demo/pull/420/head/")
    assert [text_of(li) for li in re.findall(r"<li>(.*?)</li>", review, re.S)] == [
        "ADR 2: accepted → superseded",
        "new: ADR 5 Replace PostgreSQL with CockroachDB",
    ]


@pytest.mark.parametrize(
    "url",
    [
        "/reviews/demo/pull/450/head/",  # deleted
        "/reviews/demo/pull/999/head/",
        "/reviews/demo/pull/412/head/~/0004-use-redis/",  # #415's file, not #412's
        "/reviews/elsewhere/pull/412/head/~/0004-use-kafka/",
        "/reviews/demo/pull/412/head/~/",
        "/reviews/demo/pull/412/head/~/0004-use-kafka/diff/",
    ],
)
def test_an_unknown_review_or_proposal_is_not_found(client, work, url):
    assert client.get(url).status_code == 404


def test_a_proposal_in_a_repository_the_reader_may_not_see_is_not_found(client, work):
    from adrsite.decisions.indexing import repository_restrict

    repository_restrict(name="demo", groups=["ours"])
    for url in (
        "/reviews/demo/pull/412/head/~/0004-use-kafka/",
        "/reviews/demo/pull/412/head/",
    ):
        assert client.get(url).status_code == 404, url
    assert "in-review" not in page(client, "/")
    assert "collision" not in page(client, "/problems/")


def test_problems_lists_every_collision_in_open_work_with_its_fix(client, work):
    problems = page(client, "/problems/")
    heading = re.search(r'<section id="collisions".*?<h2[^>]*>(.*?)</h2>', problems, re.S)
    assert heading is not None
    assert text_of(heading[1]) == "Collisions in open work — 2"  # one per number
    assert rows(problems, "severity-error collision") == [
        "ADR 3 main has adr/0003-use-rest.md; also added by 1 open review: "
        "#430 (adr/0003-use-graphql.md): adr renumber --against origin/main "
        "adr/0003-use-graphql.md",
        "ADR 4 also added by 3 open reviews: "
        "#460 (adr/0004-use-kafka.md): git fetch origin refs/pull/415/head "
        "&& adr renumber --against FETCH_HEAD adr/0004-use-kafka.md "
        "#415 (adr/0004-use-redis.md): git fetch origin refs/pull/460/head "
        "&& adr renumber --against FETCH_HEAD adr/0004-use-redis.md "
        f"#412 (adr/0004-use-kafka.md): {KAFKA_FIX}",
    ]
    assert '<a href="/reviews/demo/pull/430/head/~/0003-use-graphql/">#430</a>' in problems


def test_the_timeline_records_where_a_merged_decision_was_proposed(client, work):
    repo = work.repo
    repo.git("merge", "--no-ff", "-q", "-m", "Merge pull request #440", work.heads["#440"])
    merge = repo.git("rev-parse", "HEAD").strip()
    repository_index(repository=Repository.objects.get(name="demo"))
    detail = page(client, "/decisions/demo/0006-use-htmx/")
    entry = re.search(r'<li class="proposed-in">(.*?)</li>', detail, re.S)
    assert entry is not None
    assert text_of(entry[1]) == (
        f"proposed in #440 on 7 January 2026, merged on 9 January 2026 in {merge[:7]}"
    )
    assert f'href="https://github.com/org/demo/blob/{merge}/"' in entry[1]
    assert "#440" not in page(client, "/?in_review=1")

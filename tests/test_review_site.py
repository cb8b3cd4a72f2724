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
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_scratch(client, work):
    print(text_of(page(client, "/?in_review=1")))
    print(text_of(page(client, "/problems/")))
    print(text_of(page(client, "/decisions/demo/0002-use-postgresql/")))
    print(text_of(page(client, "/reviews/demo/pull/412/head/~/0004-use-kafka/")))
    print(text_of(page(client, "/reviews/demo/pull/420/head/~/0002-use-postgresql/")))
    print(text_of(page(client, "/reviews/demo/pull/412/head/")))

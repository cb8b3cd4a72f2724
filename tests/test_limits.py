"""Values longer than a column holds: PostgreSQL refuses them where SQLite keeps them whole.

Every test runs on both databases (`-m postgres`): an index that works on SQLite
alone is the bug these tests are for.
"""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from adrsite.decisions.indexing import repository_index, repository_register
from adrsite.decisions.models import Decision, Problem, Repository, Revision
from adrsite.decisions.queries import decision_export
from tests.gitrepo import Repo, adr

pytestmark = [pytest.mark.django_db, pytest.mark.also_postgres]

LONG_AUTHOR = "A" * 300
# A path of 1,500 characters in sub-folders, as a file system holds it; one of 5,000, in
# one file name, as only git does; 900 characters that are 2,700 bytes, over what a
# PostgreSQL index entry holds; exactly 1,000 bytes, the most a path may have.
DEEP = "adr/" + "/".join(["d" * 200] * 7) + "/0002-deep.md"
HUGE = "adr/0003-" + "z" * (5000 - len("adr/0003-.md")) + ".md"
CJK = [chr(code) for code in range(0x4E00, 0x9FFF)]
WIDE = "adr/0009-" + "".join(random.Random(9).choices(CJK, k=900)) + ".md"  # incompressible
EDGE = "adr/0008-" + "💥" * 247 + ".md"
LONG_SLUG = "adr/0007-" + "s" * 900 + ".md"
TITLE = "T" * 10_000
STATUS = "Accepted " + "x" * 100_000
TARGET = "t" * 5_000 + ".md"


def index(repo: Repo) -> Repository:
    repository = repository_register(name="demo", location=str(repo.path), adr_dir="adr")
    repository_index(repository=repository)
    repository.refresh_from_db()
    return repository


@pytest.fixture
def long_story(repo: Repo) -> Repo:
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.write(DEEP, adr("Deep"))
    repo.write("adr/0004-long-title.md", adr(TITLE))
    repo.write(
        "adr/0005-long-status.md",
        f"# 5. Long status\n\nDate: 2026-01-05\n\n## Status\n\n{STATUS}\n\n## Context\n\nWhy.\n",
    )
    repo.write(
        "adr/0006-long-link.md",
        f"---\nstatus: accepted\nsupersedes: ['{TARGET}']\n---\n# Long link\n\n"
        f"Amends [the other]({TARGET})\n",
    )
    repo.commit("Add the odd ones")
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    repo.commit("Accept X", author=f"{LONG_AUTHOR} <{'e' * 300}@example.com>")
    for path in (HUGE, WIDE, EDGE, LONG_SLUG):  # file names no file system takes
        repo.stage(path, adr(path.rsplit("/", 1)[-1][:20]))
    repo.commit("Add names git alone takes", add=False)
    return repo


def test_values_longer_than_their_columns_are_indexed_or_named_as_problems(long_story):
    repository = index(long_story)

    current = {d.path: d for d in Decision.objects.filter(deleted_commit="")}
    assert set(current) == {
        "adr/0001-use-x.md",
        "adr/0004-long-title.md",
        "adr/0005-long-status.md",
        "adr/0006-long-link.md",
        LONG_SLUG,
        EDGE,
    }
    assert current["adr/0004-long-title.md"].title == TITLE[:500]
    assert current["adr/0005-long-status.md"].status_text == STATUS[:500]
    assert current[LONG_SLUG].slug == "s" * 255
    assert (current[EDGE].number, len(EDGE.encode())) == (8, 1000)
    # Every path over 1,000 bytes is named, whole, by an error; nothing else is cut from it.
    too_long = Problem.objects.filter(code="path-too-long").order_by("path")
    assert [(p.path, p.severity, p.decision) for p in too_long] == [
        (path, "error", None) for path in sorted([DEEP, HUGE, WIDE])
    ]
    assert f"{len(DEEP.encode()):,} bytes" in too_long.get(path=DEEP).message
    assert not Revision.objects.filter(path__in=[DEEP, HUGE, WIDE]).exists()
    # The long link target is a problem of the decision that declares it.
    assert Problem.objects.filter(path="adr/0006-long-link.md", message__contains=TARGET)
    assert repository.last_indexed_commit == long_story.git("rev-parse", "HEAD")


def test_a_long_author_is_cut_alike_in_revisions_and_the_decisions_authors(long_story):
    repository = index(long_story)

    decision = Decision.objects.get(path="adr/0001-use-x.md")
    cut = LONG_AUTHOR[:255]
    assert decision.authors == ["Ada Lovelace", cut]
    accepted = decision.revisions.get(status="accepted")
    assert (accepted.author, accepted.author_email) == (cut, ("e" * 300)[:255])
    exported = next(
        d for d in decision_export(repository=repository)["decisions"] if d["number"] == 1
    )
    assert exported["authors"] == ["Ada Lovelace", cut]


def test_every_page_answers_after_indexing_values_longer_than_their_columns(client, long_story):
    index(long_story)
    urls = ["/", "/timeline/", "/graph/", "/rules/", "/problems/", "/api/decisions?page=1"]
    urls += [f"/?{urlencode({'q': 'T' * 1000})}", f"/?{urlencode({'tag': 'x' * 1000})}"]
    for decision in Decision.objects.select_related("repository"):
        urls += [
            decision.get_absolute_url(),
            reverse("decisions:api-decision", args=["demo", decision.ref]),
        ]
        commits = list(decision.revisions.values_list("commit", flat=True))
        urls += [reverse("decisions:revision", args=["demo", decision.ref, c]) for c in commits]
        diff = reverse("decisions:diff", args=["demo", decision.ref])
        urls.append(f"{diff}?{urlencode({'from': commits[0], 'to': commits[-1]})}")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url[:200]
        if response["Content-Type"] == "application/json":
            response.json()
    assert HUGE in client.get("/problems/").content.decode()
    ET.fromstring(client.get("/feed.atom").content)
    for path in (DEEP, HUGE):  # a decision the index refused has no page
        ref = path.removeprefix("adr/").removesuffix(".md")
        assert client.get(reverse("decisions:detail", args=["demo", ref])).status_code == 404


def test_a_rename_to_a_path_too_long_takes_the_decision_out_and_names_the_file(repo):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    repo.commit("Add")
    index(repo)
    repo.git("rm", "-q", "--cached", "adr/0002-use-y.md")
    repo.stage(HUGE, adr("Use Y"))
    repo.commit("Rename Y far too long", add=False)

    index(repo)  # incremental

    assert set(Decision.objects.filter(deleted_commit="").values_list("path", flat=True)) == {
        "adr/0001-use-x.md"
    }
    assert list(Problem.objects.filter(code="path-too-long").values_list("path", flat=True)) == [
        HUGE
    ]


def test_a_repository_outside_the_column_sizes_is_registered_or_refused_clearly(repo):
    folder = "adr/" + "f" * 150 + "/" + "g" * 150  # longer than the column held
    repo.write(f"{folder}/0001-use-x.md", adr("Use X"))
    repo.commit("Add")
    repository = repository_register(
        name="demo",
        location=str(repo.path) + "/." * 600,  # the same folder, 1,200 characters longer
        adr_dir=folder,
        web_url="https://example.com/" + "w" * 2000 + "/{commit}/{path}",
    )
    repository_index(repository=repository)
    assert Decision.objects.get().path == f"{folder}/0001-use-x.md"
    with pytest.raises(ValueError, match="at most 100 characters"):
        repository_register(name="n" * 101, location=str(repo.path), adr_dir="adr")

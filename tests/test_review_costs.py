"""What reading the refs of open work costs: the git work benchmarks/review_speed.py measures,
kept from coming back (merge bases read together, refs with nothing to show not read again)."""

from __future__ import annotations

import pytest

from adrsite.decisions import reviews as review_service
from adrsite.decisions.indexing import repository_index_at
from adrsite.decisions.models import Repository, Review
from adrsite.history.git import GitHistory
from adrsite.history.reviews import merge_bases
from tests.gitrepo import Repo, adr
from tests.review_fixture import review_log


def test_merge_bases_read_together_agree_with_git_merge_base(repo: Repo) -> None:
    log = review_log(repo)
    repo.write("adr/0008-later.md", adr("Later"))
    repo.commit("main moves on")
    # a branch that merged main in after main moved on: two parents outside its own commits
    repo.git("checkout", "-q", "-B", "synced", log.heads["#412"])
    repo.git("merge", "-q", "--no-edit", "main")
    repo.write("adr/0009-synced.md", adr("Synced"))
    synced = repo.commit("after the sync")
    # a history of its own: nothing in common with main
    repo.git("checkout", "-q", "--orphan", "alone")
    repo.git("rm", "-rqf", ".")
    repo.write("adr/0001-alone.md", adr("Alone"))
    alone = repo.commit("alone")
    repo.git("checkout", "-q", "-f", "main")
    heads = [*log.heads.values(), synced, alone]

    with GitHistory(repo.path, "adr") as history:
        found = merge_bases(history, heads)

    expected = {head: repo.git("merge-base", "main", head).strip() for head in heads[:-1]}
    assert found == {**expected, alone: ""}
    assert found[log.heads["#460"]] == log.base  # stacked: two commits, one base
    assert found[synced] == repo.git("rev-parse", "main").strip()


@pytest.mark.django_db
def test_a_ref_with_nothing_to_show_is_read_again_only_when_it_moves(repo: Repo, monkeypatch):
    log = review_log(repo)
    repo.git("checkout", "-q", "-B", "code", log.base)
    repo.write("src/app.py", "x = 1\n")
    repo.git("update-ref", "refs/pull/470/head", repo.commit("code only"))
    repo.git("checkout", "-q", "main")
    read: list[set[str]] = []
    original = review_service.read_reviews

    def reading(history, wanted):
        wanted = list(wanted)
        read.append({ref.ref for ref, _ in wanted})
        return original(history, wanted)

    monkeypatch.setattr(review_service, "read_reviews", reading)

    Repository.objects.create(
        name="r", location=str(repo.path), adr_dir="adr", review_max_age=100_000
    )  # the fixture's commits are months old

    def index() -> set[str]:
        repository_index_at(name="r", location=str(repo.path), adr_dir="adr")
        return read[-1]

    assert "refs/pull/470/head" in index()
    assert not Review.objects.filter(ref="refs/pull/470/head").exists()
    assert index() == set()  # nothing moved: no ref read, the code-only one neither

    repo.git("checkout", "-q", "-B", "code", "refs/pull/470/head")
    repo.write("adr/0012-now-a-decision.md", adr("Now a decision"))
    repo.git("update-ref", "refs/pull/470/head", repo.commit("an ADR after all"))
    repo.git("checkout", "-q", "main")
    assert index() == {"refs/pull/470/head"}
    assert Review.objects.filter(ref="refs/pull/470/head", merged_commit="").exists()

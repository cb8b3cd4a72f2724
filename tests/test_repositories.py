"""Which repositories the index holds: added all or nothing, never silently replaced, removable."""

from __future__ import annotations

import pytest

from adrsite.cli import main
from adrsite.decisions import indexing
from adrsite.decisions.indexing import (
    RepositoryNameTaken,
    repository_index_at,
    repository_remove,
)
from adrsite.decisions.models import Decision, Problem, Repository, Revision, Tag
from adrsite.history.git import HistoryError
from tests.gitrepo import Repo, adr

pytestmark = [pytest.mark.django_db, pytest.mark.also_postgres]


def two_decisions(repo: Repo, tag: str = "infra") -> Repo:
    repo.write(
        "adr/0001-use-x.md",
        f"---\nstatus: accepted\ndate: 2026-01-02\ntags: [{tag}]\n---\n# Use X\n",
    )
    repo.write("adr/0002-use-y.md", "# Use Y\n\nno status here\n")  # a problem
    repo.commit("Start")
    return repo


def test_indexing_outside_a_git_repository_adds_no_repository(tmp_path):
    (tmp_path / "adr").mkdir()
    with pytest.raises(HistoryError):
        repository_index_at(name="plain", location=str(tmp_path), adr_dir="adr")
    assert not Repository.objects.exists()


def test_a_first_index_that_fails_half_way_adds_nothing(repo, monkeypatch):
    two_decisions(repo)

    def broken(*args, **kwargs):
        raise HistoryError("git log failed")

    monkeypatch.setattr(indexing, "_rebuild_problems", broken)
    with pytest.raises(HistoryError):
        repository_index_at(name="demo", location=str(repo.path), adr_dir="adr")
    assert not Repository.objects.exists()
    assert not Decision.objects.exists()


def test_a_reindex_that_fails_keeps_the_previous_index_and_its_settings(repo, tmp_path):
    two_decisions(repo)
    repository_index_at(name="demo", location=str(repo.path), adr_dir="adr", web_url="")
    before = Repository.objects.values().get()
    decisions = sorted(Decision.objects.values_list("path", flat=True))
    (tmp_path / "plain" / "adr").mkdir(parents=True)

    with pytest.raises(HistoryError):  # pointed at a folder that is not a repository
        repository_index_at(
            name="demo",
            location=str(tmp_path / "plain"),
            adr_dir="adr",
            web_url="https://x.example/{commit}",
            replace=True,
        )

    assert Repository.objects.values().get() == before
    assert sorted(Decision.objects.values_list("path", flat=True)) == decisions


def test_a_name_another_location_holds_is_refused_unless_replaced(tmp_path):
    first = two_decisions(Repo(tmp_path / "r1"))
    second = Repo(tmp_path / "other" / "r1")
    second.write("adr/0001-use-z.md", adr("Use Z"))
    second.commit("Start")
    repository_index_at(name="r1", location=str(first.path), adr_dir="adr")

    with pytest.raises(RepositoryNameTaken) as refused:
        repository_index_at(name="r1", location=str(second.path), adr_dir="adr")
    assert str(refused.value) == f"a repository named 'r1' is already indexed, from {first.path}"
    assert Repository.objects.get().location == str(first.path)
    assert Decision.objects.count() == 2

    result = repository_index_at(name="r1", location=str(second.path), adr_dir="adr", replace=True)

    assert (result.full, result.reason, result.decisions) == (True, f"replaces {first.path}", 1)
    assert list(Decision.objects.values_list("path", flat=True)) == ["adr/0001-use-z.md"]
    assert Repository.objects.get().location == str(second.path)


def test_the_same_location_again_is_an_incremental_run_not_a_collision(repo):
    two_decisions(repo)
    repository_index_at(name="demo", location=str(repo.path), adr_dir="adr")
    result = repository_index_at(name="demo", location=str(repo.path), adr_dir="adr")
    assert (result.full, result.new_revisions) == (False, 0)


def test_removing_a_repository_removes_all_indexed_of_it_and_nothing_else(tmp_path):
    kept = two_decisions(Repo(tmp_path / "kept"), tag="kept-tag")
    gone = two_decisions(Repo(tmp_path / "gone"), tag="gone-tag")
    repository_index_at(name="kept", location=str(kept.path), adr_dir="adr")
    repository_index_at(name="gone", location=str(gone.path), adr_dir="adr")
    counts = {model: model.objects.count() for model in (Decision, Revision, Problem, Repository)}

    removed = repository_remove(name="gone")

    assert removed == {"decisions": 2, "revisions": 2, "problems": 1}
    assert {model: model.objects.count() for model in counts} == {
        Decision: counts[Decision] - 2,
        Revision: counts[Revision] - 2,
        Problem: counts[Problem] - 1,
        Repository: 1,
    }
    assert list(Tag.objects.values_list("name", flat=True)) == ["kept-tag"]
    with pytest.raises(Repository.DoesNotExist):
        repository_remove(name="gone")


# --- the commands ----------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_adr_repo_remove_says_what_it_removed_and_refuses_an_unknown_name(repo, capsys):
    two_decisions(repo)
    assert run(capsys, "index", str(repo.path), "--name", "demo")[0] == 0

    assert run(capsys, "repo", "remove", "nope") == (
        1,
        "",
        "adr: no repository named 'nope' (indexed: demo)\n",
    )
    assert run(capsys, "repo", "remove", "demo") == (
        0,
        "removed demo: 2 decisions, 2 revisions, 1 problem\n",
        "",
    )
    assert run(capsys, "repo", "list") == (
        0,
        "no repository is indexed yet (run 'adr index')\n",
        "",
    )


def test_adr_index_of_a_repository_without_an_adr_folder_says_where_it_looked(repo, capsys):
    repo.write("README.md", "# Hello\n")
    repo.commit("Start")
    code, out, err = run(capsys, "index", str(repo.path))
    assert (code, out) == (1, "")
    assert err.startswith(f"adr: no ADR folder in {repo.path} (looked for .adr-dir, adr, doc/adr")
    assert not Repository.objects.exists()


def test_serve_names_a_checkout_as_it_was_indexed_and_never_takes_anothers_name(tmp_path):
    # `adr serve` in a checkout already indexed under --name keeps that name; a second
    # checkout with the same folder name is not the first (issue 11): it gets no name here.
    from adrsite.cli.database import _name_indexed_at

    first = two_decisions(Repo(tmp_path / "r1"))
    second = two_decisions(Repo(tmp_path / "other" / "r1"))
    repository_index_at(name="team-log", location=str(first.path), adr_dir="adr")
    assert _name_indexed_at(first.path) == "team-log"
    assert _name_indexed_at(second.path) == ""

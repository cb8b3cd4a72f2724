"""`adr index` and `adr export`: the export contract of docs/export.md, fact by fact."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from adrsite.cli import main
from tests.gitrepo import Repo, adr

pytestmark = [pytest.mark.django_db, pytest.mark.also_postgres]

ADA = "Ada Lovelace <ada@example.com>"
GRACE = "Grace Hopper <grace@example.com>"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_export_gives_every_fact_git_knows(repo, capsys):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    c1 = repo.commit("Propose X", author=ADA)
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    c2 = repo.commit("Accept X", author=GRACE)
    repo.write(
        "adr/0002-use-y.md",
        "---\nstatus: accepted\ndate: 2026-01-04\ndeciders: [Ada]\ntags: [Infra, db]\n"
        "supersedes: [1]\namends: ['0003-cache.md']\n---\n# Use Y\n",
    )
    repo.write("adr/0003-cache.md", "# Cache\n\n* Status: ✅ **Accepted** (PR #2897)\n")
    c3 = repo.commit("Y supersedes X", author=ADA)

    code, out, _ = run(capsys, "index", str(repo.path), "--name", "demo")
    assert (code, out) == (
        0,
        "demo at main: full (first run), 4 new revisions, 3 changed decisions; "
        f"3 decisions, 1 problem, {out.split(', ')[-1].strip()}\n",
    )
    code, out, _ = run(capsys, "export")
    export = json.loads(out)

    assert (code, export["repository"], export["head"]) == (0, "demo", c3)
    x, y, cache = export["decisions"]
    assert x == {
        "number": 1,
        "slug": "use-x",
        "path": "adr/0001-use-x.md",
        "title": "Use X",
        "status": "accepted",  # what the file says, though Y supersedes it
        "status_text": "accepted",
        "date": None,
        "deciders": [],
        "tags": [],
        "supersedes": [],
        "superseded_by": ["adr/0002-use-y.md"],
        "links": [],
        "authors": ["Ada Lovelace", "Grace Hopper"],
        "created": {"commit": c1, "date": "2026-01-02T09:00:00+00:00"},
        "updated": {"commit": c2, "date": "2026-01-03T09:00:00+00:00"},
        "history": [
            {
                "commit": c1,
                "date": "2026-01-02T09:00:00+00:00",
                "author": "Ada Lovelace",
                "status": "proposed",
                "path": "adr/0001-use-x.md",
            },
            {
                "commit": c2,
                "date": "2026-01-03T09:00:00+00:00",
                "author": "Grace Hopper",
                "status": "accepted",
                "path": "adr/0001-use-x.md",
            },
        ],
        "problems": [
            "adr/0001-use-x.md:2: warning: status is 'accepted' but ADR 2 (adr/0002-use-y.md) "
            "supersedes it; its status should be superseded"
        ],
    }
    assert (y["supersedes"], y["links"], y["tags"], y["date"], y["deciders"]) == (
        ["adr/0001-use-x.md"],
        [{"kind": "amends", "path": "adr/0003-cache.md"}],
        ["db", "infra"],
        "2026-01-04",
        ["Ada"],
    )
    assert cache["links"] == [{"kind": "amended-by", "path": "adr/0002-use-y.md"}]
    assert (cache["status"], cache["status_text"]) == ("accepted", "✅ **Accepted** (PR #2897)")


def test_several_repositories_live_in_one_database(tmp_path, capsys):
    for name in ("billing", "search"):
        repo = Repo(tmp_path / name)
        repo.write("adr/0001-start.md", adr(f"Start {name}"))
        repo.commit("Start")
        assert run(capsys, "index", str(repo.path))[0] == 0

    code, _, err = run(capsys, "export")
    assert (code, err) == (
        1,
        "adr: several repositories are indexed; pass --repository (billing, search)\n",
    )
    code, out, _ = run(capsys, "export", "--repository", "search")
    assert [d["title"] for d in json.loads(out)["decisions"]] == ["Start search"]
    code, _, err = run(capsys, "export", "--repository", "nope")
    assert (code, err) == (1, "adr: no repository named 'nope' is indexed (run 'adr index')\n")


def test_index_outside_a_git_repository_is_a_clear_error_and_adds_nothing(tmp_path, capsys):
    from adrsite.decisions.models import Repository

    (tmp_path / "adr").mkdir()
    code, _, err = run(capsys, "index", str(tmp_path))
    assert (code, err) == (1, f"adr: {tmp_path}: not a git repository\n")
    assert not Repository.objects.exists()


def test_index_migrates_the_embedded_database_but_not_a_configured_one(repo, tmp_path):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Propose X")
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    adr_script = str(Path(sys.executable).parent / "adr")
    result = subprocess.run(
        [adr_script, "index", str(repo.path)], env=env, capture_output=True, text=True
    )
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("repo at main: full (first run), 1 new revision")

    # A database named by DATABASE_URL (shared, perhaps) is migrated on purpose: `adr migrate`.
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    result = subprocess.run(
        [adr_script, "index", str(repo.path)], env=env, capture_output=True, text=True
    )
    assert (result.returncode, result.stderr) == (
        1,
        "adr: the database schema is not up to date: run 'adr migrate'\n",
    )


def test_index_web_url_links_the_site_to_the_git_host_and_is_kept(repo, capsys):
    from adrsite.decisions.models import Repository

    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Propose X")
    template = "https://git.example.com/demo/blob/{commit}/{path}"
    assert run(capsys, "index", str(repo.path), "--name", "demo", "--web-url", template)[0] == 0
    assert run(capsys, "index", str(repo.path), "--name", "demo")[0] == 0  # not given: kept
    assert Repository.objects.get(name="demo").source_url("abc", "adr/x.md") == (
        "https://git.example.com/demo/blob/abc/adr/x.md"
    )
    code, _, err = run(capsys, "index", str(repo.path), "--web-url", "https://x.example/")
    assert (code, err) == (1, "adr: --web-url 'https://x.example/' has no {commit} to fill in\n")


def test_index_refuses_a_name_that_cannot_be_part_of_a_url_and_a_web_url_that_is_not_http(
    repo, capsys
):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("Propose X")
    code, _, err = run(capsys, "index", str(repo.path), "--name", "team.adr")
    assert (code, err) == (
        1,
        "adr: --name 'team.adr': use letters, digits, - and _ (it is part of URLs)\n",
    )
    code, _, err = run(capsys, "index", str(repo.path), "--name", "n" * 101)
    assert (code, err) == (1, f"adr: --name {'n' * 101!r}: at most 100 characters\n")
    code, _, err = run(capsys, "index", str(repo.path), "--web-url", "javascript:{commit}")
    assert (code, err) == (
        1,
        "adr: --web-url 'javascript:{commit}' must start with https:// or http://\n",
    )


def test_the_one_repository_query_says_why_it_cannot_choose(tmp_path):
    from adrsite.decisions.indexing import repository_register
    from adrsite.decisions.queries import RepositoryNotChosen, repository_get

    def why(name: str = "") -> tuple[str, list[str], str]:
        with pytest.raises(RepositoryNotChosen) as raised:
            repository_get(name=name)
        return raised.value.asked, raised.value.indexed, str(raised.value)

    assert why() == ("", [], "no repository is indexed yet")
    only = repository_register(name="search", location=str(tmp_path), adr_dir="adr")
    assert repository_get() == only
    assert repository_get(name="search") == only
    assert why("nope") == ("nope", ["search"], "no repository named 'nope' is indexed")
    repository_register(name="billing", location=str(tmp_path), adr_dir="adr")
    assert why() == (
        "",
        ["billing", "search"],
        "several repositories are indexed (billing, search): name one",
    )

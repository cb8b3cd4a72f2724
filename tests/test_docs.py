"""README.md documents every `adr` sub-command and every status; docs/ every URL and export key."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from adrsite.cli import build_parser as _parser
from adrsite.records.model import STATUSES
from tests.gitrepo import adr

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def sub_commands() -> list[str]:
    parser = _parser()
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return sorted(actions[0].choices)


def test_the_parser_has_the_documented_commands():
    assert {
        "init",
        "new",
        "status",
        "link",
        "list",
        "show",
        "check",
        "renumber",
        "toc",
        "why",
    } <= set(sub_commands())


def test_every_sub_command_is_in_the_readme():
    assert [name for name in sub_commands() if f"`adr {name}" not in README] == []


def test_every_status_is_in_the_readme():
    assert [status for status in STATUSES if status not in README] == []


def test_the_quick_start_is_exactly_two_commands_and_ci_runs_the_test_one():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick_start.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]
    assert commands == ["./dev serve", "./dev test"]
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text()
    assert [line for line in ci.splitlines() if line and not line.startswith("#")][-1] == (
        "exec ./dev test"
    )


# --- docs/: the site's URLs and the export contract, kept level with the code ---------

DOCS = Path(__file__).resolve().parent.parent / "docs"


def resolver_routes(patterns=None, prefix: str = "/") -> list[str]:
    """Every route the URL resolver answers, includes flattened: `/decisions/<slug:...>/`;
    Django's admin is one route, `/admin/`: its pages are Django's, documented there."""
    from django.urls import URLResolver, get_resolver

    routes = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver) and entry.app_name == "admin":
            routes.append(route)
        elif isinstance(entry, URLResolver):
            routes += resolver_routes(entry.url_patterns, route)
        else:
            routes.append(route)
    return routes


def documented_routes(text: str) -> list[str]:
    """The first column of the tables of routes: rows that start with a backticked `/...`."""
    resolved = text.split("## Outside the resolver", 1)[0]
    return [line.split("`")[1] for line in resolved.splitlines() if line.startswith("| `/")]


def test_every_url_pattern_is_in_docs_urls_md_and_every_one_there_is_real():
    text = (DOCS / "urls.md").read_text(encoding="utf-8")
    routes = resolver_routes()
    assert len(routes) >= 11
    assert [route for route in routes if f"`{route}`" not in text] == []
    assert sorted(documented_routes(text)) == sorted(routes)


def keys_of(value, found: set[str]) -> set[str]:
    """Every key of every object in a JSON value, however deep."""
    if isinstance(value, dict):
        for key, item in value.items():
            found.add(key)
            keys_of(item, found)
    elif isinstance(value, list):
        for item in value:
            keys_of(item, found)
    return found


@pytest.mark.django_db
def test_every_key_of_the_export_and_the_api_is_in_docs_export_md(repo, client):
    from adrsite.decisions.indexing import repository_index
    from adrsite.decisions.models import Repository
    from adrsite.decisions.queries import decision_export

    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.write(
        "adr/0002-use-y.md",
        "---\nstatus: accepted\ntags: [db]\nsupersedes: [1]\namends: [3]\n---\n# Use Y\n",
    )
    repo.write("adr/0003-cache.md", adr("Cache"))
    repo.write("adr/team/0003-cache.md", adr("Another cache"))  # a shared number: choices
    repo.commit("Decide")
    repository = Repository.objects.create(name="demo", location=str(repo.path), adr_dir="adr")
    repository_index(repository=repository)

    export = decision_export(repository=repository)
    page = client.get("/api/decisions").json()
    one = client.get("/api/decisions/demo/2").json()
    shared = client.get("/api/decisions/demo/3")
    assert shared.status_code == 300
    keys = set()
    for answer in (export, page, one, shared.json()):
        keys_of(answer, keys)
    assert {"history", "links", "created", "choices", "next", "url", "api"} <= keys
    text = (DOCS / "export.md").read_text(encoding="utf-8")
    assert sorted(key for key in keys if f"`{key}`" not in text) == []


def test_the_readme_names_no_file_the_project_lacks():
    # The project's own files: docs/x.md and DESIGN.md, linked or not (the README's
    # examples of ADR folders name files of other projects: 0003-x.md, docs/adr).
    named = re.findall(r"\b(?:docs/[\w-]+\.md|[A-Z]+\.md)\b", README)
    assert {"docs/export.md", "docs/urls.md"} <= set(re.findall(r"\]\((docs/[\w-]+\.md)\)", README))
    root = Path(__file__).resolve().parent.parent
    assert sorted({name for name in named if not (root / name).exists()}) == []

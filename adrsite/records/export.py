"""Records layer: a folder's decisions as the export contract's JSON (pure core, no Django).

The field names are the export contract (docs/export.md); `adr list --json` prints what
a folder alone can tell, and the indexer adds what git knows (authors, history).
"""

from __future__ import annotations

from typing import Any

from adrsite.records.folder import resolved_links
from adrsite.records.model import Record
from adrsite.records.report import problem_line
from adrsite.records.vocabulary import REVERSE_KIND


def decision_links(records: list[Record]) -> dict[str, list[tuple[str, str]]]:
    """(kind, path) pairs per decision, declared on either side, each read from its own side."""
    links: dict[str, set[tuple[str, str]]] = {r.path: set() for r in records}
    for link in resolved_links(records):
        links[link.source].add((link.kind, link.target))
        if link.kind in REVERSE_KIND:
            links[link.target].add((REVERSE_KIND[link.kind], link.source))
    return {path: sorted(pairs) for path, pairs in links.items()}


def decisions_json(shown: list[Record], records: list[Record]) -> list[dict[str, Any]]:
    """The export contract's fields that a folder alone can tell (git adds the rest)."""
    links = decision_links(records)
    return [
        {
            "number": r.number,
            "slug": r.slug,
            "path": r.path,
            "title": r.title,
            "status": r.status or None,
            "status_text": r.status_text or None,  # as written: "✅ Accepted (PR #2897)"
            "date": r.date or None,
            "deciders": list(r.deciders),
            "tags": list(r.tags),
            "supersedes": [path for kind, path in links[r.path] if kind == "supersedes"],
            "superseded_by": [path for kind, path in links[r.path] if kind == "superseded-by"],
            "links": [
                {"kind": kind, "path": path}
                for kind, path in links[r.path]
                if kind not in {"supersedes", "superseded-by"}
            ],
            "problems": [problem_line(p) for p in r.problems],
        }
        for r in shown
    ]

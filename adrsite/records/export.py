"""Records layer: a folder's decisions as the export contract's JSON (pure core, no Django).

The field names are DESIGN.md's export contract; `adr list --json` prints what
a folder alone can tell, and the indexer adds what git knows (authors, history).
"""

from __future__ import annotations

from typing import Any

from adrsite.records.folder import Resolver
from adrsite.records.lint import supersessions
from adrsite.records.model import Record
from adrsite.records.vocabulary import REVERSE_KIND


def decision_links(records: list[Record]) -> dict[str, list[tuple[str, str]]]:
    """(kind, path) pairs per decision, declared on either side, each read from its own side."""
    resolver = Resolver(records)
    links: dict[str, set[tuple[str, str]]] = {r.path: set() for r in records}
    for record in records:
        for link in record.links:
            target = resolver.resolve(link.target, record)
            if target is None or target.path == record.path:
                continue
            links[record.path].add((link.kind, target.path))
            if link.kind in REVERSE_KIND:
                links[target.path].add((REVERSE_KIND[link.kind], record.path))
    return {path: sorted(pairs) for path, pairs in links.items()}


def decisions_json(shown: list[Record], records: list[Record]) -> list[dict[str, Any]]:
    """The export contract's fields that a folder alone can tell (git adds the rest)."""
    links = decision_links(records)
    edges = supersessions(records, Resolver(records))
    return [
        {
            "number": r.number,
            "slug": r.slug,
            "path": r.path,
            "title": r.title,
            "status": r.status or None,
            "date": r.date or None,
            "deciders": list(r.deciders),
            "tags": list(r.tags),
            "supersedes": sorted(old for new, old in edges if new == r.path),
            "superseded_by": sorted(new for new, old in edges if old == r.path),
            "links": [
                {"kind": kind, "path": path}
                for kind, path in links[r.path]
                if kind not in {"supersedes", "superseded-by"}
            ],
            "problems": [f"{p.path}:{p.line}: {p.severity}: {p.message}" for p in r.problems],
        }
        for r in shown
    ]

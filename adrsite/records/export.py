"""Records layer: the export contract's one model and its JSON (pure core, no Django).

The field names are the export contract (docs/export.md). `adr list --json` fills an
`ExportedDecision` from what a folder alone can tell; the index (`adr export`,
/api/decisions) fills the same one from the database, with what git knows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from adrsite.records.folder import resolved_links
from adrsite.records.links import LinksAsRead, links_as_read
from adrsite.records.model import Record
from adrsite.records.report import problem_line


@dataclass(frozen=True, slots=True)
class ExportedRevision:
    commit: str
    date: str  # ISO 8601 with its offset
    author: str
    status: str  # "" when unknown
    path: str


@dataclass(frozen=True, slots=True)
class GitFacts:
    """What the index adds from git: every author, the first and last commits, each revision."""

    authors: Sequence[str]
    created_commit: str
    created_date: str
    updated_commit: str
    updated_date: str
    history: Sequence[ExportedRevision]  # oldest first


@dataclass(frozen=True, slots=True)
class ExportedDecision:
    """One decision as the export contract tells it, from a folder or from the index."""

    number: int | None
    slug: str
    path: str
    title: str
    status: str  # "" when unknown
    status_text: str  # as written: "✅ Accepted (PR #2897)"
    date: str  # ISO 8601, or ""
    deciders: Sequence[str]
    tags: Sequence[str]
    links: LinksAsRead[str]  # the other decisions' paths
    problems: Sequence[str]  # each as problem_line writes it
    git: GitFacts | None = None  # None: read from a folder alone

    def as_json(self) -> dict[str, Any]:
        exported: dict[str, Any] = {
            "number": self.number,
            "slug": self.slug,
            "path": self.path,
            "title": self.title,
            "status": self.status or None,
            "status_text": self.status_text or None,
            "date": self.date or None,
            "deciders": list(self.deciders),
            "tags": list(self.tags),
            "supersedes": sorted(self.links.supersedes),
            "superseded_by": sorted(self.links.superseded_by),
            "links": [{"kind": kind, "path": path} for kind, path in sorted(self.links.others)],
        }
        if self.git is not None:
            git = self.git
            exported["authors"] = list(git.authors)
            exported["created"] = {"commit": git.created_commit, "date": git.created_date}
            exported["updated"] = {"commit": git.updated_commit, "date": git.updated_date}
            exported["history"] = [
                {
                    "commit": revision.commit,
                    "date": revision.date,
                    "author": revision.author,
                    "status": revision.status or None,
                    "path": revision.path,
                }
                for revision in git.history
            ]
        exported["problems"] = list(self.problems)
        return exported


def decision_links(records: list[Record]) -> dict[str, list[tuple[str, str]]]:
    """(kind, path) pairs per decision, declared on either side, each read from its own side."""
    outgoing: dict[str, list[tuple[str, str]]] = {r.path: [] for r in records}
    incoming: dict[str, list[tuple[str, str]]] = {r.path: [] for r in records}
    for link in resolved_links(records):
        outgoing[link.source].append((link.kind, link.target))
        incoming[link.target].append((link.kind, link.source))
    return {path: sorted(set(links_as_read(outgoing[path], incoming[path]))) for path in outgoing}


def decisions_json(shown: list[Record], records: list[Record]) -> list[dict[str, Any]]:
    """The export contract's fields that a folder alone can tell (git adds the rest)."""
    links = decision_links(records)
    return [
        ExportedDecision(
            number=r.number,
            slug=r.slug,
            path=r.path,
            title=r.title,
            status=r.status,
            status_text=r.status_text,
            date=r.date,
            deciders=r.deciders,
            tags=r.tags,
            links=LinksAsRead.of(links[r.path]),
            problems=[problem_line(p) for p in r.problems],
        ).as_json()
        for r in shown
    ]

"""Read functions: what views and the CLI ask of the index. A constant number of queries each."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Prefetch, QuerySet

from adrsite.decisions.models import Decision, Link, Repository, Revision
from adrsite.records.vocabulary import REVERSE_KIND


def repository_get(*, name: str | None = None) -> Repository:
    """The named repository, or the only one; Repository.DoesNotExist otherwise."""
    if name:
        return Repository.objects.get(name=name)
    repositories = list(Repository.objects.all()[:2])
    if len(repositories) != 1:
        raise Repository.DoesNotExist("name the repository: several (or none) are indexed")
    return repositories[0]


def decision_export(*, repository: Repository) -> dict[str, Any]:
    """The index as DESIGN.md's export contract: one repository, its current decisions."""
    decisions = _decisions_for_export(repository)
    return {
        "repository": repository.name,
        "head": repository.last_indexed_commit or None,
        "decisions": [_decision_json(decision) for decision in decisions],
    }


def _decisions_for_export(repository: Repository) -> QuerySet[Decision]:
    live_links = Link.objects.select_related("source", "target")
    return (
        Decision.objects.filter(repository=repository, deleted_commit="")
        .order_by(F("number").asc(nulls_last=True), "path")  # same order on SQLite and PostgreSQL
        .prefetch_related(
            "tags",
            Prefetch("revisions", queryset=Revision.objects.order_by("authored_at", "id")),
            Prefetch("links_out", queryset=live_links),
            Prefetch("links_in", queryset=live_links),
            "problems",
        )
    )


def _decision_json(decision: Decision) -> dict[str, Any]:
    supersedes, superseded_by, links = [], [], []
    for link in decision.links_out.all():
        if link.kind == "supersedes":
            supersedes.append(link.target.path)
        else:
            links.append({"kind": link.kind, "path": link.target.path})
    for link in decision.links_in.all():
        if link.kind == "supersedes":
            superseded_by.append(link.source.path)
        else:
            links.append({"kind": REVERSE_KIND[link.kind], "path": link.source.path})
    revisions = list(decision.revisions.all())
    return {
        "number": decision.number,
        "slug": decision.slug,
        "path": decision.path,
        "title": decision.title,
        "status": decision.status or None,
        "date": decision.date.isoformat() if decision.date else None,
        "deciders": decision.deciders,
        "tags": sorted(tag.name for tag in decision.tags.all()),
        "supersedes": sorted(supersedes),
        "superseded_by": sorted(superseded_by),
        "links": sorted(links, key=lambda link: (link["kind"], link["path"])),
        "authors": decision.authors,
        "created": {"commit": decision.created_commit, "date": decision.created_at.isoformat()},
        "updated": {"commit": decision.updated_commit, "date": decision.updated_at.isoformat()},
        "history": [
            {
                "commit": revision.commit,
                "date": revision.authored_at.isoformat(),
                "author": revision.author,
                "status": revision.status or None,
                "path": revision.path,
            }
            for revision in revisions
        ],
        "problems": [
            f"{p.path}:{p.line}: {p.severity}: {p.message}" for p in decision.problems.all()
        ],
    }

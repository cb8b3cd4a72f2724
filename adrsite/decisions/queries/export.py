"""Read functions: the export contract (docs/export.md), whole and a page at a time (the API)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import (
    F,
    Prefetch,
    QuerySet,
)

from adrsite.decisions.models import Decision, Link, Repository, Revision
from adrsite.records.export import ExportedDecision, ExportedRevision, GitFacts
from adrsite.records.links import LinksAsRead, links_as_read
from adrsite.records.report import problem_line


def decision_export(*, repository: Repository) -> dict[str, Any]:
    """The index as the export contract (docs/export.md): one repository, its current decisions."""
    decisions = _decisions_for_export(repository)
    return {
        "repository": repository.name,
        "head": repository.last_indexed_commit or None,
        "decisions": [_decision_json(decision) for decision in decisions],
    }


API_PAGE_SIZE = 100  # decisions per page of /api/decisions; `adr export` writes them all


@dataclass(frozen=True, slots=True)
class ExportPage:
    """One page of the export: its decisions in the export's order, and how many there are."""

    repository: Repository
    decisions: list[dict[str, Any]]
    count: int  # current decisions in the whole export
    page: int
    pages: int


def decision_export_page(*, repository: Repository, page: int) -> ExportPage | None:
    """Page `page` (from 1) of the export; None past the last. Seven queries, at any size."""
    decisions = _decisions_for_export(repository)
    count = decisions.count()
    pages = max(1, -(-count // API_PAGE_SIZE))
    if not 1 <= page <= pages:
        return None
    start = (page - 1) * API_PAGE_SIZE
    shown = [_decision_json(decision) for decision in decisions[start : start + API_PAGE_SIZE]]
    return ExportPage(repository, shown, count, page, pages)


def _decisions_for_export(repository: Repository) -> QuerySet[Decision]:
    return _with_export_relations(
        Decision.objects.filter(repository=repository, deleted_commit="").order_by(
            F("number").asc(nulls_last=True),
            "path",  # same order on SQLite and PostgreSQL
        )
    )


def _with_export_relations(decisions: QuerySet[Decision]) -> QuerySet[Decision]:
    live_links = Link.objects.select_related("source", "target")
    return decisions.prefetch_related(
        "tags",
        Prefetch(
            "revisions", queryset=Revision.objects.defer("content").order_by("authored_at", "id")
        ),
        Prefetch("links_out", queryset=live_links),
        Prefetch("links_in", queryset=live_links),
        "problems",
    )


def _decision_json(decision: Decision) -> dict[str, Any]:
    return _exported(decision).as_json()


def _exported(decision: Decision) -> ExportedDecision:
    """The export model filled from the index (its relations prefetched)."""
    read = links_as_read(
        ((link.kind, link.target.path) for link in decision.links_out.all()),
        ((link.kind, link.source.path) for link in decision.links_in.all()),
    )
    return ExportedDecision(
        number=decision.number,
        slug=decision.slug,
        path=decision.path,
        title=decision.title,
        status=decision.status,
        status_text=decision.status_text,
        date=decision.date.isoformat() if decision.date else "",
        deciders=decision.deciders,
        tags=sorted(tag.name for tag in decision.tags.all()),
        links=LinksAsRead.of(read),
        problems=[problem_line(p) for p in decision.problems.all()],
        git=GitFacts(
            authors=decision.authors,
            created_commit=decision.created_commit,
            created_date=decision.created_at.isoformat(),
            updated_commit=decision.updated_commit,
            updated_date=decision.updated_at.isoformat(),
            history=[
                ExportedRevision(
                    commit=revision.commit,
                    date=revision.authored_at.isoformat(),
                    author=revision.author,
                    status=revision.status,
                    path=revision.path,
                )
                for revision in decision.revisions.all()
            ],
        ),
    )


def decision_json(*, decision: Decision) -> dict[str, Any]:
    """One decision as the export contract writes it. Six queries."""
    return _decision_json(_with_export_relations(Decision.objects.filter(pk=decision.pk)).get())

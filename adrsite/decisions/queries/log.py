"""Read functions: the decision log, its filters, its counts and its pages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    Count,
    F,
    QuerySet,
)
from django.db.models.functions import Lower

from adrsite.decisions.models import Decision, Repository, Status, Tag
from adrsite.decisions.search import decisions_matching, with_search_snippets

PAGE_SIZE = 50
_DIGITS = re.compile(r"[0-9]+")  # not str.isdigit(): it takes "²", which int() refuses
UNKNOWN = "unknown"  # how the log's `status` parameter names decisions with no known status

# sort parameter -> ordering; nulls placed explicitly: one order on SQLite and PostgreSQL.
SORTS: dict[str, list[Any]] = {
    "-number": [F("number").desc(nulls_last=True), "-created_at", "path"],
    "number": [F("number").asc(nulls_last=True), "created_at", "path"],
    "title": [Lower("title"), "path"],
    "-updated": ["-updated_at", "path"],
}
RELEVANCE = "relevance"  # the default when searching


@dataclass(frozen=True, slots=True)
class LogFilters:
    """What the decision log shows: its query parameters, checked."""

    repository: str = ""
    status: str = ""  # a Status value, UNKNOWN, or "" for all
    tag: str = ""
    text: str = ""
    sort: str = ""  # a SORTS key, RELEVANCE, or "" for the default
    page: int = 1
    in_review: bool = False  # the "in review" facet: open proposals instead of decisions

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> LogFilters:
        """Filters from request parameters; a value the log does not know is dropped."""
        status = query.get("status", "").strip().lower()
        sort = query.get("sort", "").strip()
        page = query.get("page", "1").strip()
        return cls(
            repository=query.get("repository", "").strip()[:100],
            status=status if status in Status.values or status == UNKNOWN else "",
            tag=query.get("tag", "").strip().lower()[:100],
            text=" ".join(query.get("q", "").split())[:200],
            sort=sort if sort in SORTS or sort == RELEVANCE else "",
            page=int(page) if _DIGITS.fullmatch(page) and 0 < int(page) < 100_000 else 1,
            in_review=query.get("in_review", "") == "1",
        )

    @property
    def ordering(self) -> str:
        if self.sort == RELEVANCE and not self.text:
            return "-number"
        return self.sort or (RELEVANCE if self.text else "-number")

    def query(self, **changes: Any) -> str:
        """The query string of these filters with `changes`; a filter change goes back to page 1."""
        if "page" not in changes:
            changes["page"] = 1
        if "in_review" not in changes:  # any other facet, sort or page is of the decisions
            changes["in_review"] = False
        values: dict[str, Any] = {
            "q": self.text,
            "status": self.status,
            "tag": self.tag,
            "repository": self.repository,
            "sort": self.sort,
            "page": self.page,
            "in_review": self.in_review,
        }
        values.update({("q" if key == "text" else key): value for key, value in changes.items()})
        if values["page"] == 1:
            del values["page"]
        values["in_review"] = 1 if values["in_review"] else ""
        return "?" + urlencode({key: value for key, value in values.items() if value})


@dataclass(frozen=True, slots=True)
class StatusCount:
    status: str  # a Status value, or UNKNOWN
    count: int


@dataclass(frozen=True, slots=True)
class DecisionLog:
    filters: LogFilters
    decisions: list[Decision]  # this page; with search_snippet when searching
    total: int  # matching every filter
    counts: list[StatusCount]  # per status, matching every filter but the status
    everything: int  # current decisions in the chosen repositories, before any filter
    tags: list[str]  # of current decisions, for the tag filter
    repositories: list[str]
    page: int
    pages: int

    @property
    def all_count(self) -> int:
        """Matching every filter but the status."""
        return sum(count.count for count in self.counts)


def decision_log(*, filters: LogFilters, visible: QuerySet[Repository]) -> DecisionLog:
    """One page of the decision log, of the `visible` repositories (queries.access): six
    queries, seven when searching, whatever the corpus size. Every count, tag and snippet
    comes from `current`, so none tells of a repository the reader may not see."""
    repositories = list(visible.order_by("name").values_list("name", flat=True))  # 1
    current = Decision.objects.filter(deleted_commit="", repository__in=visible)
    if filters.repository:
        current = current.filter(repository__name=filters.repository)
    matching = current
    if filters.tag:
        matching = matching.filter(tags__name=filters.tag)
    if filters.text:
        matching = decisions_matching(matching, filters.text)

    by_status = dict(  # 2
        matching.order_by().values_list("status").annotate(count=Count("id"))
    )
    counts = [
        StatusCount(UNKNOWN if status == "" else status, by_status[status])
        for status in Status.values
        if by_status.get(status)
    ]
    total = (
        by_status.get("" if filters.status == UNKNOWN else filters.status, 0)
        if filters.status
        else sum(by_status.values())
    )
    if filters.status:
        matching = matching.filter(status="" if filters.status == UNKNOWN else filters.status)

    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    ordering = (
        ["-search_rank", *SORTS["-number"]]
        if filters.ordering == RELEVANCE
        else SORTS[filters.ordering]
    )
    start = (page - 1) * PAGE_SIZE
    shown = matching.order_by(*ordering)
    ids: list[int] = []
    if filters.text:
        # The page's ids first (ranked, without snippets), then the snippets of those
        # rows only: a snippet computed for every row before a deep page's offset
        # costs seconds at 10,000 matches. Not matching again: on bodies full of
        # matches that would cost as much as the first search.
        ids = list(shown.values_list("pk", flat=True)[start : start + PAGE_SIZE])
        shown, start = with_search_snippets(current.filter(pk__in=ids), filters.text), 0
    decisions = list(  # 3 (and 4 when searching), and one for the tags
        shown.select_related("repository")
        .prefetch_related("tags")
        .defer("body", "rule", "deciders", "affects", "authors")[start : start + PAGE_SIZE]
    )
    if ids:  # in the order of the ids
        place = {pk: index for index, pk in enumerate(ids)}
        decisions.sort(key=lambda decision: place[decision.pk])
    everything = current.count()  # 5
    tags = list(  # 6: the tag filter offers the tags in use
        Tag.objects.filter(decisions__in=current).distinct().values_list("name", flat=True)
    )
    return DecisionLog(
        filters=filters,
        decisions=decisions,
        total=total,
        counts=counts,
        everything=everything,
        tags=tags,
        repositories=repositories,
        page=page,
        pages=pages,
    )

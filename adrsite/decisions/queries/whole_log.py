"""Read functions across the whole log: timeline, graph, rules, problems and the feed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    Count,
    F,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import Lag, RowNumber

from adrsite.decisions.models import Decision, Link, Problem, Revision, Status
from adrsite.decisions.queries.decision import StatusChange
from adrsite.records.problems import Severity


@dataclass(frozen=True, slots=True)
class TimelineEvent:
    decision: Decision
    change: StatusChange
    first: bool  # the decision's first revision: it was proposed (or written) then


def timeline(*, repository: str = "", limit: int = 500) -> list[TimelineEvent]:
    """The newest `limit` status changes of every decision, newest first. Two queries."""
    previous = Window(
        Lag("status"), partition_by=[F("decision_id")], order_by=[F("authored_at"), F("id")]
    )
    revisions = Revision.objects.annotate(previous_status=previous)
    if repository:
        revisions = revisions.filter(decision__repository__name=repository)
    changed = (
        revisions.filter(
            Q(previous_status__isnull=True) | ~Q(status=F("previous_status")) | Q(deleted=True)
        )
        .select_related("decision__repository")
        .defer("content", "decision__body")
        .order_by("-authored_at", "-id")[:limit]
    )
    return [
        TimelineEvent(
            decision=revision.decision,
            change=StatusChange.of(revision),
            first=revision.previous_status is None,
        )
        for revision in changed
    ]


def graph(*, repository: str = "") -> tuple[list[Decision], list[Link]]:
    """Current decisions that link or are linked, in number order, and their links. Two queries."""
    links = Link.objects.filter(source__deleted_commit="", target__deleted_commit="")
    if repository:
        links = links.filter(source__repository__name=repository)
    link_rows = list(links.order_by("source__number", "target__number", "kind"))
    ids = {link.source_id for link in link_rows} | {link.target_id for link in link_rows}
    decisions = list(
        Decision.objects.filter(pk__in=ids)
        .select_related("repository")
        .only("repository__name", "repository__adr_dir", "number", "path", "title", "status")
        .order_by("repository__name", F("number").asc(nulls_last=True), "path")
    )
    return decisions, link_rows


def rules(*, repository: str = "") -> list[Decision]:
    """Accepted current decisions that state a standing rule, in number order. One query."""
    found = Decision.objects.filter(deleted_commit="", status=Status.ACCEPTED).exclude(rule="")
    if repository:
        found = found.filter(repository__name=repository)
    return list(
        found.select_related("repository")
        .defer("body")
        .order_by("repository__name", F("number").asc(nulls_last=True), "path")
    )


PROBLEMS_PER_GROUP = 200


@dataclass(frozen=True, slots=True)
class ProblemGroup:
    """Every error, or the warnings of one code: how many, and the first of them."""

    severity: str
    code: str  # the warnings' code; "" for the errors, which are all one group
    count: int
    problems: list[Problem]

    @property
    def truncated(self) -> bool:
        return self.count > len(self.problems)


@dataclass(frozen=True, slots=True)
class ProblemReport:
    groups: list[ProblemGroup]
    several_repositories: bool  # then each row names its repository
    overdue: list[Decision] = field(default_factory=list)  # reviews due, the oldest date first


_RETIRED = [Status.REJECTED, Status.SUPERSEDED, Status.DEPRECATED]  # no review is due of these


def overdue_reviews(*, repository: str = "", today: date) -> list[Decision]:
    """Current decisions still in play whose `review-by` date is before `today`. One query.

    Asked each day rather than stored with the problems: the index changes with
    the files, but a review falls due with the calendar.
    """
    found = Decision.objects.filter(deleted_commit="", review_by__lt=today).exclude(
        status__in=_RETIRED
    )
    if repository:
        found = found.filter(repository__name=repository)
    return list(
        found.select_related("repository")
        .defer("body", "summary")
        .order_by("review_by", "repository__name", F("number").asc(nulls_last=True), "path")
    )


def problems(*, repository: str = "", today: date | None = None) -> ProblemReport:
    """What the indexer and the linter found: the errors, then the warnings by code. One query.

    A folder can hold hundreds of warnings of one kind; grouping them keeps
    the errors and the rarer warnings in sight. Each group is counted whole
    and shows its first PROBLEMS_PER_GROUP rows.
    """
    is_error = Q(severity=Severity.ERROR)
    group = Case(When(is_error, then=Value("")), default=F("code"))
    found = Problem.objects.select_related("repository", "decision__repository").defer(
        "decision__body"
    )
    if repository:
        found = found.filter(repository__name=repository)
    rows = (
        found.annotate(
            group=group,
            group_size=Window(Count("id"), partition_by=[group, F("severity")]),
            place=Window(
                RowNumber(),
                partition_by=[group, F("severity")],
                order_by=[F("repository__name").asc(), F("path").asc(), F("line").asc(), "id"],
            ),
        )
        .filter(place__lte=PROBLEMS_PER_GROUP)
        .order_by(Case(When(is_error, then=Value(0)), default=Value(1)), "group", "place")
    )
    groups: list[ProblemGroup] = []
    for row in rows:
        if not groups or (groups[-1].severity, groups[-1].code) != (row.severity, row.group):
            groups.append(ProblemGroup(row.severity, row.group, row.group_size, []))
        groups[-1].problems.append(row)
    overdue = overdue_reviews(repository=repository, today=today) if today else []  # 2
    shown = {row.repository_id for group in groups for row in group.problems}
    shown |= {decision.repository_id for decision in overdue}
    return ProblemReport(groups, several_repositories=len(shown) > 1, overdue=overdue)


def recent_revisions(*, limit: int = 50) -> list[Revision]:
    """The newest revisions of every decision, for the Atom feed. One query."""
    return list(
        Revision.objects.select_related("decision__repository")
        .defer("decision__body")
        .order_by("-authored_at", "-id")[:limit]
    )

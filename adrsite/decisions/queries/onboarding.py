"""Read functions: the reading path (/start/, `adr onboarding`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.db.models import (
    Exists,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from adrsite.decisions.models import Decision, Link, Repository, Revision, Status
from adrsite.records.onboarding import (
    RECENT_DAYS,
    Change,
    Entry,
    ReadingPath,
    Replacement,
    in_path_order,
)


def reading_path(*, repository: str = "", today: date) -> ReadingPath:
    """The onboarding path (/start/, `adr onboarding`): five queries, whatever the size.

    The decisions in force (accepted, and no accepted decision supersedes them),
    but those marked `onboarding: skip`, each with the chain of decisions it
    replaced and when; and the status changes of the last RECENT_DAYS days.
    """
    names = list(Repository.objects.order_by("name").values_list("name", flat=True))  # 1
    current = Decision.objects.filter(deleted_commit="")
    if repository:
        current = current.filter(repository__name=repository)
    replaced_by_one_in_force = Link.objects.filter(
        target=OuterRef("pk"),
        kind="supersedes",
        source__status=Status.ACCEPTED,
        source__deleted_commit="",
    )
    in_force = list(  # 2
        current.filter(status=Status.ACCEPTED, onboarding_skip=False)
        .exclude(Exists(replaced_by_one_in_force))
        .select_related("repository")
        .defer("body", "deciders", "affects", "authors")
    )
    supersedes = list(  # 3: every chain, walked here
        Link.objects.filter(kind="supersedes", source__in=current, target__deleted_commit="")
        .select_related("target__repository")
        .only("source", "target__number", "target__path", "target__title",
              "target__repository__name", "target__repository__adr_dir")
        .order_by("source_id", "target__number", "target__path")
    )  # fmt: skip
    replaced_on = dict(  # 4: when each replaced decision first read superseded
        Revision.objects.filter(decision__in=current, status=Status.SUPERSEDED, deleted=False)
        .order_by()
        .values("decision_id")
        .annotate(first=Min("authored_at"))
        .values_list("decision_id", "first")
    )
    predecessors: dict[int, list[Decision]] = {}
    for link in supersedes:
        predecessors.setdefault(link.source_id, []).append(link.target)

    def story(decision: Decision) -> tuple[Replacement, ...]:
        chain, seen, todo = [], {decision.pk}, list(predecessors.get(decision.pk, []))
        while todo:  # breadth first: what it replaced, then what those replaced
            older = todo.pop(0)
            if older.pk in seen:
                continue  # a supersede cycle (adr check reports it) ends the story
            seen.add(older.pk)
            on = replaced_on.get(older.pk)
            day = on.date() if on else None
            chain.append(
                Replacement(older.label, older.title, day, not day or day.year == today.year)
            )
            todo += predecessors.get(older.pk, [])
        return tuple(chain)

    entries = [
        Entry(
            item=decision,
            label=decision.label,
            title=decision.title,
            url=decision.get_absolute_url(),
            rule=decision.rule,
            summary=decision.summary,
            words=decision.words,
            tag=decision.primary_tag,
            onboarding=decision.onboarding,
            number=decision.number,
            path=f"{decision.repository.name}/{decision.path}",
            review_by=decision.review_by.isoformat() if decision.review_by else "",
            due_for_review=bool(decision.review_by and decision.review_by < today),
            replaced=story(decision),
        )
        for decision in in_force
    ]
    return ReadingPath(
        groups=in_path_order(entries),
        recent=_recent_changes(current, today),
        today=today,
        repositories=names,
    )


_RECENT_STATUSES = [Status.ACCEPTED, Status.SUPERSEDED, Status.DEPRECATED]


def _recent_changes(current: QuerySet[Decision], today: date) -> list[Change]:
    """Decisions accepted, superseded or deprecated in the last RECENT_DAYS days, newest first."""
    before = Revision.objects.filter(decision_id=OuterRef("decision_id")).filter(
        Q(authored_at__lt=OuterRef("authored_at"))
        | Q(authored_at=OuterRef("authored_at"), id__lt=OuterRef("id"))
    )
    since = datetime.combine(today - timedelta(days=RECENT_DAYS), datetime.min.time(), UTC)
    revisions = (  # 5
        Revision.objects.filter(
            decision__in=current,
            authored_at__gte=since,
            status__in=_RECENT_STATUSES,
            deleted=False,
        )
        .annotate(before=Subquery(before.order_by("-authored_at", "-id").values("status")[:1]))
        .filter(Q(before__isnull=True) | ~Q(before=F("status")))
        .select_related("decision__repository")
        .defer("content", "message", "decision__body")
        .order_by("-authored_at", "-id")[:200]
    )
    return [
        Change(
            item=revision.decision,
            label=revision.decision.label,
            title=revision.decision.title,
            url=revision.decision.get_absolute_url(),
            status=revision.status,
            on=revision.authored_at.date(),
        )
        for revision in revisions
    ]

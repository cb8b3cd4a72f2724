"""Read functions: one decision: which one a ref names (ADR 21), its page and its revisions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import reduce
from operator import or_

from django.db.models import (
    Case,
    Q,
    QuerySet,
    Value,
    When,
)

from adrsite.decisions.models import Decision, Problem, Revision
from adrsite.decisions.refs import COMMIT, folder_relative, number_in, without_extension
from adrsite.records.links import LinksAsRead, links_as_read
from adrsite.records.problems import ProblemCode


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A revision that changed the status (the first one states it): who, when, which commit."""

    status: str
    author: str
    at: datetime
    commit: str
    message: str
    deleted: bool = False

    @classmethod
    def of(cls, revision: Revision) -> StatusChange:
        return cls(
            revision.status, revision.author, revision.authored_at, revision.commit,
            revision.message, revision.deleted,
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class LinkedDecision:
    kind: str  # as this decision reads it: "supersedes", "superseded-by", "amended-by", ...
    decision: Decision


@dataclass(frozen=True, slots=True)
class RevisionEntry:
    revision: Revision
    previous: str  # the commit of the revision before it, "" for the first


@dataclass(frozen=True, slots=True)
class DecisionPage:
    decision: Decision
    tags: list[str]
    superseded_by: list[Decision]
    supersedes: list[Decision]
    links: list[LinkedDecision]  # every other kind, both ways
    changes: list[StatusChange]  # oldest first
    revisions: list[RevisionEntry]  # newest first, without their text
    problems: list[Problem]


@dataclass(frozen=True, slots=True)
class Choice:
    """One of several decisions a ref names, and a ref that names it alone."""

    decision: Decision
    ref: str


@dataclass(frozen=True, slots=True)
class DecisionLookup:
    """What a ref in a URL names (ADR 21): one decision, several, or none."""

    decision: Decision | None = None
    canonical: bool = True  # the ref is the decision's own; else redirect to that
    choices: list[Choice] = field(default_factory=list)  # several current decisions share it
    shared: str = ""  # what the choices share: "number" or "name"
    problems: list[Problem] = field(default_factory=list)  # the choices' duplicate-number errors


_LOOKUP_LIMIT = 200  # decisions a ref may name at once: what the choice page lists
_DELETED = Case(When(deleted_commit="", then=Value(0)), default=Value(1))


def decision_lookup(*, repository: str, ref: str) -> DecisionLookup:
    """The decision a URL's ref names, by the scheme of ADR 21. One query; two with choices.

    In order: the decision's own ref, or its path in the ADR folder; its path from the
    repository root; its file name in any sub-folder; its number. The first of these
    that names anything decides. A current decision wins over deleted ones; several
    current ones are choices; among deleted ones, the last to go at a single path.
    """
    if "\x00" in ref:
        return DecisionLookup()  # git paths never hold NUL, and PostgreSQL refuses it in text
    base = without_extension(ref)
    named = Q(path__contains=f"/{base}.") | Q(path__startswith=f"{base}.")
    number = number_in(ref)
    if number is not None:
        named |= Q(number=number)
    rows = list(
        Decision.objects.filter(named, repository__name=repository)
        .select_related("repository")
        .order_by(_DELETED, "-updated_at", "path")[:_LOOKUP_LIMIT]
    )  # current first, then the last to go first
    found = _named_by(rows, ref, number)
    if found.choices and found.shared == "number":
        ids = [choice.decision.pk for choice in found.choices]
        problems = Problem.objects.filter(decision__in=ids, code=ProblemCode.DUPLICATE_NUMBER)
        return replace(found, problems=list(problems.order_by("path", "line")))
    return found


def _named_by(rows: list[Decision], ref: str, number: int | None) -> DecisionLookup:
    """The lookup of `ref` among `rows` (current first, newest first), without a query."""
    shared, named = _first_named(rows, ref, number)
    if not named:
        return DecisionLookup()
    one = _single(named)
    if one is None:
        current = [d for d in named if not d.deleted_commit]
        choices = sorted(current or _last_at_each_ref(named), key=lambda d: d.path)
        return DecisionLookup(choices=[_choice(rows, d) for d in choices], shared=shared)
    return DecisionLookup(decision=one, canonical=one.ref == ref or not _names_alone(rows, one))


def _first_named(rows: list[Decision], ref: str, number: int | None) -> tuple[str, list[Decision]]:
    """What the first way of naming that names anything names, and what they share."""
    ways: list[tuple[str, Callable[[Decision], bool]]] = [
        ("name", lambda d: ref in (d.ref, folder_relative(d.path, d.repository.adr_dir))),
        ("name", lambda d: ref in (d.path, without_extension(d.path))),
        ("name", lambda d: "/" not in ref and _file_name_is(d.path, ref)),
        ("number", lambda d: number is not None and d.number == number),
    ]
    for shared, names in ways:
        if named := [d for d in rows if names(d)]:
            return shared, named
    return "", []


def _single(named: list[Decision]) -> Decision | None:
    """The one decision of `named`: the only current one, else the last deleted at one ref."""
    current = [d for d in named if not d.deleted_commit]
    if current:
        return current[0] if len(current) == 1 else None
    return named[0] if len({d.ref for d in named}) == 1 else None


def _names_alone(rows: list[Decision], decision: Decision) -> bool:
    """Whether the decision's own ref leads to it (not when `x.md` and `x.markdown` share it)."""
    return _single(_first_named(rows, decision.ref, None)[1]) is decision


def _file_name_is(path: str, name: str) -> bool:
    file_name = path.rsplit("/", 1)[-1]
    return name in (file_name, without_extension(file_name))


def _last_at_each_ref(decisions: list[Decision]) -> list[Decision]:
    last: dict[str, Decision] = {}
    for decision in decisions:  # newest first
        last.setdefault(decision.ref, decision)
    return list(last.values())


def _choice(rows: list[Decision], decision: Decision) -> Choice:
    """The choice and the ref that names it alone: its own, or (when others share that:
    `x.md` beside `x.markdown`) its file's path in the ADR folder."""
    relative = folder_relative(decision.path, decision.repository.adr_dir)
    return Choice(decision, decision.ref if _names_alone(rows, decision) else relative)


def decision_page(*, decision: Decision) -> DecisionPage:
    """Everything the decision page shows. Five queries."""
    tags = list(decision.tags.values_list("name", flat=True))
    outgoing = list(
        decision.links_out.select_related("target__repository").order_by("kind", "target__number")
    )
    incoming = list(
        decision.links_in.select_related("source__repository").order_by("kind", "source__number")
    )
    revisions = list(decision.revisions.defer("content").order_by("authored_at", "id"))
    problems = list(decision.problems.all())
    read = LinksAsRead.of(
        links_as_read(
            ((link.kind, link.target) for link in outgoing),
            ((link.kind, link.source) for link in incoming),
        )
    )
    return DecisionPage(
        decision=decision,
        tags=tags,
        superseded_by=read.superseded_by,
        supersedes=read.supersedes,
        links=[LinkedDecision(kind, other) for kind, other in read.others],
        changes=status_changes(revisions),
        revisions=[
            RevisionEntry(revision, revisions[index - 1].commit if index else "")
            for index, revision in reversed(list(enumerate(revisions)))
        ],
        problems=problems,
    )


def status_changes(revisions: list[Revision]) -> list[StatusChange]:
    """The revisions (oldest first) that set a status other than the one before, and a deletion."""
    changes: list[StatusChange] = []
    previous: str | None = None
    for revision in revisions:
        if revision.deleted or revision.status != previous:
            changes.append(StatusChange.of(revision))
        previous = revision.status
    return changes


def revision_get(*, decision: Decision, commit: str) -> Revision | None:
    """One revision of a decision, with its text, by commit (a prefix of 7 or more)."""
    return _revisions_by_commit(decision, [commit])[0]


def _revisions_at_path(decision: Decision) -> QuerySet[Revision]:
    """Revisions of every decision that ended at this path: a file deleted and written
    again is two decisions, and links to the older one's revisions name the same path."""
    return Revision.objects.filter(
        decision__repository_id=decision.repository_id, decision__path=decision.path
    )


def revision_pair(
    *, decision: Decision, old: str, new: str
) -> tuple[Revision | None, Revision | None]:
    """Two revisions to diff, fetched together (one query)."""
    found_old, found_new = _revisions_by_commit(decision, [old, new])
    return found_old, found_new


def _revisions_by_commit(decision: Decision, prefixes: list[str]) -> list[Revision | None]:
    """For each commit prefix (7 hex digits or more), the one revision it names, else None."""
    valid = [prefix for prefix in prefixes if COMMIT.fullmatch(prefix)]
    if not valid:
        return [None for _ in prefixes]
    named = reduce(or_, (Q(commit__startswith=prefix) for prefix in valid))
    rows = list(_revisions_at_path(decision).filter(named))

    def one(prefix: str) -> Revision | None:
        found = [r for r in rows if prefix in valid and r.commit.startswith(prefix)]
        return found[0] if len(found) == 1 else None

    return [one(prefix) for prefix in prefixes]

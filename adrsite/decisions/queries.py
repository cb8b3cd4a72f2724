"""Read functions: what views and the CLI ask of the index. A constant number of queries each."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Lag, Lower, RowNumber

from adrsite.decisions.models import (
    CheckResult,
    CheckState,
    Decision,
    Link,
    Problem,
    Repository,
    RepositorySync,
    Revision,
    Status,
    Tag,
)
from adrsite.decisions.refs import COMMIT, folder_relative, number_in, without_extension
from adrsite.decisions.search import decisions_matching, with_search_snippets
from adrsite.records.export import ExportedDecision, ExportedRevision, GitFacts
from adrsite.records.links import LinksAsRead, links_as_read
from adrsite.records.onboarding import (
    RECENT_DAYS,
    Change,
    Entry,
    ReadingPath,
    Replacement,
    in_path_order,
)
from adrsite.records.problems import ProblemCode, Severity
from adrsite.records.report import problem_line


class RepositoryNotChosen(Exception):
    """repository_get's one error: the name is unknown, none is indexed, or several are
    and none was named. Each caller words it for its own way of naming one."""

    def __init__(self, *, asked: str, indexed: list[str]) -> None:
        self.asked = asked  # the name asked for, or ""
        self.indexed = indexed  # every indexed repository's name, by name
        if asked:
            message = f"no repository named {asked!r} is indexed"
        elif indexed:
            message = f"several repositories are indexed ({', '.join(indexed)}): name one"
        else:
            message = "no repository is indexed yet"
        super().__init__(message)


def repository_get(*, name: str = "") -> Repository:
    """The named repository or, with no name, the only one indexed; RepositoryNotChosen
    otherwise."""
    found = list(
        Repository.objects.filter(name=name) if name else Repository.objects.order_by("name")[:2]
    )
    if len(found) == 1:
        return found[0]
    indexed = list(Repository.objects.order_by("name").values_list("name", flat=True))
    raise RepositoryNotChosen(asked=name, indexed=indexed)


@dataclass(frozen=True, slots=True)
class IndexedRepository:
    name: str
    location: str
    adr_dir: str
    last_indexed_commit: str
    decisions: int  # at HEAD


def repository_list() -> list[IndexedRepository]:
    """Every indexed repository by name, with how many decisions it has at HEAD. One query."""
    current = Count("decisions", filter=Q(decisions__deleted_commit=""))
    rows = Repository.objects.annotate(current=current).order_by("name")
    return [
        IndexedRepository(
            name=row["name"],
            location=row["location"],
            adr_dir=row["adr_dir"],
            last_indexed_commit=row["last_indexed_commit"],
            decisions=row["current"],
        )
        for row in rows.values("name", "location", "adr_dir", "last_indexed_commit", "current")
    ]


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


# --- the decision log --------------------------------------------------------

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
        values = {
            "q": self.text,
            "status": self.status,
            "tag": self.tag,
            "repository": self.repository,
            "sort": self.sort,
            "page": self.page,
        }
        values.update({("q" if key == "text" else key): value for key, value in changes.items()})
        if values["page"] == 1:
            del values["page"]
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


def decision_log(*, filters: LogFilters) -> DecisionLog:
    """One page of the decision log: six queries, seven when searching, whatever the corpus size."""
    repositories = list(Repository.objects.values_list("name", flat=True))  # 1
    current = Decision.objects.filter(deleted_commit="")
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


# --- one decision ---------------------------------------------------------------


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


# --- the whole log: timeline, graph, rules, problems, feed --------------------------


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


# --- the reading path -----------------------------------------------------------------


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


def recent_revisions(*, limit: int = 50) -> list[Revision]:
    """The newest revisions of every decision, for the Atom feed. One query."""
    return list(
        Revision.objects.select_related("decision__repository")
        .defer("decision__body")
        .order_by("-authored_at", "-id")[:limit]
    )


def decision_json(*, decision: Decision) -> dict[str, Any]:
    """One decision as the export contract writes it. Six queries."""
    return _decision_json(_with_export_relations(Decision.objects.filter(pk=decision.pk)).get())


# --- the decisions' enforce: checks, as the indexer last ran them (ADR 30) ------------


@dataclass(frozen=True, slots=True)
class CheckView:
    """One check at the latest indexed head it ran at, and its history across heads."""

    description: str
    state: str  # holding, broken, not checkable
    commit: str
    violations: list[list[Any]]  # [path, line, message]
    reason: str
    broken_from: str = ""  # the first head of the last run of broken ones
    mended_at: str = ""  # the head at which that run ended (holding again), if it has


def decision_checks(*, decisions: list[Decision]) -> dict[int, list[CheckView]]:
    """Each decision's checks (by its id): their state at the last head it was checked at,
    and since when. One query."""
    by_key = {(d.repository_id, d.path): d.pk for d in decisions}
    rows = CheckResult.objects.filter(
        repository_id__in={d.repository_id for d in decisions},
        path__in={d.path for d in decisions},
    ).order_by("repository_id", "path", "index", "committed_at", "id")
    runs: dict[tuple[int, str, int], list[CheckResult]] = {}
    for row in rows:
        runs.setdefault((row.repository_id, row.path, row.index), []).append(row)
    found: dict[int, list[CheckView]] = {}
    for (repository_id, path, _), history in runs.items():
        if (decision_id := by_key.get((repository_id, path))) is not None:
            found.setdefault(decision_id, []).append(_check_view(history))
    return found


def _check_view(history: list[CheckResult]) -> CheckView:
    last = history[-1]
    broken_from = mended_at = ""
    # The last run of broken heads, and the head that ended it.
    end = len(history)
    while end and history[end - 1].state != CheckState.BROKEN:
        end -= 1
    if end:
        start = end
        while start and history[start - 1].state == CheckState.BROKEN:
            start -= 1
        broken_from = history[start].commit
        mended_at = history[end].commit if end < len(history) else ""
    return CheckView(
        description=last.description,
        state=last.state,
        commit=last.commit,
        violations=last.violations,
        reason=last.reason,
        broken_from=broken_from,
        mended_at=mended_at,
    )


def sync_failures(*, repository: str = "") -> list[RepositorySync]:
    """Repositories whose background fetch + index failed last (ADR 33), by name."""
    rows = RepositorySync.objects.filter(failures__gt=0).select_related("repository")
    if repository:
        rows = rows.filter(repository__name=repository)
    return list(rows.order_by("repository__name"))

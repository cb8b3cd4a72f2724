"""Read functions: what views and the CLI ask of the index. A constant number of queries each."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, Value, When, Window
from django.db.models.functions import Lag, Lower, RowNumber

from adrsite.decisions.models import Decision, Link, Problem, Repository, Revision, Status, Tag
from adrsite.decisions.refs import COMMIT, folder_relative, number_in, without_extension
from adrsite.decisions.search import decisions_matching, with_search_snippets
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
        "status_text": decision.status_text or None,  # as written: "✅ Accepted (PR #2897)"
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
        problems = Problem.objects.filter(decision__in=ids, code="duplicate-number")
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
    links = [
        LinkedDecision(link.kind, link.target) for link in outgoing if link.kind != "supersedes"
    ] + [
        LinkedDecision(REVERSE_KIND[link.kind], link.source)
        for link in incoming
        if link.kind != "supersedes"
    ]
    return DecisionPage(
        decision=decision,
        tags=tags,
        superseded_by=[link.source for link in incoming if link.kind == "supersedes"],
        supersedes=[link.target for link in outgoing if link.kind == "supersedes"],
        links=links,
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


def problems(*, repository: str = "") -> ProblemReport:
    """What the indexer and the linter found: the errors, then the warnings by code. One query.

    A folder can hold hundreds of warnings of one kind; grouping them keeps
    the errors and the rarer warnings in sight. Each group is counted whole
    and shows its first PROBLEMS_PER_GROUP rows.
    """
    is_error = Q(severity="error")
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
    shown = {row.repository_id for group in groups for row in group.problems}
    return ProblemReport(groups, several_repositories=len(shown) > 1)


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

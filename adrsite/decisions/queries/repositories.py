"""Read functions: the indexed repositories, and the one choice of a repository."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.utils.timesince import timesince

from adrsite.decisions.models import Repository, RepositorySync


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


def repository_get(*, name: str = "", visible: QuerySet[Repository]) -> Repository:
    """The named repository or, with no name, the only one indexed, among those `visible`
    (queries.access); RepositoryNotChosen otherwise, naming only those."""
    found = list(visible.filter(name=name) if name else visible.order_by("name")[:2])
    if len(found) == 1:
        return found[0]
    indexed = list(visible.order_by("name").values_list("name", flat=True))
    raise RepositoryNotChosen(asked=name, indexed=indexed)


@dataclass(frozen=True, slots=True)
class IndexedRepository:
    name: str
    location: str
    adr_dir: str
    last_indexed_commit: str
    decisions: int  # at HEAD
    url: str = ""  # from its host (ADR 32): the clone URL; its branch, "" for the default
    branch: str = ""
    fetch_problem: str = ""  # "last fetched 3 hours ago: <git's message>" when the last failed


def repository_list() -> list[IndexedRepository]:
    """Every indexed repository by name, with how many decisions it has at HEAD. One query."""
    current = Count("decisions", filter=Q(decisions__deleted_commit=""))
    rows = Repository.objects.annotate(current=current).order_by("name")
    fields = ("name", "location", "adr_dir", "last_indexed_commit", "current", "url", "branch")
    return [
        IndexedRepository(
            name=row["name"],
            location=row["location"],
            adr_dir=row["adr_dir"],
            last_indexed_commit=row["last_indexed_commit"],
            decisions=row["current"],
            url=row["url"],
            branch=row["branch"] if row["url"] else "",
            fetch_problem=fetch_problem(row["last_fetch_at"], row["last_fetch_error"]),
        )
        for row in rows.values(*fields, "last_fetch_at", "last_fetch_error")
    ]


def fetch_problems(*, repository: str = "") -> list[tuple[str, str]]:
    """(name, fetch problem) of each repository (or the one named) whose last fetch failed."""
    failing = Repository.objects.exclude(last_fetch_error="").order_by("name")
    if repository:
        failing = failing.filter(name=repository)
    rows = failing.values_list("name", "last_fetch_at", "last_fetch_error")
    return [(name, fetch_problem(when, error)) for name, when, error in rows]


def fetch_problem(last_fetch_at: datetime | None, error: str, now: datetime | None = None) -> str:
    """How a repository whose last fetch failed is shown: when it last came whole, git's words."""
    if not error:
        return ""
    if last_fetch_at is None:
        return f"never fetched: {error}"
    ago = timesince(last_fetch_at, now, depth=1).replace("\xa0", " ")
    return f"last fetched {ago} ago: {error}"


@dataclass(frozen=True, slots=True)
class IndexAge:
    """How fresh one repository's index is, for /healthz."""

    name: str
    last_indexed_commit: str
    indexed_at: datetime | None  # when the last index run finished; None: never indexed
    last_fetch_at: datetime | None  # from its host (ADR 32): when last fetched whole
    last_fetch_error: str


def index_ages() -> list[IndexAge]:
    """Every repository by name with when it was last indexed and fetched. One query."""
    fields = ("name", "last_indexed_commit", "indexed_at", "last_fetch_at", "last_fetch_error")
    return [IndexAge(*row) for row in Repository.objects.order_by("name").values_list(*fields)]


def sync_failures(*, repository: str = "", visible: QuerySet[Repository]) -> list[RepositorySync]:
    """Repositories whose background fetch + index failed last (ADR 33), by name: those
    `visible` only (ADR 35)."""
    rows = RepositorySync.objects.filter(failures__gt=0, repository__in=visible)
    if repository:
        rows = rows.filter(repository__name=repository)
    return list(rows.select_related("repository").order_by("repository__name"))

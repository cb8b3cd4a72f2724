"""Read functions: the indexed repositories, and the one choice of a repository."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import (
    Count,
    Q,
    QuerySet,
)

from adrsite.decisions.models import Repository


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

"""The warm path (ADR 29): an incremental index that costs what the push changed.

A process keeps the ADR folder of each repository it last indexed (`_Warm`,
in `_WARM`, the few most recent); the next run of that repository, if the
stored index is still the one that state was made from (`_Warm.fits`), reads
only the files changed since and writes only the links and problems they make
different (`_update_links_and_problems`).
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce

from django.db.models import Q

from adrsite.decisions.lineages import INDEX_FORMAT, Lineages
from adrsite.decisions.links_and_problems import _link_row, _problem_row, _too_long_row
from adrsite.decisions.models import Decision, Link, LinkKind, Problem, Repository
from adrsite.decisions.rows import BATCH
from adrsite.records.folder_state import FolderState
from adrsite.records.model import Record
from adrsite.records.problems import ProblemCode

_WARM_REPOSITORIES = 8  # folders a process keeps (a 10,000-decision one: about 60 MB)


@dataclass(slots=True)
class _Warm:
    """A repository's ADR folder at the HEAD this process last indexed, and its checks."""

    commit: str
    locations: list[str]
    index_format: int
    # Of the run that made it: any other run since (`adr index --full` elsewhere) wrote
    # other decision ids, and this state no longer describes the database.
    indexed_at: datetime | None
    blobs: dict[str, str]  # path -> blob
    raw: dict[str, Record]  # path -> record as parsed
    too_long: list[str]
    ids: dict[str, int]  # path -> the current decision's id
    folder: FolderState

    @classmethod
    def of(
        cls, repository: Repository, state: Lineages, current: list[tuple[Decision, Record]]
    ) -> _Warm:
        raw = {record.path: state.settled[record.path][1] for _, record in current}
        created = {record.path: decision.created_at for decision, record in current}
        return cls(
            commit="",
            locations=[],
            index_format=INDEX_FORMAT,
            indexed_at=None,
            blobs={path: state.at_head[path] for path in raw},
            raw=raw,
            too_long=list(state.too_long),
            ids={record.path: decision.pk for decision, record in current},
            folder=FolderState(raw.values(), created),
        )

    def fits(self, repository: Repository, since: str, shallow: bool) -> bool:
        """Whether this is the state the stored index was made from."""
        return (
            bool(since)
            and self.commit == since
            and self.indexed_at == repository.indexed_at
            and self.locations == repository.locations
            and self.index_format == repository.index_format == INDEX_FORMAT
            and not shallow
            and not repository.shallow
        )


_WARM: dict[int, _Warm] = {}


def _keep_warm(pk: int, warm: _Warm) -> None:
    _WARM.pop(pk, None)
    _WARM[pk] = warm
    while len(_WARM) > _WARM_REPOSITORIES:
        del _WARM[next(iter(_WARM))]  # the one indexed longest ago


def _enforcing_at_head(warm: _Warm) -> list[tuple[Decision, Record]]:
    """The decisions at head that carry checks, as `check_head` wants them: few or none, so
    their rows are read by id rather than the whole folder's."""
    records = {path: r for path, r in warm.folder.records.items() if r.enforce}
    if not records:
        return []
    decisions = Decision.objects.filter(pk__in=[warm.ids[path] for path in records])
    return sorted(
        ((decision, records[decision.path]) for decision in decisions),
        key=lambda pair: pair[0].path,
    )


def _update_links_and_problems(repository: Repository, state: Lineages, warm: _Warm) -> None:
    """Write the links and problems that the files changed since `warm` make different."""
    looked_at = set(state.settled) | set(warm.blobs).symmetric_difference(state.at_head)
    changed: dict[str, Record | None] = {}
    created = {}
    for path in looked_at:
        if path in state.at_head and path in state.by_path:
            now = state.settled[path][1]
            if warm.raw.get(path) is not now:
                changed[path] = now
                created[path] = state.by_path[path].created_at
        elif path in warm.raw:
            changed[path] = None
    old_ids = dict(warm.ids)
    for path, new in changed.items():
        if new is None:
            warm.raw.pop(path, None)
            warm.ids.pop(path, None)
        else:
            warm.raw[path] = new
            warm.ids[path] = state.by_path[path].pk
    warm.blobs = {path: state.at_head[path] for path in warm.raw}
    changes = warm.folder.update(changed, created)

    # Dates as the folder reads them (a day/month convention settled anew); a decision
    # written by this run has the date its file states.
    revised = {d.path for d in state.changed.values() if d.path in warm.raw}
    for path in sorted(set(changes.records) | revised):
        if (settled_record := warm.folder.records.get(path)) is None:
            continue
        decision = state.by_path.get(path)
        settled = date.fromisoformat(settled_record.date) if settled_record.date else None
        if decision is None:
            Decision.objects.filter(pk=warm.ids[path]).exclude(date=settled).update(date=settled)
        elif decision.date != settled:
            decision.date = settled
            decision.save(update_fields=["date"])

    # Links: each changed key's old row goes (ids as they were), its new row comes.
    gone = [
        Q(source_id=old_ids[s], target_id=old_ids[t], kind=k)
        for (s, t, k) in changes.links
        if s in old_ids and t in old_ids
    ]
    for at in range(0, len(gone), BATCH):
        Link.objects.filter(reduce(operator.or_, gone[at : at + BATCH])).delete()
    Link.objects.bulk_create(
        _link_row(link, warm.ids)
        for link in changes.links.values()
        if link is not None and link.kind in LinkKind.values
    )

    # Problems of each path whose problems changed, or whose decision has a new commit.
    paths = sorted(set(changes.problems) | revised)
    too_long = set(warm.too_long).symmetric_difference(state.too_long)
    for at in range(0, len(paths), BATCH):
        repository.problems.filter(path__in=paths[at : at + BATCH]).delete()
    if too_long:
        repository.problems.filter(code=ProblemCode.PATH_TOO_LONG).delete()
    decisions = {path: state.by_path[path] for path in paths if path in state.by_path}
    missing = [path for path in paths if path not in decisions and path in warm.ids]
    decisions |= {d.path: d for d in Decision.objects.filter(pk__in=[warm.ids[p] for p in missing])}
    rows = [
        _problem_row(repository, problem, decisions)
        for path in paths
        for problem in sorted(warm.folder.problems.get(path, []), key=lambda p: (p.line, p.code))
    ]
    if too_long:
        rows += [_too_long_row(repository, path) for path in state.too_long]
    Problem.objects.bulk_create(rows, batch_size=BATCH)
    warm.too_long = list(state.too_long)

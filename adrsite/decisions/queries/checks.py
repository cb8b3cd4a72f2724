"""The decisions' enforce: checks, as the indexer last ran them (ADR 30)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adrsite.decisions.models import CheckResult, CheckState, Decision


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

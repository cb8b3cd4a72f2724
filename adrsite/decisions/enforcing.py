"""Running the decisions' `enforce:` checks at each indexed head, cached by commit (ADR 30).

Import contracts and patterns only: commands run only in `adr check --enforce`. The
checks run outside this process (history/enforce.py); what they find is stored, never
raised: a bad check is a "not checkable" row, and the index goes on.
"""

from __future__ import annotations

from pathlib import Path

from adrsite.decisions.models import CheckResult, Decision, Repository
from adrsite.history.enforce import check_commit
from adrsite.history.git import GitHistory
from adrsite.records.enforce import COMMAND
from adrsite.records.model import Record


def check_head(
    repository: Repository, history: GitHistory, current: list[tuple[Decision, Record]]
) -> None:
    """Run the checks of the current accepted and proposed decisions at the head, once."""
    head = history.head
    if not head:
        return
    done = set(
        CheckResult.objects.filter(repository=repository, commit=head).values_list(
            "path", flat=True
        )
    )
    wanted = [
        (decision, record)
        for decision, record in current
        if record.enforce
        and record.status in ("accepted", "proposed")
        and decision.path not in done
        and any(check.kind != COMMAND for check in record.enforce)
    ]
    if not wanted:
        return  # asks git nothing: most repositories carry no checks
    git_dir = Path(history.repo.git_dir)
    committed_at = history.repo.commit(head).committed_datetime
    checks = [check for _, record in wanted for check in record.enforce if check.kind != COMMAND]
    outcomes = iter(check_commit(git_dir, head, checks))
    rows = []
    for decision, record in wanted:
        for check in record.enforce:
            if check.kind == COMMAND:
                continue
            outcome = next(outcomes)
            rows.append(
                CheckResult(
                    repository=repository,
                    path=decision.path,
                    commit=head,
                    committed_at=committed_at,
                    index=check.index,
                    description=check.describe(),
                    state=outcome.state,
                    violations=[[v.path, v.line, v.message] for v in outcome.violations],
                    reason=outcome.reason,
                )
            )
    CheckResult.objects.bulk_create(rows, ignore_conflicts=True)

"""Background fetch + index (ADR 33): the task, its retries, and the one scheduler.

Django's Tasks framework queues the work (django-tasks-db keeps the queue in our own
database; `adr worker` runs it). The framework has no retries and no schedule, so
both are here: a failed sync enqueues itself again with exponential backoff and
records its error on the repository's RepositorySync row; and whichever worker holds
the one SchedulerLease row enqueues the periodic fetches. Each sync first takes the
repository's lease (one conditional UPDATE), so two workers never sync one
repository at once: the second enqueues a run for after the first instead.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.tasks import task
from django.utils import timezone

from adrsite.decisions import hosts
from adrsite.decisions.models import Repository, RepositorySync, SchedulerLease

logger = logging.getLogger("adrsite.worker")

# A failed sync is tried again after 30 s, 1 min, 2 min, ... at most 30 min apart,
# six times; then the next push, scheduled fetch or `adr repo sync` tries again.
RETRY_FIRST = timedelta(seconds=30)
RETRY_LONGEST = timedelta(minutes=30)
RETRIES = 6
# A worker that died mid-sync leaves its lease; after this long another may take it.
SYNC_LEASE = timedelta(minutes=30)
# A sync asked for while another worker syncs the repository runs this long after.
AFTER_BUSY = timedelta(seconds=5)
# The scheduler renews its lease on every tick; one that stops ticking (its worker died)
# loses it after this long, and another worker's scheduler takes over.
SCHEDULER_LEASE = timedelta(seconds=60)
ERROR_LENGTH = 4000


def worker_name() -> str:
    """Who holds a lease: this machine and process, and a random part to be unique."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def retry_delay(failures: int) -> timedelta:
    """The wait before retry number `failures` (from 1): doubling, capped."""
    return min(RETRY_FIRST * 2 ** min(failures - 1, 20), RETRY_LONGEST)


# --- the task ---------------------------------------------------------------------


@task()
def sync_repository(name: str, reason: str = "requested") -> dict[str, Any]:
    """Fetch and index the repository called `name` (a background task)."""
    return run_sync(name=name, reason=reason)


def sync_enqueue(*, name: str, reason: str, run_after: datetime | None = None) -> bool:
    """Queue a sync of `name` (now, or at `run_after`); False when one is already queued
    and due, which will do."""
    if run_after is None and _due_sync_queued(name):
        return False
    queued = sync_repository if run_after is None else sync_repository.using(run_after=run_after)
    queued.enqueue(name=name, reason=reason)
    return True


def _due_sync_queued(name: str) -> bool:
    from django_tasks_db.models import DBTaskResult  # not at import: see apps.TaskQueueConfig

    return (
        DBTaskResult.objects.ready()
        .filter(task_path=sync_repository.module_path, args_kwargs__kwargs__name=name)
        .exists()
    )


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """How a repository's background sync stands, for the site and `adr repo list`."""

    repository: str
    failures: int
    last_error: str
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    next_retry_at: datetime | None


def run_sync(*, name: str, reason: str) -> dict[str, Any]:
    """One sync of `name` under its lease; on failure, the error recorded and a retry queued."""
    repository = Repository.objects.filter(name=name).first()
    if repository is None:  # removed since it was queued
        return {"repository": name, "skipped": "no such repository"}
    state, _ = RepositorySync.objects.get_or_create(repository=repository)
    holder = worker_name()
    started = timezone.now()
    taken = (
        RepositorySync.objects.filter(pk=state.pk)
        .filter(Q(running_by="") | Q(running_since__lt=started - SYNC_LEASE))
        .update(running_by=holder, running_since=started)
    )
    if not taken:
        sync_enqueue(
            name=name, reason="after the sync running now", run_after=timezone.now() + AFTER_BUSY
        )
        return {"repository": name, "deferred": "another worker is syncing it"}
    started = timezone.now()  # inside the lease: the runs of one repository never overlap
    logger.info("%s: sync (%s)", name, reason)
    try:
        result = hosts.repository_sync(name)  # fetch (a hosted repository) and index
    except Exception as error:
        _failed(state, error, started)
        raise
    finished = timezone.now()
    RepositorySync.objects.filter(pk=state.pk).update(
        running_by="",
        running_since=None,
        last_attempt_at=started,
        last_success_at=finished,
        failures=0,
        last_error="",
        next_retry_at=None,
    )
    logger.info("%s", result.summary())
    return {
        "repository": name,
        "summary": result.summary(),
        "started": started.isoformat(),
        "finished": finished.isoformat(),
    }


def _failed(state: RepositorySync, error: Exception, started: datetime) -> None:
    failures = state.failures + 1
    message = (str(error).strip() or type(error).__name__)[:ERROR_LENGTH]
    next_retry = None
    if failures <= RETRIES:
        next_retry = timezone.now() + retry_delay(failures)
        sync_enqueue(name=state.repository.name, reason=f"retry {failures}", run_after=next_retry)
    RepositorySync.objects.filter(pk=state.pk).update(
        running_by="",
        running_since=None,
        last_attempt_at=started,
        failures=failures,
        last_error=message,
        next_retry_at=next_retry,
    )
    logger.warning("%s: sync failed (%d in a row): %s", state.repository.name, failures, message)


def sync_statuses() -> dict[str, SyncStatus]:
    """Every repository's background sync by name, for those that ever had one."""
    rows = RepositorySync.objects.select_related("repository").order_by("repository__name")
    return {
        row.repository.name: SyncStatus(
            repository=row.repository.name,
            failures=row.failures,
            last_error=row.last_error,
            last_attempt_at=row.last_attempt_at,
            last_success_at=row.last_success_at,
            next_retry_at=row.next_retry_at,
        )
        for row in rows
    }


# --- the one scheduler ------------------------------------------------------------


def scheduler_hold(*, holder: str, now: datetime | None = None) -> bool:
    """Take or renew the scheduler's lease; whether `holder` is the scheduler now."""
    now = now or timezone.now()
    if not SchedulerLease.objects.filter(pk=1).exists():
        try:
            with transaction.atomic():
                SchedulerLease.objects.create(pk=1)
        except IntegrityError:  # another worker created it since we looked
            pass
    updated = (
        SchedulerLease.objects.filter(pk=1)
        .filter(Q(holder=holder) | Q(holder="") | Q(expires_at__lt=now))
        .update(holder=holder, expires_at=now + SCHEDULER_LEASE)
    )
    return updated == 1


def scheduler_release(*, holder: str) -> None:
    """Hand the lease back (a worker stopping), so another worker's scheduler takes it now."""
    SchedulerLease.objects.filter(pk=1, holder=holder).update(holder="", expires_at=None)


def scheduler_tick(*, holder: str, every: timedelta, now: datetime | None = None) -> list[str]:
    """If `holder` is the scheduler, queue a fetch of each repository that is due; their names."""
    now = now or timezone.now()
    if not scheduler_hold(holder=holder, now=now):
        return []
    for repository in Repository.objects.filter(sync=None):
        RepositorySync.objects.get_or_create(repository=repository)
    queued = []
    with transaction.atomic():
        due = (
            RepositorySync.objects.select_for_update()
            .select_related("repository")
            .filter(Q(next_fetch_at=None) | Q(next_fetch_at__lte=now))
        )
        for state in due:
            sync_enqueue(name=state.repository.name, reason="scheduled")
            state.next_fetch_at = now + every
            state.save(update_fields=["next_fetch_at"])
            queued.append(state.repository.name)
    return queued


def scheduler_loop(*, holder: str, every: timedelta, stop: Any) -> None:
    """Tick until `stop` (a threading.Event) is set; says when it becomes or stops being the
    scheduler. Runs in a thread of `adr worker` beside the queue's own loop."""
    from django.db import DatabaseError, connection

    tick = max(1.0, min(every.total_seconds(), 10.0))
    scheduling = False
    while not stop.is_set():
        try:
            queued = scheduler_tick(holder=holder, every=every)
            now_scheduling = scheduler_is(holder=holder)
        except DatabaseError as error:  # busy (SQLite) or gone for a moment: next tick
            logger.warning("scheduler: %s", error)
            now_scheduling = scheduling
            queued = []
        finally:
            connection.close()
        if now_scheduling != scheduling:
            scheduling = now_scheduling
            if scheduling:
                logger.info("scheduler: this worker (%s) enqueues the periodic fetches", holder)
        if queued:
            logger.info("scheduler: queued a fetch of %s", ", ".join(queued))
        stop.wait(tick)


def scheduler_is(*, holder: str) -> bool:
    return SchedulerLease.objects.filter(pk=1, holder=holder).exists()

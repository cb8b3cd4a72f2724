"""`adr worker`: runs the background queue (ADR 33), and the scheduler when it holds it.

The queue's loop is django-tasks-db's own Worker (claims each task with
`SELECT ... FOR UPDATE SKIP LOCKED` on PostgreSQL, an exclusive transaction on
SQLite, so no task runs twice). Beside it a thread ticks the scheduler when
ADRSITE_FETCH_EVERY is set; `--batch` ticks it once, runs what is queued, and exits.
"""

from __future__ import annotations

import logging
import sys
import threading
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker

from adrsite.decisions import background


def run_worker(*, batch: bool, interval: float = 1.0) -> int:
    _log_to_stderr()
    holder = background.worker_name()
    every = settings.ADRSITE_FETCH_EVERY
    stop = threading.Event()
    worker = Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=not batch,
        max_tasks=None,
        worker_id=holder[:64],
        excluded_queue_names=[],
    )
    logger = logging.getLogger("adrsite.worker")
    logger.info(
        "worker %s: %s; periodic fetches %s",
        holder,
        "runs what is queued, then exits" if batch else "waits for work (Ctrl-C stops it)",
        f"every {timedelta(seconds=every)}" if every else "off (ADRSITE_FETCH_EVERY unset)",
    )
    try:
        if every and batch:
            queued = background.scheduler_tick(holder=holder, every=timedelta(seconds=every))
            if queued:
                logger.info("scheduler: queued a fetch of %s", ", ".join(queued))
        elif every:
            thread = threading.Thread(
                target=background.scheduler_loop,
                kwargs={"holder": holder, "every": timedelta(seconds=every), "stop": stop},
                name="adrsite-scheduler",
                daemon=True,
            )
            thread.start()
        worker.configure_signals()
        worker.run()
    except SystemExit as exit:  # the library's worker stops on SIGTERM/SIGINT this way
        return int(exit.code or 0)
    finally:
        stop.set()
        if every:
            background.scheduler_release(holder=holder)
        connection.close()
    return 0


def _log_to_stderr() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    for name in ("adrsite.worker", "django.tasks", "django_tasks_db"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        logger.propagate = False

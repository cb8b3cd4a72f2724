"""The background queue (ADR 33), run by real `adr worker` processes on the test database."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from adrsite.decisions import background
from adrsite.decisions.background import retry_delay, sync_enqueue, sync_repository
from adrsite.decisions.models import Decision, Repository, RepositorySync, SchedulerLease
from adrsite.settings import env_duration
from tests.gitrepo import Repo, adr, git_env

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.also_postgres]

ADR = str(Path(sys.executable).with_name("adr"))


def database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    user = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{user}@{database['HOST']}:{database['PORT']}/{database['NAME']}"


def worker_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, **git_env(), "DATABASE_URL": database_url()}
    env.pop("ADRSITE_FETCH_EVERY", None)
    return {**env, **extra}


def run_adr(*args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ADR, *args], env=worker_env(**extra), capture_output=True, text=True, timeout=120
    )


def start_worker(tmp_path: Path, name: str, **extra: str) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / f"{name}.log"
    process = subprocess.Popen(
        [ADR, "worker"],
        env=worker_env(**extra),
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    return process, log


def stop(process: subprocess.Popen) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    return process.wait(timeout=30)


def wait_until(condition, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def decisions_repo(tmp_path: Path, name: str = "repo", count: int = 1) -> Repo:
    repo = Repo(tmp_path / name)
    for number in range(1, count + 1):
        repo.write(f"adr/{number:04d}-x.md", adr(f"Decision {number}"))
    repo.commit("Decisions")
    return repo


def test_worker_batch_runs_what_is_queued_then_exits(tmp_path):
    repo = decisions_repo(tmp_path, count=2)
    Repository.objects.create(name="demo", location=str(repo.path))
    sync_enqueue(name="demo", reason="test")

    result = run_adr("worker", "--batch")

    assert result.returncode == 0, result.stderr
    assert Decision.objects.filter(repository__name="demo").count() == 2
    task = DBTaskResult.objects.get()
    assert task.status == "SUCCESSFUL"
    assert "demo at main: full (first run), 2 new revisions" in task.return_value["summary"]
    state = RepositorySync.objects.get(repository__name="demo")
    assert state.last_success_at is not None
    assert (state.failures, state.last_error, state.running_by) == (0, "", "")


def test_a_failed_sync_is_retried_with_backoff_and_its_error_shown(tmp_path, client):
    Repository.objects.create(name="gone", location=str(tmp_path / "nowhere"))
    sync_enqueue(name="gone", reason="test")

    before = timezone.now()
    result = run_adr("worker", "--batch")

    assert result.returncode == 0, result.stderr  # one failure never stops the worker
    assert DBTaskResult.objects.get(status="FAILED").args_kwargs["kwargs"]["name"] == "gone"
    state = RepositorySync.objects.get(repository__name="gone")
    assert state.failures == 1
    assert "nowhere" in state.last_error
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"] == {"name": "gone", "reason": "retry 1"}
    assert before + timedelta(seconds=29) < retry.run_after < timezone.now() + timedelta(seconds=31)
    assert state.next_retry_at == retry.run_after

    listed = run_adr("repo", "list")
    assert "sync failed 1 time in a row, the last " in listed.stdout
    assert "nowhere" in listed.stdout
    assert re.search(r"; retried in (1[0-9]|2[0-9]|30) s$", listed.stdout.rstrip())  # ~30 s
    page = client.get("/problems/").content.decode()
    assert "gone" in page
    assert "sync failed 1 time in a row" in page

    # The retry fails again: twice the wait. Then it works: the error is gone.
    with pytest.raises(Exception, match="nowhere"):
        background.run_sync(name="gone", reason="retry 1")
    state.refresh_from_db()
    assert state.failures == 2
    assert state.next_retry_at - state.last_attempt_at >= timedelta(seconds=59)
    repo = decisions_repo(tmp_path, name="nowhere")
    assert repo.path == tmp_path / "nowhere"
    background.run_sync(name="gone", reason="retry 2")
    state.refresh_from_db()
    assert (state.failures, state.last_error, state.next_retry_at) == (0, "", None)
    assert "sync failed" not in run_adr("repo", "list").stdout


def test_retries_back_off_and_stop():
    assert [retry_delay(n).total_seconds() for n in range(1, 8)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1800,
    ]
    assert retry_delay(10_000) == background.RETRY_LONGEST


def test_retries_stop_after_the_last_one(tmp_path):
    Repository.objects.create(name="gone", location=str(tmp_path / "nowhere"))
    for _ in range(background.RETRIES + 1):
        with pytest.raises(Exception, match="nowhere"):
            background.run_sync(name="gone", reason="test")
    state = RepositorySync.objects.get()
    assert state.failures == background.RETRIES + 1
    assert state.next_retry_at is None
    assert DBTaskResult.objects.filter(status="READY").count() == background.RETRIES


def test_a_running_worker_syncs_a_pushed_repository(tmp_path, client, settings):
    settings.ADRSITE_WEBHOOK_SECRET = "hook-secret"
    repo = decisions_repo(tmp_path)
    Repository.objects.create(name="demo", location=str(repo.path), branch="main")
    process, log = start_worker(tmp_path, "worker")
    try:
        repo.write("adr/0002-y.md", adr("Pushed"))
        repo.commit("Push")
        body = json.dumps({"ref": "refs/heads/main"}).encode()
        signature = "sha256=" + hmac.new(b"hook-secret", body, hashlib.sha256).hexdigest()
        response = client.post(
            "/hooks/github/demo/",
            body,
            content_type="application/json",
            headers={"X-GitHub-Event": "push", "X-Hub-Signature-256": signature},
        )
        assert response.status_code == 202
        assert wait_until(lambda: Decision.objects.filter(title="Pushed").exists()), log.read_text()
    finally:
        assert stop(process) == 0, log.read_text()


def test_two_workers_never_run_a_task_twice_nor_sync_a_repository_at_once(tmp_path):
    # Six first indexes of 200 decisions each (a few tenths of a second apiece): enough
    # work that a worker which starts a moment after the other still finds some.
    names = [f"r{number}" for number in range(6)]
    for name in names:
        repo = decisions_repo(tmp_path, name=name, count=200)
        Repository.objects.create(name=name, location=str(repo.path))
    for _ in range(3):
        for name in names:
            sync_repository.enqueue(name=name, reason="test")
    workers = [
        subprocess.Popen(
            [ADR, "worker", "--batch"],
            env=worker_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [worker.communicate(timeout=120)[1] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], outputs

    tasks = list(DBTaskResult.objects.filter(args_kwargs__kwargs__reason="test"))
    assert len(tasks) == 18
    assert all(task.status == "SUCCESSFUL" for task in tasks), outputs
    assert all(len(task.worker_ids) == 1 for task in tasks)  # claimed once, run once
    if connection.vendor == "postgresql":
        # Both took work: PostgreSQL lets each worker claim a task another holds no lock
        # on (SKIP LOCKED). SQLite has one writer at a time and a sync writes for its
        # whole run, so there the other worker mostly waits: never twice, never at once.
        assert len({task.worker_ids[0] for task in tasks}) == 2
    for name in names:
        runs = sorted(
            (task.return_value["started"], task.return_value["finished"])
            for task in tasks
            if task.return_value["repository"] == name and "summary" in task.return_value
        )
        assert runs
        for (_, finished), (started, _) in itertools.pairwise(runs):
            assert finished <= started, f"{name}: two syncs overlapped"


def test_one_scheduler_across_workers_and_another_takes_over(tmp_path):
    repo = decisions_repo(tmp_path)
    Repository.objects.create(name="demo", location=str(repo.path))
    every = {"ADRSITE_FETCH_EVERY": "1s"}
    first, first_log = start_worker(tmp_path, "first", **every)
    second, second_log = start_worker(tmp_path, "second", **every)
    try:
        took = "enqueues the periodic fetches"
        assert wait_until(lambda: took in first_log.read_text() + second_log.read_text())
        time.sleep(3)
        logs = [first_log.read_text(), second_log.read_text()]
        assert [took in log for log in logs].count(True) == 1, logs
        scheduled = DBTaskResult.objects.filter(args_kwargs__kwargs__reason="scheduled")
        assert scheduled.count() >= 3
        assert wait_until(lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").exists())

        holder = first if took in logs[0] else second
        other_log = second_log if holder is first else first_log
        assert stop(holder) == 0
        assert wait_until(lambda: took in other_log.read_text(), seconds=10), other_log.read_text()
    finally:
        for process in (first, second):
            stop(process)
    assert SchedulerLease.objects.get().holder == ""  # released on the way out


def test_the_scheduler_lease_has_one_holder_until_it_expires():
    now = timezone.now()
    assert background.scheduler_hold(holder="a", now=now)
    assert not background.scheduler_hold(holder="b", now=now + timedelta(seconds=30))
    assert background.scheduler_hold(holder="a", now=now + timedelta(seconds=30))  # renewed
    later = now + timedelta(seconds=30) + background.SCHEDULER_LEASE + timedelta(seconds=1)
    assert background.scheduler_hold(holder="b", now=later)  # a stopped ticking
    assert not background.scheduler_hold(holder="a", now=later)
    background.scheduler_release(holder="b")
    assert background.scheduler_hold(holder="a", now=later)


def test_the_scheduler_queues_each_repository_once_a_period(tmp_path):
    for name in ("a", "b"):
        Repository.objects.create(name=name, location=str(tmp_path))
    every = timedelta(minutes=5)
    now = timezone.now()
    assert background.scheduler_tick(holder="w1", every=every, now=now) == ["a", "b"]
    assert background.scheduler_tick(holder="w2", every=every, now=now) == []  # not the holder
    DBTaskResult.objects.all().delete()  # the worker ran them
    assert background.scheduler_tick(holder="w1", every=every, now=now + timedelta(minutes=1)) == []
    assert background.scheduler_tick(holder="w1", every=every, now=now + timedelta(minutes=5)) == [
        "a",
        "b",
    ]
    assert DBTaskResult.objects.count() == 2


def test_fetch_every_reads_durations(monkeypatch):
    for text, seconds in [("30s", 30), ("5m", 300), ("2h", 7200), ("1d", 86400)]:
        monkeypatch.setenv("ADRSITE_FETCH_EVERY", text)
        assert env_duration("ADRSITE_FETCH_EVERY") == seconds
    monkeypatch.setenv("ADRSITE_FETCH_EVERY", "")
    assert env_duration("ADRSITE_FETCH_EVERY") is None
    for bad in ["5", "m", "0s", "-5m", "5 m", "1.5h", "5w", "²m", "99999999s"]:
        monkeypatch.setenv("ADRSITE_FETCH_EVERY", bad)
        with pytest.raises(ImproperlyConfigured, match="ADRSITE_FETCH_EVERY"):
            env_duration("ADRSITE_FETCH_EVERY")

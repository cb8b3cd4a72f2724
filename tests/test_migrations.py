"""Migrations that only SQLite needs (PostgreSQL keeps long values out of line, TOAST):
this module is not marked also_postgres, so it runs in the SQLite run only."""

from __future__ import annotations

import pytest
from django.utils import timezone

from adrsite.decisions.models import Decision


@pytest.mark.django_db(transaction=True)
def test_on_sqlite_a_decisions_body_is_its_last_column_and_migrating_keeps_the_rows():
    # Columns after a long body cost a walk of its overflow pages on every read of
    # them: a search page would cost more the larger its bodies (migration 0012).
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from adrsite.decisions.search import decisions_matching

    assert connection.vendor == "sqlite"  # this module is left out of the PostgreSQL run
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA table_info(adr_decision)")
        assert [row[1] for row in cursor.fetchall()][-1] == "body"
    before, after = (
        ("decisions", "0011_repository_from_host"),
        ("decisions", "0012_decision_body_last"),
    )
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([before])
        old = MigrationExecutor(connection).loader.project_state(before).apps
        repository = old.get_model("decisions", "Repository").objects.create(
            name="r", location="/r"
        )
        now = timezone.now()
        old.get_model("decisions", "Decision").objects.create(
            repository=repository, path="adr/0001-use-x.md", title="Use X",
            body="We use zebras. " * 9, created_at=now, updated_at=now,
        )  # fmt: skip
        MigrationExecutor(connection).migrate([after])
        MigrationExecutor(connection).loader.build_graph()
        found = decisions_matching(Decision.objects.all(), "zebras")
        assert [(d.title, d.body) for d in found] == [("Use X", "We use zebras. " * 9)]
    finally:  # every later test needs the whole schema
        MigrationExecutor(connection).migrate(latest)


@pytest.mark.django_db
def test_every_model_change_has_its_migration():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)  # SystemExit(1) if not

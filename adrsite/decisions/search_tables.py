"""SQLite's search tables filled once at the end of a full index, not row by row.

On SQLite, triggers keep two FTS5 tables in step with `adr_decision` (migrations
0002 and 0005): a full index creates every decision with empty text, rewrites
it at the end with its body, and deletes the lineages a move split, so the
triggers index each body twice and un-index as often. Within the index's
transaction, `filled_at_the_end` drops those triggers, then indexes the
repository's decisions in one statement per table and makes the triggers again
from their own stored SQL. A failure rolls the transaction back, triggers
included. PostgreSQL's search vector is a generated column: nothing to do.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from adrsite.decisions.models import Repository
from adrsite.decisions.search import EXCERPT_CHARS

# The triggers of migrations 0002 (adr_decision_fts) and 0005 (adr_decision_excerpt_fts).
_TRIGGERS = tuple(
    f"adr_decision_{table}_{event}"
    for table in ("fts", "excerpt_fts")
    for event in ("insert", "update", "delete")
)


@contextmanager
def filled_at_the_end(repository: Repository) -> Iterator[None]:
    """Write `repository`'s decisions in the block without their search triggers, which must
    start with none of them (a full index, after deleting them), then index them all at once.

    Call it inside a transaction: the triggers are dropped in it, and made again only if
    the block succeeds (otherwise the rollback brings them back).
    """
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = "
            f"'adr_decision' AND name IN ({', '.join(['%s'] * len(_TRIGGERS))}) ORDER BY name",
            _TRIGGERS,
        )
        triggers = cursor.fetchall()
        for name, _ in triggers:
            cursor.execute(f"DROP TRIGGER {connection.ops.quote_name(name)}")
    yield
    dropped = {name for name, _ in triggers}
    with connection.cursor() as cursor:
        if "adr_decision_fts_insert" in dropped:
            cursor.execute(
                "INSERT INTO adr_decision_fts(rowid, title, body) "
                "SELECT id, title, body FROM adr_decision WHERE repository_id = %s",
                [repository.pk],
            )
        if "adr_decision_excerpt_fts_insert" in dropped:
            cursor.execute(
                "INSERT INTO adr_decision_excerpt_fts(rowid, title, excerpt) "
                "SELECT id, title, substr(body, 1, %s) FROM adr_decision "
                "WHERE repository_id = %s",
                [EXCERPT_CHARS, repository.pk],
            )
        for _, sql in triggers:
            cursor.execute(sql)

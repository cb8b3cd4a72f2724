"""Search snippets from a bounded excerpt of each body, on SQLite (ADR 25; adrsite.decisions.search).

FTS5's snippet() tokenizes the whole column it quotes and scores each of the
row's matches against every other match of the query (all columns): a 200 KB
body full of matches took seconds per row. Snippets therefore come from a
second FTS5 table of their own, holding each decision's title and the first
EXCERPT_CHARS characters of its body, which search.py queries for the rows of
a page only. Matching and ranking stay on migration 0002's table, over whole
bodies.

A regular FTS5 table, with its own copy of the text: an external-content table
needs its text in a table or view, and a view over adr_decision would break
Django's rebuilds of that table on SQLite (renaming a table that a view reads
fails). Triggers keep it in step with every write, like 0002's; a later
migration that rebuilds adr_decision on SQLite must run SQLITE_FORWARDS of both
migrations again (tests/test_search.py fails if the triggers are missing).

PostgreSQL needs no structure: its snippets read substr(body, 1, EXCERPT_CHARS).
"""

from django.db import migrations

# search.EXCERPT_CHARS: the same excerpt on both databases (tests/test_search.py checks).
# Changing it takes a new migration that refills the table.
EXCERPT_CHARS = 2000

SQLITE_FORWARDS = [
    # The same tokenizer as 0002's table: the same words match in both.
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS adr_decision_excerpt_fts USING fts5(
        title, excerpt, tokenize='porter unicode61'
    )
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS adr_decision_excerpt_fts_insert AFTER INSERT ON adr_decision
    BEGIN
        INSERT INTO adr_decision_excerpt_fts(rowid, title, excerpt)
        VALUES (new.id, new.title, substr(new.body, 1, {EXCERPT_CHARS}));
    END
    """,
    """
    CREATE TRIGGER IF NOT EXISTS adr_decision_excerpt_fts_delete AFTER DELETE ON adr_decision
    BEGIN
        DELETE FROM adr_decision_excerpt_fts WHERE rowid = old.id;
    END
    """,
    f"""
    CREATE TRIGGER IF NOT EXISTS adr_decision_excerpt_fts_update AFTER UPDATE OF id, title, body
    ON adr_decision
    WHEN old.id IS NOT new.id OR old.title IS NOT new.title OR old.body IS NOT new.body
    BEGIN
        DELETE FROM adr_decision_excerpt_fts WHERE rowid = old.id;
        INSERT INTO adr_decision_excerpt_fts(rowid, title, excerpt)
        VALUES (new.id, new.title, substr(new.body, 1, {EXCERPT_CHARS}));
    END
    """,
    "DELETE FROM adr_decision_excerpt_fts",
    f"""
    INSERT INTO adr_decision_excerpt_fts(rowid, title, excerpt)
    SELECT id, title, substr(body, 1, {EXCERPT_CHARS}) FROM adr_decision
    """,
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS adr_decision_excerpt_fts_update",
    "DROP TRIGGER IF EXISTS adr_decision_excerpt_fts_delete",
    "DROP TRIGGER IF EXISTS adr_decision_excerpt_fts_insert",
    "DROP TABLE IF EXISTS adr_decision_excerpt_fts",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_FORWARDS:
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_BACKWARDS:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0004_repository_index_format"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

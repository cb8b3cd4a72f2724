"""Full-text search over decisions' titles and bodies (adrsite.decisions.search).

Kept in step by the database itself, so the indexer's bulk_create, its raw
executemany UPDATE and its queryset deletes all keep search right without
knowing it exists. Each backend's operations are a no-op on the other, and the
model state does not change (the model declares neither structure).

SQLite: an external-content FTS5 table over adr_decision(title, body), with the
insert, update and delete triggers of the FTS5 documentation, built from the
rows already there. Django rebuilds a SQLite table (dropping its triggers) to
alter it in ways ALTER TABLE cannot: a later migration that does so to
adr_decision must run SQLITE_FORWARDS again (tests/test_search.py fails if the
triggers are missing).

PostgreSQL: a generated, stored tsvector column `search_vector` (title weighted
A, body B, 'english') and a GIN index on it. PostgreSQL refuses to change the
type of a column a generated column reads: a later AlterField on title or body
must drop the column first and add it back after.
"""

from django.db import migrations

SQLITE_FORWARDS = [
    # porter: English stems, as PostgreSQL's 'english'; unicode61: case and accents folded.
    """
    CREATE VIRTUAL TABLE IF NOT EXISTS adr_decision_fts USING fts5(
        title, body, content='adr_decision', content_rowid='id', tokenize='porter unicode61'
    )
    """,
    """
    CREATE TRIGGER IF NOT EXISTS adr_decision_fts_insert AFTER INSERT ON adr_decision BEGIN
        INSERT INTO adr_decision_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    # An external-content 'delete' must be given the values that were indexed: the old row.
    """
    CREATE TRIGGER IF NOT EXISTS adr_decision_fts_delete AFTER DELETE ON adr_decision BEGIN
        INSERT INTO adr_decision_fts(adr_decision_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
    END
    """,
    # The indexer rewrites every column of a changed decision; most changes (status,
    # dates) leave the text alone, and then there is nothing to re-index.
    """
    CREATE TRIGGER IF NOT EXISTS adr_decision_fts_update AFTER UPDATE OF id, title, body
    ON adr_decision
    WHEN old.id IS NOT new.id OR old.title IS NOT new.title OR old.body IS NOT new.body
    BEGIN
        INSERT INTO adr_decision_fts(adr_decision_fts, rowid, title, body)
        VALUES ('delete', old.id, old.title, old.body);
        INSERT INTO adr_decision_fts(rowid, title, body) VALUES (new.id, new.title, new.body);
    END
    """,
    "INSERT INTO adr_decision_fts(adr_decision_fts) VALUES ('rebuild')",
]
SQLITE_BACKWARDS = [
    "DROP TRIGGER IF EXISTS adr_decision_fts_update",
    "DROP TRIGGER IF EXISTS adr_decision_fts_delete",
    "DROP TRIGGER IF EXISTS adr_decision_fts_insert",
    "DROP TABLE IF EXISTS adr_decision_fts",
]

# A stored tsvector that PostgreSQL computes on every write, however it is made, and
# indexes: ranking reads it rather than parsing each matching body again (ts_rank over
# an expression index's expression recomputes it for every row: seconds for 10,000).
# The model does not declare it; search.py reads it by name (PG_VECTOR_COLUMN).
POSTGRESQL_FORWARDS = [
    """
    ALTER TABLE adr_decision ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english'::regconfig, COALESCE(title, '')), 'A')
        || setweight(to_tsvector('english'::regconfig, COALESCE(body, '')), 'B')
    ) STORED
    """,
    "CREATE INDEX adr_decision_search_idx ON adr_decision USING gin (search_vector)",
]
POSTGRESQL_BACKWARDS = [
    "DROP INDEX IF EXISTS adr_decision_search_idx",
    "ALTER TABLE adr_decision DROP COLUMN IF EXISTS search_vector",
]

STATEMENTS = {
    "sqlite": (SQLITE_FORWARDS, SQLITE_BACKWARDS),
    "postgresql": (POSTGRESQL_FORWARDS, POSTGRESQL_BACKWARDS),
}


def forwards(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    for statement in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]

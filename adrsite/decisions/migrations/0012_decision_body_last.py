"""On SQLite, adr_decision's `body` becomes its last column (issue 9, ADR 25).

SQLite stores a row's columns in order and a long value spills into overflow
pages: reading any column after a 200 KB body (`deleted_commit`, which every
search filters on; `updated_at`, which the log shows) walks those pages, so a
search page cost more the larger its bodies. The state moves `body` to the end
(no database change by itself), then the table is rebuilt in that order, as
Django rebuilds it for any altered field, and the search tables' triggers, which
a rebuild drops, are made again. PostgreSQL keeps long values out of line
(TOAST): nothing to do there.
"""

import importlib

from django.db import migrations, models

_search = importlib.import_module("adrsite.decisions.migrations.0002_decision_search")
_excerpts = importlib.import_module("adrsite.decisions.migrations.0005_decision_excerpt_search")


def body_last(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor._remake_table(apps.get_model("decisions", "Decision"))
    for statement in [*_search.SQLITE_FORWARDS, *_excerpts.SQLITE_FORWARDS]:
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0011_repository_from_host"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="decision", name="body"),
                migrations.AddField(
                    model_name="decision", name="body", field=models.TextField(blank=True)
                ),
            ]
        ),
        migrations.RunPython(body_last, migrations.RunPython.noop, elidable=False),
    ]

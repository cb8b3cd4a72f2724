"""adr_revision loses its index on `decision_id` alone (issue 8).

The unique index on `(decision_id, commit)` starts with the same column, so it
serves every lookup of a decision's revisions; the second index only cost a
full index a B-tree write per revision (27,305 on the moved benchmark). The
index is dropped by its name, the same on SQLite and PostgreSQL (Django names
it from the table and the column): Django's AlterField would rebuild the whole
table on SQLite to drop one index.
"""

import django.db.models.deletion
from django.db import migrations, models

_INDEX = '"adr_revision_decision_id_0b55df5a"'


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0015_reviews"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="revision",
                    name="decision",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="revisions",
                        to="decisions.decision",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f"DROP INDEX IF EXISTS {_INDEX}",
                    f'CREATE INDEX {_INDEX} ON "adr_revision" ("decision_id")',
                ),
            ],
        ),
    ]

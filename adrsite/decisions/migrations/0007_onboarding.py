"""The reading path's fields of a decision (issue 12).

Adding a column with a default makes Django rebuild adr_decision on SQLite,
which drops the search triggers of 0002: they are made again at the end (the
statements are idempotent, and a no-op on PostgreSQL, whose generated column
survives ADD COLUMN and is left alone).
"""

import importlib

from django.db import migrations, models

_search = importlib.import_module("adrsite.decisions.migrations.0002_decision_search")
_excerpts = importlib.import_module("adrsite.decisions.migrations.0005_decision_excerpt_search")


def search_triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        # Adding columns rebuilds adr_decision on SQLite, which drops its triggers:
        # both search tables' triggers are made again (the statements can repeat).
        for statement in [*_search.SQLITE_FORWARDS, *_excerpts.SQLITE_FORWARDS]:
            schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('decisions', '0006_long_values'),
    ]

    operations = [
        migrations.AddField(
            model_name='decision',
            name='onboarding',
            field=models.PositiveIntegerField(blank=True, help_text='its place', null=True),
        ),
        migrations.AddField(
            model_name='decision',
            name='onboarding_skip',
            field=models.BooleanField(default=False, help_text='left off the reading path'),
        ),
        migrations.AddField(
            model_name='decision',
            name='primary_tag',
            field=models.CharField(blank=True, help_text='its first tag', max_length=100),
        ),
        migrations.AddField(
            model_name='decision',
            name='review_by',
            field=models.DateField(blank=True, help_text='when to look at it again', null=True),
        ),
        migrations.AddField(
            model_name='decision',
            name='summary',
            field=models.TextField(blank=True, help_text="the Decision section's first paragraph"),
        ),
        migrations.AddField(
            model_name='decision',
            name='words',
            field=models.PositiveIntegerField(default=0, help_text='of the body: minutes to read it'),
        ),
        migrations.RunPython(search_triggers_again, migrations.RunPython.noop, elidable=False),
    ]

"""Django on a throwaway database for a benchmark: SQLite in `directory`, or BENCH_DATABASE_URL."""

from __future__ import annotations

import os


def migrated_database(directory: str) -> None:
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{directory}/bench.sqlite3"
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "adrsite.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)  # rendered bodies (ADR 24)

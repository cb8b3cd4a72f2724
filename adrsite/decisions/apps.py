"""App configuration for adrsite's one Django app."""

from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured
from django_tasks_db.apps import TasksAppConfig


class DecisionsConfig(AppConfig):
    name = "adrsite.decisions"
    label = "decisions"
    verbose_name = "Decisions"

    def ready(self) -> None:
        from adrsite.decisions import checks  # noqa: F401 - registers the system checks


class TaskQueueConfig(TasksAppConfig):
    """django-tasks-db's app (ADR 33), started so that a missing database driver cannot stop
    the site from starting: its model names no table, so Django asks the database backend for
    the longest table name while defining it. Without the driver the site must still start,
    log one line and answer 503 (startup.py); the queue's model waits for a working database.
    """

    def import_models(self) -> None:
        try:
            super().import_models()
        except ImproperlyConfigured:
            self.models_module = None

    def ready(self) -> None:
        if self.models_module is not None:
            super().ready()

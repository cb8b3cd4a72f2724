"""App configuration for adrsite's one Django app."""

from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "adrsite.decisions"
    label = "decisions"
    verbose_name = "Decisions"

    def ready(self) -> None:
        from adrsite.decisions import checks  # noqa: F401 - registers the system checks

"""System checks: misconfiguration is reported with a stable id at start-up, not at request time."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from adrsite.records.folder import FolderError, find_folder


@checks.register()
def adr_folder_exists(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    if settings.ADRSITE_REPOSITORY is None:  # a production site: it serves what was indexed
        return []
    try:
        find_folder(settings.ADRSITE_REPOSITORY, settings.ADRSITE_ADR_DIR or None)
    except FolderError as error:
        return [
            checks.Warning(
                f"ADR folder not found: {error}",
                hint="Set ADRSITE_REPOSITORY (and ADRSITE_ADR_DIR), "
                "or run 'adr serve' in a repository.",
                id="adrsite.W001",
            )
        ]
    return []

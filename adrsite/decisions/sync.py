"""A stand-in for `indexing.repository_sync` until the repository-from-URL work lands.

It indexes the repository already registered under `name` from where it is; the real
service fetches its mirror first. The background tasks (background.py) call this name.
"""

from __future__ import annotations

from adrsite.decisions.indexing import IndexResult, repository_index
from adrsite.decisions.models import Repository


def repository_sync(*, name: str) -> IndexResult:
    """Bring the repository called `name` up to date. Idempotent."""
    return repository_index(repository=Repository.objects.get(name=name))

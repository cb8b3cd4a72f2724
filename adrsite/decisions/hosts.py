"""Repositories from their git hosts (ADR 32): added by URL, mirrored, fetched and indexed.

`repository_sync` is the one service that brings such a repository up to its
host: fetch into the mirror, then index the configured branch's tip from it.
It is idempotent and safe from several processes at once (fetches take turns on
a lock file, index runs on the repository's row), so a worker or a webhook may
call it as often as it likes. A fetch that fails keeps the last index and
records git's words beside it, for `adr repo list` and the site.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from adrsite.decisions.indexing import NAME_LENGTH, IndexResult, repository_index, review_options
from adrsite.decisions.models import Repository
from adrsite.decisions.reviews import review_patterns
from adrsite.history.host_api import api_problem
from adrsite.history.mirror import (
    MirrorError,
    adr_dir_in,
    branch_problem,
    has_branch,
    mirror_ref,
    remove_mirror,
    sync_mirror,
    url_problem,
)
from adrsite.records.folder import USUAL_DIRS

_ERROR_LENGTH = 2000


class HostProblem(ValueError):
    """A repository cannot be added as asked; the message is for the user."""


class FetchFailed(Exception):
    """The host could not be fetched; the last index stays. The message is git's."""

    def __init__(self, name: str, message: str, last_fetch_at: datetime | None) -> None:
        super().__init__(message)
        self.name, self.message, self.last_fetch_at = name, message, last_fetch_at


def mirror_path(name: str) -> Path:
    """Where the repository called `name` is mirrored: a bare clone under ADRSITE_DATA_DIR."""
    return Path(settings.ADRSITE_DATA_DIR) / "mirrors" / f"{name}.git"


def repository_add(
    *,
    name: str,
    url: str,
    branch: str = "",
    adr_dir: str = "",
    web_url: str = "",
    secret: str = "",
    review_refs: Sequence[str] = (),
    review_max_age: int | None = None,
    host_api: str = "",
    host_token: str = "",
) -> Repository:
    """Register a repository from its host; nothing is fetched yet (`repository_sync` does).

    HostProblem when the name is taken or malformed, the URL would be read as an
    option, the branch is no branch name, a review ref pattern git would misread,
    or the host's API is no http(s) URL. `adr_dir` "": found at the first sync.
    `host_token` (ADR 37) is kept and sent to `host_api` only, never shown.
    """
    try:
        reviews = review_options(review_refs, review_max_age)
    except ValueError as error:
        raise HostProblem(str(error)) from None
    if host_api and (problem := api_problem(host_api)):
        raise HostProblem(f"--host-api {problem}")
    if not re.fullmatch(r"[-a-zA-Z0-9_]+", name) or len(name) > NAME_LENGTH:
        raise HostProblem(
            f"{name!r}: use up to {NAME_LENGTH} letters, digits, - and _ (it is part of URLs)"
        )
    for problem in (url_problem(url), branch and branch_problem(branch)):
        if problem:
            raise HostProblem(problem)
    if adr_dir.startswith("-") or "\0" in adr_dir:
        raise HostProblem(f"--adr-dir {adr_dir!r} is not a folder name")
    taken = Repository.objects.filter(name=name).first()
    if taken is not None:
        raise HostProblem(f"a repository named {name!r} already exists, from {_origin(taken)}")
    try:
        with transaction.atomic():
            return Repository.objects.create(
                name=name,
                url=url,
                location=str(mirror_path(name)),
                branch=branch,
                adr_dir=adr_dir.strip("/"),
                web_url=web_url,
                secret=secret,
                host_api=host_api,
                host_token=host_token,
                **reviews,
            )
    except IntegrityError:  # added by another process since we looked
        raise HostProblem(f"a repository named {name!r} already exists") from None


# What `adr repo set` may change, as people name it (the token never with its value).
SETTINGS = {
    "review_refs": "review refs",
    "review_max_age": "review max age",
    "host_api": "host API",
    "host_token": "host token",
    "web_url": "web URL",
}


def repository_settings(
    name: str,
    *,
    review_refs: Sequence[str] | None = None,
    review_max_age: int | None = None,
    host_api: str | None = None,
    host_token: str | None = None,
    web_url: str | None = None,
) -> list[str]:
    """Change the review settings, host API, token or web URL of the repository called
    `name` (None: unchanged; "" clears a text); which of SETTINGS changed, in that order.

    Validated as `repository_add` validates them: HostProblem, and nothing changed, for a
    bad one; Repository.DoesNotExist without that repository. The new review refs are
    fetched and the token used at the next sync; the index is not touched here."""
    try:
        wanted: dict[str, object] = review_options(review_refs, review_max_age)
    except ValueError as error:
        raise HostProblem(str(error)) from None
    if host_api and (problem := api_problem(host_api)):
        raise HostProblem(f"--host-api {problem}")
    given = {"host_api": host_api, "host_token": host_token, "web_url": web_url}
    wanted.update({field: value for field, value in given.items() if value is not None})
    with transaction.atomic():
        repository = Repository.objects.select_for_update().get(name=name)
        changed = [f for f in SETTINGS if f in wanted and getattr(repository, f) != wanted[f]]
        for field in changed:
            setattr(repository, field, wanted[field])
        repository.save(update_fields=changed)
    return changed


def repository_sync(
    name: str,
    *,
    progress: Callable[[int], None] | None = None,
    fetch_progress: Callable[[str], None] | None = None,
) -> IndexResult:
    """Fetch the repository called `name` from its host into its mirror, then index it.

    A local repository (no URL) is indexed in place. Repository.DoesNotExist when
    there is none of that name; FetchFailed (recorded, the last index kept) when
    git cannot fetch it or the host has no such branch; the indexer's own errors
    (HistoryError, IndexBusy) as `repository_index` raises them.
    """
    repository = Repository.objects.get(name=name)
    if not repository.url:
        return repository_index(repository=repository, progress=progress)
    mirror = mirror_path(name)
    ref = mirror_ref(repository.branch)
    try:
        sync_mirror(
            repository.url,
            mirror,
            timeout=settings.ADRSITE_GIT_TIMEOUT,
            progress=fetch_progress,
            review_refs=review_patterns(repository),
        )
        if not has_branch(mirror, repository.branch):
            wanted = f"branch {repository.branch!r}" if repository.branch else "default branch"
            raise MirrorError(f"{repository.url} has no {wanted} (or no commits)")
        adr_dir = repository.adr_dir or adr_dir_in(mirror, ref, USUAL_DIRS)
        if not adr_dir:
            raise MirrorError(
                f"no ADR folder at {repository.branch or 'the default branch'} (looked for "
                f".adr-dir, {', '.join(USUAL_DIRS)}); add it again with --adr-dir"
            )
    except MirrorError as error:
        message = str(error)[:_ERROR_LENGTH]
        Repository.objects.filter(pk=repository.pk).update(last_fetch_error=message)
        raise FetchFailed(name, message, repository.last_fetch_at) from None
    Repository.objects.filter(pk=repository.pk).update(
        last_fetch_at=timezone.now(), last_fetch_error="", location=str(mirror), adr_dir=adr_dir
    )
    repository.refresh_from_db()
    return repository_index(repository=repository, progress=progress, ref=ref)


def mirror_removed(name: str) -> bool:
    """Delete the mirror of the repository called `name`; whether there was one."""
    return remove_mirror(mirror_path(name))


def _origin(repository: Repository) -> str:
    return repository.url or repository.location

"""Who reads which repository (ADR 35): the one place that decides it.

A repository with no groups in `visible_to` is read by every user the site lets in;
one restricted to groups, by their members (and superusers) only. Every read
function that lists or finds decisions takes the answer, `visible`, as a required
argument: a view asks `visible_repositories(request.user)` once per request, the
CLI passes `every_repository()`. A query that forgot it would not run.

`visible` is a lazy queryset: each read function filters with it as a subquery
(`repository__in=visible`), so it costs no query of its own and every page keeps
its constant number of queries.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from adrsite.decisions.models import Repository


def visible_repositories(user: Any) -> QuerySet[Repository]:
    """The repositories `user` (a request's user, signed in or anonymous) may read.

    Anonymous visitors (where login is not required: `adr serve`) read the
    unrestricted repositories only. A superuser reads every one, as the admin does.
    """
    if user.is_superuser:  # AnonymousUser's is False
        return Repository.objects.all()
    restriction = Repository.visible_to.through.objects.filter(repository_id=OuterRef("pk"))
    if not user.is_authenticated:
        return Repository.objects.filter(~Exists(restriction))
    member = restriction.filter(group__in=user.groups.all())
    return Repository.objects.filter(~Exists(restriction) | Exists(member))


def every_repository() -> QuerySet[Repository]:
    """Every repository: what the command line, run by whoever holds the database, reads."""
    return Repository.objects.all()

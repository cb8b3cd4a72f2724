"""Groups named by the identity provider or the proxy, mapped onto Django's Groups (ADR 34)."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser, Group

# Django's Group.name holds 150 characters; a claim listing more groups than this is
# cut here rather than making thousands of rows from one sign-in.
MAX_NAME = 150
MAX_GROUPS = 500


def group_names(value: object) -> list[str]:
    """The group names in a claim or a header: a list of strings, or one string; any other
    value, an empty name, or one too long for Django's Group is left out."""
    if not isinstance(value, (str, list, tuple)):
        return []
    items: Iterable[object] = [value] if isinstance(value, str) else value
    names = []
    for item in items:
        name = item.strip() if isinstance(item, str) else ""
        if 0 < len(name) <= MAX_NAME and name.isprintable() and name not in names:
            names.append(name)
        if len(names) == MAX_GROUPS:
            break
    return names


def set_groups(user: AbstractBaseUser, names: list[str]) -> None:
    """Make `user` a member of exactly these groups, creating the ones new to the site.

    The provider is the source of truth for its users: a group given in the admin to a
    user who signs in through it lasts until their next sign-in (ADR 34)."""
    Group.objects.bulk_create([Group(name=name) for name in names], ignore_conflicts=True)
    user.groups.set(Group.objects.filter(name__in=names))  # type: ignore[attr-defined]

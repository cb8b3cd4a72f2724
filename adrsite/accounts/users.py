"""Local accounts, made by `adr createuser` (ADR 34)."""

from __future__ import annotations

from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError


class AccountError(Exception):
    """Why an account was not made, said to whoever asked."""


def create_local_user(
    username: str, password: str, *, email: str = "", staff: bool = False, superuser: bool = False
):
    """A user who signs in with a password: checked as Django's createsuperuser checks it
    (the username field's validators, the password validators), then created."""
    User = get_user_model()
    field = User._meta.get_field(User.USERNAME_FIELD)
    try:
        field.clean(username, None)  # type: ignore[union-attr]
    except ValidationError as error:
        raise AccountError(f"username {username!r}: {' '.join(error.messages)}") from None
    if User._default_manager.filter(**{User.USERNAME_FIELD: username}).exists():
        raise AccountError(f"a user named {username!r} already exists")
    try:
        password_validation.validate_password(password, User(username=username, email=email))
    except ValidationError as error:
        raise AccountError("password: " + " ".join(error.messages)) from None
    if superuser:
        return User._default_manager.create_superuser(username, email, password)
    return User._default_manager.create_user(username, email, password, is_staff=staff)

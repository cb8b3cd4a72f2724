"""Personal tokens (ADR 34): `adr_` and 43 characters of URL-safe base64 (32 random
bytes), stored as the SHA-256 of the whole token. Made, revoked and checked here."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from django.contrib.auth.models import User
from django.utils import timezone

from adrsite.accounts.models import PersonalToken

PREFIX = "adr_"
TOKEN = re.compile(r"adr_[A-Za-z0-9_-]{43}")
# A token's use is written down at most this often: a feed reader polling every minute
# would otherwise write to the database on every poll.
USE_RECORDED_EVERY = timedelta(hours=1)


def digest_of(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def make_token(user: User, name: str) -> tuple[PersonalToken, str]:
    """A new token for `user`: the stored record and the token, which is never stored."""
    token = PREFIX + secrets.token_urlsafe(32)
    record = PersonalToken.objects.create(
        user=user, name=name, digest=digest_of(token), hint=token[: len(PREFIX) + 4]
    )
    return record, token


def user_for_token(token: str) -> User | None:
    """The active user a token belongs to; None for anything else, whatever its bytes."""
    if not TOKEN.fullmatch(token):
        return None
    record = (
        PersonalToken.objects.select_related("user")
        .filter(digest=digest_of(token), user__is_active=True)
        .first()
    )
    if record is None:
        return None
    now = timezone.now()
    if record.last_used is None or now - record.last_used > USE_RECORDED_EVERY:
        PersonalToken.objects.filter(pk=record.pk).update(last_used=now)
    return record.user

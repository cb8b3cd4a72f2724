"""Personal tokens: what a feed reader or a script shows instead of a session (ADR 34)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class PersonalToken(models.Model):
    """A token's SHA-256 digest, never the token: the token is shown once, when made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="personal_tokens"
    )
    name = models.CharField(max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    # The token's first characters, so its owner can tell which one a script holds.
    hint = models.CharField(max_length=12)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "adr_personal_token"
        ordering = ("-created", "-id")

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

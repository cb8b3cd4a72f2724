"""Authentication backends for single sign-on and an authenticating proxy (ADR 34).

Neither signs anyone in as a local account that has a password: a provider or a proxy
naming `admin` does not become the local `admin`."""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import RemoteUserBackend
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend  # type: ignore[import-untyped]

from adrsite.accounts.groups import MAX_NAME, group_names, set_groups

logger = logging.getLogger("adrsite")


class SingleSignOnBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's code flow, with users found by a username claim
    (`preferred_username`, not the email: addresses change and get reused) and their
    groups set from the `groups` claim at each sign-in."""

    def get_userinfo(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        # The verified ID token's claims, with the userinfo endpoint's over them: a provider
        # may put `groups` in either.
        userinfo = super().get_userinfo(access_token, id_token, payload)
        return {**payload, **(userinfo if isinstance(userinfo, dict) else {})}

    def username_of(self, claims: dict[str, Any]) -> str | None:
        value = claims.get(settings.ADRSITE_OIDC_USERNAME_CLAIM) or claims.get("email")
        if isinstance(value, str) and 0 < len(value.strip()) <= MAX_NAME:
            return value.strip()
        return None

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return self.username_of(claims) is not None

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        users = self.UserModel.objects.filter(username=self.username_of(claims))
        if any(user.has_usable_password() for user in users):
            raise SuspiciousOperation("the provider names a local account that has a password")
        return users

    def create_user(self, claims: dict[str, Any]) -> Any:
        user = self.UserModel.objects.create_user(
            self.username_of(claims), email=claims.get("email") or ""
        )  # with no password: one is never usable
        return self.update_user(user, claims)

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        email = claims.get("email")
        if isinstance(email, str) and email != user.email and len(email) <= 254:
            user.email = email
            user.save(update_fields=["email"])
        set_groups(user, group_names(claims.get(settings.ADRSITE_OIDC_GROUPS_CLAIM, [])))
        return user


class TrustedProxyBackend(RemoteUserBackend):
    """Users named by the proxy's header (the middleware has checked where it came from),
    created on their first request, with no password."""

    def configure_user(self, request: HttpRequest | None, user: Any, created: bool = True) -> Any:
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        return user

    def authenticate(self, request: HttpRequest | None, remote_user: str) -> Any:  # type: ignore[override]
        user = super().authenticate(request, remote_user)
        if user is not None and user.has_usable_password():
            logger.warning("adrsite: the proxy names local account %r; refused", remote_user)
            return None
        return user

"""Webhooks from git hosts (ADR 33): verify the sender, then queue a sync; nothing slower.

A push to the tracked branch queues a sync; so does a pull or merge request event
that moves its head or opens, closes or merges it (not a label, an assignee, a review
request), and a push to a branch the repository reads as open work (ADR 37).

One URL per repository and host kind. GitHub and the generic kind sign the raw body
with HMAC-SHA256 (`X-Hub-Signature-256: sha256=<hex>`); GitLab sends the secret
itself (`X-Gitlab-Token`). The secret is the repository's own, else
ADRSITE_WEBHOOK_SECRET; with neither, every delivery is refused: a hook is never open.
A delivery id seen before is ignored, so a replayed request queues nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from adrsite.decisions.background import sync_enqueue
from adrsite.decisions.models import Repository, WebhookDelivery

MAX_BODY = 1024 * 1024  # bytes; a push event is a few kilobytes, GitHub caps its own at 25 MB
KINDS = ("github", "gitlab", "generic")
DELIVERY_HEADERS = {
    "github": "X-GitHub-Delivery",
    "gitlab": "X-Gitlab-Event-UUID",
    "generic": "X-Adrsite-Delivery",
}
DELIVERY_LENGTH = 200
# Delivery ids older than this are forgotten: a replay after it queues one more sync, harmless.
DELIVERIES_KEPT = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class HookAnswer:
    status: int
    message: str


def webhook_receive(*, kind: str, name: str, headers: Mapping[str, str], body: bytes) -> HookAnswer:
    """What to answer a delivery to `/hooks/KIND/NAME/`; a push to the tracked branch queues
    a sync. `headers` as Django's request.headers (case-insensitive); `body` the raw bytes."""
    repository = Repository.objects.filter(name=name).first()
    if repository is None:
        return HookAnswer(404, f"no repository named {name!r}")
    secret = repository.secret or settings.ADRSITE_WEBHOOK_SECRET
    if not secret:
        return HookAnswer(
            403, f"{name}: no webhook secret is set (the repository's, or ADRSITE_WEBHOOK_SECRET)"
        )
    if not _verified(kind, secret, headers, body):
        if kind == "gitlab":
            return HookAnswer(403, "X-Gitlab-Token is missing or wrong")
        return HookAnswer(403, "X-Hub-Signature-256 is missing or does not match the body")
    delivery = headers.get(DELIVERY_HEADERS[kind], "")
    if delivery and not _first_time(kind, delivery[:DELIVERY_LENGTH]):
        return HookAnswer(200, f"delivery {delivery[:DELIVERY_LENGTH]!r} was received before")
    event = _event(headers, body)
    if event is None:
        return HookAnswer(400, "the body is not a JSON object")
    if kind == "github" and headers.get("X-GitHub-Event", "") == "ping":
        return HookAnswer(200, "pong")
    if _is_review_event(kind, headers):  # ADR 37
        action = _review_action(kind, event)
        if not action:
            return HookAnswer(200, "ignored: the pull request's refs and state did not change")
        reason = f"{kind} pull request {action}"
    elif not _is_push(kind, headers):
        return HookAnswer(200, "ignored: not a push event")
    else:
        reason = f"{kind} push"
        tracked = repository.branch or _default_branch(kind, event)
        ref = event.get("ref")
        if isinstance(ref, str) and tracked and ref != f"refs/heads/{tracked}":
            if not _is_review_ref(repository, ref):
                return HookAnswer(
                    200, f"ignored: a push to {ref}, not to the tracked branch {tracked}"
                )
            reason = f"{kind} push to a branch in review"
    if not sync_enqueue(name=name, reason=reason):
        return HookAnswer(202, f"{name}: a sync is already queued")
    return HookAnswer(202, f"{name}: sync queued")


def _verified(kind: str, secret: str, headers: Mapping[str, str], body: bytes) -> bool:
    key = secret.encode()
    if kind == "gitlab":
        given = headers.get("X-Gitlab-Token", "").encode("utf-8", "surrogateescape")
        return hmac.compare_digest(given, key)
    given = headers.get("X-Hub-Signature-256", "").encode("utf-8", "surrogateescape")
    expected = b"sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest().encode()
    return hmac.compare_digest(given, expected)


def _first_time(kind: str, delivery: str) -> bool:
    """Record `delivery`; False if it was recorded already (a replay)."""
    now = timezone.now()
    WebhookDelivery.objects.filter(received_at__lt=now - DELIVERIES_KEPT).delete()
    try:
        with transaction.atomic():
            WebhookDelivery.objects.create(kind=kind, delivery=delivery, received_at=now)
    except IntegrityError:
        return False
    return True


def _event(headers: Mapping[str, str], body: bytes) -> dict[str, Any] | None:
    """The payload: JSON, or GitHub's form encoding of it (`payload=`); empty is {}."""
    if not body.strip():
        return {}
    text = body.decode("utf-8", "replace")
    if headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
        text = (parse_qs(text).get("payload") or ["{}"])[0]
    try:
        event = json.loads(text)
    except ValueError:
        return None
    return event if isinstance(event, dict) else None


def _is_push(kind: str, headers: Mapping[str, str]) -> bool:
    if kind == "github":
        return headers.get("X-GitHub-Event", "") == "push"
    if kind == "gitlab":
        return headers.get("X-Gitlab-Event", "") == "Push Hook"
    return True  # the generic hook is called on pushes only


def _is_review_event(kind: str, headers: Mapping[str, str]) -> bool:
    if kind == "github":
        return headers.get("X-GitHub-Event", "") == "pull_request"
    if kind == "gitlab":
        return headers.get("X-Gitlab-Event", "") == "Merge Request Hook"
    return False


# The actions that move a request's head or open or close it: anything else (labeled,
# assigned, review_requested, approved…) would fetch and index for nothing. GitHub's
# "edited" counts when the base branch changed (its `changes.base`), not for a title.
_GITHUB_ACTIONS = frozenset({"opened", "reopened", "synchronize", "closed"})
_GITLAB_ACTIONS = frozenset({"open", "reopen", "update", "close", "merge"})


def _review_action(kind: str, event: dict[str, Any]) -> str:
    """The pull or merge request event's action when it changes refs or state; else ""."""
    if kind == "github":
        action = event.get("action")
        changes = event.get("changes")
        if action == "edited" and isinstance(changes, dict) and "base" in changes:
            return "edited (base branch)"
        return action if action in _GITHUB_ACTIONS else ""
    attributes = event.get("object_attributes")
    action = attributes.get("action") if isinstance(attributes, dict) else None
    return action if action in _GITLAB_ACTIONS else ""


def _is_review_ref(repository: Repository, ref: str) -> bool:
    """Whether a pushed branch is read as open work (`--review-refs 'refs/heads/*'`)."""
    return any(fnmatchcase(ref, pattern) for pattern in repository.review_refs)


def _default_branch(kind: str, event: dict[str, Any]) -> str:
    """The branch the host says is the default, when the repository tracks its HEAD."""
    holder = event.get("project" if kind == "gitlab" else "repository")
    branch = holder.get("default_branch") if isinstance(holder, dict) else None
    return branch if isinstance(branch, str) else ""

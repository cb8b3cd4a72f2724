"""Webhooks (ADR 33): a verified push to the tracked branch queues a sync, and nothing else does."""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import pytest
from django_tasks_db.models import DBTaskResult

from adrsite.decisions.background import sync_repository
from adrsite.decisions.models import Repository

pytestmark = [pytest.mark.django_db, pytest.mark.also_postgres]

SECRET = "s3cret-for-hooks"


@pytest.fixture
def demo(settings):
    settings.ADRSITE_WEBHOOK_SECRET = SECRET
    return Repository.objects.create(name="demo", location="/nowhere", branch="main")


def queued() -> list[dict]:
    return [
        row.args_kwargs["kwargs"]
        for row in DBTaskResult.objects.filter(task_path=sync_repository.module_path)
    ]


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def push(ref: str = "refs/heads/main") -> bytes:
    return json.dumps({"ref": ref, "repository": {"default_branch": "main"}}).encode()


def github(client, body: bytes, *, signature=None, delivery="d-1", event="push"):
    """`signature`: None signs `body` right; False sends no header; a string is sent as is."""
    headers = {"X-GitHub-Event": event, "X-GitHub-Delivery": delivery}
    if signature is not False:
        headers["X-Hub-Signature-256"] = sign(body) if signature is None else signature
    return client.post(
        "/hooks/github/demo/", body, content_type="application/json", headers=headers
    )


def test_a_signed_push_to_the_tracked_branch_queues_one_sync_fast(client, demo):
    started = time.perf_counter()
    response = github(client, push())
    elapsed = time.perf_counter() - started
    assert response.status_code == 202
    assert response.json() == {"message": "demo: sync queued"}
    assert queued() == [{"name": "demo", "reason": "github push"}]
    assert elapsed < 0.5  # it queues; the fetch and index run in the worker


@pytest.mark.parametrize(
    "signature",
    [False, "", "sha256=", sign(push(), "another-secret"), sign(push()).upper(), "sha1=abc"],
)
def test_a_missing_or_wrong_signature_is_403_and_queues_nothing(client, demo, signature):
    response = github(client, push(), signature=signature)
    assert response.status_code == 403
    assert "X-Hub-Signature-256" in response.json()["message"]
    assert queued() == []


def test_the_signature_is_over_the_raw_body(client, demo):
    body = push()
    tampered = body.replace(b"main", b"mainx", 1)
    assert github(client, tampered, signature=sign(body)).status_code == 403
    assert queued() == []


def test_no_secret_configured_refuses_every_delivery(client, settings):
    settings.ADRSITE_WEBHOOK_SECRET = ""
    Repository.objects.create(name="demo", location="/nowhere")
    response = github(client, push(), signature=sign(push(), ""))
    assert response.status_code == 403
    assert "no webhook secret" in response.json()["message"]
    assert queued() == []


@pytest.mark.skipif(
    not any(field.name == "secret" for field in Repository._meta.get_fields()),
    reason="Repository.secret arrives with `adr repo add --secret`",
)
def test_the_repositorys_own_secret_comes_before_the_sites(client, demo):
    Repository.objects.filter(pk=demo.pk).update(secret="its-own")
    assert github(client, push(), signature=sign(push())).status_code == 403
    assert github(client, push(), signature=sign(push(), "its-own")).status_code == 202


def test_a_replayed_delivery_is_ignored(client, demo):
    assert github(client, push(), delivery="same").status_code == 202
    DBTaskResult.objects.all().delete()  # the first sync ran; a replay must not queue another
    replay = github(client, push(), delivery="same")
    assert replay.status_code == 200
    assert "received before" in replay.json()["message"]
    assert queued() == []
    assert github(client, push(), delivery="another").status_code == 202


def test_an_unsigned_request_does_not_burn_a_delivery_id(client, demo):
    assert github(client, push(), signature="sha256=00", delivery="x").status_code == 403
    assert github(client, push(), delivery="x").status_code == 202


def test_a_push_to_another_branch_or_another_event_queues_nothing(client, demo):
    other = github(client, push("refs/heads/feature"), delivery="1")
    assert other.status_code == 200
    assert "not to the tracked branch main" in other.json()["message"]
    assert github(client, push(), delivery="2", event="issues").status_code == 200
    assert github(client, b"{}", delivery="3", event="ping").json() == {"message": "pong"}
    assert queued() == []


def test_pull_request_events_and_pushes_to_branches_in_review_queue_a_sync(client, demo):
    """ADR 37: proposals stay fresh. A pull request opened, pushed to, closed or merged is a
    `pull_request` event; a branch read as open work (`--review-refs`) is a push to it."""
    opened = github(client, b'{"action": "synchronize"}', delivery="1", event="pull_request")
    assert opened.status_code == 202
    assert queued() == [{"name": "demo", "reason": "github pull request synchronize"}]
    DBTaskResult.objects.all().delete()
    assert github(client, push("refs/heads/feature"), delivery="2").status_code == 200
    Repository.objects.filter(pk=demo.pk).update(review_refs=["refs/heads/feat*"])
    feature = github(client, push("refs/heads/feature"), delivery="3")
    assert feature.status_code == 202
    assert queued() == [{"name": "demo", "reason": "github push to a branch in review"}]
    DBTaskResult.objects.all().delete()
    assert github(client, push("refs/heads/other"), delivery="4").status_code == 200
    gitlab = client.post(
        "/hooks/gitlab/demo/",
        b'{"object_kind": "merge_request", "object_attributes": {"action": "open"}}',
        content_type="application/json",
        headers={"X-Gitlab-Event": "Merge Request Hook", "X-Gitlab-Token": SECRET},
    )
    assert gitlab.status_code == 202
    assert queued() == [{"name": "demo", "reason": "gitlab pull request open"}]


GITHUB_ACTIONS = [
    *("opened", "reopened", "synchronize", "closed", "edited", "labeled", "unlabeled"),
    *("assigned", "review_requested", "ready_for_review", "converted_to_draft", "locked"),
]


def test_only_pull_request_actions_that_move_refs_or_state_queue_a_sync(client, demo):
    """Labelling, assigning, asking a reviewer or retitling changes nothing indexed."""
    synced = []
    for n, action in enumerate(GITHUB_ACTIONS):
        DBTaskResult.objects.all().delete()
        body = json.dumps({"action": action, "changes": {"title": {"from": "x"}}}).encode()
        response = github(client, body, delivery=f"gh-{n}", event="pull_request")
        assert response.status_code == (202 if queued() else 200)
        synced += [action] if queued() else []
    assert synced == ["opened", "reopened", "synchronize", "closed"]
    DBTaskResult.objects.all().delete()
    retargeted = json.dumps({"action": "edited", "changes": {"base": {"ref": {"from": "dev"}}}})
    assert github(client, retargeted.encode(), delivery="gh-base", event="pull_request")
    assert queued() == [{"name": "demo", "reason": "github pull request edited (base branch)"}]

    synced = []
    actions = ["open", "reopen", "update", "close", "merge", "approved", "unapproved", None]
    for n, action in enumerate(actions):
        DBTaskResult.objects.all().delete()
        body = {"object_kind": "merge_request", "object_attributes": {"action": action}}
        response = client.post(
            "/hooks/gitlab/demo/",
            json.dumps(body).encode(),
            content_type="application/json",
            headers={
                "X-Gitlab-Event": "Merge Request Hook",
                "X-Gitlab-Token": SECRET,
                "X-Gitlab-Event-UUID": f"gl-{n}",
            },
        )
        assert response.status_code == (202 if queued() else 200)
        synced += [action] if queued() else []
    assert synced == ["open", "reopen", "update", "close", "merge"]


def test_without_a_branch_the_hosts_default_branch_is_tracked(client, demo):
    Repository.objects.filter(pk=demo.pk).update(branch="")
    body = json.dumps({"ref": "refs/heads/trunk", "repository": {"default_branch": "trunk"}})
    assert github(client, body.encode()).status_code == 202
    other = json.dumps({"ref": "refs/heads/main", "repository": {"default_branch": "trunk"}})
    assert github(client, other.encode(), delivery="2").status_code == 200


def test_two_pushes_before_the_worker_runs_queue_one_sync(client, demo):
    assert github(client, push(), delivery="1").status_code == 202
    second = github(client, push(), delivery="2")
    assert second.status_code == 202
    assert "already queued" in second.json()["message"]
    assert len(queued()) == 1


def test_an_unknown_repository_is_404(client, demo):
    body = push()
    response = client.post(
        "/hooks/github/nope/",
        body,
        content_type="application/json",
        headers={"X-GitHub-Event": "push", "X-Hub-Signature-256": sign(body)},
    )
    assert response.status_code == 404
    assert queued() == []


def test_a_body_over_1_mib_is_413_and_queues_nothing(client, demo):
    body = b'{"ref": "refs/heads/main", "pad": "' + b"x" * (1024 * 1024) + b'"}'
    assert github(client, body).status_code == 413
    assert queued() == []


def test_a_body_longer_than_it_declares_is_read_no_further(rf, demo):
    from adrsite.decisions.views import webhook

    body = b"x" * (1024 * 1024 + 10)
    request = rf.post("/hooks/github/demo/", body, content_type="application/json")
    request.META["CONTENT_LENGTH"] = "10"
    assert webhook(request, kind="github", repository="demo").status_code == 413


def test_hooks_answer_post_only_and_need_no_csrf_token(demo):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.get("/hooks/github/demo/").status_code == 405
    assert github(strict, push()).status_code == 202


def test_github_form_encoded_payloads_are_read(client, demo):
    from urllib.parse import urlencode

    body = urlencode({"payload": push("refs/heads/other").decode()}).encode()
    response = client.post(
        "/hooks/github/demo/",
        body,
        content_type="application/x-www-form-urlencoded",
        headers={"X-GitHub-Event": "push", "X-Hub-Signature-256": sign(body)},
    )
    assert response.status_code == 200  # read: a push to another branch
    assert queued() == []


def gitlab(client, body: bytes, token: str | None = SECRET, delivery: str = "g-1"):
    headers = {"X-Gitlab-Event": "Push Hook", "X-Gitlab-Event-UUID": delivery}
    if token is not None:
        headers["X-Gitlab-Token"] = token
    return client.post(
        "/hooks/gitlab/demo/", body, content_type="application/json", headers=headers
    )


def test_gitlab_checks_its_token(client, demo):
    body = json.dumps({"ref": "refs/heads/main", "project": {"default_branch": "main"}}).encode()
    assert gitlab(client, body, token=None).status_code == 403
    assert gitlab(client, body, token="wrong").status_code == 403
    assert gitlab(client, body, token=SECRET + "x").status_code == 403
    assert queued() == []
    assert gitlab(client, body).status_code == 202
    assert gitlab(client, body).status_code == 200  # the same X-Gitlab-Event-UUID again
    assert queued() == [{"name": "demo", "reason": "gitlab push"}]


def test_the_generic_hook_takes_the_github_signature(client, demo):
    def generic(body: bytes, signature: str, delivery: str = "x-1"):
        headers = {"X-Hub-Signature-256": signature, "X-Adrsite-Delivery": delivery}
        return client.post(
            "/hooks/generic/demo/", body, content_type="application/json", headers=headers
        )

    assert generic(b"", sign(b"", "wrong")).status_code == 403
    assert queued() == []
    assert generic(b"", sign(b"")).status_code == 202
    assert generic(b"", sign(b"")).status_code == 200  # replayed
    DBTaskResult.objects.all().delete()
    other = push("refs/heads/feature")
    assert generic(other, sign(other), delivery="x-2").status_code == 200
    assert queued() == []


@pytest.mark.parametrize("kind", ["github", "gitlab", "generic"])
def test_hostile_repository_names_in_a_hook_url_are_404(client, demo, kind):
    for name in ["%00", "%ED%A0%80", "%FF", "x" * 10_000, "demo%00", "demo'", "..", "%2e%2e"]:
        response = client.post(f"/hooks/{kind}/{name}/", push(), content_type="application/json")
        assert response.status_code == 404, name
    assert client.get(f"/hooks/{kind}/demo/").status_code == 405
    assert client.head(f"/hooks/{kind}/demo/").status_code == 405
    assert queued() == []

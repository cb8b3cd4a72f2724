"""`adr repo set` (ADR 37): a repository's review settings, host API, web URL and token
changed after `adr repo add`, validated as it validates them."""

from __future__ import annotations

import json

import pytest

from adrsite.decisions.models import Repository
from tests.test_review_cli import TOKEN, hosted, run

pytestmark = pytest.mark.django_db

__all__ = ["hosted"]  # the fixture, used by name


def test_adr_repo_set_changes_the_review_settings_and_rotates_the_token(
    hosted, capsys, monkeypatch
):
    monkeypatch.setenv("ADR_TEST_TOKEN", TOKEN)
    monkeypatch.setenv("ADR_NEW_TOKEN", "ghp_rotated")
    add = ["repo", "add", "demo", str(hosted.path), "--host-token-env", "ADR_TEST_TOKEN"]
    assert run(capsys, *add)[0] == 0
    argv = [
        *("repo", "set", "demo", "--review-refs", "refs/heads/*", "--review-max-age", "36500"),
        *("--host-api", "https://api.example.com/repos/o/r", "--host-token-env", "ADR_NEW_TOKEN"),
        *("--web-url", "https://example.com/o/r/blob/{commit}/{path}"),
    ]
    assert run(capsys, *argv) == (
        0,
        "demo: set review refs, review max age, host API, host token, web URL; "
        "used from the next sync ('adr repo sync demo')\n",
        "",
    )
    demo = Repository.objects.get(name="demo")
    assert (demo.review_refs, demo.review_max_age) == (["refs/heads/*"], 36500)
    assert (demo.host_api, demo.host_token) == ("https://api.example.com/repos/o/r", "ghp_rotated")
    assert demo.web_url == "https://example.com/o/r/blob/{commit}/{path}"
    assert run(capsys, *argv) == (0, "demo: unchanged\n", "")
    assert run(capsys, "repo", "set", "demo", "--host-api", "") == (
        0,
        "demo: set host API; used from the next sync ('adr repo sync demo')\n",
        "",
    )
    code, _, err = run(capsys, "repo", "sync", "demo")
    assert code == 0, err
    assert [r["label"] for r in json.loads(run(capsys, "export", "--review")[1])["reviews"]] == [
        "try-y"
    ]  # the branch pattern set: fetched and read at the sync


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ([], "nothing to set: give --review-refs, --review-max-age, --host-api, "
         "--host-token-env or --web-url"),
        (["--host-api", "http://api.example.com/r"], "--host-api 'http://api.example.com/r': "
         "the token would travel unencrypted; use https:// (plain http only to 127.0.0.1, ::1 "
         "or localhost)"),
        (["--review-refs", "refs/heads/x:y"], "'refs/heads/x:y': one '*' (as in "
         "'refs/heads/*'), and no ':' (it is fetched as a refspec)"),
        (["--review-refs", "refs/heads/*", "--review-max-age", "0"],
         "review max age 0: 1 to 36500 days"),
        (["--web-url", "ftp://x/{commit}"], "--web-url 'ftp://x/{commit}' must start with "
         "https:// or http://"),
        (["--host-token-env", "ADR_TEST_UNSET"],
         "--host-token-env: no environment variable of that name is set"),
    ],
)  # fmt: skip
def test_adr_repo_set_refuses_a_bad_setting_and_changes_nothing(
    hosted, capsys, monkeypatch, options, error
):
    monkeypatch.delenv("ADR_TEST_UNSET", raising=False)
    assert run(capsys, "repo", "add", "demo", str(hosted.path))[0] == 0
    before = Repository.objects.values().get(name="demo")
    assert run(capsys, "repo", "set", "demo", *options) == (1, "", f"adr: {error}\n")
    assert Repository.objects.values().get(name="demo") == before
    assert run(capsys, "repo", "set", "nope", "--review-max-age", "9") == (
        1,
        "",
        "adr: no repository named 'nope' (see 'adr repo list')\n",
    )

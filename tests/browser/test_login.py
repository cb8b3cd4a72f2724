"""Signing in and managing personal tokens in a browser (issue 14, ADR 34)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from adrsite.accounts.models import PersonalToken

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long enough passphrase 7"


def test_sign_in_make_a_token_read_the_feed_with_it_revoke_it(page, site, settings):
    settings.ADRSITE_LOGIN_REQUIRED = True
    User.objects.create_user("grace", password=PASSWORD)
    page.goto(f"{site}/rules/")
    expect(page).to_have_url(re.compile(r"/account/login/\?next=/rules/$"))
    page.get_by_label("Username").fill("grace")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("do not match")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{site}/rules/")

    page.get_by_role("link", name="grace").click()
    expect(page.locator("h1")).to_have_text("grace")
    page.get_by_label("Name (what it is for)").fill("my feed reader")
    page.get_by_role("button", name="Create token").click()
    token = page.locator("#new-token code.token").first.text_content() or ""
    assert re.fullmatch(r"adr_[A-Za-z0-9_-]{43}", token)
    expect(page.locator("table.tokens")).to_contain_text("my feed reader")

    reader = page.context.browser.new_context()  # a feed reader: no session, the token only
    try:
        feed = reader.request.get(f"{site}/feed.atom?token={token}")
        assert feed.status == 200
        page.reload()  # shown once: not on the page again
        expect(page.locator("#new-token")).to_have_count(0)
        page.get_by_role("button", name="Revoke my feed reader").click()
        expect(page.locator(".empty")).to_have_text("No tokens yet.")
        assert not PersonalToken.objects.exists()
        assert reader.request.get(f"{site}/feed.atom?token={token}").status == 401
    finally:
        reader.close()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/account/login/$"))
    page.goto(f"{site}/")
    expect(page).to_have_url(re.compile(r"/account/login/"))

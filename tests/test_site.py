"""The site as it stands before the indexer: it reads the ADR folder and serves it safely."""

from __future__ import annotations

import re

from django.core.management import call_command

from tests.conftest import write_decision


def test_the_log_lists_our_own_decisions(client, our_repository):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unidirectional flow" in html
    assert "Mount Flask inside Django" in html
    assert 'class="badge status-superseded"' in html


def test_a_decision_page_renders_its_markdown(client, our_repository):
    response = client.get("/decisions/14/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Unidirectional flow</h1>" in html
    assert "Django may call Flask; Flask never calls Django." in html
    assert "hx-disable" in html


def test_an_empty_folder_says_how_to_start(client, decision_folder):
    html = client.get("/").content.decode()
    assert "No decisions yet" in html
    assert "adr new" in html


def test_no_raw_html_from_an_adr_reaches_the_page(client, decision_folder):
    write_decision(
        decision_folder,
        "0001-evil.md",
        "---\nstatus: accepted\n---\n# Evil\n\n<script>alert(1)</script>\n\n"
        '<img src=x onerror="alert(2)">\n\n[click](javascript:alert(3))\n',
    )
    html = client.get("/decisions/1/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html


def test_pages_carry_a_content_security_policy_with_a_nonce(client, our_repository):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    nonce = policy.split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"' in response.content.decode()  # htmx's script tag carries it


def test_every_asset_is_served_by_the_app_not_a_cdn(client, our_repository):
    head = client.get("/").content.decode().split("<body", 1)[0]
    assets = re.findall(r'(?:src|href)="([^"]+)"', head)
    assert "/static/django_htmx/htmx-2.min.js" in assets
    assert "/static/adrsite/site.css" in assets
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert client.get(asset).status_code == 200, asset


def test_migrate_runs_on_the_configured_database(db):
    call_command("migrate", verbosity=0, interactive=False)


def test_an_unknown_decision_gets_the_sites_own_404_page(client, our_repository):
    response = client.get("/decisions/9999/")
    assert response.status_code == 404
    assert "Back to the decision log" in response.content.decode()

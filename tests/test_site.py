"""The site as it stands before the indexer: it reads the ADR folder and serves it safely."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

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


def test_an_unknown_decision_gets_the_sites_own_404_page(client, our_repository):
    response = client.get("/decisions/9999/")
    assert response.status_code == 404
    assert "Back to the decision log" in response.content.decode()


def test_adr_serve_migrates_and_serves_a_repositorys_decisions(tmp_path):
    """The README's main command, end to end, in a fresh repository."""
    repo = tmp_path / "repo"
    repo.mkdir()
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "data"), "ADR_DATE": "2026-11-21"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    adr = str(Path(sys.executable).parent / "adr")
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    subprocess.run([adr, "init"], cwd=repo, env=env, check=True, capture_output=True)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [adr, "serve", "--port", str(port)],
        cwd=repo,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        html = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    html = response.read().decode()
                break
            except OSError:
                if server.poll() is not None:
                    break
                time.sleep(0.1)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=10)
    assert "Record architecture decisions" in html, output
    assert f"database: {tmp_path / 'data' / 'adrsite' / 'adrsite.sqlite3'}" in output


def test_decisions_sharing_a_number_each_keep_their_own_page(client, decision_folder):
    write_decision(
        decision_folder, "0002-use-kafka.md", "---\nstatus: proposed\n---\n# Use Kafka\n"
    )
    write_decision(
        decision_folder, "0002-use-redis.md", "---\nstatus: proposed\n---\n# Use Redis\n"
    )
    html = client.get("/").content.decode()
    assert 'href="/decisions/0002-use-kafka/"' in html
    assert 'href="/decisions/0002-use-redis/"' in html
    assert "<h1>Use Redis</h1>" in client.get("/decisions/0002-use-redis/").content.decode()
    assert client.get("/decisions/2/").status_code == 404

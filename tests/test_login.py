"""Who may read the site (issue 14, ADR 34): the login requirement, local accounts, single
sign-on against a real OpenID Connect provider, an authenticating proxy, personal tokens,
and the deploy check of the production settings."""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import Group, User
from django.test import Client

from adrsite.accounts.groups import group_names
from adrsite.accounts.models import PersonalToken
from adrsite.cli import main
from tests.gitrepo import Repo, adr

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "a long enough passphrase 7"
PAGES = [
    "/",
    "/?q=x",
    "/start/",
    "/timeline/",
    "/graph/",
    "/rules/",
    "/problems/",
    "/decisions/demo/",
    "/decisions/demo/1/",
    "/decisions/demo/0001-x/diff/?from=a&to=b",
    "/decisions/demo/0001-x/revisions/abcdef1/",
    "/account/",
    "/no-such-page/",
]


@pytest.fixture
def login_on(settings) -> None:
    settings.ADRSITE_LOGIN_REQUIRED = True


@pytest.fixture
def demo(repo: Repo) -> Repo:
    from adrsite.decisions.indexing import repository_index, repository_register

    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    repo.commit("ADR 1", author="Ada <ada@example.com>")
    repository = repository_register(name="demo", location=str(repo.path), adr_dir="adr")
    repository_index(repository=repository)
    return repo


def local_user(username: str = "grace", **fields) -> User:
    return User.objects.create_user(username, password=PASSWORD, **fields)


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


# --- the login requirement -------------------------------------------------------------


def test_anonymous_requests_are_sent_to_sign_in_pages_by_redirect_api_and_feed_by_401(
    client, login_on, demo
):
    for url in PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/login/?next=/"), url
    for url in ["/api/decisions", "/api/decisions/demo/1"]:
        response = client.get(url)
        assert response.status_code == 401, url
        assert "sign in" in response.json()["error"]
        assert response["WWW-Authenticate"].startswith("Bearer")
    feed = client.get("/feed.atom")
    assert feed.status_code == 401
    assert "Use X" not in feed.content.decode()


def test_the_sign_in_pages_static_files_admin_webhooks_and_health_check_are_open(client, login_on):
    assert client.get("/account/login/").status_code == 200
    assert client.get("/static/adrsite/site.css").status_code == 200
    assert client.get("/admin/").url.startswith("/admin/login/")  # the admin's own login
    assert client.get("/healthz").status_code == 200  # for load balancers, no login
    # The webhooks (issue 13) are open by prefix: they answer for themselves (an unknown
    # repository is their 404), never with the sign-in page.
    assert (
        client.post("/hooks/github/nowhere/", b"{}", content_type="application/json").status_code
        == 404
    )


def test_a_signed_in_user_reads_every_page_and_the_api(client, login_on, demo):
    client.force_login(local_user())
    assert "Use X" in client.get("/").content.decode()
    assert client.get("/api/decisions").json()["decisions"][0]["title"] == "Use X"
    assert "Use X" in client.get("/feed.atom").content.decode()


def test_with_login_off_anyone_reads_the_site_but_the_account_page_still_asks(client, demo):
    assert "Use X" in client.get("/").content.decode()
    assert client.get("/api/decisions").status_code == 200
    assert client.get("/account/").url.startswith("/account/login/")


# --- local accounts --------------------------------------------------------------------


def test_a_local_account_signs_in_through_the_form_with_its_csrf_token(login_on, demo):
    local_user()
    browser = Client(enforce_csrf_checks=True)
    form = browser.get("/account/login/?next=/rules/").content.decode()
    without_token = {"username": "grace", "password": PASSWORD, "next": "/rules/"}
    assert browser.post("/account/login/", without_token).status_code == 403
    wrong = {**without_token, "password": "wrong", "csrfmiddlewaretoken": csrf_of(form)}
    assert "do not match" in browser.post("/account/login/", wrong).content.decode()
    right = {**without_token, "csrfmiddlewaretoken": csrf_of(form)}
    response = browser.post("/account/login/", right)
    assert response.status_code == 302
    assert response["Location"] == "/rules/"
    assert browser.get("/rules/").status_code == 200
    page = browser.get("/account/").content.decode()
    assert "grace" in page
    browser.post("/account/logout/", {"csrfmiddlewaretoken": csrf_of(page)})
    assert browser.get("/").status_code == 302


def test_the_admin_lets_staff_manage_repositories_and_users(client, demo):
    client.force_login(User.objects.create_superuser("root", "", PASSWORD))
    assert "demo" in client.get("/admin/decisions/repository/").content.decode()
    assert "root" in client.get("/admin/auth/user/").content.decode()
    client.force_login(local_user())  # not staff
    assert client.get("/admin/decisions/repository/").status_code == 302


def test_adr_createuser_makes_a_local_account_with_the_password_from_the_environment(
    monkeypatch, capsys
):
    monkeypatch.setenv("ADRSITE_PASSWORD", PASSWORD)
    assert main(["createuser", "ada", "--email", "ada@example.com", "--staff"]) == 0
    assert capsys.readouterr().out == "created staff ada\n"
    ada = User.objects.get(username="ada")
    assert ada.check_password(PASSWORD)
    assert ada.is_staff
    assert not ada.is_superuser
    assert main(["createuser", "ada"]) == 1
    assert "a user named 'ada' already exists" in capsys.readouterr().err
    monkeypatch.setenv("ADRSITE_PASSWORD", "12345678")
    assert main(["createuser", "bob", "--superuser"]) == 1
    assert "password: This password is too common" in capsys.readouterr().err
    monkeypatch.setenv("ADRSITE_PASSWORD", PASSWORD)
    assert main(["createuser", "bad name!"]) == 1
    assert "username 'bad name!'" in capsys.readouterr().err
    assert main(["createuser", "root", "--superuser"]) == 0
    assert User.objects.get(username="root").is_superuser


def test_adr_createuser_without_a_terminal_or_password_says_what_to_set(monkeypatch, capsys):
    monkeypatch.delenv("ADRSITE_PASSWORD", raising=False)
    monkeypatch.setattr(sys, "stdin", open(os.devnull))  # noqa: SIM115 - closed with the test
    assert main(["createuser", "ada"]) == 1
    assert "set ADRSITE_PASSWORD" in capsys.readouterr().err
    assert not User.objects.exists()


# --- personal tokens --------------------------------------------------------------------


def make_token_through_the_page(client, name: str = "feed reader") -> str:
    page = client.post("/account/tokens/", {"name": name}, follow=True).content.decode()
    match = re.search(r'<code class="token">(adr_[A-Za-z0-9_-]{43})</code>', page)
    assert match, page
    return match.group(1)


def test_a_token_is_shown_once_and_stored_only_as_its_sha256(client, login_on):
    client.force_login(local_user())
    token = make_token_through_the_page(client)
    record = PersonalToken.objects.get()
    assert record.digest == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(PersonalToken.objects.values().get())
    page = client.get("/account/").content.decode()
    assert token not in page  # shown once
    assert token not in str(dict(client.session))
    assert "feed reader" in page
    assert record.hint in page
    assert client.post("/account/tokens/", {"name": ""}).status_code == 400
    assert client.post("/account/tokens/", {"name": "x" * 101}).status_code == 400


def test_a_token_opens_the_api_by_header_and_the_feed_by_query_but_no_page(client, login_on, demo):
    owner = Client()
    owner.force_login(local_user())
    token = make_token_through_the_page(owner)
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/decisions", headers=bearer).json()["decisions"][0]["title"] == "Use X"
    assert "Use X" in client.get(f"/feed.atom?token={token}").content.decode()
    assert "Use X" in client.get("/feed.atom", headers=bearer).content.decode()
    assert PersonalToken.objects.get().last_used is not None
    # A token in an address is for feed readers only; and it never opens a page.
    assert client.get(f"/api/decisions?token={token}").status_code == 401
    assert client.get("/", headers=bearer).status_code == 302
    assert client.get(f"/?token={token}").status_code == 302


def test_a_revoked_wrong_or_inactive_users_token_is_401_even_with_login_off(client, demo):
    owner = Client()
    alice = local_user("alice")
    owner.force_login(alice)
    token = make_token_through_the_page(owner)
    ok = client.get("/api/decisions", headers={"Authorization": f"Bearer {token}"})
    assert ok.status_code == 200
    for wrong in [token[:-1] + ("A" if token[-1] != "A" else "B"), "adr_\x00", "x" * 10_000]:
        response = client.get("/api/decisions", headers={"Authorization": f"Bearer {wrong}"})
        assert response.status_code == 401, wrong
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert client.get(f"/feed.atom?token={token}").status_code == 401
    User.objects.filter(pk=alice.pk).update(is_active=True)
    record = PersonalToken.objects.get()
    other = Client()
    other.force_login(local_user("mallory"))
    assert other.post(f"/account/tokens/{record.pk}/revoke/").status_code == 404
    assert owner.post(f"/account/tokens/{record.pk}/revoke/").status_code == 302
    assert client.get(f"/feed.atom?token={token}").status_code == 401


# --- an authenticating proxy -------------------------------------------------------------


@pytest.fixture
def proxy(settings, login_on) -> None:
    settings.ADRSITE_REMOTE_USER_HEADER = "X-Remote-User"
    settings.ADRSITE_REMOTE_GROUPS_HEADER = "X-Remote-Groups"
    settings.ADRSITE_TRUSTED_PROXIES = ["10.0.0.0/8", "::1"]
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "adrsite.accounts.backends.TrustedProxyBackend",
    ]


def test_the_proxys_user_and_groups_headers_are_believed_from_a_trusted_proxy(proxy, demo):
    browser = Client(REMOTE_ADDR="10.1.2.3")
    headers = {"X-Remote-User": "ada", "X-Remote-Groups": "platform, security,,"}
    assert "Use X" in browser.get("/", headers=headers).content.decode()
    ada = User.objects.get(username="ada")
    assert sorted(ada.groups.values_list("name", flat=True)) == ["platform", "security"]
    assert not ada.has_usable_password()
    # The proxy names someone else: the session follows it, never keeps the old user.
    browser.get("/", headers={"X-Remote-User": "bob"})
    assert (
        browser.get("/account/", headers={"X-Remote-User": "bob"}).context["user"].username == "bob"
    )
    # The proxy's session ended (no header): so does this one.
    assert browser.get("/").status_code == 302


def test_the_proxys_headers_are_ignored_from_anywhere_else(proxy, demo):
    headers = {"X-Remote-User": "ada", "X-Forwarded-For": "10.1.2.3"}
    response = Client(REMOTE_ADDR="192.0.2.7").get("/", headers=headers)
    assert response.status_code == 302
    assert not User.objects.filter(username="ada").exists()


def test_the_proxy_cannot_name_a_local_account_that_has_a_password(proxy, demo):
    local_user("admin", is_superuser=True, is_staff=True)
    response = Client(REMOTE_ADDR="10.0.0.1").get("/", headers={"X-Remote-User": "admin"})
    assert response.status_code == 302


# --- single sign-on, end to end ------------------------------------------------------------


@pytest.fixture
def provider(live_server, tmp_path: Path) -> Iterator[str]:
    """django-oauth-toolkit's OpenID Connect provider in its own process, signing ID tokens
    with an RSA key made here; its client may redirect to the live site's callback only."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    env = {
        **os.environ,
        "PROVIDER_RSA_KEY": pem,
        "PROVIDER_DATABASE": str(tmp_path / "provider.sqlite3"),
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", f"{live_server.url}/oidc/callback/"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline() if server.stdout else ""
        if not line.startswith("listening on "):
            server.kill()
            pytest.fail(f"the test provider did not start: {server.communicate()[1]}")
        yield f"http://127.0.0.1:{line.split()[-1]}"
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def single_sign_on(settings, login_on, provider: str) -> str:
    settings.OIDC_RP_CLIENT_ID = "adrsite"
    settings.OIDC_RP_CLIENT_SECRET = "client-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/o/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/o/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/o/.well-known/jwks.json"
    settings.AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "adrsite.accounts.backends.SingleSignOnBackend",
    ]
    return provider


def sign_in_at_the_provider(session: requests.Session, response: requests.Response):
    """The provider's own login form, as its user fills it in."""
    assert response.url.startswith(session.provider + "/login/"), response.url  # type: ignore[attr-defined]
    token = csrf_of(response.text)
    form = {"username": "ada", "password": "provider-password", "csrfmiddlewaretoken": token}
    next_ = re.search(r'name="next" value="([^"]*)"', response.text)
    form["next"] = next_.group(1).replace("&amp;", "&") if next_ else ""
    return session.post(response.url, data=form, headers={"Referer": response.url})


@pytest.mark.django_db(transaction=True)
def test_single_sign_on_through_a_real_provider_maps_its_groups(live_server, single_sign_on, demo):
    Group.objects.create(name="stale")
    session = requests.Session()
    session.provider = single_sign_on  # type: ignore[attr-defined]
    login_page = session.get(f"{live_server.url}/rules/")
    assert "/account/login/?next=/rules/" in login_page.url
    assert 'id="single-sign-on"' in login_page.text
    # The button: to the provider, its login form, back through the callback to /rules/.
    sso = re.search(r'id="single-sign-on" href="([^"]+)"', login_page.text)
    assert sso
    at_provider = session.get(live_server.url + sso.group(1).replace("&amp;", "&"))
    done = sign_in_at_the_provider(session, at_provider)
    assert done.status_code == 200, done.text
    assert done.url == f"{live_server.url}/rules/"
    assert [r.url.split("?")[0] for r in done.history][-2:] == [
        f"{single_sign_on}/o/authorize/",
        f"{live_server.url}/oidc/callback/",
    ]
    ada = User.objects.get(username="ada")
    assert ada.email == "ada@example.com"
    assert not ada.has_usable_password()
    assert sorted(ada.groups.values_list("name", flat=True)) == ["platform", "security"]
    assert "Use X" in session.get(f"{live_server.url}/").text
    # At the next sign-in the groups are the provider's again, whatever was set here.
    ada.groups.set([Group.objects.get(name="stale")])
    for cookie in list(session.cookies):
        if cookie.name == "sessionid":  # the site's session, not the provider's
            session.cookies.clear(cookie.domain, cookie.path, cookie.name)
    again = session.get(f"{live_server.url}/oidc/authenticate/?next=/")
    assert again.url == f"{live_server.url}/"
    assert sorted(ada.groups.values_list("name", flat=True)) == ["platform", "security"]


@pytest.mark.django_db(transaction=True)
def test_single_sign_on_refuses_an_id_token_the_provider_did_not_sign(
    live_server, single_sign_on, settings, demo
):
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    settings.OIDC_RP_IDP_SIGN_KEY = other.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    session = requests.Session()
    session.provider = single_sign_on  # type: ignore[attr-defined]
    at_provider = session.get(f"{live_server.url}/oidc/authenticate/?next=/rules/")
    done = sign_in_at_the_provider(session, at_provider)
    assert done.url.startswith(f"{live_server.url}/oidc/callback/?code=")
    assert done.status_code == 400  # SuspiciousOperation: JWS token verification failed
    assert not User.objects.filter(username="ada").exists()


def test_the_sso_backend_refuses_a_local_account_with_a_password(settings, demo):
    from django.core.exceptions import SuspiciousOperation

    from adrsite.accounts.backends import SingleSignOnBackend

    settings.OIDC_OP_TOKEN_ENDPOINT = settings.OIDC_OP_USER_ENDPOINT = "http://127.0.0.1:9/"
    settings.OIDC_OP_JWKS_ENDPOINT = "http://127.0.0.1:9/jwks"
    settings.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_SECRET = "x"
    local_user("admin")
    with pytest.raises(SuspiciousOperation):
        SingleSignOnBackend().filter_users_by_claims({"preferred_username": "admin"})


def test_group_names_from_a_claim_or_a_header_are_cleaned_and_capped():
    assert group_names(["a", " b ", "", "a", 3, None, "x" * 151, "c\x00"]) == ["a", "b"]
    assert group_names("solo") == ["solo"]
    assert group_names({"a": 1}) == []
    assert group_names(None) == []
    assert len(group_names([str(n) for n in range(10_000)])) == 500


# --- hardening ---------------------------------------------------------------------------


def deploy_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        # A deployment's environment: none of ours, nor the browser tests' async switch.
        **{
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("ADRSITE_", "OIDC_", "DJANGO_ALLOW_ASYNC_UNSAFE"))
        },
        "DJANGO_SETTINGS_MODULE": "adrsite.settings",
        "SECRET_KEY": "k" * 20 + "-production-secret-with-enough-different-characters-0123456789",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "adr.example.com",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def test_the_production_settings_pass_djangos_deploy_check(tmp_path):
    production = {"ADRSITE_HTTPS": "true", "ADRSITE_PROXY_SSL_HEADER": "X-Forwarded-Proto"}
    result = deploy_check(tmp_path, **production)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    # Without HTTPS the same check names what is missing.
    plain = deploy_check(tmp_path)
    assert plain.returncode == 1
    for code in ["security.W004", "security.W008", "security.W012", "security.W016"]:
        assert code in plain.stderr


def test_behind_a_proxy_https_is_read_from_its_header_and_plain_http_redirected(settings, client):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 3600
    plain = client.get("/account/login/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/account/login/"
    secure = client.get("/account/login/", headers={"X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=3600"


def test_settings_refuse_a_proxy_header_without_trusted_proxies_and_a_bad_network():
    code = "import django; django.setup()"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "adrsite.settings"}
    for extra, message in [
        ({"ADRSITE_REMOTE_USER_HEADER": "X-User"}, "ADRSITE_TRUSTED_PROXIES"),
        ({"ADRSITE_TRUSTED_PROXIES": "10.0.0.0/8,nonsense"}, "'nonsense' is not an address"),
        ({"OIDC_RP_CLIENT_ID": "x"}, "but not OIDC_RP_CLIENT_SECRET"),
    ]:
        result = subprocess.run(
            [sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True
        )
        assert message in result.stderr, result.stderr


def test_the_admin_never_shows_a_repositorys_credentials_and_keeps_them_when_left_empty(
    client, demo
):
    from django.forms.models import model_to_dict

    from adrsite.decisions.admin import RepositoryForm
    from adrsite.decisions.models import Repository

    repository = Repository.objects.get(name="demo")
    repository.secret, repository.host_token = "webhook-secret-31337", "ghp_token-31337"
    repository.save()
    client.force_login(User.objects.create_superuser("root", "", PASSWORD))
    page = client.get(f"/admin/decisions/repository/{repository.pk}/change/").content.decode()
    assert 'name="host_token"' in page  # writable
    assert 'name="secret"' in page
    assert "31337" not in page

    data = {
        key: json.dumps(value) if isinstance(value, (list, dict)) else value
        for key, value in model_to_dict(repository).items()
        if value is not None and key not in ("secret", "host_token", "visible_to")
    }
    form = RepositoryForm(data={**data, "secret": "", "host_token": ""}, instance=repository)
    assert form.is_valid(), form.errors
    form.save()
    repository.refresh_from_db()
    assert (repository.secret, repository.host_token) == ("webhook-secret-31337", "ghp_token-31337")
    form = RepositoryForm(data={**data, "host_token": "ghp_rotated"}, instance=repository)
    assert form.is_valid(), form.errors
    form.save()
    repository.refresh_from_db()
    assert (repository.secret, repository.host_token) == ("webhook-secret-31337", "ghp_rotated")
    clear = {**data, "host_api": "http://api.example.com/r"}
    form = RepositoryForm(data=clear, instance=repository)
    assert "unencrypted" in str(form.errors["host_api"])

"""Per-repository access (ADR 35): a repository restricted to groups is read by their
members only, on every page and through the API; to everyone else it does not exist."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from adrsite.cli import main
from adrsite.decisions import queries
from adrsite.decisions.indexing import repository_index, repository_register, repository_restrict
from adrsite.decisions.models import Repository
from tests.gitrepo import Repo, adr

pytestmark = pytest.mark.django_db

SECRET = "zanzibar"  # in every title, body, tag, rule, commit message and author of the vault


def open_log(repo: Repo) -> Repo:
    """The public repository: a queue decision, superseded, with a rule and a tag."""
    repo.write("adr/0001-use-a-queue.md", adr("Use a queue", body="We need a queue for jobs."))
    repo.commit("Propose a queue")
    repo.write(
        "adr/0002-use-kafka.md",
        "---\nstatus: accepted\nsupersedes: [1]\ntags: [messaging]\n"
        'rule: "Every queue is Kafka."\n---\n# Use Kafka\n\nKafka is our queue.\n',
    )
    repo.write("adr/0001-use-a-queue.md", adr("Use a queue", "superseded", body="A queue."))
    repo.commit("Kafka replaces the queue")
    return repo


def vault_log(repo: Repo) -> Repo:
    """The restricted repository: the same shapes, every text marked with SECRET, and a
    number two files share (an error on the problems page)."""
    author = "Zed Zanzibar <zed@zanzibar.example>"
    repo.write(
        "adr/0001-zanzibar-vault.md",
        adr("Zanzibar vault", body="The Zanzibar queue holds the keys."),
    )
    repo.commit("Zanzibar: propose the vault", author=author)
    repo.write(
        "adr/0002-zanzibar-hsm.md",
        "---\nstatus: accepted\nsupersedes: [1]\ntags: [zanzibar-keys]\nreview-by: 2020-01-01\n"
        'rule: "Every Zanzibar key lives in the HSM."\n---\n'
        "# Zanzibar HSM\n\nThe Zanzibar queue moves to the HSM.\n",
    )
    repo.write("adr/0001-zanzibar-vault.md", adr("Zanzibar vault", "superseded"))
    repo.write("adr/0002-zanzibar-twin.md", adr("Zanzibar twin"))
    repo.commit("Zanzibar: the HSM replaces the vault", author=author)
    return repo


@pytest.fixture
def two(tmp_path: Path) -> dict[str, Client]:
    """Two repositories, `open` and `vault` (restricted to group A); a client for alice
    (in A), bob (in B) and an anonymous visitor."""
    for name, build in [("open", open_log), ("vault", vault_log)]:
        repository = repository_register(
            name=name, location=str(build(Repo(tmp_path / name)).path), adr_dir="adr"
        )
        repository_index(repository=repository)
    repository_restrict(name="vault", groups=["team-a"])
    clients = {}
    for user, group in [("alice", "team-a"), ("bob", "team-b")]:
        member = User.objects.create_user(user)
        member.groups.add(Group.objects.get_or_create(name=group)[0])
        clients[user] = Client()
        clients[user].force_login(member)
    clients["anonymous"] = Client()
    return clients


# Every page that lists or counts decisions, and what each shows of the vault when allowed.
LISTING_PAGES = [
    "/",
    "/?q=queue",  # counts and snippets of a search both repositories match
    "/?q=zanzibar",
    "/?repository=vault",
    "/?tag=zanzibar-keys",
    "/timeline/",
    "/graph/",
    "/rules/",
    "/problems/",
    "/start/",
    "/start/?repository=vault",
    "/feed.atom",
]


def vault_decision_urls(client: Client) -> list[str]:
    """The vault's decision, revision and diff pages, and its API addresses."""
    vault = Repository.objects.get(name="vault")
    decision = vault.decisions.get(path="adr/0002-zanzibar-hsm.md")
    first, second = vault.decisions.get(path="adr/0001-zanzibar-vault.md").revisions.order_by(
        "authored_at"
    )[:2]
    base = "/decisions/vault/0001-zanzibar-vault"
    return [
        decision.get_absolute_url(),
        "/decisions/vault/2/",  # the number two files share: the page of choices
        "/decisions/vault/ADR-2/",  # another spelling: a redirect to it
        f"{base}/revisions/{first.commit[:12]}/",
        f"{base}/diff/?from={first.commit}&to={second.commit}",
        "/decisions/vault/",
        "/api/decisions/vault/0002-zanzibar-hsm",
        "/api/decisions/vault/2",
        "/api/decisions?repository=vault",
    ]


def test_a_member_of_the_group_reads_the_restricted_repository_everywhere(two):
    alice = two["alice"]
    for url in LISTING_PAGES:
        response = alice.get(url)
        assert response.status_code == 200, url
        assert SECRET in response.content.decode().lower(), url
    for url in vault_decision_urls(alice):
        response = alice.get(url)
        assert response.status_code in (200, 300, 301, 302), (url, response.status_code)
        assert response.status_code == 302 or SECRET in response.content.decode().lower(), url
    assert "Reviews due" in alice.get("/problems/").content.decode()  # the HSM's
    log = alice.get("/?q=queue").context["log"]
    assert (log.total, log.everything) == (3, 5)
    assert set(log.repositories) == {"open", "vault"}


_NONCE = re.compile(rb'nonce="[^"]*"')


def as_if_missing(content: bytes) -> bytes:
    """A page with the vault's name and marker spelt as names nothing has, and the
    per-request CSP nonce left out: what it would be if the vault did not exist."""
    content = _NONCE.sub(b"", content)
    return content.replace(b"vault", b"nosuch").replace(SECRET.encode(), b"qqqqqqqq")


@pytest.mark.parametrize("who", ["bob", "anonymous"])
def test_anyone_else_sees_no_trace_of_it(two, who):
    client = two[who]
    for url in LISTING_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        if "vault" in url or SECRET in url:
            # The page echoes what was asked (a search, a filter): exactly as it would
            # for a repository, a word or a tag that does not exist.
            missing = client.get(url.replace("vault", "nosuch").replace(SECRET, "qqqqqqqq"))
            assert as_if_missing(response.content) == _NONCE.sub(b"", missing.content), url
        else:
            page = response.content.decode().lower()
            assert SECRET not in page, url
            assert "vault" not in page, url
    # The public repository is all there.
    assert "use kafka" in client.get("/").content.decode().lower()
    assert "every queue is kafka" in client.get("/rules/").content.decode().lower()
    log = client.get("/?q=queue").context["log"]
    assert (log.total, log.everything) == (2, 2)
    assert [(count.status, count.count) for count in log.counts] == [
        ("accepted", 1),
        ("superseded", 1),
    ]
    assert log.repositories == ["open"]
    assert log.tags == ["messaging"]
    path = client.get("/start/").context["path"]
    assert [e.title for group in path.groups for e in group.entries] == ["Use Kafka"]
    assert path.repositories == ["open"]
    # With one repository readable, the API's default is that one.
    assert client.get("/api/decisions").json()["repository"] == "open"


@pytest.mark.parametrize("who", ["bob", "anonymous"])
def test_a_hidden_decision_is_not_found_exactly_as_a_missing_one(two, who):
    client = two[who]
    for url in vault_decision_urls(client):
        hidden = client.get(url)
        missing = client.get(url.replace("vault", "nosuch").replace(SECRET, "qqqqqqqq"))
        assert hidden.status_code == missing.status_code == 404, url
        assert as_if_missing(hidden.content) == _NONCE.sub(b"", missing.content), url
    assert client.get("/api/decisions?repository=vault").json() == {
        "error": "no such repository",
        "repositories": ["open"],
    }


def test_the_api_lists_only_the_readable_repositories_when_asked_to_choose(two):
    assert two["alice"].get("/api/decisions").json()["repositories"] == ["open", "vault"]
    assert two["alice"].get("/api/decisions?repository=vault").json()["count"] == 3


def test_a_superuser_reads_every_repository(two):
    root = User.objects.create_superuser("root")
    client = Client()
    client.force_login(root)
    assert client.get("/decisions/vault/0002-zanzibar-hsm/").status_code == 200
    assert client.get("/").context["log"].everything == 5


def test_restricting_replaces_the_groups_and_none_makes_it_public_again(two):
    repository_restrict(name="vault", groups=["team-b", "team-c"])
    vault = Repository.objects.get(name="vault")
    assert sorted(vault.visible_to.values_list("name", flat=True)) == ["team-b", "team-c"]
    assert two["alice"].get("/decisions/vault/0002-zanzibar-hsm/").status_code == 404
    assert two["bob"].get("/decisions/vault/0002-zanzibar-hsm/").status_code == 200
    assert two["anonymous"].get("/decisions/vault/0002-zanzibar-hsm/").status_code == 404
    repository_restrict(name="vault", groups=[])
    for client in two.values():
        assert client.get("/decisions/vault/0002-zanzibar-hsm/").status_code == 200
    with pytest.raises(Repository.DoesNotExist):
        repository_restrict(name="nosuch", groups=["team-a"])
    with pytest.raises(ValueError, match="group name"):
        repository_restrict(name="vault", groups=["x" * 151])


def test_the_command_line_reads_every_repository(two, capsys, monkeypatch):
    assert main(["export", "--repository", "vault"]) == 0
    assert len(json.loads(capsys.readouterr().out)["decisions"]) == 3
    monkeypatch.setenv("ADR_DATE", "2026-12-01")
    assert main(["onboarding"]) == 0
    assert "Zanzibar HSM" in capsys.readouterr().out


def test_adr_index_visible_to_restricts_in_the_same_run_and_public_lifts_it(tmp_path, capsys):
    repo = vault_log(Repo(tmp_path / "vault"))
    assert main(["migrate", "-v", "0"]) == 0
    index = ["index", str(repo.path), "--name", "vault"]
    assert main([*index, "--visible-to", "team-a", "team-b"]) == 0
    assert capsys.readouterr().out.endswith("vault: readable by members of team-a, team-b\n")
    readable = queries.visible_repositories
    bob = User.objects.create_user("bob")
    assert not readable(bob).exists()
    bob.groups.add(Group.objects.get(name="team-b"))
    assert list(readable(bob).values_list("name", flat=True)) == ["vault"]
    assert main(index) == 0  # without the option: the groups stay as they were
    assert sorted(Repository.objects.get().visible_to.values_list("name", flat=True)) == [
        "team-a",
        "team-b",
    ]
    assert main([*index, "--public"]) == 0
    assert capsys.readouterr().out.endswith("vault: readable by everyone\n")
    assert not Repository.objects.get().visible_to.exists()


def test_adr_index_refuses_a_group_name_no_group_can_have(tmp_path, capsys):
    repo = vault_log(Repo(tmp_path / "vault"))
    assert main(["migrate", "-v", "0"]) == 0
    assert main(["index", str(repo.path), "--visible-to", " "]) == 1
    assert "--visible-to: group name ' ': 1 to 150 characters" in capsys.readouterr().err
    assert not Repository.objects.exists()

"""Repositories from their git hosts (ADR 32): added by URL, mirrored bare and partial,
fetched with --prune, indexed from the branch's tip, never hanging, removable."""

from __future__ import annotations

import http.server
import socket
import subprocess
import threading
from datetime import timedelta
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone

from adrsite.cli import main
from adrsite.decisions import hosts
from adrsite.decisions.hosts import FetchFailed, HostProblem, repository_add, repository_sync
from adrsite.decisions.indexing import repository_remove
from adrsite.decisions.models import Decision, Repository
from adrsite.decisions.queries import fetch_problem
from adrsite.history import mirror
from adrsite.history.mirror import MirrorError, sync_mirror
from tests.gitrepo import Repo, git_env

pytestmark = [pytest.mark.django_db]

BIG = 2 * 1024 * 1024  # over the mirror's blob limit (1 MB)


@pytest.fixture(autouse=True)
def data_dir(tmp_path, settings):
    settings.ADRSITE_DATA_DIR = tmp_path / "data"
    return tmp_path / "data"


def decision(repo: Repo, number: int, title: str, status: str = "accepted") -> None:
    repo.write(f"adr/{number:04d}-{title.lower().replace(' ', '-')}.md", f"# {title}\n\n{status}\n")


def served(repo: Repo, where: Path) -> str:
    """`repo` as a host serves it: a bare repository over file://, filters allowed."""
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(repo.path), str(where)], env=git_env(), check=True
    )
    for setting in ("uploadpack.allowFilter", "uploadpack.allowAnySHA1InWant"):
        subprocess.run(["git", "-C", str(where), "config", setting, "true"], check=True)
    return f"file://{where}"


def push(repo: Repo, server: Path, *refspecs: str) -> None:
    repo.git("push", "-q", "--force", str(server), *(refspecs or ("main",)))


def current(name: str) -> list[str]:
    return sorted(
        Decision.objects.filter(repository__name=name, deleted_commit="").values_list(
            "title", flat=True
        )
    )


def hosted(repo: Repo, tmp_path: Path) -> tuple[Repo, Path, str]:
    decision(repo, 1, "Use Postgres")
    repo.write("assets/video.bin", b"\0" * BIG)  # a monorepo's large file
    repo.commit("Start")
    repo.git("branch", "release")
    decision(repo, 2, "Use Redis", "proposed")
    repo.commit("Redis")
    server = tmp_path / "host" / "team.git"
    return repo, server, served(repo, server)


def test_add_mirrors_bare_and_indexes_the_hosts_default_branch(repo, tmp_path, data_dir):
    repo, _server, url = hosted(repo, tmp_path)
    repo.git("checkout", "-q", "release")  # the working copy is not what is read

    repository_add(name="team", url=url)
    result = repository_sync("team")

    mirror_dir = data_dir / "mirrors" / "team.git"
    assert (mirror_dir / "HEAD").is_file()
    assert not (mirror_dir / "adr").exists()
    assert result.branch == "main"
    assert "team at main: full (first run)" in result.summary()
    assert current("team") == ["Use Postgres", "Use Redis"]
    stored = Repository.objects.get(name="team")
    assert stored.location == str(mirror_dir)
    assert stored.adr_dir == "adr"
    assert stored.last_fetch_at is not None
    assert stored.last_fetch_error == ""


def test_branch_option_indexes_that_branch_tip(repo, tmp_path):
    repo, _server, url = hosted(repo, tmp_path)
    repository_add(name="team", url=url, branch="release")
    assert repository_sync("team").branch == "release"
    assert current("team") == ["Use Postgres"]


def test_a_branch_the_host_lacks_is_a_fetch_problem(repo, tmp_path):
    repo, _server, url = hosted(repo, tmp_path)
    repository_add(name="team", url=url, branch="nope")
    with pytest.raises(FetchFailed, match="has no branch 'nope'"):
        repository_sync("team")


def test_sync_fetches_with_prune_then_indexes_incrementally(repo, tmp_path, data_dir):
    repo, server, url = hosted(repo, tmp_path)
    repository_add(name="team", url=url)
    repository_sync("team")
    again = repository_sync("team")  # idempotent
    assert again.new_revisions == 0
    assert "already up to date" in again.summary()

    decision(repo, 3, "Use Kafka")
    repo.commit("Kafka")
    push(repo, server)
    subprocess.run(["git", "-C", str(server), "branch", "-D", "release"], check=True)
    result = repository_sync("team")

    assert not result.full
    assert result.new_revisions == 1
    assert current("team") == ["Use Kafka", "Use Postgres", "Use Redis"]
    branches = subprocess.run(
        ["git", "-C", str(data_dir / "mirrors" / "team.git"), "branch", "--format=%(refname)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert branches == ["refs/heads/main"]  # release pruned


def test_indexing_a_partial_mirror_fetches_no_blob_one_by_one(
    repo, tmp_path, data_dir, monkeypatch
):
    """Many revisions of many decisions: their blobs come with the clone, in one fetch; the
    large file stays on the host. With `blob:none`, each revision's blob would be a fetch."""
    for number in range(1, 13):
        for status in ("proposed", "accepted"):
            decision(repo, number, f"Decision {number}", status)
            repo.commit(f"{number} {status}")
    repo.write("assets/video.bin", b"\1" * BIG)
    repo.commit("Video")
    server = tmp_path / "host" / "team.git"
    url = served(repo, server)
    trace = tmp_path / "packets.trace"
    monkeypatch.setenv("GIT_TRACE_PACKET", str(trace))

    repository_add(name="team", url=url)
    repository_sync("team")
    decision(repo, 13, "Decision 13")
    repo.commit("13")
    push(repo, server)
    repository_sync("team")

    fetches = trace.read_text(errors="replace").count("upload-pack< command=fetch")
    assert fetches == 2  # the clone, the one sync: none while indexing
    assert len(current("team")) == 13
    missing = subprocess.run(
        ["git", "-C", str(data_dir / "mirrors" / "team.git"), "rev-list", "--objects",
         "--missing=print", "--all"],
        capture_output=True, text=True, check=True, env=git_env(),
    ).stdout  # fmt: skip
    large = repo.git("rev-parse", "HEAD~1:assets/video.bin")
    assert f"?{large}" in missing.split()  # the filter was really applied


def test_urls_starting_with_a_dash_are_refused(tmp_path, data_dir):
    for url in ("-uevil", "--upload-pack=touch owned", "  ", "https://x\n-y"):
        with pytest.raises(HostProblem):
            repository_add(name="team", url=url)
        with pytest.raises(MirrorError):
            sync_mirror(url, data_dir / "m.git")
    assert not Repository.objects.exists()
    assert not (data_dir / "m.git").exists()


def test_the_url_is_passed_after_a_double_dash(tmp_path, monkeypatch):
    started: list[list[str]] = []
    real = subprocess.Popen

    def record(command, **kwargs):
        started.append(command)
        return real(command, **kwargs)

    monkeypatch.setattr(mirror.subprocess, "Popen", record)
    with pytest.raises(MirrorError):
        sync_mirror(str(tmp_path / "nowhere"), tmp_path / "m.git", timeout=30)
    clone = started[0]
    assert clone[1] == "clone"
    assert clone[clone.index("--") + 1] == str(tmp_path / "nowhere")


def test_git_never_prompts_for_credentials(tmp_path):
    class Unauthorized(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="git"')
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Unauthorized)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/team.git"
        with pytest.raises(MirrorError, match="terminal prompts disabled"):
            sync_mirror(url, tmp_path / "m.git", timeout=20)
    finally:
        server.shutdown()
    assert not (tmp_path / "m.git").exists()


def test_a_dead_host_is_given_up_after_the_timeout(tmp_path):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # accepts, never answers
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/team.git"
        with pytest.raises(MirrorError, match="no answer in 1 s"):
            sync_mirror(url, tmp_path / "m.git", timeout=1)
    finally:
        listener.close()


def test_a_host_that_cannot_be_fetched_keeps_the_last_index_and_says_so(repo, tmp_path, capsys):
    repo, server, url = hosted(repo, tmp_path)
    repository_add(name="team", url=url, secret="s3cret-value")
    repository_sync("team")
    server.rename(tmp_path / "host" / "gone.git")
    Repository.objects.filter(name="team").update(
        last_fetch_at=timezone.now() - timedelta(hours=3, minutes=5)
    )

    with pytest.raises(FetchFailed) as failed:
        repository_sync("team")
    assert "does not appear to be a git repository" in failed.value.message
    assert current("team") == ["Use Postgres", "Use Redis"]  # the last index stays

    assert main(["repo", "list"]) == 0
    listed = capsys.readouterr().out
    assert "last fetched 3 hours ago: fatal: " in listed
    assert "s3cret" not in listed
    page = Client().get("/").content.decode()
    assert "last fetched 3 hours ago: fatal: " in page
    assert "team" in page

    assert main(["repo", "sync", "team"]) == 1
    assert "adr: team: cannot fetch: fatal:" in capsys.readouterr().err

    (tmp_path / "host" / "gone.git").rename(server)
    repository_sync("team")
    assert Repository.objects.get(name="team").last_fetch_error == ""
    assert "last fetched" not in Client().get("/").content.decode()


def test_fetch_problem_wording():
    now = timezone.now()
    assert fetch_problem(now - timedelta(hours=5), "fatal: x", now) == (
        "last fetched 5 hours ago: fatal: x"
    )
    assert fetch_problem(None, "fatal: x", now) == "never fetched: fatal: x"
    assert fetch_problem(now, "", now) == ""


def test_remove_deletes_the_mirror_and_the_index_and_nothing_else(repo, tmp_path, data_dir):
    repo, server, url = hosted(repo, tmp_path)
    repository_add(name="team", url=url)
    repository_sync("team")
    repository_add(name="other", url=url)
    repository_sync("other")

    removed = repository_remove(name="team")

    assert removed["mirrors"] == 1
    assert removed["decisions"] == 2
    assert not (data_dir / "mirrors" / "team.git").exists()
    assert (data_dir / "mirrors" / "other.git" / "HEAD").is_file()
    assert current("other") == ["Use Postgres", "Use Redis"]
    assert (server / "HEAD").is_file()
    assert (repo.path / ".git").is_dir()


def test_repo_add_command_adds_all_or_nothing(repo, tmp_path, data_dir, capsys):
    repo, _server, url = hosted(repo, tmp_path)
    assert main(["repo", "add", "bad", str(tmp_path / "nowhere")]) == 1
    assert "bad not added" in capsys.readouterr().err
    assert not Repository.objects.exists()
    assert not (data_dir / "mirrors" / "bad.git").exists()

    assert main(["repo", "add", "team", url, "--branch", "release", "--adr-dir", "adr"]) == 0
    assert capsys.readouterr().out.startswith("team at release: full (first run)")
    assert main(["repo", "add", "team", url]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["repo", "list"]) == 0
    assert f"{url} (release) adr" in capsys.readouterr().out
    assert main(["repo", "remove", "team"]) == 0
    assert "1 mirror" in capsys.readouterr().out


def test_sync_of_a_missing_name_names_the_others(repo, tmp_path, capsys):
    repo, _server, url = hosted(repo, tmp_path)
    repository_add(name="team", url=url)
    assert main(["repo", "sync", "teem"]) == 1
    assert "no repository named 'teem' (indexed: team)" in capsys.readouterr().err
    assert main(["repo", "sync"]) == 0
    assert "team at main: full (first run)" in capsys.readouterr().out


def test_mirror_path_is_under_the_data_dir(data_dir):
    assert hosts.mirror_path("team") == data_dir / "mirrors" / "team.git"


def test_index_ref_reads_that_ref_and_the_summary_names_what_was_read(repo, capsys):
    decision(repo, 1, "Use Postgres")
    repo.commit("Start")
    repo.git("checkout", "-q", "-b", "feature")
    decision(repo, 2, "Try Mongo", "proposed")
    repo.commit("Mongo")
    root = str(repo.path)

    assert main(["index", root, "--ref", "main"]) == 0
    assert capsys.readouterr().out.startswith("repo at main: full (first run)")
    assert current("repo") == ["Use Postgres"]
    assert main(["index", root]) == 0
    assert capsys.readouterr().out.startswith("repo at feature: incremental")
    assert current("repo") == ["Try Mongo", "Use Postgres"]

    assert main(["index", root, "--ref", "main"]) == 0  # back: not a force-push
    assert "full (now reading main, was feature)" in capsys.readouterr().out
    assert main(["index", root, "--ref", "nope"]) == 1
    assert "nope: no such branch, tag or commit" in capsys.readouterr().err
    repo.git("checkout", "-q", "--detach", "main")
    assert main(["index", root]) == 0
    assert "repo at detached HEAD at " in capsys.readouterr().out


def test_repo_add_visible_to_restricts_the_repository_before_its_first_sync(
    repo, tmp_path, data_dir, capsys, monkeypatch
):
    # Issue 14: `adr repo add … --visible-to GROUP…`; a repository is never public for a
    # moment, so the groups are set before the first sync writes a decision.
    from adrsite.decisions import hosts

    repo, _server, url = hosted(repo, tmp_path)
    seen: list[list[str]] = []
    sync = hosts.repository_sync

    def watching(name, **options):
        seen.append(
            list(Repository.objects.get(name=name).visible_to.values_list("name", flat=True))
        )
        return sync(name, **options)

    monkeypatch.setattr(hosts, "repository_sync", watching)
    assert main(["repo", "add", "team", url, "--visible-to", "platform", "security"]) == 0
    assert seen == [["platform", "security"]]
    assert main(["repo", "add", "open", url]) == 0
    assert sorted(
        Repository.objects.filter(visible_to__isnull=False).values_list("name", flat=True)
    ) == ["team", "team"]
    capsys.readouterr()
    assert main(["repo", "add", "bad", url, "--visible-to", " "]) == 1
    assert "bad not added" in capsys.readouterr().err
    assert not Repository.objects.filter(name="bad").exists()

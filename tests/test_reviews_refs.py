"""Which refs are read as reviews (ADR 37), and hostile input in them: refs untouched too
long, closed on the host (its API, served here on 127.0.0.1), fetched into a mirror and
pruned, branch patterns, and proposals made of odd bytes, renames, deletions and non-ADR
files. What is stored of each ref: tests/test_reviews.py."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from adrsite.decisions.hosts import repository_add, repository_sync
from adrsite.decisions.models import ProposedChange, Repository, Review
from adrsite.history.git import GitHistory
from adrsite.history.host_api import HostApiError, api_problem, request_states
from adrsite.history.reviews import RefHead, pattern_problem, read_reviews, review_heads
from tests.gitrepo import Repo, adr
from tests.review_fixture import KAFKA, review_log
from tests.review_index import FOREVER, changes, day, index, open_reviews

pytestmark = [pytest.mark.django_db]

ALL = ["#412", "#415", "#420", "#430", "#440", "#450", "#460"]


def days_since(n: int) -> int:
    """A review_max_age that hides the refs last touched on commit day `n` or before."""
    return (timezone.now() - day(n)).days


# --- age, and the host's API ------------------------------------------------------------


def test_refs_untouched_longer_than_the_max_age_are_hidden_without_a_token(repo):
    review_log(repo)
    index(repo)
    assert list(open_reviews()) == ALL

    result = index(repo, review_max_age=days_since(6))  # #412 to #440: days 2 to 6

    assert list(open_reviews()) == ["#450", "#460"]
    assert result.reviews == 2
    assert not Review.objects.filter(label="#412").exists()  # gone, not merged


@dataclass
class Host:
    """A git host's API on 127.0.0.1: answers[path] -> (status, headers, body) per page."""

    address: str
    answers: dict[str, list[tuple[int, dict[str, str], bytes]]] = field(default_factory=dict)
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)


@pytest.fixture
def host() -> Iterator[Host]:
    served = Host("")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.seen.append((self.path, dict(self.headers)))
            where = urlsplit(self.path)
            page = int(parse_qs(where.query).get("page", ["1"])[0])
            pages = served.answers.get(where.path, [])
            status, headers, body = pages[page - 1] if page <= len(pages) else (200, {}, b"[]")
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    served.address = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served
    server.shutdown()
    server.server_close()
    thread.join()


def pulls(*numbers: int, key: str = "number") -> tuple[int, dict[str, str], bytes]:
    return (
        200,
        {"Content-Type": "application/json"},
        json.dumps([{key: n} for n in numbers]).encode(),
    )


def test_with_a_token_the_pull_requests_the_host_closed_are_hidden(repo, host):
    review_log(repo)
    # 130 open pull requests: two pages; #412 and #460 among them, #415 to #450 closed
    host.answers["/repos/o/r/pulls"] = [
        pulls(*range(1000, 1099), 412),
        pulls(*range(2000, 2029), 460),
    ]
    result = index(repo, host_api=f"{host.address}/repos/o/r", host_token="s3cret")

    assert list(open_reviews()) == ["#412", "#460"]
    assert result.reviews == 2
    assert [urlsplit(path) for path, _ in host.seen] == [
        urlsplit(f"/repos/o/r/pulls?state=open&per_page=100&page={page}") for page in (1, 2)
    ]
    for _, headers in host.seen:
        assert headers["Authorization"] == "Bearer s3cret"


def test_open_on_the_host_outweighs_age(repo, host):
    review_log(repo)
    host.answers["/repos/o/r/pulls"] = [pulls(412)]
    index(repo, host_api=f"{host.address}/repos/o/r", host_token="t", review_max_age=1)
    assert list(open_reviews()) == ["#412"]


def test_gitlab_merge_requests_are_asked_with_a_private_token(repo, host):
    review_log(repo)
    for number in (412, 415):  # as GitLab keeps them
        head = repo.git("rev-parse", f"refs/pull/{number}/head")
        repo.git("update-ref", f"refs/merge-requests/{number - 400}/head", head)
    for number in (412, 415, 420, 430, 440, 450, 460):  # a GitLab project has no others
        repo.git("update-ref", "-d", f"refs/pull/{number}/head")
    host.answers["/api/v4/projects/g%2Fp/merge_requests"] = [pulls(12, 99, key="iid")]
    api = f"{host.address}/api/v4/projects/g%2Fp"
    index(repo, host_api=api, host_token="glpat")

    assert list(open_reviews()) == ["!12"]  # !15: closed on the host
    ((path, headers),) = host.seen
    assert path == "/api/v4/projects/g%2Fp/merge_requests?state=opened&per_page=100&page=1"
    assert headers["Private-Token"] == "glpat"
    assert "Authorization" not in headers


@pytest.mark.parametrize(
    "answer",
    [
        (500, {}, b"[]"),
        (200, {"Content-Type": "application/json"}, b"<html>rate limited</html>"),
        (200, {}, b'{"message": "Bad credentials"}'),
        (302, {"Location": "/elsewhere"}, b""),
    ],
    ids=["500", "not-json", "not-a-list", "redirect"],
)
def test_an_api_that_does_not_answer_leaves_age_to_decide(repo, host, answer):
    review_log(repo)
    host.answers["/repos/o/r/pulls"] = [answer]
    result = index(
        repo,
        host_api=f"{host.address}/repos/o/r",
        host_token="s3cret",
        review_max_age=days_since(6),
    )

    assert (result.reviews_error, list(open_reviews())) == ("", ["#450", "#460"])
    assert [urlsplit(path).path for path, _ in host.seen] == ["/repos/o/r/pulls"]


def test_the_token_is_never_sent_where_a_redirect_points(repo, host):
    review_log(repo)
    target = f"{host.address}/steal"
    host.answers["/repos/o/r/pulls"] = [(301, {"Location": target}, b"")]
    host.answers["/steal"] = [pulls(412)]
    index(repo, host_api=f"{host.address}/repos/o/r", host_token="s3cret")

    assert "/steal" not in [urlsplit(path).path for path, _ in host.seen]
    assert list(open_reviews()) == ALL  # by age, as without a token


@pytest.mark.parametrize(
    ("address", "allowed"),
    [
        ("https://api.github.com/repos/o/r", True),
        ("http://127.0.0.1:9/api", True),
        ("http://localhost/api", True),
        ("http://[::1]:8080/api", True),
        ("http://api.github.com/repos/o/r", False),
        ("http://127.0.0.1.example.com/api", False),
        ("http://localhost@evil.example/api", False),
        ("ftp://127.0.0.1/api", False),
        ("https://", False),
        ("https://host/a b", False),
    ],
)
def test_the_token_goes_over_plain_http_only_to_this_machine(address, allowed):
    assert (api_problem(address) == "") is allowed
    if not allowed:
        with pytest.raises(HostApiError, match="https://"):
            request_states(address, "", "s3cret", ["refs/pull/1/head"])  # sends nothing


# --- mirrors and patterns ---------------------------------------------------------------


def test_a_mirror_fetches_the_pull_request_refs_and_prunes_those_the_host_drops(
    repo, tmp_path, settings
):
    settings.ADRSITE_DATA_DIR = tmp_path / "data"
    review_log(repo)
    server = tmp_path / "host" / "team.git"
    repo.git("init", "-q", "--bare", str(server))
    repo.git("push", "-q", str(server), "main", "refs/pull/*:refs/pull/*")
    repo.git("--git-dir", str(server), "symbolic-ref", "HEAD", "refs/heads/main")
    repository_add(name="team", url=f"file://{server}")
    Repository.objects.filter(name="team").update(review_max_age=FOREVER)

    assert repository_sync("team").reviews == 7
    assert list(open_reviews()) == ALL
    assert open_reviews()["#412"].changes.get().content == adr("Use Kafka")

    repo.git("--git-dir", str(server), "update-ref", "-d", "refs/pull/450/head")
    assert repository_sync("team").reviews == 6
    mirror = Repo.__new__(Repo)
    mirror.path, mirror.day = tmp_path / "data" / "mirrors" / "team.git", 0
    assert "refs/pull/450/head" not in mirror.git("for-each-ref", "--format=%(refname)")
    assert "#450" not in open_reviews()


def branches(repo: Repo) -> None:
    """Two branches beside main: one proposing ADR 8, one changing no ADR."""
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    repo.commit("X")
    repo.git("checkout", "-q", "-b", "feature/queue")
    repo.write("adr/0008-use-a-queue.md", adr("Use a queue"))
    repo.commit("Queue")
    repo.git("checkout", "-q", "-b", "chore", "main")
    repo.write("src/x.py", "x = 1\n")
    repo.commit("Chore")
    repo.git("checkout", "-q", "main")


def test_branch_patterns_read_the_branches_but_the_tracked_one(repo):
    branches(repo)
    repo.write("adr/0002-on-main.md", adr("On main"))
    repo.commit("Main moves on, with an ADR of its own")
    index(repo, review_refs=["refs/heads/*"])

    found = open_reviews()
    assert list(found) == ["feature/queue"]  # not main, nor chore (no ADR changed)
    assert found["feature/queue"].ref == "refs/heads/feature/queue"
    assert changes(found["feature/queue"]) == [
        ("added", "adr/0008-use-a-queue.md", "", 8, "Use a queue", "", "proposed", None)
    ]


def test_branch_patterns_on_a_mirror(repo, tmp_path, settings):
    settings.ADRSITE_DATA_DIR = tmp_path / "data"
    branches(repo)
    server = tmp_path / "host" / "team.git"
    repo.git("clone", "-q", "--bare", str(repo.path), str(server))
    repository_add(name="team", url=f"file://{server}")
    Repository.objects.filter(name="team").update(
        review_max_age=FOREVER, review_refs=["refs/heads/*", "refs/pull/*/head"]
    )
    assert repository_sync("team").reviews == 1
    assert list(open_reviews()) == ["feature/queue"]  # in a folder: '*' matches as fetch does


def test_a_pattern_git_would_misread_is_an_error_and_no_failed_index(repo):
    branches(repo)
    result = index(repo, review_refs=["refs/heads/[ab]*"])
    assert result.reviews_error.startswith("'refs/heads/[ab]*': git takes no")
    assert result.decisions == 1


@pytest.mark.parametrize(
    ("pattern", "fine"),
    [
        ("refs/heads/*", True),
        ("refs/heads/review-*", True),
        ("refs/pull/*/head", True),
        ("heads/*", False),
        ("refs/heads/* x", False),
        ("refs/heads/*\x00", False),
        ("refs/*/*", False),
        ("refs/heads/*:refs/heads/*", False),
        ("refs/-x*", False),
        # a fetch of a name without '*' fails once the host drops that branch
        ("refs/heads/release", False),
        ("refs/heads", False),
        # what a fetch refuses and for-each-ref would take: the fetch, the sync would fail
        ("refs/heads/[ab]*", False),
        ("refs/heads/?*", False),
        ("refs/heads/*.lock", False),
        ("refs/heads/a..b*", False),
        ("refs/heads/*/", False),
        ("refs/heads/.x*", False),
        ("refs/heads/x@{*", False),
        ("refs/heads//*", False),
        ("refs/heads/a\\b*", False),
        ("refs/heads/~*", False),
        ("refs/*", True),
    ],
)
def test_pattern_problem(pattern, fine):
    assert (pattern_problem(pattern) == "") is fine


# --- hostile input ----------------------------------------------------------------------


def proposal(repo: Repo, files: dict[str, str | bytes | None], number: int = 900) -> str:
    """A pull request from main that writes (None: deletes) `files`."""
    repo.git("checkout", "-q", "-b", f"pr-{number}")
    for path, text in files.items():
        if text is None:
            repo.git("rm", "-q", path)
        else:
            repo.write(path, text)
    head = repo.commit(f"Proposal {number}")
    repo.git("update-ref", f"refs/pull/{number}/head", head)
    repo.git("checkout", "-q", "main")
    return head


def main_with_two(repo: Repo) -> None:
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    repo.write("adr/0002-use-y.md", adr("Use Y", "accepted"))
    repo.commit("Two decisions")


@pytest.mark.also_postgres
def test_control_bytes_and_nul_in_a_proposal_are_stored(repo):
    main_with_two(repo)
    title = "Use \x01\x1b[31mred\x7f text"
    late_nul = adr(title, body="x" * 9000 + "\0 after the first 8 KB")
    proposal(repo, {"adr/0003-odd.md": late_nul, "adr/0004-binary.md": b"# Bin\n\n\0\0\0"})

    result = index(repo)

    assert result.reviews_error == ""
    stored = {c.path: c for c in ProposedChange.objects.all()}
    assert (stored["adr/0003-odd.md"].number, stored["adr/0003-odd.md"].change) == (3, "added")
    assert stored["adr/0003-odd.md"].content == late_nul.replace("\0", "\ufffd")
    assert stored["adr/0003-odd.md"].title == title  # stored as written: pages escape it
    assert stored["adr/0004-binary.md"].content == "# Bin\n\n\ufffd\ufffd\ufffd"


@pytest.mark.also_postgres
def test_a_rename_a_deletion_and_files_that_are_no_decisions(repo):
    main_with_two(repo)
    repo.git("mv", "adr/0001-use-x.md", "adr/0001-use-x-everywhere.md")
    renamed = proposal(repo, {}, 901)
    repo.git("reset", "-q", "--hard", "main")
    proposal(repo, {"adr/0002-use-y.md": None}, 902)
    proposal(repo, {"src/app.py": "print()\n", "docs/x.md": "# X\n"}, 903)
    proposal(repo, {"adr/README.md": "# Our decisions\n", "adr/template.md": "# T\n"}, 904)

    index(repo)

    found = open_reviews()
    assert list(found) == ["#901", "#902"]
    assert found["#901"].head == renamed
    assert changes(found["#901"]) == [
        ("changed", "adr/0001-use-x-everywhere.md", "adr/0001-use-x.md", 1, "Use X",
         "accepted", "accepted", "adr/0001-use-x.md"),
    ]  # fmt: skip
    assert changes(found["#902"]) == [
        ("deleted", "adr/0002-use-y.md", "adr/0002-use-y.md", 2, "Use Y", "accepted", "",
         "adr/0002-use-y.md"),
    ]  # fmt: skip
    assert found["#902"].changes.get().content == ""


def test_refs_at_a_tag_a_tree_or_a_blob_are_ignored(repo):
    main_with_two(repo)
    head = proposal(repo, {KAFKA: adr("Use Kafka")}, 905)
    repo.git("tag", "-a", "-m", "tagged", "v1", head)
    repo.git("update-ref", "refs/pull/906/head", repo.git("rev-parse", "refs/tags/v1"))
    repo.git("update-ref", "refs/pull/907/head", repo.git("rev-parse", f"{head}^{{tree}}"))
    repo.git("update-ref", "refs/pull/908/head", repo.git("rev-parse", f"{head}:{KAFKA}"))

    result = index(repo)

    assert (result.reviews_error, list(open_reviews())) == ("", ["#905"])


def test_the_tracked_branch_is_no_review_of_itself_though_a_branch_at_its_tip_is_one(repo):
    branches(repo)
    repo.git("branch", "fast-forwarded")  # at main's tip: merged, once it was open
    for ref in ("", "refs/heads/main"):
        with GitHistory(repo.path, "adr", ref) as history:
            listed = [head.ref for head in review_heads(history, ["refs/heads/*"])]
        assert listed == [
            "refs/heads/chore", "refs/heads/fast-forwarded", "refs/heads/feature/queue"
        ]  # fmt: skip


def test_a_ref_with_no_history_in_common_is_no_review(repo):
    main_with_two(repo)
    repo.git("checkout", "-q", "--orphan", "elsewhere")
    repo.write("adr/0009-unrelated.md", adr("Unrelated"))
    repo.git("update-ref", "refs/pull/909/head", repo.commit("Unrelated history"))
    repo.git("checkout", "-q", "-f", "main")

    result = index(repo)
    assert (result.reviews_error, result.reviews) == ("", 0)


def test_a_ref_whose_history_is_broken_keeps_the_reviews(repo):
    main_with_two(repo)
    proposal(repo, {KAFKA: adr("Use Kafka")}, 910)
    index(repo)
    repo.write("adr/0002-use-y.md", adr("Use Y", "deprecated"))
    repo.commit("Main moves: every ref's merge base is asked again")
    repo.git("checkout", "-q", "-b", "broken")
    repo.write("adr/0005-broken.md", adr("Broken"))
    stamp = b"author A <a@x> 1767000000 +0000\ncommitter A <a@x> 1767000000 +0000\n"
    broken = repo.commit_object(b"parent " + b"2" * 40 + b"\n" + stamp, b"Its parent is missing\n")
    repo.git("update-ref", "refs/pull/911/head", broken)
    repo.git("checkout", "-q", "-f", "main")

    result = index(repo)
    assert result.reviews_error.startswith("git ")  # for-each-ref --merged, or merge-base
    assert result.reviews_error.endswith("2" * 40)
    assert list(open_reviews()) == ["#910"]


@pytest.mark.also_postgres
def test_a_path_or_branch_longer_than_their_columns_fails_no_index(repo):
    """PostgreSQL refuses a value longer than its column where SQLite keeps it whole."""
    main_with_two(repo)
    huge = "adr/0003-" + "z" * (5000 - len("adr/0003-.md")) + ".md"  # as only git keeps it
    repo.git("checkout", "-q", "-b", "pr-912")
    repo.stage(huge, adr("Huge"))
    repo.write("adr/0004-fine.md", adr("Fine"))
    repo.write("adr/use-big.md", "# 99999999999: A number no integer column holds\n")
    repo.git("add", "adr/0004-fine.md", "adr/use-big.md")
    repo.git("update-ref", "refs/pull/912/head", repo.commit("Long", add=False))
    repo.git("checkout", "-q", "-f", "main")
    deep = "refs/heads/" + "/".join(["b" * 200] * 6)  # 1,216 characters
    proposal(repo, {"adr/0005-deep.md": adr("Deep")}, 913)
    repo.git("update-ref", deep, repo.git("rev-parse", "refs/pull/913/head"))
    repo.git("update-ref", "-d", "refs/pull/913/head")
    repo.git("branch", "-q", "-D", "pr-912", "pr-913")

    result = index(repo, review_refs=["refs/pull/*/head", "refs/heads/*"])

    assert result.reviews_error == ""
    found = open_reviews()
    assert list(found) == ["#912"]  # the ref too long to store is left out
    assert [c[1:4] for c in changes(found["#912"])] == [
        ("adr/0004-fine.md", "", 4),
        ("adr/use-big.md", "", None),
    ]


@pytest.mark.also_postgres
def test_a_rename_that_changes_number_and_title_is_a_deletion_and_an_addition(repo):
    """The site reads a branch's renames by the rule `adr review` follows: git finds two
    short ADRs from one template "similar", but a new number and a new title make another
    decision."""
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    repo.write("adr/0003-use-y.md", adr("Use Y", "accepted"))
    repo.commit("Two decisions")
    repo.git("rm", "-q", "adr/0003-use-y.md")
    proposal(repo, {"adr/0008-use-z.md": adr("Use Z", "accepted")}, 905)
    repo.git("reset", "-q", "--hard", "main")
    repo.git("mv", "adr/0003-use-y.md", "adr/0008-use-y.md")  # renumbered: one decision
    proposal(repo, {}, 906)

    index(repo)

    found = open_reviews()
    assert changes(found["#905"]) == [
        ("deleted", "adr/0003-use-y.md", "adr/0003-use-y.md", 3, "Use Y", "accepted", "",
         "adr/0003-use-y.md"),
        ("added", "adr/0008-use-z.md", "", 8, "Use Z", "", "accepted", None),
    ]  # fmt: skip
    assert changes(found["#906"]) == [
        ("changed", "adr/0008-use-y.md", "adr/0003-use-y.md", 8, "Use Y", "accepted",
         "accepted", "adr/0003-use-y.md"),
    ]  # fmt: skip


def test_the_rename_rule_is_one_for_the_site_and_adr_review():
    from adrsite.history import branch, reviews
    from adrsite.records.reviews import same_decision

    assert branch.same_decision is reviews.same_decision is same_decision
    assert same_decision("a/0003-y.md", 3, "Use Y", "a/0008-y.md", 8, "Use Y")
    assert same_decision("a/0003-y.md", 3, "Use Y", "a/0003-z.md", 3, "Use Z")
    assert not same_decision("a/0003-y.md", 3, "Use Y", "a/0008-z.md", 8, "Use Z")


def test_two_refs_at_one_head_each_read_against_its_own_base(repo):
    """Each (head, base) is its own diff: a merged ref is read from its old base while
    another at the same head is read from a newer one."""
    repo.write("adr/0001-use-x.md", adr("Use X", "accepted"))
    first = repo.commit("One")
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    second = repo.commit("Two")
    repo.write("adr/0003-use-z.md", adr("Use Z"))
    head = repo.commit("Three")
    when = timezone.now()
    with GitHistory(repo.path, "adr") as history:
        read = read_reviews(
            history,
            [
                (RefHead("refs/pull/1/head", head, when), first),
                (RefHead("refs/pull/2/head", head, when), second),
                (RefHead("refs/pull/3/head", head, when), head),  # nothing: asked all the same
                (RefHead("refs/pull/4/head", second, when), first),
            ],
        )
    assert {r.ref: [c.path for c in r.changes] for r in read} == {
        "refs/pull/1/head": ["adr/0002-use-y.md", "adr/0003-use-z.md"],
        "refs/pull/2/head": ["adr/0003-use-z.md"],
        "refs/pull/4/head": ["adr/0002-use-y.md"],
    }


def squash(repo: Repo, head: str, message: str) -> str:
    repo.git("merge", "-q", "--squash", head)
    return repo.commit(message)


@pytest.mark.also_postgres
def test_with_a_token_a_squash_merge_is_recorded_though_the_host_lists_it_no_more(repo, host):
    """GitHub's open pull requests leave a merged one out: closed, and all its changes on
    the tip, it merged; it is recorded so, not dropped."""
    log = review_log(repo)
    api = {"host_api": f"{host.address}/repos/o/r", "host_token": "t"}
    host.answers["/repos/o/r/pulls"] = [pulls(412, 415, 420)]
    index(repo, **api)
    assert list(open_reviews()) == ["#412", "#415", "#420"]
    squashed = squash(repo, log.heads["#420"], "Replace PostgreSQL (#420)")
    host.answers["/repos/o/r/pulls"] = [pulls(412, 415)]  # #420 merged: no longer open
    host.seen.clear()

    assert index(repo, **api).reviews == 2
    merged = Review.objects.exclude(merged_commit="").get()
    assert (merged.label, merged.merged_commit) == ("#420", squashed)
    assert len(host.seen) == 1


@pytest.mark.also_postgres
def test_a_pull_request_stacked_on_a_squashed_one_is_not_recorded_merged(repo, host):
    """#460 is stacked on #412. Once #412 is squash-merged, #460's changes are all on the
    tip, but it is still open on the host: nothing to show, and never merged."""
    log = review_log(repo)
    api = {"host_api": f"{host.address}/repos/o/r", "host_token": "t"}
    host.answers["/repos/o/r/pulls"] = [pulls(412, 415, 460)]
    index(repo, **api)
    squashed = squash(repo, log.heads["#412"], "Use Kafka (#412)")
    host.answers["/repos/o/r/pulls"] = [pulls(415, 460)]

    index(repo, **api)

    assert [(r.label, r.merged_commit) for r in Review.objects.exclude(merged_commit="")] == [
        ("#412", squashed)
    ]
    assert list(open_reviews()) == ["#415"]  # #460 shows nothing until it changes more
    repo.write("README.md", "later\n")
    repo.commit("Later")
    index(repo, **api)
    assert list(open_reviews()) == ["#415"]
    assert Review.objects.exclude(merged_commit="").count() == 1

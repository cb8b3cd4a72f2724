"""Decisions in review on the command line and the API (ADR 37): `adr review` (the pull
request comment), `adr export --review`, /api/reviews, the review options, the pre-commit hook."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import Group, User
from django.test import Client
from markdown_it import MarkdownIt

from adrsite.cli import main
from adrsite.cli.app import build_parser
from adrsite.cli.reading import cmd_check
from adrsite.decisions.indexing import repository_restrict
from adrsite.decisions.models import Repository
from adrsite.records.branch_report import code, markdown_text
from tests.gitrepo import Repo, adr
from tests.review_fixture import (
    BOB,
    CAROL,
    GRAPHQL,
    HTMX,
    KAFKA,
    POSTGRES,
    REDIS,
    REPLACE,
    SEVEN,
    review_log,
)

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_TITLE = "Use *bold* `code` [a](http://x) <img src=x> #1 _x_ \\ ~~s~~ | t"
HOSTILE_FILE = "adr/0007-a`b*c.md"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def feature_branch(repo: Repo) -> dict[str, str]:
    """main: ADRs 1, 2, 3, 6. `feature` adds 4 (Kafka), 5 (superseding 2) and 7 (a hostile
    title and file name), marks 2 superseded, edits 3's text, deletes 6. Then main takes 4
    (Redis): a collision. The feature branch is checked out."""
    repo.write("adr/0001-record-architecture-decisions.md", adr("Record decisions", "accepted"))
    repo.write(POSTGRES, adr("Use PostgreSQL", "accepted"))
    repo.write("adr/0003-use-rest.md", adr("Use REST", "accepted"))
    repo.write("adr/0006-cache-everything.md", adr("Cache everything"))
    base = repo.commit("Four decisions")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write(KAFKA, adr("Use Kafka"))
    repo.write(REPLACE, "---\nstatus: proposed\nsupersedes: [2]\n---\n# Replace PostgreSQL\n")
    repo.write(POSTGRES, adr("Use PostgreSQL", "superseded"))
    repo.write("adr/0003-use-rest.md", adr("Use REST", "accepted", body="Clients ask for it."))
    (repo.path / "adr/0006-cache-everything.md").unlink()
    repo.write(HOSTILE_FILE, adr(HOSTILE_TITLE))
    head = repo.commit("Propose", author=BOB)
    repo.git("checkout", "-q", "main")
    repo.write(REDIS, adr("Use Redis"))
    repo.commit("Redis")
    repo.git("checkout", "-q", "feature")
    return {"base": base, "head": head}


def expected_markdown(shas: dict[str, str], against: str = "main") -> str:
    hostile = (
        "Use \\*bold\\* \\`code\\` \\[a\\]\\(http://x\\) \\<img src=x\\> \\#1 "
        "\\_x\\_ \\\\ \\~\\~s\\~\\~ \\| t"
    )
    lines = [
        "## ADR changes",
        "",
        f"Against `{against}`, since `{shas['base'][:12]}` (head `{shas['head'][:12]}`).",
        "",
        "### New decisions",
        "",
        f"- new: ADR 4 Use Kafka (`{KAFKA}`)",
        f"- new: ADR 5 Replace PostgreSQL (`{REPLACE}`)",
        f"- new: ADR 7 {hostile} (``adr/0007-a`b*c.md``)",
        "",
        "### Changed decisions",
        "",
        f"- ADR 2: accepted → superseded (`{POSTGRES}`)",
        "- ADR 3: text changed (`adr/0003-use-rest.md`)",
        "",
        "### Deleted decisions",
        "",
        "- deleted: ADR 6 Cache everything (`adr/0006-cache-everything.md`)",
        "",
        "### Supersessions",
        "",
        "- ADR 5 Replace PostgreSQL supersedes ADR 2 Use PostgreSQL",
        "",
        "### Number collisions",
        "",
        f"- ADR 4 Use Kafka (`{KAFKA}`): `{against}` took number 4 for `{REDIS}` since this "
        f"branch parted from it; renumber this one: `adr renumber --against {against} {KAFKA}`",
    ]
    return "\n".join(lines) + "\n"


def test_adr_review_summarizes_the_branch_for_a_pull_request_comment(repo, capsys, monkeypatch):
    shas = feature_branch(repo)
    monkeypatch.chdir(repo.path)
    # Without --against: origin/HEAD is not there, main is.
    assert run(capsys, "review") == (1, expected_markdown(shas), "")
    assert run(capsys, "review", "--against", "main") == (1, expected_markdown(shas), "")


def test_adr_review_as_json(repo, capsys, monkeypatch):
    shas = feature_branch(repo)
    monkeypatch.chdir(repo.path)
    code, out, _ = run(capsys, "review", "--format", "json")
    change = dict.fromkeys(["change", "path", "number", "title", "status_before", "status_after"])
    assert (code, json.loads(out)) == (
        1,
        {
            "against": "main",
            "head": shas["head"],
            "merge_base": shas["base"],
            "changes": [
                {**change, "change": "changed", "path": POSTGRES, "number": 2}
                | {"title": "Use PostgreSQL", "status_before": "accepted"}
                | {"status_after": "superseded"},
                {**change, "change": "changed", "path": "adr/0003-use-rest.md", "number": 3}
                | {"title": "Use REST", "status_before": "accepted", "status_after": "accepted"},
                {**change, "change": "added", "path": KAFKA, "number": 4, "title": "Use Kafka"}
                | {"status_after": "proposed"},
                {**change, "change": "added", "path": REPLACE, "number": 5}
                | {"title": "Replace PostgreSQL", "status_after": "proposed"},
                {**change, "change": "deleted", "path": "adr/0006-cache-everything.md"}
                | {"number": 6, "title": "Cache everything", "status_before": "proposed"},
                {**change, "change": "added", "path": HOSTILE_FILE, "number": 7}
                | {"title": HOSTILE_TITLE, "status_after": "proposed"},
            ],
            "supersessions": [{"path": REPLACE, "number": 5, "supersedes": POSTGRES}],
            "problems": [
                "adr/0004-use-kafka.md:1: error: number 4 is already taken on main by "
                "adr/0004-use-redis.md; renumber this one: "
                "adr renumber --against main adr/0004-use-kafka.md"
            ],
        },
    )


def test_without_a_collision_adr_review_exits_0_and_no_changes_say_so(repo, capsys, monkeypatch):
    repo.write("adr/0001-use-x.md", adr("Use X", "superseded"))
    repo.write("adr/0003-use-w.md", "---\nstatus: accepted\nsupersedes: [1]\n---\n# Use W\n")
    base = repo.commit("X, W")
    repo.git("checkout", "-q", "-b", "feature")
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    repo.write("adr/0003-use-w.md", "---\nstatus: accepted\nsupersedes: [1]\n---\n# Use W!\n")
    head = repo.commit("Y")
    monkeypatch.chdir(repo.path)
    code, out, _ = run(capsys, "review")
    # W superseded X before the branch: no supersession of the branch's own.
    assert (code, out.split("### ")[1:]) == (
        0,
        [
            "New decisions\n\n- new: ADR 2 Use Y (`adr/0002-use-y.md`)\n\n",
            "Changed decisions\n\n- ADR 3: text changed (`adr/0003-use-w.md`)\n",
        ],
    )
    repo.git("checkout", "-q", "main")
    assert run(capsys, "review", "--against", "feature") == (
        0,
        f"## ADR changes\n\nAgainst `feature`, since `{base[:12]}` (head `{base[:12]}`).\n\n"
        "No ADR changes.\n",
        "",
    )
    assert head != base


def test_a_rename_git_finds_between_two_different_decisions_is_a_deletion_and_an_addition(
    repo, capsys, monkeypatch
):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    repo.commit("X, Y")
    repo.git("checkout", "-q", "-b", "feature")
    (repo.path / "adr/0002-use-y.md").unlink()
    repo.write("adr/0003-use-z.md", adr("Use Z"))  # as like 2 as one template makes them
    repo.write("adr/0005-use-x.md", adr("Use X"))  # a renumber: the same title
    (repo.path / "adr/0001-use-x.md").unlink()
    repo.commit("Z")
    monkeypatch.chdir(repo.path)
    _, out, _ = run(capsys, "review")
    assert [line for line in out.splitlines() if line.startswith("- ")] == [
        "- new: ADR 3 Use Z (`adr/0003-use-z.md`)",
        "- ADR 5: renamed from 0001\\-use\\-x\\.md (`adr/0005-use-x.md`)",
        "- deleted: ADR 2 Use Y (`adr/0002-use-y.md`)",
    ]


def test_an_unknown_ref_or_no_default_target_is_one_line_and_exit_1(repo, capsys, monkeypatch):
    repo.git("checkout", "-q", "-b", "trunk")
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("X")
    monkeypatch.chdir(repo.path)
    assert run(capsys, "review", "--against", "nope") == (
        1,
        "",
        "adr: --against nope: no such branch, tag or commit\n",
    )
    assert run(capsys, "review") == (
        1,
        "",
        "adr: none of origin/HEAD, main, master exists here; "
        "pass the branch the changes go to (--against REF)\n",
    )
    repo.git("checkout", "-q", "--orphan", "other")
    repo.commit("unrelated")
    assert run(capsys, "review", "--against", "trunk") == (
        1,
        "",
        "adr: --against trunk: no common history with this branch "
        "(a shallow clone? run 'git fetch --unshallow')\n",
    )


def test_origin_head_is_the_default_target_when_the_clone_has_it(repo, capsys, monkeypatch):
    shas = feature_branch(repo)
    repo.git("update-ref", "refs/remotes/origin/main", "main")
    repo.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/main")
    repo.git("branch", "-q", "-f", "main", shas["base"])  # a stale local main: not the target
    monkeypatch.chdir(repo.path)
    assert run(capsys, "review") == (1, expected_markdown(shas, "origin/HEAD"), "")


@pytest.mark.parametrize(
    "text",
    [
        HOSTILE_TITLE,
        "# heading",
        "- item",
        "1. item",
        "> quote",
        "![i](x) [l][r] <https://x> &amp; &#64;",
        "line\nbreak\x1b[31m",
        "*" * 50 + "_" * 50,
    ],
)
def test_a_title_in_the_markdown_reads_as_the_text_it_is(text):
    """Rendered by a CommonMark parser with GitHub's tables and strikethrough: no markup
    comes out of a title, and its characters all come back (controls made visible)."""
    parser = MarkdownIt("commonmark").enable(["table", "strikethrough"])
    html = parser.render(f"- new: ADR 1 {markdown_text(text)} ({code(text)})\n")
    assert re.findall(r"<(\w+)", html) == ["ul", "li", "code"]
    tokens = parser.parseInline(f"{markdown_text(text)}")[0].children or []
    shown = "".join(t.content for t in tokens if t.type == "text")
    assert shown.replace("\n", "") == text.replace("\n", "\\x0a").replace("\x1b", "\\x1b")


@pytest.mark.parametrize("title", ["Use @org/security", "@alice: ask @@bob", "mail a@b.example"])
def test_a_title_mentions_no_one_when_ci_posts_it(title):
    """GitHub mentions a user or team at an '@' followed by a name character; a word joiner
    (invisible) comes between them, and the text reads the same."""
    text = markdown_text(title)
    assert not re.search(r"@[A-Za-z0-9]", text)
    html = MarkdownIt("commonmark").renderInline(text)
    assert html.replace("\u2060", "") == title


@pytest.mark.parametrize("name", ["a`b", "``", "`a", "a`", " a ", "a\nb", "`` ` ```"])
def test_a_file_name_in_a_code_span_comes_back_whole(name):
    html = MarkdownIt("commonmark").renderInline(f"x {code(name)} y")
    inner = re.fullmatch(r"x <code>(.*)</code> y", html, re.DOTALL)
    assert inner is not None
    assert inner[1] == name.replace("\n", "\\x0a").replace("&", "&amp;")


# --- the pre-commit hook ---------------------------------------------------------------


def test_the_pre_commit_hook_runs_adr_check_once_on_markdown_changes():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["adr-check"]
    hook = hooks[0]
    assert (hook["language"], hook["pass_filenames"]) == ("python", False)
    program, *argv = hook["entry"].split()
    scripts = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'\n{program} = "adrsite.cli:main"\n' in scripts
    assert build_parser().parse_args(argv).command is cmd_check
    files = re.compile(hook["files"])
    assert [bool(files.search(p)) for p in ["adr/0001-x.md", "README.markdown", "x.py"]] == [
        True,
        True,
        False,
    ]


# --- the database: export, API, options -------------------------------------------------


@pytest.fixture
def indexed(tmp_path, capsys, db):
    log = review_log(Repo(tmp_path / "reviewed"))
    code, _, err = run(
        capsys,
        "index", str(log.repo.path), "--name", "demo", "--review-max-age", "36500",
        "--web-url", "https://github.com/org/repo/blob/{commit}/{path}",
    )  # fmt: skip
    assert (code, err) == (0, "")
    return log


def proposed(path: str, number: int, title: str) -> dict:
    return {
        "change": "added",
        "path": path,
        "number": number,
        "title": title,
        "status_before": None,
        "status_after": "proposed",
    }


def clash(label: str, path: str, other: str, other_path: str, more: str = "") -> str:
    fix = f"git fetch origin refs/pull/{other[1:]}/head && adr renumber --against FETCH_HEAD"
    verb = f"and {more} also add" if more else "also adds"
    return (
        f"{label} adds ADR 4 ({path}), which {other} ({other_path}) {verb}; "
        f"renumber it: {fix} {path}"
    )


def expected_reviews(log) -> dict:
    """The export contract's review document for tests/review_fixture.py's repository:
    newest activity first; #460 is stacked on #412 (the same file: no collision between
    them); one problem per review and number, however many others add it."""

    def review(label: str, author: str, day: int, changes: list, problems: list) -> dict:
        return {
            "ref": f"refs/pull/{label[1:]}/head",
            "label": label,
            "head": log.heads[label],
            "merge_base": log.base,
            "author": author.split(" <")[0],
            "date": f"2026-01-{day:02d}T09:00:00+00:00",
            "url": f"https://github.com/org/repo/pull/{label[1:]}",
            "changes": changes,
            "problems": problems,
        }

    graphql = (
        f"#430 adds ADR 3 ({GRAPHQL}), which main already has (adr/0003-use-rest.md); "
        f"renumber it: adr renumber --against origin/main {GRAPHQL}"
    )
    superseded = {
        "change": "changed",
        "path": POSTGRES,
        "number": 2,
        "title": "Use PostgreSQL",
        "status_before": "accepted",
        "status_after": "superseded",
    }
    return {
        "repository": "demo",
        "reviews": [
            review("#460", BOB, 9, [proposed(KAFKA, 4, "Use Kafka")], [
                clash("#460", KAFKA, "#415", REDIS)
            ]),
            review("#450", CAROL, 8, [proposed(SEVEN, 7, "Drop the cache")], []),
            review("#440", BOB, 7, [proposed(HTMX, 6, "Use htmx")], []),
            review("#430", CAROL, 6, [proposed(GRAPHQL, 3, "Use GraphQL")], [graphql]),
            review("#420", BOB, 5, [
                superseded, proposed(REPLACE, 5, "Replace PostgreSQL with CockroachDB")
            ], []),
            review("#415", CAROL, 4, [proposed(REDIS, 4, "Use Redis")], [
                clash("#415", REDIS, "#460", KAFKA, more="1 more")  # #412: #460's file
            ]),
            review("#412", BOB, 3, [proposed(KAFKA, 4, "Use Kafka")], [
                clash("#412", KAFKA, "#415", REDIS)
            ]),
        ],
    }  # fmt: skip


@pytest.mark.also_postgres
def test_adr_export_review_prints_the_review_document(indexed, capsys):
    code, out, err = run(capsys, "export", "--review")
    assert (code, json.loads(out), err) == (0, expected_reviews(indexed), "")
    assert run(capsys, "export", "--review", "--repository", "demo")[1] == out


def test_adr_export_review_asks_which_repository_as_adr_export_does(indexed, capsys, tmp_path):
    other = Repo(tmp_path / "other")
    other.write("adr/0001-use-x.md", adr("Use X"))
    other.commit("X")
    assert run(capsys, "index", str(other.path), "--name", "other")[0] == 0
    assert run(capsys, "export", "--review") == (
        1,
        "",
        "adr: several repositories are indexed; pass --repository (demo, other)\n",
    )
    assert run(capsys, "export", "--review", "--repository", "nope") == (
        1,
        "",
        "adr: no repository named 'nope' is indexed (run 'adr index')\n",
    )
    code, out, _ = run(capsys, "export", "--review", "--repository", "other")
    assert (code, json.loads(out)) == (0, {"repository": "other", "reviews": []})


@pytest.mark.also_postgres
def test_api_reviews_gives_the_same_document_to_those_who_may_read_it(indexed, capsys, settings):
    client = Client()
    assert client.get("/api/reviews").json() == expected_reviews(indexed)
    assert client.get("/api/reviews?repository=demo").json() == expected_reviews(indexed)
    missing = client.get("/api/reviews?repository=nope")
    assert (missing.status_code, missing.json()) == (
        404,
        {"error": "no such repository", "repositories": ["demo"]},
    )
    repository_restrict(name="demo", groups=["team-a"])
    settings.ADRSITE_LOGIN_REQUIRED = True
    outsider = Client()
    outsider.force_login(User.objects.create_user("bob"))
    hidden = outsider.get("/api/reviews?repository=demo")
    assert (hidden.status_code, hidden.json()) == (
        404,
        {"error": "no such repository", "repositories": []},
    )
    member = User.objects.create_user("alice")
    member.groups.add(Group.objects.get(name="team-a"))
    insider = Client()
    insider.force_login(member)
    assert insider.get("/api/reviews").json() == expected_reviews(indexed)
    assert Client().get("/api/reviews").status_code == 401
    assert insider.post("/api/reviews").status_code == 405


def test_adr_index_sets_the_review_refs_and_age_and_keeps_them_when_not_given(tmp_path, capsys, db):
    repo = Repo(tmp_path / "local")
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("X")
    repo.git("checkout", "-q", "-b", "try-y")
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    repo.commit("Y")
    repo.git("checkout", "-q", "main")
    where = str(repo.path)
    options = ["--review-refs", "refs/heads/*", "--review-refs", "refs/pull/*/head"]
    code, out, _ = run(
        capsys, "index", where, "--name", "demo", *options, "--review-max-age", "9999"
    )
    assert (code, out.split(", ")[-2]) == (0, "1 in review")
    demo = Repository.objects.get(name="demo")
    assert (demo.review_refs, demo.review_max_age) == (["refs/heads/*", "refs/pull/*/head"], 9999)
    _, out, _ = run(capsys, "export", "--review")
    assert [(r["ref"], r["label"]) for r in json.loads(out)["reviews"]] == [
        ("refs/heads/try-y", "try-y")
    ]
    assert run(capsys, "index", where, "--name", "demo")[0] == 0
    demo.refresh_from_db()
    assert (demo.review_refs, demo.review_max_age) == (["refs/heads/*", "refs/pull/*/head"], 9999)
    assert run(capsys, "index", where, "--name", "demo", "--review-max-age", "30")[0] == 0
    demo.refresh_from_db()
    assert (demo.review_refs, demo.review_max_age) == (["refs/heads/*", "refs/pull/*/head"], 30)


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (
            ["--review-refs", "heads/*"],
            "'heads/*': a review ref pattern starts with refs/ (e.g. 'refs/heads/*')",
        ),
        (
            ["--review-refs", "refs/heads/*", "--review-refs", "refs/*/*"],
            "'refs/*/*': one '*' (as in 'refs/heads/*'), and no ':' (it is fetched as a refspec)",
        ),
        (
            ["--review-refs", "refs/heads/a b\x1b"],
            "'refs/heads/a b\\x1b': a review ref pattern holds no spaces or control characters",
        ),
        (["--review-max-age", "0"], "review max age 0: 1 to 36500 days"),
        (["--review-max-age", "99999"], "review max age 99999: 1 to 36500 days"),
    ],
)
def test_a_bad_review_option_is_refused_before_anything_is_indexed(
    tmp_path, capsys, db, options, error
):
    repo = Repo(tmp_path / "local")
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("X")
    assert run(capsys, "index", str(repo.path), "--name", "demo", *options) == (
        1,
        "",
        f"adr: {error}\n",
    )
    assert not Repository.objects.exists()


TOKEN = "ghp_s3cr3t-token-never-shown"


@pytest.fixture
def hosted(tmp_path, settings, db) -> Repo:
    settings.ADRSITE_DATA_DIR = tmp_path / "data"
    repo = Repo(tmp_path / "upstream")
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("X")
    repo.git("checkout", "-q", "-b", "try-y")
    repo.write("adr/0002-use-y.md", adr("Use Y"))
    repo.commit("Y")
    repo.git("checkout", "-q", "main")
    return repo


def test_adr_repo_add_keeps_the_review_settings_and_the_token_from_the_environment(
    hosted, capsys, monkeypatch
):
    monkeypatch.setenv("ADR_TEST_TOKEN", f" {TOKEN}\n")
    seen = []
    for argv in [
        [
            *("repo", "add", "demo", str(hosted.path), "--review-refs", "refs/heads/*"),
            *("--review-max-age", "36500", "--host-api", "http://127.0.0.1:9/api"),
            *("--host-token-env", "ADR_TEST_TOKEN"),
        ],
        ["repo", "list"],
        ["repo", "sync"],
        ["export"],
        ["export", "--review"],
    ]:
        code, out, err = run(capsys, *argv)
        assert code == 0, err
        seen += [out, err]
    demo = Repository.objects.get(name="demo")
    assert (demo.review_refs, demo.review_max_age) == (["refs/heads/*"], 36500)
    assert (demo.host_api, demo.host_token) == ("http://127.0.0.1:9/api", TOKEN)
    assert [r["label"] for r in json.loads(seen[-2])["reviews"]] == ["try-y"]
    seen += [Client().get(url).content.decode() for url in ["/api/reviews", "/api/decisions"]]
    assert not [text for text in seen if TOKEN in text or "s3cr3t" in text]


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (
            ["--host-token-env", "ADR_TEST_UNSET"],
            "--host-token-env: no environment variable of that name is set",
        ),
        (
            ["--host-api", "ftp://host/api"],
            "--host-api 'ftp://host/api': the host's API is an https:// URL",
        ),
        (
            ["--host-api", "http://api.example.com/repos/o/r"],
            "--host-api 'http://api.example.com/repos/o/r': the token would travel unencrypted; "
            "use https:// (plain http only to 127.0.0.1, ::1 or localhost)",
        ),
        (
            ["--review-refs", "refs/heads/x:y"],
            "'refs/heads/x:y': one '*' (as in 'refs/heads/*'), "
            "and no ':' (it is fetched as a refspec)",
        ),
    ],
)
def test_adr_repo_add_refuses_a_bad_review_option_and_adds_nothing(
    hosted, capsys, monkeypatch, options, error
):
    monkeypatch.delenv("ADR_TEST_UNSET", raising=False)
    argv = ["repo", "add", "demo", str(hosted.path), *options]
    assert run(capsys, *argv) == (1, "", f"adr: {error}\n")
    assert not Repository.objects.exists()


def test_no_option_takes_the_token_itself(capsys, monkeypatch):
    """Not even an abbreviation of --host-token-env; and a token given as the variable's
    name is not repeated in the error."""
    with pytest.raises(SystemExit) as exit:
        main(["repo", "add", "demo", "x", "--host-token", TOKEN])
    assert exit.value.code == 2
    capsys.readouterr()
    monkeypatch.delenv(TOKEN, raising=False)
    assert main(["repo", "add", "demo", "x", "--host-token-env", TOKEN]) == 1
    out, err = capsys.readouterr()
    assert (out, err) == (
        "",
        "adr: --host-token-env: no environment variable of that name is set\n",
    )


def test_a_file_name_of_any_bytes_is_shown_never_a_traceback(repo, capsys, monkeypatch):
    repo.write("adr/0001-use-x.md", adr("Use X"))
    repo.commit("X")
    repo.git("checkout", "-q", "-b", "feature")
    repo.stage(
        "adr/0002-\udcff\nname.md", adr("Bad \udcff name \x1b[31m").encode(errors="surrogateescape")
    )
    repo.commit("bytes", add=False)
    monkeypatch.chdir(repo.path)
    assert run(capsys, "review")[1].splitlines()[-1] == (
        "- new: 0002\\-\ufffd\\\\x0aname\\.md Bad \ufffd name \\\\x1b\\[31m "
        "(`adr/0002-\ufffd\\x0aname.md`)"
    )
    code, out, _ = run(capsys, "review", "--format", "json")
    assert (code, json.loads(out)["changes"][0]["path"]) == (0, "adr/0002-\ufffd\nname.md")

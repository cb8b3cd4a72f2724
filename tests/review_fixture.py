"""A repository with a tracked branch and open work, as hosts keep it (ADR 37).

main holds ADRs 1-3. Pull request refs are written with `git update-ref`, as a
mirror fetches them from GitHub:

- #412 adds ADR 4 "Use Kafka"; #415 adds ADR 4 "Use Redis": a collision;
- #420 supersedes ADR 2: adds ADR 5 and marks 2 superseded;
- #430 adds ADR 3 "Use GraphQL", a number main already has;
- #440 adds ADR 6 "Use htmx" (the test merges it);
- #450 adds ADR 7 (the test deletes its ref);
- #460 is #412's branch with one more commit on top (a stacked pull request):
  ADR 4 "Use Kafka", the same file, is no collision with #412.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.gitrepo import Repo, adr

KAFKA = "adr/0004-use-kafka.md"
REDIS = "adr/0004-use-redis.md"
GRAPHQL = "adr/0003-use-graphql.md"
POSTGRES = "adr/0002-use-postgresql.md"
REPLACE = "adr/0005-replace-postgresql-with-cockroachdb.md"
HTMX = "adr/0006-use-htmx.md"
SEVEN = "adr/0007-drop-the-cache.md"

BOB = "Bob Builder <bob@example.com>"
CAROL = "Carol Reviewer <carol@example.com>"


@dataclass
class ReviewLog:
    repo: Repo
    base: str  # main's tip when the branches were made
    heads: dict[str, str]  # label -> head commit


def review_log(repo: Repo) -> ReviewLog:
    repo.write("adr/0001-record-architecture-decisions.md", adr("Record architecture decisions"))
    repo.write(POSTGRES, adr("Use PostgreSQL", "accepted"))
    repo.write("adr/0003-use-rest.md", adr("Use REST", "accepted"))
    base = repo.commit("Three decisions")
    heads = {
        "#412": _branch(repo, base, 412, [(KAFKA, adr("Use Kafka"))], BOB),
        "#415": _branch(repo, base, 415, [(REDIS, adr("Use Redis"))], CAROL),
        "#420": _branch(
            repo,
            base,
            420,
            [
                (REPLACE, adr("Replace PostgreSQL with CockroachDB", body="Supersedes ADR 2.")),
                (POSTGRES, adr("Use PostgreSQL", "superseded")),
            ],
            BOB,
        ),
        "#430": _branch(repo, base, 430, [(GRAPHQL, adr("Use GraphQL"))], CAROL),
        "#440": _branch(repo, base, 440, [(HTMX, adr("Use htmx"))], BOB),
        "#450": _branch(repo, base, 450, [(SEVEN, adr("Drop the cache"))], CAROL),
    }
    repo.git("checkout", "-q", "-B", "stacked", heads["#412"])
    repo.write("src/queue.py", "QUEUE = 'kafka'\n")
    heads["#460"] = repo.commit("Wire Kafka in", author=BOB)
    repo.git("update-ref", "refs/pull/460/head", heads["#460"])
    repo.git("checkout", "-q", "main")
    repo.git("branch", "-q", "-D", "stacked")
    return ReviewLog(repo, base, heads)


def _branch(repo: Repo, base: str, number: int, files: list[tuple[str, str]], author: str) -> str:
    """Commit `files` on a branch from `base`, as pull request `number`'s head; back to main."""
    repo.git("checkout", "-q", "-B", f"pr-{number}", base)
    for path, text in files:
        repo.write(path, text)
    head = repo.commit(f"Propose {path.rsplit('/', 1)[-1]}", author=author)
    repo.git("update-ref", f"refs/pull/{number}/head", head)
    repo.git("checkout", "-q", "main")
    repo.git("branch", "-q", "-D", f"pr-{number}")
    return head

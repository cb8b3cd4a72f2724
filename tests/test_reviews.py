"""Indexing the decisions in review (ADR 37): what each open ref proposes, stored exactly;
collisions; merges of every kind; refs pushed again, deleted, untouched; and a git
failure that keeps what was indexed. The host's API, mirrors, branch patterns and
hostile input: tests/test_reviews_refs.py."""

from __future__ import annotations

import pytest
from django.utils import timezone

from adrsite.decisions.indexing import repository_index
from adrsite.decisions.models import Repository, Review, ReviewRef
from adrsite.decisions.queries import open_reviews as open_work
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
from tests.review_index import changes, day, facts, index, merged_reviews, open_reviews

pytestmark = [pytest.mark.django_db]

ALL = ["#412", "#415", "#420", "#430", "#440", "#450", "#460"]


@pytest.mark.also_postgres
def test_each_open_ref_is_stored_with_its_proposer_dates_and_changes(repo):
    log = review_log(repo)
    result = index(repo)

    assert (result.reviews, result.reviews_error) == (7, "")
    assert "7 in review" in result.summary()
    found = open_reviews()
    assert list(found) == ALL
    base, heads = log.base, log.heads
    bob, carol = ("Bob Builder", "bob@example.com"), ("Carol Reviewer", "carol@example.com")
    proposed = {
        "#412": (*bob, day(2), day(2)),
        "#415": (*carol, day(3), day(3)),
        "#420": (*bob, day(4), day(4)),
        "#430": (*carol, day(5), day(5)),
        "#440": (*bob, day(6), day(6)),
        "#450": (*carol, day(7), day(7)),
        # stacked on #412: proposed by #412's commit, last active with its own
        "#460": (*bob, day(2), day(8)),
    }
    assert {label: facts(r) for label, r in found.items()} == {
        label: (f"refs/pull/{label[1:]}/head", heads[label], base, *who)
        for label, who in proposed.items()
    }
    assert {label: changes(r) for label, r in found.items()} == {
        "#412": [("added", KAFKA, "", 4, "Use Kafka", "", "proposed", None)],
        "#415": [("added", REDIS, "", 4, "Use Redis", "", "proposed", None)],
        "#420": [
            (
                "changed",
                POSTGRES,
                POSTGRES,
                2,
                "Use PostgreSQL",
                "accepted",
                "superseded",
                POSTGRES,
            ),
            ("added", REPLACE, "", 5, "Replace PostgreSQL with CockroachDB", "", "proposed", None),
        ],
        "#430": [("added", GRAPHQL, "", 3, "Use GraphQL", "", "proposed", None)],
        "#440": [("added", HTMX, "", 6, "Use htmx", "", "proposed", None)],
        "#450": [("added", SEVEN, "", 7, "Drop the cache", "", "proposed", None)],
        "#460": [("added", KAFKA, "", 4, "Use Kafka", "", "proposed", None)],
    }
    review = found["#420"]
    assert (review.tip, review.merged_commit, review.merged_at) == (
        repo.git("rev-parse", "main"),
        "",
        None,
    )
    kafka = found["#412"].changes.get()
    assert kafka.content == adr("Use Kafka")
    assert (kafka.blob_before, kafka.blob_after) == (
        "",
        repo.git("rev-parse", f"{log.heads['#412']}:{KAFKA}"),
    )


@pytest.mark.also_postgres
def test_collisions_are_listed_on_both_refs_with_the_command_that_fixes_each(repo):
    review_log(repo)
    index(repo, branch="main")
    work = open_work(repository=Repository.objects.get())
    by_label = {r.label: r for r in work.reviews}

    def listed(label: str) -> list[tuple[int, str, str]]:
        return [(c.number, c.mine.label, c.mine.fix) for c in work.collisions_of(by_label[label])]

    fetch = "git fetch origin refs/pull/{0}/head && adr renumber --against FETCH_HEAD {1}"
    # One collision per number: ADR 3 (#430 and main), ADR 4 (#412, #415, and #460,
    # stacked on #412: its file, no collision with it, but one with #415).
    assert [(c.number, [r.label for r in c.refs], c.tracked_paths) for c in work.collisions] == [
        (3, ["#430"], ("adr/0003-use-rest.md",)),
        (4, ["#460", "#415", "#412"], ()),
    ]
    assert listed("#412") == [(4, "#412", fetch.format(415, KAFKA))]
    assert listed("#415") == [(4, "#415", fetch.format(460, REDIS))]
    assert listed("#430") == [(3, "#430", f"adr renumber --against origin/main {GRAPHQL}")]
    assert work.collisions_of(by_label["#430"])[0].message == (
        f"#430 adds ADR 3 ({GRAPHQL}), which main already has (adr/0003-use-rest.md); "
        f"renumber it: adr renumber --against origin/main {GRAPHQL}"
    )
    for quiet in ("#420", "#440", "#450"):
        assert listed(quiet) == []


@pytest.mark.also_postgres
def test_a_merge_commit_records_the_review_merged_in_it(repo):
    log = review_log(repo)
    index(repo)
    repo.day += 1  # the merge's date
    repo.git("merge", "-q", "--no-ff", "-m", "Merge #440", log.heads["#440"])
    merge = repo.git("rev-parse", "HEAD")

    result = index(repo)

    assert result.reviews == 6
    assert "#440" not in open_reviews()
    merged = merged_reviews()["#440"]
    assert (merged.merged_commit, merged.merged_at) == (merge, day(9))
    assert (merged.proposed_at, merged.author) == (day(6), "Bob Builder")
    # once merged, its change points at the decision it became
    assert changes(merged) == [("added", HTMX, "", 6, "Use htmx", "", "proposed", HTMX)]
    assert index(repo).reviews == 6  # the ref stays on the host: not read again, not reopened
    assert Review.objects.filter(ref="refs/pull/440/head").count() == 1


def test_a_fast_forward_records_the_head_itself_as_the_merge(repo):
    log = review_log(repo)
    index(repo)
    repo.git("merge", "-q", "--ff-only", log.heads["#440"])

    assert index(repo).reviews == 6
    merged = merged_reviews()["#440"]
    assert (merged.merged_commit, merged.merged_at) == (log.heads["#440"], day(6))


def test_a_fast_forward_then_more_commits_still_names_the_head(repo):
    log = review_log(repo)
    index(repo)
    repo.git("merge", "-q", "--ff-only", log.heads["#440"])
    repo.write("README.md", "later\n")
    repo.commit("Later")

    index(repo)
    assert merged_reviews()["#440"].merged_commit == log.heads["#440"]


def squash(repo: Repo, head: str, message: str) -> str:
    repo.git("merge", "-q", "--squash", head)
    return repo.commit(message)


@pytest.mark.also_postgres
def test_a_squash_merge_is_found_by_path_and_blob(repo):
    log = review_log(repo)
    index(repo)
    squashed = squash(repo, log.heads["#420"], "Replace PostgreSQL (#420)")

    assert index(repo).reviews == 6
    merged = merged_reviews()["#420"]
    assert (merged.merged_commit, merged.merged_at) == (squashed, day(9))
    assert [c[-1] for c in changes(merged)] == [POSTGRES, REPLACE]


def test_a_rebase_merge_is_found_though_the_head_is_unreachable(repo):
    log = review_log(repo)
    index(repo)
    repo.write("README.md", "main moved on\n")
    repo.commit("Meanwhile")
    repo.git("cherry-pick", log.heads["#412"])  # rebased onto main: a new commit
    rebased = repo.git("rev-parse", "HEAD")
    assert rebased != log.heads["#412"]

    index(repo)
    merged = merged_reviews()
    # #460, stacked on #412, holds the same file, now on main: it has nothing to show,
    # but it did not merge (its own commit is still to come)
    assert list(merged) == ["#412"]
    assert merged["#412"].merged_commit == rebased
    assert "#412" not in open_reviews()
    assert "#460" not in open_reviews()
    assert "#415" in open_reviews()


def test_the_same_number_with_other_content_on_main_is_no_merge(repo):
    review_log(repo)
    index(repo)
    repo.write(HTMX, adr("Use htmx", "accepted"))  # main took the number, other text
    repo.commit("Accept htmx")

    index(repo)
    assert "#440" in open_reviews()
    assert merged_reviews() == {}


def test_a_ref_pushed_again_is_read_again(repo):
    log = review_log(repo)
    index(repo)
    repo.git("checkout", "-q", log.heads["#415"])
    repo.write(REDIS, adr("Use Redis", "accepted", "Faster."))
    repo.write(SEVEN.replace("0007", "0008"), adr("Use Valkey"))
    again = repo.commit("Address review", author=BOB)
    repo.git("update-ref", "refs/pull/415/head", again)
    repo.git("checkout", "-q", "main")

    index(repo)
    review = open_reviews()["#415"]
    assert facts(review) == (
        "refs/pull/415/head",
        again,
        log.base,
        "Carol Reviewer",
        "carol@example.com",
        day(3),
        day(9),
    )
    assert changes(review) == [
        ("added", REDIS, "", 4, "Use Redis", "", "accepted", None),
        ("added", "adr/0008-drop-the-cache.md", "", 8, "Use Valkey", "", "proposed", None),
    ]
    assert review.changes.get(path=REDIS).content == adr("Use Redis", "accepted", "Faster.")
    assert Review.objects.filter(ref="refs/pull/415/head").count() == 1


def test_a_deleted_ref_disappears(repo):
    review_log(repo)
    index(repo)
    repo.git("update-ref", "-d", "refs/pull/450/head")

    assert index(repo).reviews == 6
    assert "#450" not in open_reviews()
    assert not Review.objects.filter(label="#450").exists()


def of_reviews(started: list[str]) -> list[str]:
    """The git processes the review refresh started: from its first `for-each-ref` on
    (the tracked index before it runs its own `merge-base --is-ancestor`)."""
    return started[started.index("for-each-ref") :]


def test_refs_and_tip_that_did_not_move_cost_no_merge_base_nor_diff(repo, git_processes):
    review_log(repo)
    index(repo)
    before = {r.pk: r.tip for r in Review.objects.all()}
    git_processes.clear()

    assert index(repo).reviews == 7
    # The list of refs, and nothing more: which are merged is asked only when one moved.
    assert of_reviews(git_processes) == ["for-each-ref"]
    assert {r.pk: r.tip for r in Review.objects.all()} == before  # the same rows, untouched


def test_one_ref_pushed_again_costs_one_walk_to_its_merge_base(repo, git_processes):
    log = review_log(repo)
    index(repo)
    repo.git("checkout", "-q", log.heads["#430"])
    repo.write(GRAPHQL, adr("Use GraphQL", body="Again."))
    repo.git("update-ref", "refs/pull/430/head", repo.commit("Again", author=CAROL))
    repo.git("checkout", "-q", "main")
    git_processes.clear()

    index(repo)
    started = of_reviews(git_processes)
    # the merged refs; where it parted (one rev-list for every moved ref); its diff
    assert (started.count("for-each-ref"), started.count("diff-tree")) == (2, 1)
    assert "merge-base" not in started
    assert started.count("rev-list") == 2  # where it parted; who proposed it


def test_the_tip_moving_checks_every_ref_again(repo, git_processes):
    log = review_log(repo)
    index(repo)
    repo.write("README.md", "unrelated\n")
    tip = repo.commit("Unrelated")
    git_processes.clear()

    assert index(repo).reviews == 7
    started = of_reviews(git_processes)
    # every ref's merge base, from one rev-list of what the refs have and the tip lacks
    assert (started.count("rev-list"), started.count("merge-base")) == (1, 0)
    assert "diff-tree" not in started  # no base moved: nothing to read again
    assert {r.tip for r in Review.objects.all()} == {tip}
    assert {r.merge_base for r in Review.objects.all()} == {log.base}


def test_a_ref_whose_merge_base_moved_is_read_against_the_new_base(repo):
    log = review_log(repo)
    index(repo)
    repo.git("merge", "-q", "--no-ff", "-m", "Merge #415", log.heads["#415"])
    main = repo.git("rev-parse", "HEAD")
    repo.git("checkout", "-q", log.heads["#430"])
    repo.git("merge", "-q", "--no-ff", "-m", "Update from main", main)  # #430 takes main in
    updated = repo.commit("Nothing new", author=CAROL)
    repo.git("update-ref", "refs/pull/430/head", updated)
    repo.git("checkout", "-q", "main")

    index(repo)
    review = open_reviews()["#430"]
    assert (review.head, review.merge_base) == (updated, main)
    assert changes(review) == [("added", GRAPHQL, "", 3, "Use GraphQL", "", "proposed", None)]


def test_a_git_failure_keeps_the_reviews_and_the_tracked_index(repo):
    review_log(repo)
    index(repo)
    stored = {r.label: (r.pk, r.head) for r in Review.objects.all()}
    repo.write("adr/0009-new-on-main.md", adr("New on main"))
    repo.commit("Main moves")
    # a ref at an object the repository lacks: `git for-each-ref` stops with an error
    (repo.path / ".git/refs/pull/999").mkdir()
    (repo.path / ".git/refs/pull/999/head").write_text("1" * 40 + "\n")

    result = index(repo)

    assert result.reviews_error.startswith("git for-each-ref")
    assert result.reviews == 7
    assert result.new_revisions == 1  # the tracked branch was indexed all the same
    assert {r.label: (r.pk, r.head) for r in Review.objects.all()} == stored


@pytest.mark.parametrize("how", ["merge", "squash"])
def test_a_branch_deleted_when_it_merges_is_recorded_merged_not_dropped(repo, how):
    """Hosts delete a pull request's branch as it merges: the ref is gone, the change is in."""
    log = review_log(repo)
    repo.git("checkout", "-q", "-b", "feature/queue", log.base)
    repo.write("adr/0008-use-a-queue.md", adr("Use a queue"))
    head = repo.commit("Propose a queue", author=BOB)
    repo.git("checkout", "-q", "main")
    index(repo, review_refs=["refs/heads/*"])
    assert open_reviews()["feature/queue"].head == head

    if how == "merge":
        repo.git("merge", "-q", "--no-ff", "-m", "Merge feature/queue", head)
        merged_in = repo.git("rev-parse", "HEAD")
    else:
        merged_in = squash(repo, head, "Use a queue (#8)")
    repo.git("branch", "-q", "-D", "feature/queue")
    index(repo)

    assert "feature/queue" not in open_reviews()
    assert merged_reviews()["feature/queue"].merged_commit == merged_in
    assert [c[-1] for c in changes(merged_reviews()["feature/queue"])] == [
        "adr/0008-use-a-queue.md"
    ]


def test_a_branch_deleted_unmerged_is_dropped(repo):
    log = review_log(repo)
    repo.git("checkout", "-q", "-b", "abandoned", log.base)
    repo.write("adr/0008-use-a-queue.md", adr("Use a queue"))
    repo.commit("Propose a queue", author=BOB)
    repo.git("checkout", "-q", "main")
    index(repo, review_refs=["refs/heads/*"])
    assert "abandoned" in open_reviews()

    repo.git("branch", "-q", "-D", "abandoned")
    index(repo)
    assert "abandoned" not in open_reviews()
    assert not Review.objects.filter(label="abandoned").exists()


@pytest.mark.also_postgres
@pytest.mark.parametrize("memory", ["kept", "lost"])
def test_a_squash_merged_ref_left_on_the_host_never_comes_back_open(repo, memory):
    """refs/pull/N/head stays after a squash merge. Once main changes that ADR again, the
    ref's changes are no longer all on the tip: it must not be read as open again (and
    collide with main), whether the refresh remembers it or only the merged review does."""
    log = review_log(repo)
    index(repo)
    squash(repo, log.heads["#420"], "Replace PostgreSQL (#420)")
    assert index(repo).reviews == 6
    if memory == "lost":
        ReviewRef.objects.all().delete()
    repo.write(POSTGRES, adr("Use PostgreSQL", "deprecated"))  # main moves on from it
    repo.commit("Deprecate PostgreSQL")

    assert index(repo).reviews == 6
    assert "#420" not in open_reviews()
    assert list(merged_reviews()) == ["#420"]
    assert Review.objects.filter(ref="refs/pull/420/head").count() == 1
    assert index(repo).reviews == 6


def test_refs_hidden_by_age_cost_nothing_when_nothing_moved(repo, git_processes):
    """Old refs stay on GitHub for ever: a hidden ref is remembered like a read one, so an
    index with nothing moved asks git for nothing but the list of refs."""
    review_log(repo)
    index(repo)
    index(repo, review_max_age=(timezone.now() - day(6)).days)  # hides #412 to #440
    assert list(open_reviews()) == ["#450", "#460"]
    git_processes.clear()

    assert index(repo).reviews == 2
    assert of_reviews(git_processes) == ["for-each-ref"]


@pytest.mark.also_postgres
def test_after_a_full_index_a_merged_change_links_to_the_decision_it_became_though_renamed(
    repo,
):
    log = review_log(repo)
    index(repo)
    repo.git("merge", "-q", "--no-ff", "-m", "Merge #440", log.heads["#440"])
    index(repo)
    renamed = "adr/0006-use-htmx-everywhere.md"
    repo.git("mv", HTMX, renamed)
    repo.commit("Rename htmx")
    index(repo)

    result = repository_index(repository=Repository.objects.get(), full=True)

    assert result.full
    assert [c[-1] for c in changes(merged_reviews()["#440"])] == [renamed]

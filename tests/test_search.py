"""Full-text search: one contract on SQLite (FTS5) and PostgreSQL, kept in step with the indexer."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import OperationalError, connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from adrsite.decisions.indexing import repository_index
from adrsite.decisions.models import Decision, Repository
from adrsite.decisions.queries import LogFilters, decision_log
from adrsite.decisions.search import (
    EXCERPT_CHARS,
    MARK_END,
    MARK_START,
    decisions_matching,
    search_words,
    snippet_html,
)
from tests.gitrepo import Repo, adr

pytestmark = [pytest.mark.django_db, pytest.mark.also_postgres]

POSTGRES_TITLE = "adr/0001-use-postgresql.md"
SQLITE_TITLE = "adr/0002-keep-the-embedded-database.md"
MARKDOWN = "adr/0003-write-decisions-in-markdown.md"


def index(repo: Repo, **options) -> None:
    repository, _ = Repository.objects.get_or_create(
        name="demo", defaults={"location": str(repo.path), "adr_dir": "adr"}
    )
    repository_index(repository=repository, **options)


def found(text: str, queryset=None) -> list[str]:
    """Paths of the current decisions matching `text`, best first."""
    queryset = Decision.objects.filter(deleted_commit="") if queryset is None else queryset
    results = decisions_matching(queryset, text).order_by("-search_rank", "path")
    return [decision.path for decision in results]


def snippet(text: str, path: str) -> str:
    return decisions_matching(Decision.objects.filter(path=path), text).get().search_snippet


@pytest.fixture
def corpus(repo: Repo) -> Repo:
    """Three decisions: PostgreSQL in one title, in another body, in neither."""
    repo.write(
        POSTGRES_TITLE,
        adr("Use PostgreSQL", "accepted", "Production runs on a managed server."),
    )
    repo.write(
        SQLITE_TITLE,
        adr(
            "Keep the embedded database",
            "proposed",
            "SQLite by default. PostgreSQL where a server exists; PostgreSQL for many writers.",
        ),
    )
    repo.write(
        MARKDOWN,
        adr("Write decisions in Markdown", "accepted", "Reviewers read each decision as a diff."),
    )
    repo.commit("Three decisions")
    index(repo)
    return repo


# Matching and ranking


def test_a_title_match_ranks_above_a_body_only_match(corpus):
    assert found("postgresql") == [POSTGRES_TITLE, SQLITE_TITLE]
    ranks = [d.search_rank for d in decisions_matching(Decision.objects.all(), "postgresql")]
    assert all(isinstance(rank, float) and rank > 0 for rank in ranks)


def test_every_word_must_match(corpus):
    assert found("postgresql sqlite") == [SQLITE_TITLE]
    assert found("postgresql markdown") == []


def test_the_last_word_matches_as_a_prefix_while_typing(corpus):
    assert found("postg") == [POSTGRES_TITLE, SQLITE_TITLE]
    assert found("sqlite postg") == [SQLITE_TITLE]
    assert found("postg sqlite") == []  # only the last word is a prefix


def test_a_last_word_of_one_or_two_letters_is_no_prefix(corpus):
    # "p" or "po" as prefixes would read most of the index on every keystroke.
    assert (found("p"), found("po"), found("pos")) == ([], [], [POSTGRES_TITLE, SQLITE_TITLE])
    assert found("sqlite po") == []


def test_search_ignores_case_and_matches_stems(corpus):
    assert found("POSTGRESQL Production") == [POSTGRES_TITLE]
    # the file says "Reviewers" and "diff": stems match, as a whole word or a prefix
    assert found("reviewer diffs") == [MARKDOWN]


def test_a_word_in_the_middle_of_another_does_not_match(corpus):
    assert found("gresql") == []


# Snippets


def test_the_snippet_marks_each_matched_word_in_the_body(corpus):
    text = snippet("sqlite postg", SQLITE_TITLE)
    assert f"{MARK_START}SQLite{MARK_END}" in text
    assert text.count(f"{MARK_START}PostgreSQL{MARK_END}") == 2
    assert "writers" in text


def test_the_snippet_is_the_title_when_only_the_title_matches(repo):
    repo.write("adr/0001-adopt-kubernetes.md", "---\ntitle: Adopt Kubernetes\n---\n\nShips pods.\n")
    repo.commit("Title in the front matter")
    index(repo)

    assert snippet("kubernetes", "adr/0001-adopt-kubernetes.md") == (
        f"Adopt {MARK_START}Kubernetes{MARK_END}"
    )


def test_snippet_html_escapes_the_text_and_marks_the_matches():
    text = f'<script>alert("x")</script> & {MARK_START}PostgreSQL{MARK_END} <b>'
    assert snippet_html(text) == (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <mark>PostgreSQL</mark> &lt;b&gt;"
    )


def test_snippet_html_drops_unpaired_markers():
    text = f"a{MARK_END} {MARK_START}b{MARK_END} {MARK_START}c"
    assert snippet_html(text) == "a <mark>b</mark> c"


def test_html_in_a_body_never_reaches_the_page_unescaped(repo):
    body = 'Tried <script>alert("boom")</script> before choosing PostgreSQL <img src=x>.'
    repo.write("adr/0001-use-postgresql.md", adr("Use PostgreSQL", body=body))
    repo.commit("Hostile body")
    index(repo)

    html = snippet_html(snippet("choosing postgresql", "adr/0001-use-postgresql.md"))

    # SQLite keeps the tags as text (escaped); PostgreSQL's headline drops them: never markup.
    assert "<script" not in html
    assert "<img" not in html
    assert "<mark>choosing</mark>" in html
    assert "<mark>PostgreSQL</mark>" in html


# Snippets from a bounded excerpt (issue 9: a page's cost must not grow with the largest body)

HUGE = 200_000  # characters in a huge body
# Filler words that match no query below, not even as a prefix.
FILLER = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. "


def filler(size: int) -> str:
    return (FILLER * (size // len(FILLER) + 1))[:size]


def huge_decisions(bodies: list[str]) -> None:
    """Decisions written straight to the table: indexing 10 MB of git blobs would take a while."""
    repository = Repository.objects.create(name="huge", location="/nowhere", adr_dir="adr")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    Decision.objects.bulk_create(
        Decision(
            repository=repository,
            path=f"adr/{number:04d}-huge.md",
            number=number,
            slug="huge",
            title=f"Huge decision {number}",
            status="accepted",
            body=body,
            created_commit="0" * 40,
            created_at=now,
            updated_commit="0" * 40,
            updated_at=now,
        )
        for number, body in enumerate(bodies, start=1)
    )


def test_a_word_only_past_the_excerpt_finds_the_decision_whose_snippet_is_its_title():
    huge_decisions([filler(HUGE) + " Finally, zebras."])

    assert found("zebra") == ["adr/0001-huge.md"]
    assert found("zebras lorem") == ["adr/0001-huge.md"]
    # The match lies past the excerpt: the title, nothing marked (no word of a 200 KB
    # body is quoted). "lorem" is in the excerpt: marked there, zebras is not.
    assert snippet("zebra", "adr/0001-huge.md") == "Huge decision 1"
    both = snippet("zebras lorem", "adr/0001-huge.md")
    assert f"{MARK_START}Lorem{MARK_END}" in both
    assert "zebra" not in both.lower()


def test_the_snippet_of_a_huge_body_quotes_the_matches_in_its_excerpt():
    body = f"We chose PostgreSQL. {filler(HUGE)} PostgreSQL again. " * 2
    huge_decisions([body])

    text = snippet("postgresql", "adr/0001-huge.md")

    # The one PostgreSQL in the excerpt, marked; the three further on are not quoted.
    assert f"{MARK_START}PostgreSQL{MARK_END}" in text
    assert text.count(MARK_START) == 1
    assert len(text) < 400  # about SNIPPET_WORDS words


def test_the_excerpt_is_the_bodys_first_excerpt_chars_characters_on_both_databases():
    """Pins EXCERPT_CHARS to what each database quotes (SQLite: migration 0005 stores it)."""
    inside = filler(EXCERPT_CHARS - 20) + " zebra "  # the word ends before the boundary
    outside = filler(EXCERPT_CHARS + 5) + " zebra "  # the word starts past it
    huge_decisions([inside + filler(1000), outside + filler(1000)])

    assert f"{MARK_START}zebra{MARK_END}" in snippet("zebra", "adr/0001-huge.md")
    assert snippet("zebra", "adr/0002-huge.md") == "Huge decision 2"


def test_a_search_page_reads_no_whole_body(client):
    huge_decisions([f"PostgreSQL {filler(5000)}"] * 3)

    with CaptureQueriesContext(connection) as queries:
        response = client.get("/?q=postgresql")

    assert response.status_code == 200
    assert response.content.count(b"<mark>PostgreSQL</mark>") == 3
    # SUBSTRING(body, 1, EXCERPT_CHARS) is PostgreSQL's excerpt; no query reads more.
    whole_body = re.compile(r'(?<!SUBSTRING\()"adr_decision"\."body"')
    assert [q["sql"] for q in queries.captured_queries if whole_body.search(q["sql"])] == []


GUARD_SECONDS = 20  # bounded snippets take well under a second here; the old ones, hours


@contextlib.contextmanager
def statement_time_limit(seconds: float) -> Iterator[None]:
    """Every statement in the block is stopped by the database after `seconds`: a hang
    guard on queries (a Python signal waits for SQLite's C code to return)."""
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(seconds * 1000)}")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET statement_timeout = 0")
        return
    # Called between SQLite's virtual machine steps: a row's snippet is one step, and a
    # row takes only a few dozen, so it is asked often enough to stop after the row.
    deadline = time.monotonic() + seconds
    connection.connection.set_progress_handler(lambda: time.monotonic() > deadline, 10)
    try:
        yield
    finally:
        connection.connection.set_progress_handler(None, 0)


def test_a_page_of_huge_bodies_full_of_matches_does_not_hang():
    """A page of 200 KB bodies in which every word matches: snippets over whole bodies cost
    FTS5 the square of each body's matches (hours for this page)."""
    huge_decisions([("a decision " * (HUGE // 11))] * 50)

    for text in ("decision", "a decision", "dec"):
        try:
            with statement_time_limit(GUARD_SECONDS):
                log = decision_log(filters=LogFilters(text=text))
        except OperationalError as error:  # SQLite: "interrupted"
            pytest.fail(f"{text!r}: a statement took over {GUARD_SECONDS} s: {error}")
        assert log.total == 50
        assert all(MARK_START in decision.search_snippet for decision in log.decisions)


# Whatever a user types


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"postgresql',
        "postgres*",
        "*",
        "NEAR(",
        "NEAR(postgresql sqlite, 2)",
        "a AND",
        "AND OR NOT",
        "-x",
        "-",
        "title:postgresql",
        ":",
        "'",
        "don't",
        "(((",
        "sqlite)",
        "& | ! <-> :* \\",
        "^postgresql",
        "{body}: sqlite",
        "%_",
        "\x00\x02\x03",
        "日本語 décision",
        "postgresql " * 100,
    ],
)
def test_any_text_is_words_never_syntax(corpus, text):
    results = decisions_matching(Decision.objects.all(), text)

    paths = [d.path for d in results.order_by("-search_rank")]
    counts = results.order_by().values("status").annotate(n=Count("id"))

    assert set(paths) <= {POSTGRES_TITLE, SQLITE_TITLE, MARKDOWN}
    assert results.count() == sum(row["n"] for row in counts) == len(paths)


def test_quotes_and_operators_around_words_are_dropped(corpus):
    assert found('"postgresql" -sqlite') == [SQLITE_TITLE]
    assert found("use: postgresql*") == [POSTGRES_TITLE]
    assert found("(sqlite) | !postgresql") == [SQLITE_TITLE]


def test_search_words_are_letters_and_digits():
    assert search_words(' "Use" PostgreSQL-15, NEAR(x_y) ') == [
        "use",
        "postgresql",
        "15",
        "near",
        "x",
        "y",
    ]


@pytest.mark.parametrize("text", ["", "   ", "\t\n", "?!", '"" ()', "*"])
def test_text_without_words_is_no_search(corpus, text):
    results = decisions_matching(Decision.objects.all(), text).order_by("-search_rank", "path")
    assert [(d.path, d.search_rank, d.search_snippet) for d in results] == [
        (POSTGRES_TITLE, 0.0, ""),
        (SQLITE_TITLE, 0.0, ""),
        (MARKDOWN, 0.0, ""),
    ]


# Composing with the view's queries


def test_search_composes_with_filters_and_counts_per_status(corpus):
    matching = decisions_matching(Decision.objects.filter(deleted_commit=""), "postgresql")

    assert [d.path for d in matching.filter(status="accepted")] == [POSTGRES_TITLE]
    assert [d.path for d in matching.filter(status="proposed").order_by("-search_rank")] == [
        SQLITE_TITLE
    ]
    counts = matching.values("status").annotate(n=Count("id")).order_by("status")
    assert list(counts) == [{"status": "accepted", "n": 1}, {"status": "proposed", "n": 1}]
    assert matching.count() == 2


def test_search_composes_with_a_search_applied_to_a_subquery(corpus):
    matching = decisions_matching(Decision.objects.all(), "postgresql")
    outer = Decision.objects.filter(pk__in=matching.values("pk")).order_by("path")
    assert [d.path for d in outer] == [POSTGRES_TITLE, SQLITE_TITLE]
    best = matching.order_by("-search_rank").values("pk")[:1]
    assert [d.path for d in Decision.objects.filter(pk__in=best)] == [POSTGRES_TITLE]


def test_search_composes_with_the_decision_logs_query(corpus, django_assert_num_queries):
    """The log's shape: a tag filter first, then a page with its repository, tags, no body."""
    corpus.write(
        SQLITE_TITLE,
        adr("Keep the embedded database", "proposed", "SQLite first; PostgreSQL later.").replace(
            "status: proposed", "status: proposed\ntags: [storage]"
        ),
    )
    corpus.commit("Tag it")
    index(corpus)
    tagged = Decision.objects.filter(deleted_commit="", tags__name="storage")
    matching = decisions_matching(tagged, "postgresql")

    with django_assert_num_queries(3):
        counts = dict(matching.order_by().values_list("status").annotate(n=Count("id")))
        page = list(
            matching.select_related("repository")
            .prefetch_related("tags")
            .order_by("-search_rank", "path")
            .defer("body", "rule")[0:50]
        )
    assert counts == {"proposed": 1}
    assert [(d.path, d.repository.name, [t.name for t in d.tags.all()]) for d in page] == [
        (SQLITE_TITLE, "demo", ["storage"])
    ]
    assert f"{MARK_START}PostgreSQL{MARK_END}" in page[0].search_snippet


def test_a_page_of_results_with_snippets_is_one_query(repo, django_assert_num_queries):
    for number in range(1, 13):
        body = f"Option {number} also weighed PostgreSQL against SQLite."
        repo.write(f"adr/{number:04d}-option-{number}.md", adr(f"Option {number}", body=body))
    repo.commit("Twelve options")
    index(repo)
    matching = decisions_matching(Decision.objects.filter(deleted_commit=""), "weighed postg")

    for size in (5, 10):
        with django_assert_num_queries(1):
            page = list(matching.filter(status="proposed").order_by("-search_rank")[2 : 2 + size])
            html = [snippet_html(d.search_snippet) for d in page]
        assert len(page) == size
        assert all("<mark>PostgreSQL</mark>" in h for h in html)
    with django_assert_num_queries(1):
        assert matching.count() == 12


# Kept in step with the indexer


def test_an_edited_body_is_found_by_its_new_words_only(corpus):
    corpus.write(MARKDOWN, adr("Write decisions in Markdown", "accepted", "Rendered as HTML."))
    corpus.commit("Edit the body")
    index(corpus)

    assert found("reviewers") == []
    assert found("rendered") == [MARKDOWN]
    assert_search_index_in_step()
    assert f"{MARK_START}Rendered{MARK_END}" in snippet("rendered", MARKDOWN)


def test_a_renamed_title_is_found_by_its_new_title(corpus):
    corpus.write(POSTGRES_TITLE, adr("Use MariaDB", "accepted", "Production runs on a server."))
    corpus.commit("Change of mind")
    index(corpus)

    assert found("mariadb") == [POSTGRES_TITLE]
    assert found("postgresql") == [SQLITE_TITLE]
    assert_search_index_in_step()


def test_a_status_change_keeps_the_decision_found(corpus):
    corpus.write(MARKDOWN, adr("Write decisions in Markdown", "deprecated", "Reviewers read it."))
    corpus.commit("Deprecate")
    index(corpus)

    assert found("markdown") == [MARKDOWN]
    assert_search_index_in_step()


def test_a_deleted_decision_is_not_found_among_current_ones(corpus):
    (corpus.path / MARKDOWN).unlink()
    corpus.commit("Drop it")
    index(corpus)

    assert found("markdown") == []
    assert found("markdown", Decision.objects.all()) == [MARKDOWN]  # the caller filters deleted
    assert_search_index_in_step()


def test_a_full_reindex_leaves_one_entry_per_decision(corpus):
    index(corpus, full=True)
    index(corpus, full=True)

    assert found("postgresql") == [POSTGRES_TITLE, SQLITE_TITLE]
    assert_search_index_in_step()
    if connection.vendor == "sqlite":
        assert _fts_document_count() == Decision.objects.count() == 3
        Repository.objects.all().delete()
        assert _fts_document_count() == 0


# The migration


def test_the_search_structures_exist_after_every_migration():
    """A later migration that rebuilds adr_decision on SQLite drops its triggers: rerun 0002's."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                " AND tbl_name = 'adr_decision' AND name LIKE 'adr_decision_fts_%' ORDER BY name"
            )
            assert [row[0] for row in cursor.fetchall()] == [
                "adr_decision_fts_delete",
                "adr_decision_fts_insert",
                "adr_decision_fts_update",
            ]
        else:
            cursor.execute(
                "SELECT attgenerated FROM pg_attribute"
                " WHERE attrelid = 'adr_decision'::regclass AND attname = 'search_vector'"
            )
            assert cursor.fetchall() == [("s",)]  # generated, stored
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'adr_decision'")
            assert "adr_decision_search_idx" in {row[0] for row in cursor.fetchall()}


@pytest.mark.postgres_only
def test_postgresql_uses_the_index_for_the_search_query(corpus):
    with connection.cursor() as cursor:
        # A tiny table is cheaper to read whole, by a scan or by walking any other
        # index and filtering (what the planner picks once earlier tests have had
        # the table analysed): both are ruled out, so the plan shows whether the
        # search condition can use its index at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = decisions_matching(Decision.objects.all(), "sqlite postg").explain()
    assert "adr_decision_search_idx" in plan


@pytest.mark.django_db(transaction=True)
def test_the_migration_reverses_and_rebuilds_from_existing_rows(corpus):
    call_command("migrate", "decisions", "0001", verbosity=0)
    # Changed while search was away. Written straight to the table: the indexer of
    # today needs the repository columns of later migrations, gone with them.
    Decision.objects.filter(path=MARKDOWN).update(
        title="Write decisions in AsciiDoc", body="# Write decisions in AsciiDoc\n"
    )
    call_command("migrate", "decisions", verbosity=0)

    assert found("asciidoc") == [MARKDOWN]
    assert found("markdown") == []
    assert found("postgresql") == [POSTGRES_TITLE, SQLITE_TITLE]
    assert_search_index_in_step()


def assert_search_index_in_step() -> None:
    """SQLite: FTS5 checks its index against adr_decision itself (PostgreSQL's column is
    generated: in step by construction)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:  # raises "malformed" if they differ
            cursor.execute(
                "INSERT INTO adr_decision_fts(adr_decision_fts, rank) VALUES ('integrity-check', 1)"
            )


def _fts_document_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM adr_decision_fts_docsize")
        return cursor.fetchone()[0]

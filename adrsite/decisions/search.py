"""Full-text search over decisions' titles and bodies, ranked, with marked snippets (queries layer).

One contract on both databases (ADR 6), on structures migration 0002 keeps in
step with every write to `adr_decision`, so the indexer writes decisions as it
always has: on SQLite an FTS5 table maintained by triggers, on PostgreSQL a
stored, generated and GIN-indexed tsvector column. Both stem English words
(FTS5's porter tokenizer, PostgreSQL's 'english' configuration), ignore case,
and rank a match in the title above a match in the body only.

Matching and ranking read whole bodies; snippets read only a bounded excerpt,
the body's first EXCERPT_CHARS characters (ADR 25), so what a page of results
costs does not grow with the largest body that matches: making a snippet costs
each database time in the length of the text it quotes, and FTS5 more (it
weighs each match in the row against every other).

Text typed into a search box is never query syntax: it is cut into words
(letters and digits), every word must match, and the last one matches as a
prefix once it has three letters, so results follow the typing ("postg" finds
PostgreSQL; "po" only the word "po", not every word starting so).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    BooleanField,
    Case,
    Expression,
    F,
    FloatField,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, StrIndex, Substr
from django.db.models.lookups import GreaterThan
from django.db.models.sql.compiler import SQLCompiler
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from adrsite.decisions.models import Decision

# Control characters: never in Markdown a person writes, kept by both databases'
# tokenizers as separators, and left alone by HTML escaping.
MARK_START, MARK_END = "\x02", "\x03"

# Enough words to find the sentence a match sits in; both databases count words.
SNIPPET_WORDS = 24
# Snippets quote the body's first EXCERPT_CHARS characters only (ADR 25): most of an
# ordinary ADR, and a bound on what one row of results can cost on a hostile one.
# Migration 0005 stores excerpts of this length on SQLite: changing it takes a migration.
EXCERPT_CHARS = 2000
# Bounds the work one request can ask of the database; nobody types more.
MAX_WORDS = 16
# A prefix shorter than this ("a", "po") would expand to most of the index's words,
# each read in full: such a last word matches as a whole word instead (issue 9).
MIN_PREFIX = 3

# Letters and digits only: the characters both tokenizers keep inside a word.
# Underscores, apostrophes and hyphens split words there too, so "depends-on" is
# two words here as it is in the index.
_WORD = re.compile(r"[^\W_]+")
_MARKED = re.compile(f"{MARK_START}([^{MARK_START}{MARK_END}]*){MARK_END}")

# SQLite: the FTS5 table of migration 0002 (matching, ranking) and of 0005 (snippets:
# each decision's title and excerpt).
FTS_TABLE = "adr_decision_fts"
EXCERPT_TABLE = "adr_decision_excerpt_fts"
# bm25 weights, in the FTS5 table's column order (title, body): a title match counts ten times.
_BM25 = f"bm25({FTS_TABLE}, 10.0, 1.0)"

# PostgreSQL: the generated column of migration 0002 (title weighted A, body B, 'english'),
# and the configuration that queries and headlines must share with it.
PG_VECTOR_COLUMN = "search_vector"
PG_CONFIG = "english"


def decisions_matching(queryset: QuerySet[Decision], text: str) -> QuerySet[Decision]:
    """`queryset` narrowed to decisions whose title or body match `text`, annotated.

    `search_rank` is a float, higher for a better match, so `order_by("-search_rank")`
    puts the best first (no order is applied here). `search_snippet` is plain,
    unescaped text, with each word of `text` it holds between MARK_START and
    MARK_END (render it with `snippet_html`): about SNIPPET_WORDS words around the
    matches in the body's first EXCERPT_CHARS characters; else, when none of the
    words is there, the title, marked where it matches. So a decision that matches
    only further into its body shows its title, unmarked.

    Every word of `text` must match (AND), the last as a prefix. Text with no word
    in it (empty, blank, only punctuation) is no search: the queryset comes back
    unfiltered, with `search_rank` 0.0 and `search_snippet` "" on every row.
    The result is one query however it is filtered, counted, ordered or sliced.
    """
    words = search_words(text)
    if not words:
        return queryset.annotate(
            search_rank=Value(0.0, output_field=FloatField()),
            search_snippet=Value("", output_field=TextField()),
        )
    vendor = _vendor(queryset)
    if vendor == "postgresql":
        matching = _postgresql_matching(queryset, words)
    else:
        matching = _sqlite_matching(queryset, words)
    return matching.annotate(search_snippet=_snippet(vendor, words))


def with_search_snippets(queryset: QuerySet[Decision], text: str) -> QuerySet[Decision]:
    """`queryset` with the `search_snippet` of `decisions_matching`, neither filtered nor ranked.

    For a page of decisions already found: its query makes the page's snippets
    without matching every decision again. "" on every row when `text` has no word.
    """
    words = search_words(text)
    if not words:
        return queryset.annotate(search_snippet=Value("", output_field=TextField()))
    return queryset.annotate(search_snippet=_snippet(_vendor(queryset), words))


def _vendor(queryset: QuerySet[Decision]) -> str:
    vendor = connections[queryset.db].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"full-text search on {vendor} (ADR 6: SQLite, PostgreSQL)")
    return vendor


def _snippet(vendor: str, words: list[str]) -> Expression:
    """The snippet of the decision on each row, from the title and the body's excerpt only.

    Any of the words is marked, not only all of them together: the others may lie
    past the excerpt. Computed for the rows a query returns, and after sorting.
    """
    if vendor == "postgresql":
        return _postgresql_snippet(words)
    return Coalesce(
        _ExcerptTable(words, "excerpt"),
        _ExcerptTable(words, "title"),
        F("title"),  # no word in either: the match lies further into the body
        output_field=TextField(),
    )


def snippet_html(snippet: str) -> SafeString:
    """The snippet escaped for HTML, with the markers turned into <mark>…</mark>.

    Only a start marker followed by its end marker becomes an element, and any
    stray marker is dropped, so the HTML is balanced whatever the text holds.
    """
    marked = _MARKED.sub(r"<mark>\1</mark>", escape(snippet))
    return mark_safe(marked.replace(MARK_START, "").replace(MARK_END, ""))


def search_words(text: str) -> list[str]:
    """The words of what a user typed, lower-cased, in order: at most MAX_WORDS."""
    return [word.lower() for word in _WORD.findall(text)][:MAX_WORDS]


# SQLite: FTS5


def _sqlite_matching(queryset: QuerySet[Decision], words: list[str]) -> QuerySet[Decision]:
    # FTS5's auxiliary functions (bm25, snippet, highlight) only run on the row
    # the FTS5 table's own cursor is on, so the table must be in the query's FROM:
    # `extra(tables=...)` is the ORM's one way to join a table without a model. A
    # correlated subquery per decision instead redoes the MATCH for each row
    # (bm25's word counts, every prefix's merged index): seconds, not
    # milliseconds, for 10,000 matches. Everything else goes through expressions,
    # so filters, counts and nesting in a subquery relabel the decision side
    # correctly; the FTS5 table keeps its name even in a subquery (so one search
    # per SQL statement).
    return (
        queryset.extra(tables=[FTS_TABLE])
        .filter(pk=RawSQL(f"{FTS_TABLE}.rowid", []))
        .filter(RawSQL(f"{FTS_TABLE} MATCH %s", [_fts5_query(words)], BooleanField()))
        # bm25 is lower for a better match; negated, it sorts like ts_rank.
        .annotate(search_rank=RawSQL(f"-{_BM25}", [], FloatField()))
    )


class _OnTheDecision(Expression):
    """An expression of the row's decision, by its id: written against the id expression
    rather than the table's name, so it follows the queryset when Django relabels it (in
    a subquery, say). Subclasses write `as_sql` from `self.decision_id`."""

    def __init__(self, output_field: Any) -> None:
        super().__init__(output_field=output_field)
        self.decision_id: Any = F("pk")

    def get_source_expressions(self) -> list[Any]:
        return [self.decision_id]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.decision_id,) = exprs


class _ExcerptTable(_OnTheDecision):
    """SQLite: the decision's excerpt around the words ("excerpt"), or its title with them
    marked ("title"); NULL when that column holds none of them.

    Made by a query of migration 0005's table of titles and excerpts, by the
    decision's id: FTS5's snippet() weighs each match in its row against every
    other, in every column, so on the row of the search's own table it would cost
    the square of a body's matches (seconds for a 200 KB body of them). A column
    filter keeps the other column's matches out too. SQLite computes this after
    sorting, for the rows that reach the page's end (and a few the sort passed
    over), and the second of COALESCE's only when the first is NULL; the decision
    log asks it for a page of ids only.
    """

    def __init__(self, words: list[str], column: str) -> None:
        super().__init__(output_field=TextField())
        self.words = words
        self.column = column

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        decision_id, id_params = compiler.compile(self.decision_id)
        if self.column == "excerpt":
            marked = f"snippet({EXCERPT_TABLE}, 1, %s, %s, %s, %s)"
            params: tuple[Any, ...] = (MARK_START, MARK_END, "…", SNIPPET_WORDS)
        else:
            marked, params = f"highlight({EXCERPT_TABLE}, 0, %s, %s)", (MARK_START, MARK_END)
        sql = (
            f"(SELECT {marked} FROM {EXCERPT_TABLE} WHERE {EXCERPT_TABLE} MATCH %s"
            f" AND {EXCERPT_TABLE}.rowid = {decision_id})"
        )
        query = f"{{{self.column}}} : ({_fts5_query(self.words, 'OR')})"
        return sql, (*params, query, *id_params)


def _fts5_query(words: list[str], operator: str = "AND") -> str:
    """An FTS5 query: each word a quoted string, so nothing in it is syntax; the last a prefix
    (from MIN_PREFIX letters); the words joined by `operator`, AND or OR.

    Words hold letters and digits only, so a double quote (the one character that
    would need escaping inside an FTS5 string) cannot occur.
    """
    quoted = [f'"{word}"' for word in words]
    if len(words[-1]) >= MIN_PREFIX:
        quoted[-1] += "*"
    return f" {operator} ".join(quoted)


# PostgreSQL: full-text search


class _DecisionColumn(_OnTheDecision):
    """A column of adr_decision that the model does not declare, on the queryset's own alias."""

    def __init__(self, column: str, output_field: Any) -> None:
        super().__init__(output_field=output_field)
        self.column = column

    def as_sql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper
    ) -> tuple[str, tuple[Any, ...]]:
        alias = self.decision_id.alias  # as Col.as_sql: no alias where columns stand alone
        return ".".join(
            map(compiler.quote_name, (alias, self.column) if alias else (self.column,))
        ), ()


def _postgresql_matching(queryset: QuerySet[Decision], words: list[str]) -> QuerySet[Decision]:
    # Imported here: django.contrib.postgres needs psycopg, which SQLite installs lack.
    from django.contrib.postgres.search import SearchRank, SearchVectorExact, SearchVectorField

    # Migration 0002's stored, indexed tsvector: ts_rank reads it instead of parsing
    # every matching body again (seconds for 10,000 matches).
    vector = _DecisionColumn(PG_VECTOR_COLUMN, SearchVectorField())
    query = _tsquery(words, every=True)
    return queryset.filter(SearchVectorExact(vector, query)).annotate(
        search_rank=SearchRank(vector, query)
    )


def _postgresql_snippet(words: list[str]) -> Expression:
    from django.contrib.postgres.search import SearchHeadline

    marked = _tsquery(words, every=False)

    def headline(text: Any, **options: Any) -> SearchHeadline:
        return SearchHeadline(
            text, marked, config=PG_CONFIG, start_sel=MARK_START, stop_sel=MARK_END, **options
        )

    # substr, not left: it detoasts only the slice it needs of a long body.
    excerpt = Substr("body", 1, EXCERPT_CHARS)
    body = headline(excerpt, max_words=SNIPPET_WORDS, min_words=SNIPPET_WORDS // 2)
    # As on SQLite: the excerpt when it holds a word (it has a marker), else the title.
    # PostgreSQL puts off costly target expressions until after the sort, so headlines
    # are made for the rows up to the page's end, not every match.
    return Case(
        When(GreaterThan(StrIndex(body, Value(MARK_START)), 0), then=body),
        default=headline("title", highlight_all=True),
        output_field=TextField(),
    )


def _tsquery(words: list[str], *, every: bool) -> Any:
    """A tsquery of every word (AND) or any of them (OR), the last a prefix (from MIN_PREFIX)."""
    from django.contrib.postgres.search import CombinedLexeme, Lexeme, SearchQuery

    # Lexemes are quoted by Django, so nothing a user types is tsquery syntax.
    last = Lexeme(words[-1], prefix=len(words[-1]) >= MIN_PREFIX)
    lexemes = [Lexeme(word) for word in words[:-1]] + [last]
    combined: Lexeme | CombinedLexeme = lexemes[0]
    for lexeme in lexemes[1:]:
        combined = combined & lexeme if every else combined | lexeme
    return SearchQuery(combined, config=PG_CONFIG, search_type="raw")

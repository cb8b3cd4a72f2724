"""The indexer's raw row writers, and each value cut to its column.

`Lineages` (`lineages.py`) writes revisions and decisions by the thousand:
`_insert_revisions` and `_update_decisions` run one statement for every row
(executemany), `_insert_decisions` one a batch, `_set_tags` three queries. A
decision's row is copied from its record (`_copy_record`), and git's names,
titles and tags are cut to the columns' sizes (`column_length`, `_fitted`), as
PostgreSQL requires.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import date, datetime
from operator import attrgetter
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Field, Model
from django.db.models.constants import OnConflict

from adrsite.decisions.models import Decision, DecisionTag, Revision, Tag
from adrsite.history.git import Commit
from adrsite.records.dates import ambiguous_date
from adrsite.records.model import Record

BATCH = 500


_DECISION_FIELDS = [
    "path", "number", "slug", "title", "status", "status_text", "date", "deciders", "authors",
    "affects", "rule", "body", "summary", "words", "primary_tag", "onboarding", "onboarding_skip",
    "review_by", "created_commit", "created_at", "updated_commit", "updated_at",
    "deleted_commit",
]  # fmt: skip


# git takes a name, an email, a title or a tag of any length; PostgreSQL refuses a value
# longer than its column (SQLite keeps it whole), so each is cut to the column's size.
# Paths are never cut: two files would become one (`path_too_long`).
def column_length(model: type[Model], name: str) -> int:
    """The most characters `model`'s column `name` holds."""
    field = model._meta.get_field(name)
    length = field.max_length if isinstance(field, Field) else None
    if length is None:
        raise TypeError(f"{model.__name__}.{name} has no length limit")
    return length


_AUTHOR_LENGTH = column_length(Revision, "author")
_AUTHOR_EMAIL_LENGTH = column_length(Revision, "author_email")
_TAG_LENGTH = column_length(Tag, "name")
_TITLE_LENGTH = column_length(Decision, "title")
_STATUS_TEXT_LENGTH = column_length(Decision, "status_text")
_SLUG_LENGTH = column_length(Decision, "slug")


def _fitted(commit: Commit) -> Commit:
    """`commit` with its author's name and email cut to their columns' size: the one cut,
    so a decision's list of authors names each as its revisions do."""
    if len(commit.author) <= _AUTHOR_LENGTH and len(commit.author_email) <= _AUTHOR_EMAIL_LENGTH:
        return commit
    return dataclasses.replace(
        commit,
        author=commit.author[:_AUTHOR_LENGTH],
        author_email=commit.author_email[:_AUTHOR_EMAIL_LENGTH],
    )


class _RevisionRow(NamedTuple):
    """A revision waiting to be written: cheaper to build than a model instance, by the thousand."""

    decision: Decision  # may get its id only at the next flush
    commit: str
    author: str
    author_email: str
    authored_at: datetime
    message: str
    path: str
    status: str
    blob: str = ""
    content: str = ""
    deleted: bool = False

    @classmethod
    def of(cls, decision: Decision, commit: Commit, status: str, **file: Any) -> _RevisionRow:
        """The revision `commit` (`_fitted`) made of `decision`, at the path it has now."""
        return cls(
            decision, commit.sha, commit.author, commit.author_email, commit.authored_at,
            commit.message, decision.path, status, **file,
        )  # fmt: skip


def _insert_revisions(revisions: list[_RevisionRow]) -> None:
    """One INSERT statement run for every revision (executemany), skipping any already there.

    bulk_create spends most of its time building model instances and SQL, row
    by row; this is the indexer's hottest write (a row per decision per commit).
    """
    if not revisions:
        return  # SQLite's cursor reads the parameter style from the first row
    quote = connection.ops.quote_name
    ignore = OnConflict.IGNORE
    stored = [name for name in _RevisionRow._fields if name != "decision"]
    fields = _stored_fields(Revision, ["decision_id", *stored])
    # The columns and the values come from the same list of the row's field names, in
    # one order: a field added to or moved in _RevisionRow cannot land in another
    # column. Positional values, taken by one attrgetter: dicts cost the hottest write
    # a third more (ADR 18).
    sql = (
        f"{connection.ops.insert_statement(on_conflict=ignore)} {quote(Revision._meta.db_table)} "
        f"({', '.join(quote(_column(field)) for field in fields)}) "
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"{connection.ops.on_conflict_suffix_sql(fields, ignore, None, None) or ''}"
    )
    adapt = connection.ops.adapt_datetimefield_value  # the one value a driver may not take as is
    values = attrgetter(*stored)
    authored = stored.index("authored_at")
    rows = []
    for revision in revisions:
        row = list(values(revision))
        row[authored] = adapt(row[authored])
        rows.append((revision.decision.pk, *row))
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _insert_decisions(decisions: list[Decision]) -> None:
    """New decisions, a batch to an INSERT ... RETURNING, each given its id.

    bulk_create prepares every value through the query compiler: 0.3 s for the
    1,610 decisions of a moved history, most of it not SQLite's. As bulk_create
    does, this reads the ids back in the order the rows were given.
    """
    if not decisions:
        return  # no batch size to take, and nothing to write
    fields = _stored_fields(Decision, ["repository", *_DECISION_FIELDS])
    quote = connection.ops.quote_name
    head = (
        f"INSERT INTO {quote(Decision._meta.db_table)} "
        f"({', '.join(quote(_column(field)) for field in fields)}) VALUES "
    )
    returning = f" RETURNING {quote(_column(Decision._meta.pk))}"
    row = f"({', '.join(['%s'] * len(fields))})"
    size = min(BATCH, connection.ops.bulk_batch_size(fields, decisions))  # SQLite's limit
    with connection.cursor() as cursor:
        for at in range(0, len(decisions), size):
            batch = decisions[at : at + size]
            cursor.execute(
                head + ", ".join([row] * len(batch)) + returning,
                [
                    field.get_db_prep_save(getattr(decision, field.attname), connection)
                    for decision in batch
                    for field in fields
                ],
            )
            for decision, (pk,) in zip(batch, cursor.fetchall(), strict=True):
                decision.pk = pk
                decision._state.adding = False
                decision._state.db = connection.alias


def _update_decisions(decisions: list[Decision]) -> None:
    """One UPDATE statement run for every row (executemany).

    QuerySet.bulk_update would build a CASE expression per row and field:
    seconds for a thousand decisions, against milliseconds here. Each field
    prepares its own value, so JSON and dates adapt to SQLite and PostgreSQL.
    """
    fields = _stored_fields(Decision, _DECISION_FIELDS)
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(Decision._meta.db_table)} SET "
        + ", ".join(f"{quote(_column(field))} = %s" for field in fields)
        + f" WHERE {quote(_column(Decision._meta.pk))} = %s"
    )
    rows = [
        [field.get_db_prep_save(getattr(d, field.attname), connection) for field in fields] + [d.pk]
        for d in decisions
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _stored_fields(model: type[Model], names: Iterable[str]) -> list[Field[Any, Any]]:
    """`model`'s fields by name (or attname), each one stored in its table, never a relation's
    other end: the statements above write them by column."""
    fields = []
    for name in names:
        field = model._meta.get_field(name)
        if not isinstance(field, Field):
            raise TypeError(f"{model.__name__}.{name} is not stored in its table")
        fields.append(field)
    return fields


def _column(field: Field[Any, Any]) -> str:
    if field.column is None:
        raise TypeError(f"{field} has no column")
    return field.column


# What `_copy_record` sets from a file.
_RECORD_FIELDS = [
    "number", "slug", "title", "status", "status_text", "date", "deciders", "affects", "rule",
    "body", "summary", "words", "primary_tag", "onboarding", "onboarding_skip", "review_by",
]  # fmt: skip


def _differs(decision: Decision, record: Record) -> bool:
    """Whether `record` says something `decision` does not (tags aside: they cost a query)."""
    copied = Decision()
    _copy_record(copied, record)
    # An ambiguous day/month date is the folder's to read (`records_at_head`), not the file's.
    fields = [f for f in _RECORD_FIELDS if f != "date" or not ambiguous_date(record.date_text)]
    return any(getattr(copied, field) != getattr(decision, field) for field in fields)


def _copy_record(decision: Decision, record: Record) -> None:
    decision.number = record.number
    decision.slug = record.slug[:_SLUG_LENGTH]  # the path, not the slug, names a decision
    decision.title = record.title[:_TITLE_LENGTH]
    decision.status = record.status
    decision.status_text = record.status_text[:_STATUS_TEXT_LENGTH]
    decision.date = _date_of(record)
    decision.deciders = list(record.deciders)
    decision.affects = list(record.affects)
    decision.rule = record.rule
    decision.body = record.body
    decision.summary = record.summary
    decision.words = record.words
    decision.primary_tag = next(
        (tag.strip().lower()[:_TAG_LENGTH] for tag in record.tags if tag.strip()), ""
    )  # as _set_tags names it
    decision.onboarding = record.onboarding
    decision.onboarding_skip = record.onboarding_skip
    decision.review_by = date.fromisoformat(record.review_by) if record.review_by else None
    decision.deleted_commit = ""


def _date_of(record: Record) -> date | None:
    return date.fromisoformat(record.date) if record.date else None


def _set_tags(
    decisions: list[Decision], wanted: Iterable[tuple[Decision, tuple[str, ...]]]
) -> None:
    """Replace the tags of `decisions`: three queries, whatever their number."""
    names = {  # cut to the column's size, as the log's tag filter is (PostgreSQL checks it)
        decision.pk: {name.strip().lower()[:_TAG_LENGTH] for name in tags if name.strip()}
        for decision, tags in wanted
    }
    all_names = set().union(*names.values()) if names else set()
    Tag.objects.bulk_create([Tag(name=name) for name in all_names], ignore_conflicts=True)
    ids = dict(Tag.objects.filter(name__in=all_names).values_list("name", "pk"))
    ids_to_clear = [decision.pk for decision in decisions]
    for at in range(0, len(ids_to_clear), BATCH):  # SQLite limits a query's parameters
        DecisionTag.objects.filter(decision_id__in=ids_to_clear[at : at + BATCH]).delete()
    DecisionTag.objects.bulk_create(
        [
            DecisionTag(decision_id=pk, tag_id=ids[name])
            for pk, tags in names.items()
            for name in tags
        ],
        batch_size=BATCH,
    )

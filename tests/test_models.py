"""The index tables: explicit names (ADR 3), one status vocabulary, enforced constraints."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from adrsite.decisions.models import Decision, Link, LinkKind, Problem, Repository, Status
from adrsite.records.model import STATUSES
from adrsite.records.problems import ProblemCode, Severity
from adrsite.records.vocabulary import REVERSE_KIND

pytestmark = pytest.mark.also_postgres


def test_every_model_names_its_table_explicitly():
    models = list(apps.get_app_config("decisions").get_models(include_auto_created=False))
    unnamed = [m.__name__ for m in models if "db_table" not in m._meta.original_attrs]
    assert unnamed == []
    assert {m._meta.db_table for m in models} == {
        "adr_repository",
        "adr_tag",
        "adr_decision",
        "adr_decision_tag",
        "adr_revision",
        "adr_link",
        "adr_problem",
        "adr_check_result",
        "adr_repository_sync",
        "adr_scheduler_lease",
        "adr_webhook_delivery",
        "adr_review",
        "adr_proposed_change",
        "adr_review_ref",
    }


def test_the_database_and_the_pure_core_share_one_status_vocabulary():
    assert [s for s in Status.values if s] == list(STATUSES)


def test_every_forward_link_kind_of_the_core_can_be_stored():
    forward = {kind for kind, reverse in REVERSE_KIND.items() if not kind.endswith("-by")}
    forward -= {"required-by"}
    assert forward == set(LinkKind.values)


def make_decision(repository: Repository, path: str, **overrides) -> Decision:
    now = timezone.now()
    fields = {
        "repository": repository,
        "path": path,
        "slug": path.rsplit("/", 1)[-1].removesuffix(".md"),
        "title": path,
        "created_commit": "a" * 40,
        "created_at": now,
        "updated_commit": "a" * 40,
        "updated_at": now,
    }
    return Decision.objects.create(**(fields | overrides))


@pytest.fixture
def repository(db) -> Repository:
    return Repository.objects.create(name="adrsite", location="/tmp/adrsite")


def test_a_status_outside_the_vocabulary_is_refused(repository):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_decision(repository, "adr/0001-x.md", status="approved")


def test_two_current_decisions_cannot_share_a_path_but_a_deleted_one_can(repository):
    make_decision(repository, "adr/0001-x.md", deleted_commit="b" * 40)
    make_decision(repository, "adr/0001-x.md")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_decision(repository, "adr/0001-x.md")


def test_a_decision_cannot_link_to_itself(repository):
    decision = make_decision(repository, "adr/0001-x.md")
    with pytest.raises(IntegrityError), transaction.atomic():
        Link.objects.create(
            source=decision, target=decision, kind=LinkKind.AMENDS, declared_in=decision
        )


def test_a_problem_is_stored_only_with_a_severity_and_code_of_the_core(repository):
    def problem(severity: str, code: str) -> Problem:
        return Problem.objects.create(
            repository=repository, path="adr/x.md", severity=severity, code=code, message="m"
        )

    for code in ProblemCode:
        problem(Severity.WARNING, code)
    problem("error", "broken-link")
    with pytest.raises(IntegrityError), transaction.atomic():
        problem("fatal", "broken-link")
    with pytest.raises(IntegrityError), transaction.atomic():
        problem("error", "broken-links")
    assert Problem.objects.count() == len(ProblemCode) + 1


def test_a_decisions_revisions_are_found_through_its_one_index(repository):
    # adr_revision has one index (migration 0016): the unique (decision, commit), which
    # also serves every lookup of a decision's revisions. A second index on decision
    # alone cost a full index a write per revision and saved no read.
    decision = make_decision(repository, "adr/0001-x.md")
    with connection.cursor() as cursor:
        indexes = {
            name: details["columns"]
            for name, details in connection.introspection.get_constraints(
                cursor, "adr_revision"
            ).items()
            if (details["index"] or details["unique"]) and not details["primary_key"]
        }
        if connection.vendor == "postgresql":
            # A tiny table is cheaper to read whole: rule a scan out, so the plan shows
            # whether the lookup can use an index at all.
            cursor.execute("SET LOCAL enable_seqscan = off")
    assert list(indexes.values()) == [["decision_id", "commit"]]
    # The decision page's query (queries/decision.py: decision_page).
    plan = decision.revisions.defer("content").order_by("authored_at", "id").explain()
    if connection.vendor == "sqlite":
        assert (
            "SEARCH adr_revision USING INDEX sqlite_autoindex_adr_revision_1 (decision_id=?)"
            in plan
        )
    else:
        assert "adr_revision_unique_commit" in plan, plan

"""A push costs what it changed (ADR 29): an incremental run in a warm process reads only the
files that changed since the last run, and leaves exactly what a full index of the same
commit would store."""

from __future__ import annotations

import pytest

from adrsite.decisions import warm
from adrsite.decisions.indexing import repository_index
from adrsite.decisions.models import Decision, DecisionTag, Link, Problem, Repository, Revision
from adrsite.history.git import GitHistory
from adrsite.records.templates import ADR_TOOLS
from tests.gitrepo import Repo

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.also_postgres]


def madr(title: str, status: str = "accepted", *, date: str = "", extra: str = "") -> str:
    dated = f"date: {date}\n" if date else ""
    tags = f"tags: [Core, {title.split()[-1]}]\n"
    return f"---\nstatus: {status}\n{dated}{tags}{extra}---\n# {title}\n\nText.\n"


def from_template(number: int, title: str) -> str:
    """A decision as adr-tools' template wrote it, only its number, title, date and status set."""
    return (
        ADR_TOOLS.replace("NUMBER", str(number))
        .replace("TITLE", title)
        .replace("DATE", "2026-01-01")
        .replace("STATUS", "Accepted")
    )


def stored(repository: Repository) -> dict[str, list]:
    """Everything the index holds of `repository`, ids replaced by paths."""
    decisions = Decision.objects.filter(repository=repository)
    where = {d.pk: (d.path, d.created_commit) for d in decisions}
    fields = [f.attname for f in Decision._meta.fields if f.attname not in {"id", "repository_id"}]
    return {
        "decisions": sorted(tuple(getattr(d, f) for f in fields) for d in decisions),
        "revisions": sorted(
            (
                where[r.decision_id],
                r.commit,
                r.author,
                r.authored_at,
                r.path,
                r.status,
                r.blob,
                r.content,
                r.deleted,
            )
            for r in Revision.objects.filter(decision__repository=repository)
        ),
        "links": sorted(
            (where[k.source_id], where[k.target_id], k.kind, where[k.declared_in_id], k.line)
            for k in Link.objects.filter(source__repository=repository)
        ),
        "problems": sorted(
            (p.path, where.get(p.decision_id), p.commit, p.line, p.severity, p.code, p.message)
            for p in Problem.objects.filter(repository=repository)
        ),
        "tags": sorted(
            (where[t.decision_id], t.tag.name)
            for t in DecisionTag.objects.filter(decision__repository=repository)
        ),
    }


# Each step is one commit; the comment says what kind of change it is.
STEPS = [
    ("status change", {"adr/0001-use-a.md": madr("Use A", "deprecated")}),
    (
        "supersede",
        {
            "adr/0007-use-g.md": madr("Use G", extra="supersedes: [2]\n"),
            "adr/0002-use-b.md": madr("Use B", "superseded"),
        },
    ),
    (
        "successor rejected",
        {"adr/0007-use-g.md": madr("Use G", "rejected", extra="supersedes: [2]\n")},
    ),
    ("link added", {"adr/0003-use-c.md": madr("Use C", extra="relates-to: [0004-use-d.md]\n")}),
    ("link removed", {"adr/0003-use-c.md": madr("Use C")}),
    ("rename: links by path now read by number", {"mv adr/0004-use-d.md": "adr/0004-use-dd.md"}),
    ("delete: links to it break", {"adr/0005-use-e.md": None}),
    ("number collision", {"adr/0003-use-other.md": madr("Use other")}),
    ("collision resolved", {"mv adr/0003-use-other.md": "adr/0009-use-other.md"}),
    ("unparseable", {"adr/0001-use-a.md": "---\nstatus: [\n---\n# Use A\n"}),
    ("fixed again", {"adr/0001-use-a.md": madr("Use A", "accepted")}),
    (
        "day-first evidence settles the folder's ambiguous dates",
        {
            "adr/0010-use-j.md": madr("Use J", date="26/03/2018"),
        },
    ),
    ("the evidence goes", {"adr/0010-use-j.md": madr("Use J", date="2018-03-26")}),
    (
        "supersede cycle",
        {
            "adr/0006-use-f.md": madr("Use F", extra="supersedes: [9]\n"),
            "adr/0009-use-other.md": madr("Use other", extra="supersedes: [6]\n"),
        },
    ),
    ("cycle broken", {"adr/0009-use-other.md": madr("Use other")}),
    ("a name off the folder's convention", {"adr/ADR-11-use-k.md": madr("Use K")}),
    ("the same name in a sub-folder", {"adr/team/0003-use-c.md": madr("Use C too")}),
    ("an added file", {"adr/0012-use-l.md": madr("Use L", "proposed", extra="amends: [3]\n")}),
    ("a path too long", {"stage adr/" + "0013-" + "x" * 1100 + ".md": madr("Use M")}),
    ("nothing in the folder", {"src/code.py": "print()\n"}),
    ("a decision left as the template wrote it", {"adr/0015-use-o.md": from_template(15, "Use O")}),
    (
        "its sections written, one by one",
        {
            "adr/0015-use-o.md": from_template(15, "Use O").replace(
                "The issue motivating", "Our issue:"
            )
        },
    ),
    (
        "many at once",
        {
            "adr/0001-use-a.md": madr("Use A", "superseded"),
            "adr/0012-use-l.md": madr("Use L", extra="supersedes: [1]\n"),
            "adr/0007-use-g.md": None,
            "adr/0014-use-n.md": madr("Use N", date="01/06/2019"),
        },
    ),
]


def _initial(repo: Repo) -> None:
    repo.write("adr/0001-use-a.md", madr("Use A"))
    repo.write("adr/0002-use-b.md", madr("Use B", extra="relates-to: [0001-use-a.md]\n"))
    repo.write("adr/0003-use-c.md", madr("Use C", date="01/06/2019"))
    repo.write("adr/0004-use-d.md", madr("Use D", extra="amends: [0003-use-c.md]\n"))
    repo.write("adr/0005-use-e.md", madr("Use E", extra="depends-on: [4]\n"))
    repo.write(
        "adr/0006-use-f.md",
        madr("Use F", "proposed", date="05/04/2020", extra="relates-to: [0004-use-d.md, 5]\n"),
    )
    repo.write("adr/README.md", "# Decisions\n")
    repo.commit("Decisions")


def _apply(repo: Repo, step: dict) -> None:
    add = True
    for name, text in step.items():
        if name.startswith("mv "):
            repo.git("mv", name[3:], text)
        elif name.startswith("stage "):
            repo.stage(name[6:], text)
            add = False
        elif text is None:
            repo.git("rm", "-q", name)
        else:
            repo.write(name, text)
    repo.commit("step", add=add)


def test_after_each_push_the_incremental_index_is_a_full_index(repo, monkeypatch):
    warm._WARM.clear()
    _initial(repo)
    pushed = Repository.objects.create(name="pushed", location=str(repo.path), adr_dir="adr")
    fresh = Repository.objects.create(name="fresh", location=str(repo.path), adr_dir="adr")
    assert repository_index(repository=pushed).full
    listings: list[str] = []
    whole_listing = GitHistory.files_at_head

    def listing(history):
        listings.append(history.head)
        return whole_listing(history)

    monkeypatch.setattr(GitHistory, "files_at_head", listing)
    seen = set()
    for what, step in STEPS:
        _apply(repo, step)
        result = repository_index(repository=pushed)
        assert not result.full, what
        assert listings == [], f"{what}: the incremental run listed the whole folder"
        repository_index(repository=fresh, full=True)
        listings.clear()
        assert stored(pushed) == stored(fresh), what
        seen |= set(Problem.objects.filter(repository=fresh).values_list("code", flat=True))
    # The steps reach every cross-decision check.
    assert {
        "duplicate-number",
        "duplicate-name",
        "file-name",
        "broken-link",
        "link-path",
        "superseded-by-rejected",
        "superseded-still-active",
        "supersede-cycle",
        "date",
        "path-too-long",
        "template-text",
    } <= seen


def test_a_cold_process_indexes_incrementally_the_old_way(repo):
    """No warm state (another process made the last run): the whole folder is read again."""
    warm._WARM.clear()
    _initial(repo)
    pushed = Repository.objects.create(name="pushed", location=str(repo.path), adr_dir="adr")
    fresh = Repository.objects.create(name="fresh", location=str(repo.path), adr_dir="adr")
    repository_index(repository=pushed)
    for _, step in STEPS[:6]:
        _apply(repo, step)
        warm._WARM.clear()
        assert not repository_index(repository=pushed).full
        repository_index(repository=fresh, full=True)
        assert stored(pushed) == stored(fresh)


def test_a_full_index_by_another_process_is_never_taken_for_the_warm_state(repo):
    """Another process re-indexed fully (new decision ids): this one's state is stale."""
    warm._WARM.clear()
    _initial(repo)
    pushed = Repository.objects.create(name="pushed", location=str(repo.path), adr_dir="adr")
    fresh = Repository.objects.create(name="fresh", location=str(repo.path), adr_dir="adr")
    repository_index(repository=pushed)
    ours = warm._WARM[pushed.pk]
    repository_index(repository=pushed, full=True)  # as `adr index --full` elsewhere would
    warm._WARM[pushed.pk] = ours
    _apply(repo, STEPS[1][1])  # a supersede: links between decisions by id
    assert not repository_index(repository=pushed).full
    repository_index(repository=fresh, full=True)
    assert stored(pushed) == stored(fresh)


def test_a_merge_that_combines_two_branches_edits(repo):
    """HEAD holds a file no commit of the stream left as it is: read from the diff."""
    warm._WARM.clear()
    _initial(repo)
    pushed = Repository.objects.create(name="pushed", location=str(repo.path), adr_dir="adr")
    fresh = Repository.objects.create(name="fresh", location=str(repo.path), adr_dir="adr")
    repository_index(repository=pushed)
    repo.git("checkout", "-q", "-b", "side")
    repo.write("adr/0003-use-c.md", madr("Use C", "rejected", date="01/06/2019"))
    repo.write("adr/0008-use-h.md", madr("Use H", extra="supersedes: [6]\n"))
    repo.commit("side")
    repo.git("checkout", "-q", "main")
    repo.write("adr/0001-use-a.md", madr("Use A", "deprecated"))
    repo.commit("main")
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "side")
    assert not repository_index(repository=pushed).full
    repository_index(repository=fresh, full=True)
    assert stored(pushed) == stored(fresh)


def test_a_push_to_the_ref_read_not_to_the_checked_out_branch(repo):
    """`adr index --ref`: the changed files are those between the last run and the ref's
    commit, whatever HEAD holds."""
    warm._WARM.clear()
    _initial(repo)
    repo.git("branch", "release")
    pushed = Repository.objects.create(name="pushed", location=str(repo.path), adr_dir="adr")
    fresh = Repository.objects.create(name="fresh", location=str(repo.path), adr_dir="adr")
    repository_index(repository=pushed, ref="release")
    repo.write("adr/0003-use-c.md", madr("Use C", "rejected"))  # on the checked-out branch
    repo.commit("main only")
    repo.git("checkout", "-q", "release")
    _apply(repo, STEPS[1][1])  # a supersede, on the branch read
    repo.git("checkout", "-q", "main")
    assert not repository_index(repository=pushed, ref="release").full
    repository_index(repository=fresh, full=True, ref="release")
    assert stored(pushed) == stored(fresh)

"""`adr review`: a branch's ADR changes as Markdown for a pull request comment, or as JSON.

Pure: history/branch.py reads what the branch changes; this module words it
with the indexer's own one-liners (`reviews.change_summary`), finds the
supersessions the branch declares and the numbers its target took since they
parted (`lint.numbers_taken_elsewhere`). The Markdown is posted by CI where
anyone reads it, and every title and file name in it is a committer's: titles
are escaped (@mentions too), file names go in code spans, control characters are made visible.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from adrsite.records.controls import visible_controls
from adrsite.records.folder import resolved_links
from adrsite.records.lint import numbers_taken_elsewhere, renumber_command
from adrsite.records.model import Problem, Record
from adrsite.records.naming import parse_file_name
from adrsite.records.report import problem_line
from adrsite.records.reviews import ADDED, CHANGED, DELETED, ProposedChange, change_summary

NO_CHANGES = "No ADR changes."

# Every ASCII punctuation character may be backslash-escaped in CommonMark; these are the
# ones that start emphasis, links, code, HTML, headings, lists, tables or strikethrough.
_MARKDOWN = re.compile(r"[\\`*_{}\[\]()<>#+\-.!|~&]")
_BACKTICKS = re.compile(r"`+")
_WORD_JOINER = "\u2060"  # invisible, and no name character: "@\u2060org" mentions no one


@dataclass(frozen=True, slots=True)
class Supersession:
    new: Record  # the decision that supersedes
    old: Record  # the one it supersedes


@dataclass(frozen=True, slots=True)
class Collision:
    record: Record  # the decision this branch adds
    taken_by: tuple[str, ...]  # the files that took its number on the target since they parted
    fix: str  # the command that renumbers it


@dataclass(frozen=True, slots=True)
class BranchReview:
    """What `adr review` reports."""

    against: str
    head: str
    merge_base: str
    changes: tuple[ProposedChange, ...]
    supersessions: tuple[Supersession, ...]
    collisions: tuple[Collision, ...]
    problems: tuple[str, ...]  # the collisions as `adr check --against` words them


def branch_review(
    *,
    against: str,
    head: str,
    merge_base: str,
    changes: Sequence[ProposedChange],
    head_records: Sequence[Record],
    base_records: Sequence[Record],
    against_paths: frozenset[str],
    base_paths: frozenset[str],
) -> BranchReview:
    """The review of a branch from what it changes and the decisions on each side."""
    taken = numbers_taken_elsewhere(
        list(head_records), ref=against, ref_paths=set(against_paths), base_paths=set(base_paths)
    )
    return BranchReview(
        against=against,
        head=head,
        merge_base=merge_base,
        changes=tuple(changes),
        supersessions=tuple(_supersessions(head_records, base_records)),
        collisions=tuple(_collisions(head_records, taken, against, against_paths - base_paths)),
        problems=tuple(problem_line(problem) for problem in taken),
    )


def _supersessions(head: Sequence[Record], base: Sequence[Record]) -> list[Supersession]:
    """The supersedes links at HEAD that the merge base did not have (either side declares)."""
    before = {
        (link.source, link.target) for link in resolved_links(list(base)) if _supersedes(link)
    }
    by_path = {record.path: record for record in head}
    found = {
        (link.source, link.target)
        for link in resolved_links(list(head))
        if _supersedes(link) and (link.source, link.target) not in before
    }
    return [Supersession(by_path[new], by_path[old]) for new, old in sorted(found)]


def _supersedes(link: Any) -> bool:
    return bool(link.kind == "supersedes")


def _collisions(
    head: Sequence[Record], taken: Sequence[Problem], against: str, new_there: frozenset[str]
) -> list[Collision]:
    """Each number taken, with the files that took it on `against` (new there since the base)."""
    by_path = {record.path: record for record in head}
    here = set(by_path)
    found = []
    for problem in taken:
        record = by_path[problem.path]
        theirs = tuple(
            sorted(
                path
                for path in new_there - here
                if parse_file_name(path.rsplit("/", 1)[-1])[0] == record.number
            )
        )
        found.append(Collision(record, theirs, renumber_command(record.path, against=against)))
    return found


def review_markdown(review: BranchReview) -> str:
    """The Markdown comment: a heading, then a list per kind of change; no colour, stable."""
    against = code(review.against)
    lines = [
        "## ADR changes",
        "",
        f"Against {against}, since {code(review.merge_base[:12])} (head {code(review.head[:12])}).",
    ]
    if not review.changes:
        return "\n".join([*lines, "", NO_CHANGES])
    sections = [
        ("New decisions", [c for c in review.changes if c.change == ADDED]),
        ("Changed decisions", [c for c in review.changes if c.change == CHANGED]),
        ("Deleted decisions", [c for c in review.changes if c.change == DELETED]),
    ]
    for heading, changes in sections:
        if changes:
            lines += ["", f"### {heading}", ""]
            lines += [f"- {_summary(change)} ({code(change.path)})" for change in changes]
    if review.supersessions:
        lines += ["", "### Supersessions", ""]
        lines += [f"- {_named(s.new)} supersedes {_named(s.old)}" for s in review.supersessions]
    if review.collisions:
        lines += ["", "### Number collisions", ""]
        for collision in review.collisions:
            record = collision.record
            taken = ", ".join(code(path) for path in collision.taken_by)
            lines.append(
                f"- {_named(record)} ({code(record.path)}): {against} took number "
                f"{record.number} for {taken} since this branch parted from it; "
                f"renumber this one: {code(collision.fix)}"
            )
    return "\n".join(lines)


def review_json(review: BranchReview) -> dict[str, Any]:
    """The same as a document: one review of the export contract's shape, for this branch."""
    return {
        "against": review.against,
        "head": review.head,
        "merge_base": review.merge_base,
        "changes": [
            {
                "change": c.change,
                "path": c.path,
                "number": c.number,
                "title": c.title,
                "status_before": c.status_before,
                "status_after": c.status_after,
            }
            for c in review.changes
        ],
        "supersessions": [
            {"path": s.new.path, "number": s.new.number, "supersedes": s.old.path}
            for s in review.supersessions
        ],
        "problems": list(review.problems),
    }


def markdown_text(text: str) -> str:
    """`text` as literal Markdown inline text: controls made visible, punctuation escaped,
    and no @mention: a word joiner after each '@' (a backslash does not stop GitHub's)
    keeps a title like "Use @org/security" from pinging a team when CI posts it."""
    escaped = _MARKDOWN.sub(lambda match: "\\" + match[0], visible_controls(text))
    return escaped.replace("@", "@" + _WORD_JOINER)


def code(text: str) -> str:
    """`text` in a code span that holds it whatever backticks it has (controls made visible)."""
    shown = visible_controls(text)
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(shown)), default=0) + 1)
    padded = shown.startswith(("`", " ")) or shown.endswith(("`", " "))
    pad = " " if padded else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def _summary(change: ProposedChange) -> str:
    """`change_summary`'s words with the committer's parts (title, file names) escaped."""
    escaped = dataclasses.replace(
        change,
        title=markdown_text(change.title),
        path=markdown_text(change.path),
        path_before=markdown_text(change.path_before),
    )
    return change_summary(escaped)


def _named(record: Record) -> str:
    return f"{markdown_text(record.label)} {markdown_text(record.title)}".rstrip()

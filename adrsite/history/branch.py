"""History layer: what the current branch changes in the ADR folder, for `adr review`.

The branch's committed ADR changes against its merge base with another ref (the
pull request's target): added, changed (renames found by git) and deleted
decisions, with the records on both sides, read with plain `git` processes as
the other file commands do (history/refs.py): no GitPython, no database.
Paths are framed with NUL (`-z`) and blobs are asked for by name, never by
path: a committer's file name may hold a newline.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

from adrsite.history.refs import RefError
from adrsite.records.folder import Folder, is_decision_path
from adrsite.records.model import Record
from adrsite.records.parse import parse
from adrsite.records.reviews import ADDED, CHANGED, DELETED, ProposedChange, same_decision

# Tried in this order when no --against is given: the clone's default branch, then the usual names.
DEFAULT_TARGETS = ("origin/HEAD", "main", "master")


@dataclass(frozen=True, slots=True)
class BranchChanges:
    """HEAD's ADR changes against its merge base with `against`."""

    against: str
    head: str
    merge_base: str
    changes: tuple[ProposedChange, ...]  # by path
    head_records: tuple[Record, ...]  # every decision at HEAD
    base_records: tuple[Record, ...]  # every decision at the merge base
    against_paths: frozenset[str]  # the ADR files at `against`, for collisions
    base_paths: frozenset[str]


def default_target(folder: Folder) -> str:
    """The first of DEFAULT_TARGETS git knows; RefError naming them all when none is."""
    for ref in DEFAULT_TARGETS:
        if _git(folder, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is not None:
            return ref
    raise RefError(
        f"none of {', '.join(DEFAULT_TARGETS)} exists here; "
        "pass the branch the changes go to (--against REF)"
    )


def branch_changes(folder: Folder, against: str) -> BranchChanges:
    """HEAD's committed ADR changes against its merge base with `against`.

    RefError when `against` is no commit, HEAD has none, or the two share no history.
    """
    if _git(folder, "rev-parse", "--verify", "--quiet", f"{against}^{{commit}}") is None:
        raise RefError(f"{against}: no such branch, tag or commit")
    head = (_git(folder, "rev-parse", "--verify", "--quiet", "HEAD^{commit}") or "").strip()
    if not head:
        raise RefError("HEAD: no commit yet (commit the decisions first)")
    base = (_git(folder, "merge-base", "HEAD", against) or "").strip()
    if not base:
        raise RefError(
            f"{against}: no common history with this branch "
            "(a shallow clone? run 'git fetch --unshallow')"
        )
    head_tree, base_tree = _tree(folder, head), _tree(folder, base)
    moved = _diff(folder, base, head)
    wanted = [*head_tree.values(), *(base_tree[old] for old, _ in moved if old in base_tree)]
    blobs = _blobs(folder, wanted)
    head_records = {path: parse(path, blobs[blob]) for path, blob in head_tree.items()}
    before = {old: parse(old, blobs[base_tree[old]]) for old, _ in moved if old in base_tree}
    changes = []
    for old, new in _same_decisions(moved, before, head_records):
        was, now = before.get(old), head_records.get(new)
        if was is not None and now is None:
            changes.append(_change(DELETED, was, old, was, base_tree[old], ""))
        elif now is not None:
            kind = CHANGED if was is not None else ADDED
            changes.append(
                _change(kind, now, old if was else "", was, base_tree.get(old, ""), head_tree[new])
            )
    base_records = {**head_records}
    for path in {*head_tree} - {*base_tree}:
        del base_records[path]
    base_records.update(before)
    return BranchChanges(
        against=against,
        head=head,
        merge_base=base,
        changes=tuple(sorted(changes, key=lambda c: c.path)),
        head_records=tuple(head_records[p] for p in sorted(head_records)),
        base_records=tuple(base_records[p] for p in sorted(base_records)),
        against_paths=frozenset(_tree(folder, against)),
        base_paths=frozenset(base_tree),
    )


def _same_decisions(
    moved: list[tuple[str, str]], before: dict[str, Record], after: dict[str, Record]
) -> list[tuple[str, str]]:
    """`moved`, with each rename git found kept only when it is one decision moved
    (records.reviews.same_decision), else split into a deletion and an addition."""
    kept = []
    for old, new in moved:
        was, now = before.get(old), after.get(new)
        if (
            was is not None
            and now is not None
            and not same_decision(old, was.number, was.title, new, now.number, now.title)
        ):
            kept += [(old, ""), ("", new)]
        else:
            kept.append((old, new))
    return kept


def _change(
    kind: str, record: Record, path_before: str, was: Record | None, blob_before: str, blob: str
) -> ProposedChange:
    status_before = None if was is None else (was.status or None)
    status_after = None if kind == DELETED else (record.status or None)
    return ProposedChange(
        kind, record.path, path_before, record.number, record.title,
        status_before, status_after, blob_before, blob,
    )  # fmt: skip


def _tree(folder: Folder, commit: str) -> dict[str, str]:
    """path -> blob of the decision files in the folder at `commit` (regular files only)."""
    listing = _git(folder, "ls-tree", "-r", "-z", "--full-tree", commit, "--", folder.relative)
    found = {}
    for entry in (listing or "").split("\0"):
        meta, _, path = entry.partition("\t")
        mode, _, blob = meta.partition(" blob ")
        if mode in ("100644", "100755") and _is_decision(folder, path):
            found[path] = blob
    return found


def _diff(folder: Folder, base: str, head: str) -> list[tuple[str, str]]:
    """(path before, path after) of each decision file changed; "" for the side without it."""
    listing = _git(
        folder, "diff-tree", "-r", "-z", "-M", "--name-status", base, head, "--", folder.relative
    )
    fields = (listing or "").split("\0")
    moved = []
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        if status[:1] in ("R", "C"):
            old, new = fields[index + 1], fields[index + 2]
            index += 3
        else:
            old = new = fields[index + 1]
            index += 2
            if status == "A":
                old = ""
            elif status == "D":
                new = ""
        if status[:1] == "C":
            old = ""  # a copy leaves its source in place: the new file is added
        old = old if old and _is_decision(folder, old) else ""
        new = new if new and _is_decision(folder, new) else ""
        if old or new:
            moved.append((old, new))
    return moved


def _is_decision(folder: Folder, path: str) -> bool:
    return is_decision_path(path, folder.relative)


def _blobs(folder: Folder, shas: list[str]) -> dict[str, bytes]:
    """The contents of `shas`, from one `git cat-file --batch`."""
    unique = sorted(set(shas))
    if not unique:
        return {}
    result = subprocess.run(
        ["git", "cat-file", "--batch"],
        cwd=folder.root,
        input="".join(f"{sha}\n" for sha in unique).encode(),
        capture_output=True,
        check=False,
    )
    if result.returncode:
        raise RefError(f"git cat-file failed: {result.stderr.decode(errors='replace').strip()}")
    found, out, at = {}, result.stdout, 0
    for sha in unique:
        header_end = out.index(b"\n", at)
        size = int(out[at:header_end].split()[2])
        found[sha] = out[header_end + 1 : header_end + 1 + size]
        at = header_end + 1 + size + 1
    return found


def _git(folder: Folder, *command: str) -> str | None:
    """A git command's output in the repository (bytes not UTF-8 shown as U+FFFD: the paths
    are for people, blobs are asked for by name), or None when it fails."""
    result = subprocess.run(
        ["git", "-c", "core.quotePath=false", *command],
        cwd=folder.root,
        capture_output=True,
        check=False,
    )
    return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None

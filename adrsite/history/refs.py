"""History layer: what another branch or an earlier commit holds, for the file commands.

`adr check --against` and `adr renumber` ask git a few small questions (is this
a commit, which ADR files does it hold, where did two branches part). They run
plain `git` processes and never import GitPython: these are file commands, and
their start-up time matters in pre-commit hooks (history/git.py is for the indexer).
"""

from __future__ import annotations

import subprocess

from adrsite.records.folder import Folder
from adrsite.records.lint import numbers_taken_elsewhere
from adrsite.records.model import Problem, Record
from adrsite.records.naming import parse_file_name


class RefError(Exception):
    """A ref git does not know, or one that shares no history with HEAD."""


def numbers_at(folder: Folder, ref: str) -> set[int]:
    """The decision numbers `ref`'s files in the folder carry."""
    names = (path.rsplit("/", 1)[-1] for path in _paths_at(folder, _verified(folder, ref)))
    return {number for number, _ in map(parse_file_name, names) if number is not None}


def number_meant(folder: Folder, path: str, number: int) -> str:
    """The one file `number` named at `path`'s last commit, or "" when git cannot tell."""
    commit = (_git(folder, "log", "-1", "--format=%H", "--", path) or "").strip()
    if not commit or _git(folder, "diff", "--quiet", commit, "--", path) is None:
        return ""  # never committed, or changed since: the reference may be new
    named = [
        p for p in _paths_at(folder, commit) if parse_file_name(p.rsplit("/", 1)[-1])[0] == number
    ]
    return named[0] if len(named) == 1 else ""


def numbers_taken_on(folder: Folder, records: list[Record], ref: str) -> list[Problem]:
    """Numbers this branch added that `ref` took for another file since the branches parted."""
    base = _git(folder, "merge-base", "HEAD", _verified(folder, ref))
    if base is None:
        raise RefError(
            f"{ref}: no common history with this branch "
            "(a shallow clone? run 'git fetch --unshallow')"
        )
    return numbers_taken_elsewhere(
        records,
        ref=ref,
        ref_paths=_paths_at(folder, ref),
        base_paths=_paths_at(folder, base.strip()),
    )


def last_changed(folder: Folder) -> dict[str, str]:
    """The day (ISO) each file in the folder was last committed, if it has not changed since.

    One walk of the log, newest first; a file changed in the working tree, or never
    committed, is left out: it is changing now.
    """
    log = _git(folder, "log", "-z", "--format=%x01%cs", "--name-only", "--", folder.relative)
    if log is None:
        raise RefError(f"{folder.root}: not a git repository, or one without commits")
    changed: dict[str, str] = {}
    day, first = "", False
    for token in log.split("\0"):
        if token.startswith("\x01"):
            day, first = token[1:], True
            continue
        path = token.removeprefix("\n") if first else token
        first = False
        if path and day:
            changed.setdefault(path, day)
    status = _git(folder, "status", "--porcelain=v1", "-z", "--", folder.relative) or ""
    for entry in status.split("\0"):
        changed.pop(entry[3:], None)  # "XY path"; a rename's old path follows as its own entry
        changed.pop(entry, None)
    return changed


def _git(folder: Folder, *command: str) -> str | None:
    """A git command's output in the repository, or None when it fails."""
    result = subprocess.run(
        ["git", *command], cwd=folder.root, capture_output=True, text=True, check=False
    )
    return result.stdout if result.returncode == 0 else None


def _paths_at(folder: Folder, commit: str) -> set[str]:
    listing = _git(folder, "ls-tree", "-r", "--name-only", commit, "--", folder.relative) or ""
    return {line for line in listing.splitlines() if line.endswith(".md")}


def _verified(folder: Folder, ref: str) -> str:
    if _git(folder, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is None:
        raise RefError(f"{ref}: no such branch, tag or commit")
    return ref

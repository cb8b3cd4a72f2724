"""The `adr` command's shared argument handling: find the folder and the decisions named."""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path

from adrsite.records.folder import (
    Folder,
    find_folder,
    find_records,
    read_folder,
)
from adrsite.records.lint import numbers_taken_elsewhere
from adrsite.records.model import STATUSES, Problem, Record
from adrsite.records.parse import parse_file_name
from adrsite.records.vocabulary import status_word


class UserError(Exception):
    """A mistake the user can fix; printed as `adr: message`, exit 1."""


# --- helpers -----------------------------------------------------------------------


def folder_and_records(args: argparse.Namespace) -> tuple[Folder, list[Record]]:
    folder = find_folder(Path.cwd(), args.dir)
    return folder, read_folder(folder)


def find_one(records: list[Record], ref: str) -> Record:
    found = find_records(records, ref)
    if len(found) > 1:
        raise UserError(f"{ref!r} is ambiguous: {', '.join(r.path for r in found)}")
    if not found:
        raise UserError(f"no decision {ref!r} (try 'adr list')")
    return found[0]


def refuse_unreadable(records: list[Record]) -> None:
    for record in records:
        for problem in record.problems:
            if problem.code in {
                "binary",
                "not-utf8",
                "too-large",
                "unreadable",
                "front-matter-yaml",
                "front-matter-not-mapping",
                "front-matter-unclosed",
            }:
                raise UserError(
                    f"{problem.path}:{problem.line}: {problem.message} (file not changed)"
                )


def status_arg(text: str) -> str:
    status, rest = status_word(text)
    if not status or rest:
        raise UserError(f"unknown status {text!r} (choose {', '.join(STATUSES)})")
    return status


def today_iso() -> str:
    fixed = os.environ.get("ADR_DATE", "").strip()
    if not fixed:
        return date.today().isoformat()
    try:
        return date.fromisoformat(fixed).isoformat()
    except ValueError:
        raise UserError(f"ADR_DATE={fixed!r} is not a date (YYYY-MM-DD)") from None


def edit(folder: Folder, record: Record, change: Callable[[str, Record], str]) -> None:
    path = folder.root / record.path
    write_text(path, change(read_text(path), record))


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8-sig")  # universal newlines: CRLF reads as LF


def write_text(path: Path, text: str) -> None:
    """Write through a temporary file, so a crash never leaves half a decision."""
    original = path.read_bytes() if path.exists() else b""
    if b"\r\n" in original:
        text = text.replace("\n", "\r\n")
    if not text.endswith(("\n", "\r\n")):
        text += "\n"
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def git(folder: Folder, *command: str) -> str | None:
    """A git command's output in the repository, or None when it fails."""
    result = subprocess.run(
        ["git", *command], cwd=folder.root, capture_output=True, text=True, check=False
    )
    return result.stdout if result.returncode == 0 else None


def paths_at(folder: Folder, commit: str) -> set[str]:
    listing = git(folder, "ls-tree", "-r", "--name-only", commit, "--", folder.relative) or ""
    return {line for line in listing.splitlines() if line.endswith(".md")}


def verified(folder: Folder, ref: str) -> str:
    if git(folder, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is None:
        raise UserError(f"--against {ref}: no such branch, tag or commit")
    return ref


def numbers_at(folder: Folder, ref: str) -> set[int]:
    names = (path.rsplit("/", 1)[-1] for path in paths_at(folder, verified(folder, ref)))
    return {number for number, _ in map(parse_file_name, names) if number is not None}


def number_meant(folder: Folder, path: str, number: int) -> str:
    """The one file `number` named at `path`'s last commit, or "" when git cannot tell."""
    commit = (git(folder, "log", "-1", "--format=%H", "--", path) or "").strip()
    if not commit or git(folder, "diff", "--quiet", commit, "--", path) is None:
        return ""  # never committed, or changed since: the reference may be new
    named = [
        p for p in paths_at(folder, commit) if parse_file_name(p.rsplit("/", 1)[-1])[0] == number
    ]
    return named[0] if len(named) == 1 else ""


def numbers_taken_on(folder: Folder, records: list[Record], ref: str) -> list[Problem]:
    base = git(folder, "merge-base", "HEAD", verified(folder, ref))
    if base is None:
        raise UserError(
            f"--against {ref}: no common history with this branch "
            "(a shallow clone? run 'git fetch --unshallow')"
        )
    return numbers_taken_elsewhere(
        records,
        ref=ref,
        ref_paths=paths_at(folder, ref),
        base_paths=paths_at(folder, base.strip()),
    )

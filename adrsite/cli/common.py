"""The `adr` command's shared argument handling: find the folder and the decisions named."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

from adrsite.records.files import read_text, write_text
from adrsite.records.folder import (
    Folder,
    find_folder,
    find_records,
    read_folder,
)
from adrsite.records.model import STATUSES, Record
from adrsite.records.problems import UNREADABLE
from adrsite.records.vocabulary import status_word
from adrsite.records.write import EditError


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
            if problem.code in UNREADABLE:
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
    write_text(*edited(folder, record, change))


def edited(
    folder: Folder, record: Record, change: Callable[[str, Record], str]
) -> tuple[Path, str]:
    """The file and its new text, to write once every edit of a command is known to be safe."""
    path = folder.root / record.path
    try:
        return path, change(read_text(path), record)
    except EditError as error:  # the writer could not make it so that the file reads it
        raise UserError(f"{error} (file not changed)") from None

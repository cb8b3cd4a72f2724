"""The decision URL scheme (ADR 21): a decision's ref, and what a typed ref may name.

Pure string functions: the model builds URLs with them, `queries.decision_lookup`
resolves typed refs with them. A ref is the file's path inside the ADR folder
without `.md`/`.markdown` (`0012-use-x`, `sub/0003-x`); see ADR 21 for the rest.
"""

from __future__ import annotations

import posixpath
import re

EXTENSIONS = (".md", ".markdown")  # lower case; matched without regard to case
COMMIT = re.compile(r"[0-9a-f]{7,40}")  # a commit or its prefix, as a decision's sub-pages take it
# `12`, `0012`, `ADR-12`, `adr12`, `ADR_0012`, `MADR-12`: the spellings `adr show` takes too.
# [0-9], not \d: \d takes the digits of every script ("٣"), which int() reads as numbers.
_NUMBER = re.compile(r"(?:m?adr[ _-]?)?([0-9]+)", re.IGNORECASE)
_MAX_NUMBER_DIGITS = 9  # fits the database's integer column; longer is no number of ours


def folder_relative(path: str, adr_dir: str) -> str:
    """`path` (from the repository root) inside the ADR folder; unchanged when it lies outside
    (a decision deleted before the folder moved keeps the path it had)."""
    folder = posixpath.normpath(adr_dir.strip("/") or ".")
    if folder != "." and path.startswith(folder + "/"):
        return path[len(folder) + 1 :]
    return path


def without_extension(path: str) -> str:
    """`path` without a trailing `.md` or `.markdown` (any case), unless nothing would be left."""
    for extension in EXTENSIONS:
        stem, end = path[: -len(extension)], path[-len(extension) :]
        if end.lower() == extension and stem and not stem.endswith("/"):
            return stem
    return path


def decision_ref(path: str, adr_dir: str) -> str:
    """The one ref a decision's pages live at: its path in the ADR folder, without extension.

    A ref that would read as one of the page's own sub-pages (`team/diff` as the diff
    page of `team`, `x/revisions/abc1234` as a revision of `x`) keeps its extension.
    """
    relative = folder_relative(path, adr_dir)
    ref = without_extension(relative)
    return relative if _reads_as_sub_page(ref) else ref


def _reads_as_sub_page(ref: str) -> bool:
    parent, _, last = ref.rpartition("/")
    return bool(parent) and (
        last == "diff"
        or (parent.rpartition("/")[2] == "revisions" and bool(COMMIT.fullmatch(last)))
    )


def number_in(ref: str) -> int | None:
    """The decision number `ref` spells (`12`, `0012`, `ADR-12`, `adr12`), else None."""
    found = _NUMBER.fullmatch(ref)
    if found is None:
        return None
    digits = found[1].lstrip("0") or "0"
    return int(digits) if len(digits) <= _MAX_NUMBER_DIGITS else None

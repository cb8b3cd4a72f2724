"""Which files are one decision (ADR 20): by their paths, their renames and their text.

A path is a decision's (`_is_decision_path`) or may become one by a rename
(`_is_lineage_path`), never one too long to index (`path_too_long`); a rename
keeps a decision unless both number and slug change (`_same_decision`); two
texts are alike when most of their lines are shared (`_alike`).
"""

from __future__ import annotations

import re
from collections import Counter

from adrsite.history.git import FileChange
from adrsite.records.folder import could_be_decision_file, is_decision_file
from adrsite.records.naming import parse_file_name
from adrsite.records.parse import MAX_BYTES

_SIMILAR = 0.9  # a copy at least this similar to its deleted source was a move


# The longest path a decision may have, in UTF-8 bytes. Decision.path is unique, so
# PostgreSQL keeps it in a btree index, whose entries hold about 2,700 bytes; a limit
# in characters would not do (1,000 CJK characters are 3,000 bytes). A file whose path
# is longer is no decision: the index names it as a problem (`path-too-long`).
MAX_PATH_BYTES = 1000


def path_too_long(path: str) -> bool:
    return len(path.encode("utf-8", "surrogatepass")) > MAX_PATH_BYTES


def is_lineage_change(change: FileChange) -> bool:
    return _is_lineage_path(change.path)


def _is_decision_path(path: str) -> bool:
    return is_decision_file(path.rsplit("/", 1)[-1]) and not path_too_long(path)


def _is_lineage_path(path: str) -> bool:
    """A decision, or a file a rename may yet make one (`ADRXXX-x.md`, `ADR003-x` with no .md).

    Never at a path too long to index: a rename there takes a decision out of the log."""
    return could_be_decision_file(path.rsplit("/", 1)[-1]) and not path_too_long(path)


def _same_decision(old_path: str, new_path: str) -> bool:
    """A rename keeps a decision when it keeps its number (retitled) or its slug (renumbered).

    Git pairs a deleted file with an added one when their text is similar, and
    ADRs share a template: both number and slug changing is a new decision. A
    name that held no number yet (`ADR00TBD-x.md`, `ADRXXX-x.md`, `ADR003-x`
    without `.md`) is given one by the rename: the same decision.
    """
    old_name, new_name = old_path.rsplit("/", 1)[-1], new_path.rsplit("/", 1)[-1]
    if not is_decision_file(old_name) or _PLACEHOLDER_NUMBER.match(old_name):
        return True
    old_number, old_slug = parse_file_name(old_name)
    new_number, new_slug = parse_file_name(new_name)
    return (old_number is not None and old_number == new_number) or old_slug == new_slug


# A number still to be given: "ADR00TBD-", "adr-TBD-", "ADR-???-", "0000-" is not one.
_PLACEHOLDER_NUMBER = re.compile(r"(?i)(?:m?adr[-_ ]?)?\d{0,6}(?:tbd|\?{1,6}|x{2,6}|n{3,6})[-_ .]")


def _alike(old: bytes, new: bytes) -> bool:
    """At least 90 % of the lines in common, counted as multisets: linear in the files' size."""
    if not old or not new or max(len(old), len(new)) > MAX_BYTES:
        return False
    old_lines, new_lines = Counter(old.splitlines()), Counter(new.splitlines())
    common = sum((old_lines & new_lines).values())
    return 2 * common >= _SIMILAR * (old_lines.total() + new_lines.total())

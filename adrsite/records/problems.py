"""Records layer: every problem's severity and code, the vocabulary of `adr check` (no Django).

The codes are a contract: `adr check --format json` and GitHub annotations carry
them, and the index stores them (the model's choices and its constraint are built
from these). A new check adds its code here.
"""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"  # `adr check` exits 1
    WARNING = "warning"


ERROR = Severity.ERROR
WARNING = Severity.WARNING


class ProblemCode(StrEnum):
    # Files that cannot be read as an ADR
    TOO_LARGE = "too-large"
    BINARY = "binary"
    NOT_UTF8 = "not-utf8"
    EMPTY = "empty"
    NUL_BYTE = "nul-byte"
    UNREADABLE = "unreadable"
    SYMLINK = "symlink"
    # Front matter and metadata
    FRONT_MATTER_UNCLOSED = "front-matter-unclosed"
    FRONT_MATTER_YAML = "front-matter-yaml"
    FRONT_MATTER_NOT_MAPPING = "front-matter-not-mapping"
    FRONT_MATTER_TYPE = "front-matter-type"
    NO_TITLE = "no-title"
    NO_STATUS = "no-status"
    UNKNOWN_STATUS = "unknown-status"
    STATUS_PLACEHOLDER = "status-placeholder"
    DATE = "date"
    DATE_AMBIGUOUS = "date-ambiguous"  # settle_dates reads it again, or warns as DATE
    ONBOARDING = "onboarding"  # `onboarding:` neither a number nor skip
    REVIEW_BY = "review-by"  # `review-by:` not a date
    # The folder
    FILE_NAME = "file-name"
    TEMPLATE_TEXT = "template-text"  # sections still as the template wrote them
    DUPLICATE_NUMBER = "duplicate-number"
    DUPLICATE_NAME = "duplicate-name"
    NUMBER_TAKEN = "number-taken"  # on another branch (`adr check --against`)
    # Links and supersession
    BROKEN_LINK = "broken-link"
    AMBIGUOUS_LINK = "ambiguous-link"
    SELF_LINK = "self-link"
    LINK_PATH = "link-path"
    SUPERSEDED_STILL_ACTIVE = "superseded-still-active"
    SUPERSEDED_WITHOUT_SUCCESSOR = "superseded-without-successor"
    SUPERSEDED_BY_REJECTED = "superseded-by-rejected"
    SUPERSEDE_CYCLE = "supersede-cycle"
    # Decisions that ask to be looked at again
    REVIEW_OVERDUE = "review-overdue"
    STALE = "stale"  # `adr check --stale DAYS`
    # Checks a decision carries (front matter `enforce:`, ADR 30)
    ENFORCE = "enforce"  # a check that cannot be read: unknown kind, bad contract, bad regex
    ENFORCE_BROKEN = "enforce-broken"  # the code does not follow the decision
    ENFORCE_UNCHECKABLE = "enforce-uncheckable"  # the check could not run (no such module, ...)
    # The indexer's
    SHALLOW_CLONE = "shallow-clone"
    PATH_TOO_LONG = "path-too-long"  # over the 1,000 bytes a decision's path may hold


# A file with one of these was not read as written: commands that edit it refuse to.
UNREADABLE = frozenset(
    {
        ProblemCode.BINARY,
        ProblemCode.NOT_UTF8,
        ProblemCode.TOO_LARGE,
        ProblemCode.UNREADABLE,
        ProblemCode.FRONT_MATTER_YAML,
        ProblemCode.FRONT_MATTER_NOT_MAPPING,
        ProblemCode.FRONT_MATTER_UNCLOSED,
    }
)

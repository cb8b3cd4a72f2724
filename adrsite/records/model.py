"""Records layer: the frozen dataclasses one ADR file is read into (pure core, no Django)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from adrsite.records.problems import ProblemCode, Severity
from adrsite.records.report import problem_line

if TYPE_CHECKING:
    from adrsite.records.enforce import Check

# The five statuses every other status word is mapped onto.
STATUSES = ("proposed", "accepted", "rejected", "deprecated", "superseded")

# How a folder writes its metadata. Writing keeps the style of the file it edits.
STYLE_MADR = "madr"  # YAML front matter (MADR 3/4, and ours)
STYLE_MADR2 = "madr2"  # "* Status: accepted" bullets under the title (MADR 2, log4brains)
STYLE_ADR_TOOLS = "adr-tools"  # "## Status" section and "Date:" line (Nygard, adr-tools)

ERROR = Severity.ERROR  # kept here too: most of records/ reads problems from here
WARNING = Severity.WARNING


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with a file, at a line, with a stable code for machines."""

    path: str
    line: int
    severity: Severity
    code: ProblemCode
    message: str

    def __str__(self) -> str:
        return problem_line(self)


@dataclass(frozen=True, slots=True)
class LinkRef:
    """A typed link as the file wrote it; the folder resolves `target` to a file."""

    kind: str  # "supersedes", "superseded-by", "amends", "relates-to", ...
    target: str  # "3", "0003-use-x.md", "../adr/0003-use-x.md", "ADR 25", ...
    line: int


@dataclass(frozen=True, slots=True)
class Record:
    """One ADR file, whatever style it was written in."""

    path: str  # relative to the repository root, "/"-separated
    number: int | None  # None for date-named and unnumbered files
    slug: str
    title: str
    status: str  # one of STATUSES, or "" when missing or not mappable
    status_text: str  # the status as written (markup, emoji and all), for display
    date: str  # ISO 8601 (YYYY-MM-DD), or "" when missing or unreadable
    deciders: tuple[str, ...]
    tags: tuple[str, ...]
    links: tuple[LinkRef, ...]
    affects: tuple[str, ...]  # globs of code paths this decision governs
    rule: str  # the standing rule an accepted decision states, if any
    body: str  # Markdown after the front matter
    style: str  # STYLE_MADR, STYLE_MADR2 or STYLE_ADR_TOOLS
    problems: tuple[Problem, ...]
    title_line: int = 1
    status_line: int = 1
    # The date as written when it is not ISO 8601 ("01/06/2019"): settle_dates
    # reads an ambiguous one again by the convention of the folder's other dates.
    date_text: str = ""
    # The reading path (`adr onboarding`, /start/): its place (front matter `onboarding: N`),
    # or left out (`onboarding: skip`); and the first paragraph of the Decision section.
    onboarding: int | None = None
    onboarding_skip: bool = False
    summary: str = ""  # Markdown, one line, at most SUMMARY_CHARACTERS (records/summary.py)
    # When the decision asks to be looked at again (`review-by:`, a `Review by:` line).
    review_by: str = ""  # ISO 8601, or "" when none or unreadable
    review_by_line: int = 1
    # The checks that prove the code follows it (front matter `enforce:`, records/enforce.py).
    enforce: tuple[Check, ...] = ()

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]

    @property
    def stem(self) -> str:
        """The file name without its extension: unique even when two files share a number."""
        return self.name.rsplit(".", 1)[0]

    @property
    def words(self) -> int:
        """Words of the text, for the reading path's minutes (200 a minute)."""
        return len(self.body.split())

    @property
    def label(self) -> str:
        """How messages name the decision: "ADR 12" or, unnumbered, its file name."""
        return f"ADR {self.number}" if self.number is not None else self.name

    def targets(self, kind: str) -> tuple[str, ...]:
        return tuple(link.target for link in self.links if link.kind == kind)

"""Records layer: the reading path's rules: its order, its minutes, and its Markdown (pure core).

The site's /start/ and `adr onboarding` show the same path: the decisions in
force, grouped by their first tag, in the order the team chose (front matter
`onboarding: N`), each with what it replaced; and what changed lately.
The site gathers them from the index (adrsite/decisions/queries/onboarding.py); here they
are ordered, timed and written out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

WORDS_PER_MINUTE = 200
RECENT_DAYS = 90  # "What changed in the last 90 days"
UNTAGGED = ""  # the group of decisions without a tag, shown last as "Other decisions"


def reading_minutes(words: int) -> int:
    """Minutes to read `words` at WORDS_PER_MINUTE, never less than one."""
    return max(1, round(words / WORDS_PER_MINUTE))


@dataclass(frozen=True, slots=True)
class Replacement:
    """A decision the entry replaced (directly or down a chain), and when."""

    label: str
    title: str
    on: date | None
    this_year: bool = True  # "on 21 Oct"; another year's is "on 21 Oct 2024"

    @property
    def when(self) -> str:
        if self.on is None:
            return ""
        return f" on {self.on.day} {self.on:%b}" + ("" if self.this_year else f" {self.on.year}")


@dataclass(frozen=True, slots=True)
class Entry:
    """One decision on the path; `item` is the caller's (the site's Decision)."""

    item: Any
    label: str
    title: str
    url: str
    rule: str
    summary: str  # Markdown, bounded (records/summary.py)
    words: int
    tag: str  # its first tag, its group; UNTAGGED without one
    onboarding: int | None
    number: int | None
    path: str
    review_by: str = ""
    due_for_review: bool = False
    replaced: tuple[Replacement, ...] = ()  # the one it replaced first, then what that replaced
    summary_html: str = ""  # the site's rendering of `summary`

    @property
    def minutes(self) -> int:
        return reading_minutes(self.words)

    @property
    def story(self) -> str:
        """ "replaced ADR 10 (Mount Flask inside Django) on 21 Oct 2026", chain and all."""
        parts = [f"{r.label} ({r.title}){r.when}" for r in self.replaced]
        return "replaced " + ", which replaced ".join(parts) if parts else ""


@dataclass(frozen=True, slots=True)
class Group:
    tag: str
    entries: list[Entry]

    @property
    def name(self) -> str:
        return self.tag or "Other decisions"

    @property
    def minutes(self) -> int:
        return sum(entry.minutes for entry in self.entries)


@dataclass(frozen=True, slots=True)
class Change:
    """A status change of the last RECENT_DAYS days: accepted, superseded or deprecated."""

    item: Any
    label: str
    title: str
    url: str
    status: str
    on: date


@dataclass(frozen=True, slots=True)
class ReadingPath:
    groups: list[Group]
    recent: list[Change]  # newest first
    today: date
    repositories: list[str] = field(default_factory=list)  # every one indexed, to choose from

    @property
    def minutes(self) -> int:
        """The sum of the entries' minutes: what the page adds up to, as shown."""
        return sum(group.minutes for group in self.groups)

    @property
    def entries(self) -> int:
        return sum(len(group.entries) for group in self.groups)


def in_path_order(entries: Sequence[Entry]) -> list[Group]:
    """Entries grouped by tag, in the order the team chose.

    Within a group: those with an `onboarding` number by it, then the rest by
    decision number (file path last). Groups by their smallest `onboarding`
    number; groups without any after them, by their first decision's number;
    untagged decisions last.
    """
    by_tag: dict[str, list[Entry]] = {}
    for entry in entries:
        by_tag.setdefault(entry.tag, []).append(entry)
    groups = [Group(tag, sorted(members, key=_entry_order)) for tag, members in by_tag.items()]
    return sorted(groups, key=_group_order)


def _entry_order(entry: Entry) -> tuple[int, int, int, str]:
    chosen = entry.onboarding if entry.onboarding is not None else -1
    number = entry.number if entry.number is not None else 1 << 62
    return (0 if chosen >= 0 else 1, chosen, number, entry.path)


def _group_order(group: Group) -> tuple[int, int, int, str]:
    first = _entry_order(group.entries[0])
    return (group.tag == UNTAGGED, first[0], first[1] if first[0] == 0 else first[2], group.tag)


def path_markdown(path: ReadingPath, *, site: str = "") -> str:
    """The reading path as Markdown, for a wiki or a welcome email; links prefixed with `site`."""
    base = site.rstrip("/")
    lines = [
        "# Start here: the decisions in force",
        "",
        f"{_count(path.entries, 'decision')} to read, about {_count(path.minutes, 'minute')} "
        f"in all ({WORDS_PER_MINUTE} words a minute).",
    ]
    for group in path.groups:
        lines += ["", f"## {group.name} ({_count(group.minutes, 'minute')})", ""]
        for entry in group.entries:
            due = f" **Due for review** (by {entry.review_by})." if entry.due_for_review else ""
            lines.append(
                f"- **[{entry.label}: {_escape(entry.title)}]({base}{entry.url})** "
                f"({_count(entry.minutes, 'minute')}){due}"
            )
            if entry.rule:
                lines.append(f"  Rule: {entry.rule}")
            if entry.summary:
                lines.append(f"  {entry.summary}")
            if entry.story:
                lines.append(f"  _{_escape(entry.story[:1].upper() + entry.story[1:])}._")
    if not path.groups:
        lines += ["", "No accepted decision is in force yet."]
    lines += ["", f"## What changed in the last {RECENT_DAYS} days", ""]
    for change in path.recent:
        lines.append(
            f"- {change.on.isoformat()}: [{change.label}: {_escape(change.title)}]"
            f"({base}{change.url}) {change.status}"
        )
    if not path.recent:
        lines.append("Nothing was accepted, superseded or deprecated.")
    return "\n".join(lines) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' * (number != 1)}"


def _escape(text: str) -> str:
    """A title inside `[...]`: its brackets would end the link."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")

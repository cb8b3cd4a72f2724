"""Records layer: links: where a text points, and which way a link reads (pure core, no Django).

`link_targets` finds the decisions a line points at (Markdown links, file
names, bare `ADR 25`s); the parser reads every kind of link line with it.

A link is kept forwards ("B supersedes A"), whichever side declared it; the
decision it points at reads it backwards ("A superseded-by B"). The folder's
export, the index's export and the decision page all read links through here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from adrsite.records.vocabulary import FORWARD_KINDS, REVERSE_KIND


def links_as_read[Other](  # Other: how the other decision is named, a path or a row
    outgoing: Iterable[tuple[str, Other]], incoming: Iterable[tuple[str, Other]]
) -> list[tuple[str, Other]]:
    """A decision's links as (kind, other decision) pairs, read from its side: those it is the
    source of forwards, then those pointing at it backwards. A kind of adr-tools' own ("Foo
    bar", no known reverse) shows on its source alone."""
    read = list(outgoing)
    for kind, other in incoming:
        if kind in FORWARD_KINDS:
            read.append((REVERSE_KIND[kind], other))
    return read


@dataclass(frozen=True, slots=True)
class LinksAsRead[Other]:
    """A decision's links as read from its side, supersession apart from the other kinds."""

    supersedes: list[Other]
    superseded_by: list[Other]
    others: list[tuple[str, Other]]  # (kind as read, other decision), in the order given

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, Other]]) -> LinksAsRead[Other]:
        """Split pairs as `links_as_read` gives them."""
        split: LinksAsRead[Other] = cls([], [], [])
        for kind, other in pairs:
            if kind == "supersedes":
                split.supersedes.append(other)
            elif kind == "superseded-by":
                split.superseded_by.append(other)
            else:
                split.others.append((kind, other))
        return split


# Every pattern here is linear on any line (ADR 22): no two unbounded quantifiers
# over the same characters meet unless the first is possessive (*+, ++), and a
# pattern tried at every position cannot rescan the same run from each of them.
# "Amended by [3. X](0003-x.md)", "Supersedes ADR 25", "Relates to: ./0004-y.md"
_LINK_LINE = re.compile(
    r"^(?P<verb>[A-Za-z](?:[A-Za-z_-]| (?=[A-Za-z_-])){1,40}?)(?:\s*+:)?\s++"
    r"(?P<rest>(?:\[|m?adr[\s_-]?#?\d|\.{0,2}/|\d|[\w-]+\.md\b).*)$",
    re.IGNORECASE,
)
# No "[" inside a part: each try stops at the next "[", so a line of them is linear.
_MD_LINK = re.compile(r"\[([^\[\]]*)\]\(\s*<?([^)\s>\[]*)>?(?:\s+[\"'][^)\[]*)?\)")
_MD_FILE = re.compile(r"(?<![\w/.-])((?:\.{1,2}/)?[\w./-]*[\w-]\.md)\b")
_BARE_REF = re.compile(r"\bm?adr[\s_-]?#?(\d++)\b", re.IGNORECASE)  # zeros dropped after


def link_targets(text: str) -> list[str]:
    """Every decision `text` points at: Markdown links' targets, then bare `ADR 25`s."""
    targets = [href or label for label, href in _MD_LINK.findall(text)]
    rest = _MD_LINK.sub(" ", text)
    targets += _MD_FILE.findall(rest)
    targets += [digits.lstrip("0") or "0" for digits in _BARE_REF.findall(_MD_FILE.sub(" ", rest))]
    return targets


def clean_text_keep_links(text: str) -> str:
    """Strip emphasis around a link line but keep `[text](href)` intact."""
    return re.sub(r"(\*\*|__|`)", "", text).strip().lstrip(">").strip()

"""Records layer: which way a link reads from each of its two decisions (pure core, no Django).

A link is kept forwards ("B supersedes A"), whichever side declared it; the
decision it points at reads it backwards ("A superseded-by B"). The folder's
export, the index's export and the decision page all read links through here.
"""

from __future__ import annotations

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

"""Site layer, pure: lay out decisions and their links as an arc diagram drawn in SVG.

Decisions sit on one line in number order; each link is an arc between two of
them, supersession above the line and every other kind below. An arc diagram
needs no layout engine and no script, reads in number order (which is time
order), and keeps crossing arcs readable.
"""

from __future__ import annotations

from dataclasses import dataclass

STEP = 36  # horizontal distance between two decisions, in SVG units
MARGIN = 24
LABEL_SPACE = 56  # below the line, for the rotated labels


@dataclass(frozen=True, slots=True)
class Node:
    key: int
    label: str  # short: the number, or the file's stem
    title: str
    url: str
    status: str
    x: int = 0


@dataclass(frozen=True, slots=True)
class Arc:
    source: int  # Node.key
    target: int
    kind: str
    path: str  # SVG path data
    above: bool


@dataclass(frozen=True, slots=True)
class Layout:
    nodes: tuple[Node, ...]
    arcs: tuple[Arc, ...]
    width: int
    height: int
    baseline: int


def arc_layout(nodes: list[Node], links: list[tuple[int, int, str]]) -> Layout:
    """Place `nodes` (already in order) and draw `links` (source key, target key, kind)."""
    placed = [
        Node(n.key, n.label, n.title, n.url, n.status, MARGIN + index * STEP)
        for index, n in enumerate(nodes)
    ]
    x = {node.key: node.x for node in placed}
    drawable = [(s, t, kind) for s, t, kind in links if s in x and t in x and s != t]

    def tallest(above: bool) -> int:
        radii = (abs(x[s] - x[t]) // 2 for s, t, k in drawable if (k == "supersedes") == above)
        return max(radii, default=0)

    baseline = MARGIN + tallest(above=True)
    arcs = []
    for source, target, kind in drawable:
        above = kind == "supersedes"
        left, right = sorted((x[source], x[target]))
        radius = (right - left) // 2
        sweep = 1 if above else 0  # clockwise from the left draws the arc above the line
        path = f"M {left} {baseline} A {radius} {radius} 0 0 {sweep} {right} {baseline}"
        arcs.append(Arc(source, target, kind, path, above))
    width = 2 * MARGIN + max(len(placed) - 1, 0) * STEP
    height = baseline + max(tallest(above=False), LABEL_SPACE) + MARGIN
    return Layout(tuple(placed), tuple(arcs), width, height, baseline)

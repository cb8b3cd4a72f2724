"""Records layer: ADR Markdown to safe HTML with markdown-it-py (pure core, no Django).

Raw HTML is off, so `<script>` and `onerror=` arrive as text; markdown-it's link
validation drops `javascript:`, `vbscript:`, `file:` and non-image `data:` URLs.
Headings get ids and a permalink so sections of a decision can be linked.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin


@cache
def _markdown() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": False, "typographer": False})
        .enable(["table", "strikethrough"])
        .use(anchors_plugin, min_level=2, max_level=4, permalink=True, permalinkSymbol="#")
    )


def render_markdown(text: str) -> str:
    """HTML for an ADR body. Safe to mark safe: no raw HTML or script URLs survive."""
    return _markdown().render(text)


def without_title(body: str) -> str:
    """The body without its leading `# Title` (or setext) heading: pages show the title already."""
    lines = body.lstrip("\n").split("\n")
    if lines and lines[0].startswith("# "):
        return "\n".join(lines[1:])
    if len(lines) > 1 and lines[0].strip() and lines[1].strip() and set(lines[1].strip()) == {"="}:
        return "\n".join(lines[2:])
    return body

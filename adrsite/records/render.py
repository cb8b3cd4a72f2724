"""Records layer: ADR Markdown to safe HTML with markdown-it-py (pure core, no Django).

Raw HTML is off, so `<script>` and `onerror=` arrive as text; markdown-it's link
validation drops `javascript:`, `vbscript:`, `file:` and non-image `data:` URLs.
Headings get ids and a permalink so sections of a decision can be linked.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin

# Part of the key the site caches rendered HTML under (ADR 24): bump it whenever a change
# here (a plugin, an option, markdown-it's own output) changes the HTML of any text.
RENDERER_VERSION = 1


@cache
def _markdown() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": False, "typographer": False})
        .enable(["table", "strikethrough"])
        .use(anchors_plugin, min_level=2, max_level=4, permalink=True, permalinkSymbol="#")
    )


def render_markdown(text: str, *, link: Callable[[str], str | None] | None = None) -> str:
    """HTML for an ADR body. Safe to mark safe: no raw HTML or script URLs survive.

    Table alignment becomes a class (`align-right`), not a style attribute, so a
    Content-Security-Policy without inline styles shows it. `link`, when given,
    may rewrite each link's target (the site maps `0002-x.md` to its page).
    """
    md = _markdown()
    tokens = md.parse(text)
    for token in tokens:
        style = token.attrs.get("style") if token.type in ("th_open", "td_open") else None
        if isinstance(style, str) and style.startswith("text-align:"):
            del token.attrs["style"]
            token.attrSet("class", f"align-{style.removeprefix('text-align:')}")
        if link and token.type == "inline":
            for child in token.children or ():
                href = child.attrs.get("href") if child.type == "link_open" else None
                if isinstance(href, str) and (target := link(href)) is not None:
                    child.attrSet("href", target)
    html: str = md.renderer.render(tokens, md.options, {})  # RendererHTML's; typed Any
    return html


def render_inline(text: str, *, link: Callable[[str], str | None] | None = None) -> str:
    """HTML for one line of Markdown (a status as written): emphasis, code and links, no block."""
    md = _markdown()
    tokens = md.parseInline(text)
    for token in tokens:
        for child in token.children or ():
            href = child.attrs.get("href") if child.type == "link_open" else None
            if link and isinstance(href, str) and (target := link(href)) is not None:
                child.attrSet("href", target)
    html: str = md.renderer.render(tokens, md.options, {})  # RendererHTML's; typed Any
    return html


def without_title(body: str) -> str:
    """The body without its leading `# Title` (or setext) heading: pages show the title already."""
    lines = body.lstrip("\n").split("\n")
    if lines and lines[0].startswith("# "):
        return "\n".join(lines[1:])
    if len(lines) > 1 and lines[0].strip() and lines[1].strip() and set(lines[1].strip()) == {"="}:
        return "\n".join(lines[2:])
    return body

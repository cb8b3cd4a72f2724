"""Site layer: a decision's Markdown as its pages show it, rendered once and cached (ADR 24).

Rendering a hostile body costs seconds (a 786 KB table, long runs of `[`), so
pages never render on every view: the HTML goes into Django's cache (the
database) under a key naming everything it depends on, and a body too large to
render is shown as its source, escaped, with a notice.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.urls import get_script_prefix, reverse
from django.utils.safestring import SafeString, mark_safe

from adrsite.decisions.models import Decision, ProposedChange, Revision
from adrsite.decisions.refs import decision_ref
from adrsite.records.folder import is_decision_file, is_external
from adrsite.records.parse import parse
from adrsite.records.render import (
    RENDERER_VERSION,
    render_inline,
    render_markdown,
    without_title,
)

# An ADR is a page or two (ours are at most 6 KB). Past this the page shows the source:
# markdown-it's cost on hostile text grows faster than its length (100,000 `[` take
# seconds), so the cap bounds a first view as well as the HTML a page carries.
MAX_RENDER_CHARACTERS = 100_000
# HTML kept in the cache, and shown, at most: a table of empty cells grows 9x when
# rendered. A body whose HTML is longer is shown as source too (and that is cached).
MAX_HTML_CHARACTERS = 1_000_000
# Part of the cache key with RENDERER_VERSION: bump it when `link_from` changes a target.
LINKS_VERSION = 1

_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")


@dataclass(frozen=True, slots=True)
class Body:
    """What a page shows of a decision's text: its HTML, or (too large) its source."""

    html: SafeString
    source: str
    too_large: bool

    @property
    def kilobytes(self) -> int:
        return -(-len(self.source.encode()) // 1000)  # rounded up: never "0 KB"


def decision_body(*, decision: Decision) -> Body:
    """The decision's body at its last commit, without the title heading the page shows."""
    return _body(decision, without_title(decision.body), decision.path, decision.updated_commit)


def revision_body(*, decision: Decision, revision: Revision) -> Body:
    """A past revision's body, as its whole file (front matter and all) was committed."""
    text = parse(revision.path, revision.content.encode()).body
    return _body(decision, without_title(text), revision.path, revision.commit)


def proposal_body(*, change: ProposedChange) -> Body:
    """A proposed decision's body (ADR 37), as its review's head holds it, linked as a
    decision at that path and commit would be. Its cache key names the review: never a
    tracked decision's, whatever path, commit and text the two share."""
    review = change.review
    # Unsaved: where links go depends on a decision's place (path, commit, repository) only.
    placed = Decision(repository=review.repository, path=change.path, updated_commit=review.head)
    text = without_title(parse(change.path, change.content.encode()).body)
    return _body(placed, text, change.path, review.head, scope=("proposal", review.ref))


def summary_html(*, decision: Decision) -> SafeString:
    """The decision's summary (the Decision section's first paragraph) as inline HTML.

    Not cached: the parser bounds a summary to SUMMARY_CHARACTERS, so rendering one
    costs microseconds whatever its text, and the reading path stays at a constant
    number of queries. Links go where the body's do (`link_from`).
    """
    if not decision.summary:
        return mark_safe("")
    # render_inline drops raw HTML and script URLs: its output is safe to mark safe.
    return mark_safe(render_inline(decision.summary, link=link_from(decision)))


def _body(
    decision: Decision, markdown: str, path: str, commit: str, *, scope: tuple[str, ...] = ()
) -> Body:
    if len(markdown) > MAX_RENDER_CHARACTERS:
        return Body(html=mark_safe(""), source=markdown, too_large=True)
    key = _cache_key(decision, markdown, path, commit)
    if scope:  # a proposal's: its own prefix, and the review's ref in the digest
        key = (
            "adrsite:proposal-body:"
            + hashlib.sha256(json.dumps([key, *scope]).encode()).hexdigest()
        )
    cached = cache.get(key)
    if cached is None:
        html = render_markdown(markdown, link=link_from(decision))
        cached = html if len(html) <= MAX_HTML_CHARACTERS else False
        cache.set(key, cached)
    if cached is False:
        return Body(html=mark_safe(""), source=markdown, too_large=True)
    # render_markdown drops raw HTML and script URLs: its output is safe to mark safe.
    return Body(html=mark_safe(cached), source=markdown, too_large=False)


def _cache_key(decision: Decision, markdown: str, path: str, commit: str) -> str:
    """Everything the HTML depends on, hashed to a key of fixed length.

    The text's own digest is part of it: the indexer's parser decides what the body
    is, so (repository, path, commit) alone could name an older reading of the file.
    Links depend on the rest: the decision's place, the repository's folder and web
    URL template, the commit source links point at, and where the site is mounted.
    """
    repository = decision.repository
    parts = [
        RENDERER_VERSION,
        LINKS_VERSION,
        repository.name,
        repository.adr_dir,
        repository.web_url,
        get_script_prefix(),
        decision.path,
        decision.updated_commit,
        path,
        commit,
        hashlib.sha256(markdown.encode("utf-8", "surrogatepass")).hexdigest(),
    ]
    digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()
    return f"adrsite:body:{digest}"


def link_from(decision: Decision) -> Callable[[str], str | None]:
    """Where a relative link in `decision`'s text goes on this site (None: leave it).

    A relative link to another decision's file (`0002-x.md`, the usual cross-link) goes
    to that decision's page (by the ref its path gives, ADR 21); other relative links
    to the file on the git host. Rendered bodies are cached: bump LINKS_VERSION when
    this changes where a link goes.
    """

    def link(href: str) -> str | None:
        if is_external(href) or _SCHEME.match(href) or href.startswith(("/", "#")):
            return None  # elsewhere (https:, mailto:), or already a path of this site
        target, _, anchor = href.partition("#")
        folder = decision.path.rsplit("/", 1)[0] if "/" in decision.path else ""
        path = posixpath.normpath(posixpath.join(folder, target))
        if is_decision_file(path.rsplit("/", 1)[-1]) and not path.startswith("../"):
            ref = decision_ref(path, decision.repository.adr_dir)
            page = reverse("decisions:detail", args=[decision.repository.name, ref])
            return page + (f"#{anchor}" if anchor else "")
        return decision.repository.source_url(decision.updated_commit, path) or None

    return link

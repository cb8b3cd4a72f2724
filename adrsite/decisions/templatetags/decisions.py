"""Template helpers of the site: Markdown, search snippets, commits, log links."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from adrsite.decisions.models import Decision, Repository
from adrsite.decisions.queries import LogFilters
from adrsite.decisions.refs import decision_ref
from adrsite.decisions.search import snippet_html
from adrsite.records.folder import is_decision_file, is_external
from adrsite.records.parse import parse
from adrsite.records.render import render_inline, render_markdown, without_title
from adrsite.records.vocabulary import clean_text

register = template.Library()
_SCHEME = re.compile(r"[a-zA-Z][a-zA-Z0-9+.-]*:")


@register.filter
def markdown(body: str, decision: Decision) -> SafeString:
    """A decision's body as HTML, without the title heading the page shows already.

    A relative link to another decision's file (`0002-x.md`, the usual cross-link)
    goes to that decision's page (by the ref its path gives, ADR 21); other relative
    links to the file on the git host.
    """
    # render_markdown drops raw HTML and script URLs: its output is safe to mark safe.
    return mark_safe(render_markdown(without_title(body), link=_link_from(decision)))


@register.filter
def status_as_written(decision: Decision) -> SafeString:
    """The status line as its author wrote it (emoji, links and all), when it says more than
    the status badge: "✅ Accepted (PR #2897)" beside "accepted", not "Accepted" again."""
    text = decision.status_text
    if not text or clean_text(text).lower() == decision.status:
        return mark_safe("")
    # render_inline drops raw HTML and script URLs: its output is safe to mark safe.
    return mark_safe(render_inline(text, link=_link_from(decision)))


def _link_from(decision: Decision) -> Callable[[str], str | None]:
    """Where a relative link in `decision`'s text goes on this site (None: leave it)."""

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


@register.filter
def file_markdown(content: str, decision: Decision) -> SafeString:
    """A whole file as committed (front matter and all), shown as its body is."""
    return markdown(parse(decision.path, content.encode()).body, decision)


@register.filter
def snippet(text: str) -> SafeString:
    return snippet_html(text)


@register.filter
def short(commit: str) -> str:
    return commit[:7]


@register.filter
def kind_label(kind: str) -> str:
    """ "superseded-by" reads "superseded by"."""
    return kind.replace("-", " ")


@register.simple_tag
def log_query(filters: LogFilters, **changes: object) -> str:
    """The decision log's query string with `changes` to its filters."""
    return filters.query(**changes)


@register.simple_tag
def source_url(repository: Repository, commit: str, path: str = "") -> str:
    return repository.source_url(commit, path)

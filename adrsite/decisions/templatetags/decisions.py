"""Template helpers of the site: Markdown, search snippets, commits, log links."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from adrsite.decisions.models import Repository
from adrsite.decisions.queries import LogFilters
from adrsite.decisions.search import snippet_html
from adrsite.records.parse import parse
from adrsite.records.render import render_markdown, without_title

register = template.Library()


@register.filter
def markdown(body: str) -> SafeString:
    """A decision's body as HTML, without the title heading the page shows already."""
    # render_markdown drops raw HTML and script URLs: its output is safe to mark safe.
    return mark_safe(render_markdown(without_title(body)))


@register.filter
def file_markdown(content: str, path: str) -> SafeString:
    """A whole file as committed (front matter and all), shown as its body is."""
    return markdown(parse(path, content.encode()).body)


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

"""Template helpers of the site: status lines, search snippets, commits, log links.

Decision bodies are rendered (and cached) by `bodies.py`, called from the views.
"""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from adrsite.decisions.bodies import link_from
from adrsite.decisions.models import Decision, ProposedChange, Repository, Review
from adrsite.decisions.queries import LogFilters, OpenReviews
from adrsite.decisions.refs import decision_ref
from adrsite.decisions.search import snippet_html
from adrsite.records.render import render_inline
from adrsite.records.vocabulary import clean_text

register = template.Library()


@register.filter
def status_as_written(decision: Decision) -> SafeString:
    """The status line as its author wrote it (emoji, links and all), when it says more than
    the status badge: "✅ Accepted (PR #2897)" beside "accepted", not "Accepted" again."""
    text = decision.status_text
    if not text or clean_text(text).lower() == decision.status:
        return mark_safe("")
    # render_inline drops raw HTML and script URLs: its output is safe to mark safe.
    return mark_safe(render_inline(text, link=link_from(decision)))


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


@register.filter
def review_page(review: Review) -> str:
    """`/reviews/REPO/REFNAME/`: a review's page on this site (ADR 37)."""
    return reverse(
        "decisions:review", args=[review.repository.name, review.ref.removeprefix("refs/")]
    )


@register.filter
def proposal_page(change: ProposedChange) -> str:
    """`/reviews/REPO/REFNAME/~/REF/`: the decision a review proposes, on this site (ADR 37)."""
    review = change.review
    ref = decision_ref(change.path, review.repository.adr_dir)
    return reverse(
        "decisions:proposal", args=[review.repository.name, review.ref.removeprefix("refs/"), ref]
    )


@register.simple_tag
def collision_page(open_work: OpenReviews, ref: str, path: str) -> str:
    """The page of the proposal `path` of review `ref` among `open_work`'s, "" when not open."""
    change = open_work.change_at(ref, path)
    return "" if change is None else proposal_page(change)

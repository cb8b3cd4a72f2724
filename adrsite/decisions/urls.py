"""URLs of the decisions app."""

from django.urls import path, register_converter

from adrsite.decisions import views
from adrsite.decisions.refs import COMMIT


class RefConverter:
    """A decision's ref (ADR 21): any characters, `/` and newlines too."""

    regex = r"[\s\S]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class CommitConverter(RefConverter):
    """A commit or a prefix of one: what keeps `x/revisions/abc1234.md` a decision's ref."""

    regex = COMMIT.pattern


class RefNameConverter(RefConverter):
    """A git ref without `refs/` (`pull/412/head`, `heads/team/x`): `/` inside, and never
    `~`, which git refuses in ref names, so `/~/` ends it (ADR 21, ADR 37)."""

    regex = r"[^~]+"


register_converter(RefConverter, "ref")
register_converter(RefNameConverter, "refname")
register_converter(CommitConverter, "commit")

app_name = "decisions"
urlpatterns = [
    path("", views.decision_log, name="log"),
    path("timeline/", views.timeline, name="timeline"),
    path("graph/", views.graph, name="graph"),
    path("start/", views.start, name="start"),
    path("rules/", views.rules, name="rules"),
    path("problems/", views.problems, name="problems"),
    path("feed.atom", views.feed, name="feed"),
    path("healthz", views.healthz, name="healthz"),
    path("api/decisions", views.api_decisions, name="api-decisions"),
    path("api/decisions/<slug:repository>/<ref:ref>", views.api_decision, name="api-decision"),
    path("api/reviews", views.api_reviews, name="api-reviews"),
    path("decisions/<slug:repository>/", views.repository_log, name="repository"),
    # ADR 33: one webhook URL per repository and git host kind.
    *(
        path(f"hooks/{kind}/<slug:repository>/", views.webhook, {"kind": kind}, name=f"hook-{kind}")
        for kind in ("github", "gitlab", "generic")
    ),
    # The sub-pages first: a ref that would read as one keeps its extension (refs.py).
    path("decisions/<slug:repository>/<ref:ref>/diff/", views.revision_diff, name="diff"),
    path(
        "decisions/<slug:repository>/<ref:ref>/revisions/<commit:commit>/",
        views.revision_detail,
        name="revision",
    ),
    path("decisions/<slug:repository>/<ref:ref>/", views.decision_detail, name="detail"),
    # Decisions in review (ADR 37): a review's changes, and each proposed decision.
    path("reviews/<slug:repository>/<refname:refname>/", views.review_detail, name="review"),
    path(
        "reviews/<slug:repository>/<refname:refname>/~/<ref:ref>/",
        views.proposal_detail,
        name="proposal",
    ),
]

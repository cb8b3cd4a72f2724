"""URLs of the decisions app."""

from django.urls import path

from adrsite.decisions import views

app_name = "decisions"
urlpatterns = [
    path("", views.decision_log, name="log"),
    path("timeline/", views.timeline, name="timeline"),
    path("graph/", views.graph, name="graph"),
    path("rules/", views.rules, name="rules"),
    path("problems/", views.problems, name="problems"),
    path("feed.atom", views.feed, name="feed"),
    path("api/decisions", views.api_decisions, name="api-decisions"),
    path("api/decisions/<slug:repository>/<str:ref>", views.api_decision, name="api-decision"),
    path("decisions/<slug:repository>/<str:ref>/", views.decision_detail, name="detail"),
    path("decisions/<slug:repository>/<str:ref>/diff/", views.revision_diff, name="diff"),
    path(
        "decisions/<slug:repository>/<str:ref>/revisions/<str:commit>/",
        views.revision_detail,
        name="revision",
    ),
]

"""URLs of the decisions app."""

from django.urls import path

from adrsite.decisions import views

app_name = "decisions"
urlpatterns = [
    path("", views.decision_log, name="log"),
    path("decisions/<str:ref>/", views.decision_detail, name="detail"),
]

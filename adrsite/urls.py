"""Root URL configuration (project layer): everything lives in the one app."""

from django.urls import include, path

urlpatterns = [
    path("", include("adrsite.decisions.urls")),
]

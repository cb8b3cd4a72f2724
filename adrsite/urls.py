"""Root URL configuration (project layer): everything lives in the one app."""

from django.urls import include, path

urlpatterns = [
    path("", include("adrsite.decisions.urls")),
]

# JSON under /api/, the site's pages elsewhere.
handler404 = "adrsite.decisions.views.not_found"
handler400 = "adrsite.decisions.views.bad_request"

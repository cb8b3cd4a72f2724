"""Root URL configuration (project layer): the decisions, sign-in, and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("adrsite.accounts.urls")),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("admin/", admin.site.urls),
    path("", include("adrsite.decisions.urls")),
]

# JSON under /api/, the site's pages elsewhere.
handler404 = "adrsite.decisions.views.not_found"
handler400 = "adrsite.decisions.views.bad_request"

"""Sign-in, sign-out and the user's own page with their personal tokens (ADR 34)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from adrsite.accounts.models import PersonalToken
from adrsite.accounts.tokens import make_token

TOKEN_NAME_LENGTH = PersonalToken._meta.get_field("name").max_length or 100


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["single_sign_on"] = bool(settings.OIDC_RP_CLIENT_ID)
        return context


logout = auth_views.LogoutView.as_view()  # POST only, with the CSRF token


def _account_page(request: HttpRequest, **extra: object) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # login_required
    tokens = PersonalToken.objects.filter(user=user)
    groups = user.groups.order_by("name")
    context = {"tokens": tokens, "groups": groups, "name_length": TOKEN_NAME_LENGTH, **extra}
    return render(request, "accounts/account.html", context, status=extra.get("status", 200))  # type: ignore[arg-type]


NEW_TOKEN = "adrsite_new_token"


@login_required
@require_http_methods(["GET", "HEAD"])
def account(request: HttpRequest) -> HttpResponse:
    # A token just made is shown on this one view (then gone from the session), so that
    # reloading the page neither shows it again nor posts the form a second time.
    new = request.session.pop(NEW_TOKEN, None) if request.method == "GET" else None
    if isinstance(new, dict):
        return _account_page(request, new_token=new["token"], new_name=new["name"])
    return _account_page(request)


@login_required
@require_POST
def create_token(request: HttpRequest) -> HttpResponse:
    """Makes a token, stored only as its digest, and shows it once on the page it leads to."""
    name = request.POST.get("name", "").strip()
    if not name or len(name) > TOKEN_NAME_LENGTH or not name.isprintable():
        problem = f"Give the token a name of 1 to {TOKEN_NAME_LENGTH} characters."
        return _account_page(request, problem=problem, status=400)
    _, token = make_token(request.user, name)  # type: ignore[arg-type]
    request.session[NEW_TOKEN] = {"token": token, "name": name}
    return redirect("accounts:account")


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    get_object_or_404(PersonalToken, pk=pk, user=request.user).delete()
    return redirect("accounts:account")

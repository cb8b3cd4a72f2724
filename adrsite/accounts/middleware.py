"""Who a request is, and whether it may go on (ADR 34)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, authenticate, login, logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse

from adrsite.accounts.groups import group_names, set_groups
from adrsite.accounts.tokens import user_for_token

PROXY_BACKEND = "adrsite.accounts.backends.TrustedProxyBackend"
API_PREFIX = "/api/"
FEED_PATH = "/feed.atom"
BEARER = "bearer "


@cache
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the connection's peer (REMOTE_ADDR, never a forwarded-for header, which
    anyone can write) is one of ADRSITE_TRUSTED_PROXIES."""
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(peer in network for network in _networks(tuple(settings.ADRSITE_TRUSTED_PROXIES)))


class RemoteUserFromTrustedProxy:
    """Signs in the user an authenticating proxy names in ADRSITE_REMOTE_USER_HEADER, with
    the groups in ADRSITE_REMOTE_GROUPS_HEADER, when (and only when) the request comes from
    a trusted proxy; from anywhere else both headers are ignored."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        header = settings.ADRSITE_REMOTE_USER_HEADER
        if header and from_trusted_proxy(request):
            self.sign_in(request, header, request.headers.get(header, "").strip())
        return self.get_response(request)

    def sign_in(self, request: HttpRequest, header: str, name: str) -> None:
        current = request.user
        if not name:
            # The proxy's session ended: so does the one it started here.
            if (
                current.is_authenticated
                and request.session.get(BACKEND_SESSION_KEY) == PROXY_BACKEND
            ):
                logout(request)
            return
        if current.is_authenticated and current.get_username() == name:
            return
        user = authenticate(request, remote_user=name)
        if user is None:
            if current.is_authenticated:
                logout(request)  # the proxy names someone else now; never keep the old user
            return
        login(request, user, backend=PROXY_BACKEND)
        if groups_header := settings.ADRSITE_REMOTE_GROUPS_HEADER:
            set_groups(user, group_names(request.headers.get(groups_header, "").split(",")))


def _api(path: str) -> bool:
    return path.startswith(API_PREFIX)


def _presented_token(request: HttpRequest) -> str | None:
    """The personal token a request shows: `Authorization: Bearer` to the API and the feed,
    or `?token=` to the feed only (for readers that cannot send a header)."""
    path = request.path_info
    if not (_api(path) or path == FEED_PATH):
        return None
    authorization = request.headers.get("Authorization", "")
    if authorization[: len(BEARER)].lower() == BEARER:
        return authorization[len(BEARER) :].strip()
    if path == FEED_PATH and "token" in request.GET:
        return request.GET["token"]
    return None


def _unauthorized(request: HttpRequest, message: str) -> HttpResponse:
    headers = {"WWW-Authenticate": 'Bearer realm="adrsite"'}
    if _api(request.path_info):
        return JsonResponse({"error": message}, status=401, headers=headers)
    return HttpResponse(
        message + "\n", status=401, content_type="text/plain; charset=utf-8", headers=headers
    )


class LoginRequired:
    """With ADRSITE_LOGIN_REQUIRED, a request from no one is sent to sign in: a page by a
    redirect to the login page, the API and the feed with 401. A personal token signs in
    the API and the feed; a token that is wrong is 401 whatever the setting. The addresses
    in ADRSITE_LOGIN_EXEMPT_PREFIXES are open to all."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _presented_token(request)
        if token is not None:
            user = user_for_token(token)
            if user is None:
                return _unauthorized(request, "this token is not valid (revoked, or mistyped)")
            request.user = user
        if (
            settings.ADRSITE_LOGIN_REQUIRED
            and not request.user.is_authenticated
            and not request.path_info.startswith(tuple(settings.ADRSITE_LOGIN_EXEMPT_PREFIXES))
        ):
            if _api(request.path_info) or request.path_info == FEED_PATH:
                return _unauthorized(
                    request, "sign in first: send a personal token (see /account/)"
                )
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)

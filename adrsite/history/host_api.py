"""History layer: which pull requests the git host says are still open (ADR 37).

Git keeps `refs/pull/N/head` after a pull request is closed unmerged: only the
host knows it is closed. With a read-only token, one paginated request per kind
lists the open ones (GitHub's `pulls?state=open`, GitLab's
`merge_requests?state=opened`); without one the caller hides refs by age. The
API's address is the repository's `host_api`, or derived from a github.com or
gitlab.com clone URL. The token is never sent on a redirect.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from collections.abc import Iterable
from urllib.parse import quote, urlsplit

from adrsite.records.reviews import review_number

_PER_PAGE = 100
_MAX_PAGES = 50  # 5,000 open pull requests: past that, the rest count as unknown
_TIMEOUT = 10.0
# https://github.com/org/repo(.git), git@github.com:org/repo.git, ssh://git@gitlab.com/g/s/p.git
_CLONE_URL = re.compile(
    r"(?:https://|ssh://git@|git@)(github\.com|gitlab\.com)[/:]([^\s?#]{1,500}?)(?:\.git)?/?"
)


_LOOPBACK = ("127.0.0.1", "::1", "localhost")


class HostApiError(Exception):
    """The host's API did not answer as expected; the message is for the log."""


def api_problem(address: str) -> str:
    """Why the token may not be sent to `address`, or "": only https, or plain http to this
    machine (a local test server); anywhere else the token would cross the network in clear."""
    try:
        parts = urlsplit(address)
        host = parts.hostname
    except ValueError:
        return f"{address!r}: the host's API is an https:// URL"
    if not host or any(char.isspace() for char in address):
        return f"{address!r}: the host's API is an https:// URL"
    if parts.scheme == "https" or (parts.scheme == "http" and host in _LOOPBACK):
        return ""
    if parts.scheme == "http":
        return (
            f"{address!r}: the token would travel unencrypted; use https:// "
            "(plain http only to 127.0.0.1, ::1 or localhost)"
        )
    return f"{address!r}: the host's API is an https:// URL"


def api_of(url: str) -> str:
    """The API address of a github.com or gitlab.com clone URL; "" for any other."""
    match = _CLONE_URL.fullmatch(url.strip())
    if match is None:
        return ""
    host, path = match[1], match[2].strip("/")
    if host == "github.com":
        return f"https://api.github.com/repos/{path}"
    return f"https://gitlab.com/api/v4/projects/{quote(path, safe='')}"


def request_states(api: str, url: str, token: str, refs: Iterable[str]) -> dict[str, bool]:
    """ref -> open? for each pull or merge request ref in `refs` the host can speak for."""
    api = (api or api_of(url)).rstrip("/")
    numbered = {ref: known for ref in refs if (known := review_number(ref)) is not None}
    if not api or not numbered:
        return {}
    open_numbers: dict[str, set[int] | None] = {}
    for kind in sorted({kind for kind, _ in numbered.values()}):
        open_numbers[kind] = _open_numbers(api, token, kind)
    states = {}
    for ref, (kind, number) in numbered.items():
        found = open_numbers[kind]
        if found is not None:
            states[ref] = number in found
    return states


def _open_numbers(api: str, token: str, kind: str) -> set[int] | None:
    """The numbers of the open requests of `kind`; None when there are more than we read."""
    if kind == "github":
        endpoint, key = f"{api}/pulls?state=open&per_page={_PER_PAGE}", "number"
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/vnd.github+json"}
    else:
        endpoint, key = f"{api}/merge_requests?state=opened&per_page={_PER_PAGE}", "iid"
        headers = {"PRIVATE-TOKEN": token}
    found: set[int] = set()
    for page in range(1, _MAX_PAGES + 1):
        items = _get(f"{endpoint}&page={page}", headers)
        for item in items:
            if isinstance(item, dict) and isinstance(item.get(key), int):
                found.add(item[key])
        if len(items) < _PER_PAGE:
            return found
    return None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None  # a redirect is an error: the token stays with the host it was given for


def _get(address: str, headers: dict[str, str]) -> list[object]:
    if api_problem(address):  # the token is for https, or for this machine
        raise HostApiError(api_problem(address.split("?")[0]))
    request = urllib.request.Request(address, headers={**headers, "User-Agent": "adrsite"})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=_TIMEOUT) as response:
            answer = json.loads(response.read(16 << 20))
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise HostApiError(f"{address.split('?')[0]}: {error}") from None
    if not isinstance(answer, list):
        raise HostApiError(f"{address.split('?')[0]}: expected a list of requests")
    return answer

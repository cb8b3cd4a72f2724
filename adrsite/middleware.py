"""Request filtering shared by every view (project layer)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.db import DatabaseError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict

from adrsite.startup import database_unusable

logger = logging.getLogger("adrsite")

# Characters no database column takes: PostgreSQL refuses NUL in any text value, so a
# query parameter or a URL part that holds one would reach the database as an error.
UNSTORABLE = "\x00"


def _storable(text: str) -> bool:
    return not any(character in text for character in UNSTORABLE)


def refuse_unstorable_input(get_response: Callable[[HttpRequest], HttpResponse]):
    """A URL path holding NUL names nothing (404); a query parameter holding it is dropped,
    as the pages drop any value they do not know. One place, so no view has to check."""

    def middleware(request: HttpRequest) -> HttpResponse:
        if not _storable(request.path_info):
            raise Http404("No page has NUL in its address")
        if not all(_storable(key + "".join(values)) for key, values in request.GET.lists()):
            kept = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                storable = [value for value in values if _storable(value)]
                if storable and _storable(key):
                    kept.setlist(key, storable)
            kept._mutable = False
            # django-stubs types request.GET as only QueryDict(mutable=False) builds it.
            request.GET = kept  # type: ignore[assignment]
        return get_response(request)

    return middleware


class DatabaseUnavailable:
    """A page that cannot reach the database answers 503 and logs one line, not a traceback.

    The database may be down, unreachable, or its driver missing (see startup.py);
    once it answers again, so does the site, with no restart.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (DatabaseError, ImproperlyConfigured)):
            return None
        problem = database_unusable()
        if problem is None:
            return None  # the database answers: a fault of its own, for the 500 handler
        logger.error("adrsite: %s", problem)  # Django's own line names the page
        return HttpResponse(
            "The site's database cannot be reached; the server's log says why.\n",
            status=503,
            content_type="text/plain; charset=utf-8",
            headers={"Retry-After": "30"},
        )

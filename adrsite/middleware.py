"""Request filtering shared by every view (project layer)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse, QueryDict

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

"""Views of the decisions app: parse the request, call one function, render.

Until the git indexer lands, the site reads the configured ADR folder through
the pure core on each request; the views then switch to `queries.py`.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from adrsite.records.folder import Folder, FolderError, find_folder, find_records, read_folder
from adrsite.records.model import Record
from adrsite.records.render import render_markdown


def _folder_records() -> tuple[Folder | None, list[Record]]:
    try:
        folder = find_folder(settings.ADRSITE_REPOSITORY, settings.ADRSITE_ADR_DIR or None)
    except FolderError:
        return None, []
    return folder, read_folder(folder)


@require_GET
def decision_log(request: HttpRequest) -> HttpResponse:
    folder, records = _folder_records()
    return render(request, "decisions/log.html", {"folder": folder, "records": records})


@require_GET
def decision_detail(request: HttpRequest, ref: str) -> HttpResponse:
    _, records = _folder_records()
    found = find_records(records, ref)
    if len(found) != 1:  # none, or a number two files share after a merge
        raise Http404(f"No single decision {ref}")
    record = found[0]
    # render_markdown drops raw HTML and script URLs, so its output is safe to mark safe.
    body = mark_safe(render_markdown(record.body))
    return render(request, "decisions/detail.html", {"record": record, "body": body})

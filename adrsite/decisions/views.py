"""Views of the decisions app: parse the request, call one query, render.

The decision log answers htmx with the fragment it swaps (same URL, `Vary:
HX-Request`); every other page is a plain page. Reads go through `queries/`, each
given the repositories the request's user may read (`_visible`, ADR 35).
"""

from __future__ import annotations

import logging
import re
from dataclasses import replace
from datetime import datetime

from django.db import DatabaseError
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.urls import Resolver404, reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe
from django.views.decorators.vary import vary_on_headers
from django_htmx.middleware import HtmxDetails

from adrsite.decisions import queries, webhooks
from adrsite.decisions.bodies import decision_body, proposal_body, revision_body, summary_html
from adrsite.decisions.graph import Node, arc_layout
from adrsite.decisions.models import Decision, Repository
from adrsite.records.controls import visible_controls
from adrsite.records.diff import MAX_CHARACTERS, MAX_LINES, line_diff, too_large_to_diff
from adrsite.records.onboarding import RECENT_DAYS, WORDS_PER_MINUTE
from adrsite.startup import cannot_connect

logger = logging.getLogger("adrsite")

_PAGE = re.compile(r"[0-9]{1,6}")  # not str.isdigit(): it takes "²", which int() refuses


class HtmxHttpRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it (for the type checker: it adds `htmx`)."""

    htmx: HtmxDetails


def _visible(request: HttpRequest) -> QuerySet[Repository]:
    """The repositories this request may read: asked once per request, passed to each query."""
    return queries.visible_repositories(request.user)


@require_safe
@vary_on_headers("HX-Request")
def decision_log(request: HtmxHttpRequest) -> HttpResponse:
    filters = queries.LogFilters.from_query(request.GET)
    visible = _visible(request)
    log = queries.decision_log(filters=filters, visible=visible)
    fragment = bool(request.htmx) and not request.htmx.history_restore_request
    template = "decisions/log.html#results" if fragment else "decisions/log.html"
    # The fragment also carries the hidden status and sort fields, swapped out of band,
    # so the search form goes on from the filter a link chose.
    context = {
        "log": log,
        "oob_state": fragment,
        "in_review": queries.review_change_count(repository=filters.repository, visible=visible),
        "reviews": (
            queries.review_log(repository=filters.repository, visible=visible, page=filters.page)
            if filters.in_review
            else None
        ),
    }
    if not fragment:  # repositories whose host could not be fetched: their index may be old
        context["fetch_problems"] = queries.fetch_problems(repository=log.filters.repository)
    return render(request, template, context)


@require_safe
def repository_log(request: HttpRequest, repository: str) -> HttpResponse:
    """`/decisions/REPO/`, one step up from a decision: the log of that repository. A
    temporary redirect, so that a page of the repository's own may take the address later."""
    try:
        queries.repository_get(name=repository, visible=_visible(request))
    except queries.RepositoryNotChosen:
        raise Http404(f"No repository {repository!r}") from None
    query = request.GET.copy()  # the log's other filters, kept
    query["repository"] = repository
    return HttpResponseRedirect(f"{reverse('decisions:log')}?{query.urlencode()}")


def _decision_or_answer(
    request: HttpRequest, repository: str, ref: str, page: str, *extra: str
) -> Decision | HttpResponse:
    """The decision `ref` names, or the answer instead (ADR 21): a permanent redirect from
    another spelling to its own ref, the page of choices when several share it, or 404:
    in a repository the user may not read too, as if it did not exist (ADR 35)."""
    lookup = queries.decision_lookup(repository=repository, ref=ref, visible=_visible(request))
    if lookup.choices:
        context = {"lookup": lookup, "repository": repository, "ref": ref}
        return render(request, "decisions/choices.html", context)
    if lookup.decision is None:
        raise Http404(f"No decision {ref!r} in {repository!r}")
    if not lookup.canonical:
        url = reverse(page, args=[repository, lookup.decision.ref, *extra])
        query = request.GET.urlencode()
        return HttpResponsePermanentRedirect(f"{url}?{query}" if query else url)
    return lookup.decision


@require_safe
def decision_detail(request: HttpRequest, repository: str, ref: str) -> HttpResponse:
    decision = _decision_or_answer(request, repository, ref, "decisions:detail")
    if isinstance(decision, HttpResponse):
        return decision
    page = queries.decision_page(decision=decision)
    checks = queries.decision_checks(decisions=[decision]).get(decision.pk, [])
    proposed, merged = queries.decision_reviews(decision=decision)
    current = queries.tracked_text(decision=decision) if proposed else ""
    context = {
        "page": page,
        "decision": decision,
        "body": decision_body(decision=decision),
        "checks": checks,
        "proposals": [(change, _diff(current, change.content)) for change in proposed],
        "merged_proposals": merged,
    }
    return render(request, "decisions/detail.html", context)


def _diff(old: str, new: str) -> dict[str, object]:
    """What the diff table (decisions/_diff.html) shows of `old` against `new`."""
    too_large = too_large_to_diff(old, new)
    return {
        "too_large": too_large,
        "limit": f"{MAX_LINES:,} lines or {MAX_CHARACTERS:,} characters",
        "hunks": [] if too_large else line_diff(old, new),
    }


@require_safe
def review_detail(request: HttpRequest, repository: str, refname: str) -> HttpResponse:
    """`/reviews/REPO/REFNAME/`: what an open pull request or branch proposes (ADR 37)."""
    found = queries.review_page(
        repository=repository, ref=f"refs/{refname}", visible=_visible(request)
    )
    if found is None:
        raise Http404(f"No review {refname!r} in {repository!r}")
    review, entries, collisions = found
    context = {"review": review, "entries": entries, "collisions": collisions}
    return render(request, "decisions/review.html", context)


@require_safe
def proposal_detail(request: HttpRequest, repository: str, refname: str, ref: str) -> HttpResponse:
    """`/reviews/REPO/REFNAME/~/REF/`: a decision as a review proposes it, not merged."""
    proposal = queries.proposal_get(
        repository=repository, ref=f"refs/{refname}", decision_ref=ref, visible=_visible(request)
    )
    if proposal is None:
        raise Http404(f"No proposed decision {ref!r} in {refname!r} of {repository!r}")
    change = proposal.change
    context = {
        "proposal": proposal,
        "review": proposal.review,
        "change": change,
        "summary": proposal.summary,
        "body": proposal_body(change=change) if change.content else None,
        "diff": _diff(proposal.tracked_text, change.content) if proposal.tracked else None,
    }
    return render(request, "decisions/proposal.html", context)


@require_safe
def revision_detail(request: HttpRequest, repository: str, ref: str, commit: str) -> HttpResponse:
    decision = _decision_or_answer(request, repository, ref, "decisions:revision", commit)
    if isinstance(decision, HttpResponse):
        return decision
    revision = queries.revision_get(decision=decision, commit=commit)
    if revision is None:
        raise Http404(f"No revision {commit!r} of {ref!r}")
    shown = revision.content and not revision.deleted
    body = revision_body(decision=decision, revision=revision) if shown else None
    context = {"decision": decision, "revision": revision, "body": body}
    return render(request, "decisions/revision.html", context)


@require_safe
def revision_diff(request: HttpRequest, repository: str, ref: str) -> HttpResponse:
    decision = _decision_or_answer(request, repository, ref, "decisions:diff")
    if isinstance(decision, HttpResponse):
        return decision
    old_sha, new_sha = request.GET.get("from", ""), request.GET.get("to", "")
    old, new = queries.revision_pair(decision=decision, old=old_sha, new=new_sha)
    if old is None or new is None:
        raise Http404("Choose two revisions of this decision to compare")
    context = {"decision": decision, "old": old, "new": new, **_diff(old.content, new.content)}
    return render(request, "decisions/diff.html", context)


@require_safe
def timeline(request: HttpRequest) -> HttpResponse:
    repository = request.GET.get("repository", "")
    events = queries.timeline(repository=repository, visible=_visible(request))
    return render(request, "decisions/timeline.html", {"events": events})


@require_safe
def graph(request: HttpRequest) -> HttpResponse:
    repository = request.GET.get("repository", "")
    decisions, links = queries.graph(repository=repository, visible=_visible(request))
    nodes = [
        Node(d.pk, str(d.number) if d.number is not None else d.stem, d.title,
             d.get_absolute_url(), d.status or "unknown")
        for d in decisions
    ]  # fmt: skip
    layout = arc_layout(nodes, [(link.source_id, link.target_id, link.kind) for link in links])
    by_id = {d.pk: d for d in decisions}
    described = [(by_id[link.source_id], link.kind, by_id[link.target_id]) for link in links]
    return render(request, "decisions/graph.html", {"layout": layout, "links": described})


@require_safe
def rules(request: HttpRequest) -> HttpResponse:
    found = queries.rules(repository=request.GET.get("repository", ""), visible=_visible(request))
    checks = queries.decision_checks(decisions=found)
    rules = [(decision, checks.get(decision.pk, [])) for decision in found]
    return render(request, "decisions/rules.html", {"rules": rules})


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    """The reading path: what a new engineer reads first, in the order the team chose."""
    repository = request.GET.get("repository", "").strip()[:100]
    path = queries.reading_path(
        repository=repository, visible=_visible(request), today=timezone.localdate()
    )
    groups = [
        replace(
            group,
            entries=[
                replace(entry, summary_html=summary_html(decision=entry.item))
                for entry in group.entries
            ],
        )
        for group in path.groups
    ]
    context = {
        "path": replace(path, groups=groups),
        "repository": repository,
        "recent_days": RECENT_DAYS,
        "words_per_minute": WORDS_PER_MINUTE,
    }
    return render(request, "decisions/start.html", context)


@require_safe
def problems(request: HttpRequest) -> HttpResponse:
    repository = request.GET.get("repository", "")
    visible = _visible(request)
    report = queries.problems(repository=repository, visible=visible, today=timezone.localdate())
    failing = queries.sync_failures(repository=repository, visible=visible)
    chosen = visible.filter(name=repository) if repository else visible
    open_work = [
        w for w in queries.open_reviews_in(repositories=chosen) if w.collisions or w.left_off
    ]
    context = {
        "report": report,
        "failing": failing,
        "open_work": open_work,
        "collision_count": sum(len(w.collisions) for w in open_work),
    }
    return render(request, "decisions/problems.html", context)


@require_safe
def api_decisions(request: HttpRequest) -> JsonResponse:
    """The export contract (docs/export.md) of one repository: named, or the only one indexed."""
    try:
        repository = queries.repository_get(
            name=request.GET.get("repository", ""), visible=_visible(request)
        )
    except queries.RepositoryNotChosen as error:
        return _repository_not_chosen(error)
    asked = request.GET.get("page", "1")
    page = int(asked) if _PAGE.fullmatch(asked) else 0
    found = queries.decision_export_page(repository=repository, page=page)
    if found is None:
        message = f"no page {asked!r}: pages run from 1 to the last"
        return JsonResponse({"error": message, "repository": repository.name}, status=404)

    def page_url(number: int) -> str | None:
        if not 1 <= number <= found.pages:
            return None
        query = request.GET.copy()
        query["page"] = str(number)
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    # The export contract's envelope (`adr export`), with the page's place in the whole.
    return JsonResponse(
        {
            "repository": repository.name,
            "head": repository.last_indexed_commit or None,
            "count": found.count,
            "page": found.page,
            "pages": found.pages,
            "next": page_url(found.page + 1),
            "previous": page_url(found.page - 1),
            "decisions": found.decisions,
        }
    )


def _repository_not_chosen(error: queries.RepositoryNotChosen) -> JsonResponse:
    """The API's 404 when ?repository= names none this request reads, or several could be meant."""
    if error.asked:
        message = "no such repository"
    elif error.indexed:
        message = "name the repository with ?repository="
    else:
        message = "no repository is indexed yet"
    return JsonResponse({"error": message, "repositories": error.indexed}, status=404)


@require_safe
def api_reviews(request: HttpRequest) -> JsonResponse:
    """The decisions in review of one repository (ADR 37), as `adr export --review` prints them."""
    try:
        repository = queries.repository_get(
            name=request.GET.get("repository", ""), visible=_visible(request)
        )
    except queries.RepositoryNotChosen as error:
        return _repository_not_chosen(error)
    return JsonResponse(queries.reviews_json(repository=repository))


@require_safe
def api_decision(request: HttpRequest, repository: str, ref: str) -> JsonResponse:
    """One decision, by any spelling of its ref (ADR 21); several: 300 with the choices."""
    lookup = queries.decision_lookup(repository=repository, ref=ref, visible=_visible(request))
    if lookup.choices:
        choices = [
            {
                "path": choice.decision.path,
                "number": choice.decision.number,
                "title": choice.decision.title,
                "status": choice.decision.status or None,
                "url": request.build_absolute_uri(
                    reverse("decisions:detail", args=[repository, choice.ref])
                ),
                "api": request.build_absolute_uri(
                    reverse("decisions:api-decision", args=[repository, choice.ref])
                ),
            }
            for choice in lookup.choices
        ]
        shared = (
            f"number {lookup.choices[0].decision.number}"
            if lookup.shared == "number"
            else f"the name {ref!r}"
        )
        message = f"{len(choices)} decisions share {shared}; choose one"
        return JsonResponse({"error": message, "choices": choices}, status=300)
    if lookup.decision is None:
        return JsonResponse({"error": f"no decision {ref!r} in {repository!r}"}, status=404)
    data = queries.decision_json(decision=lookup.decision)
    data["url"] = request.build_absolute_uri(lookup.decision.get_absolute_url())
    return JsonResponse(data)


@require_safe
def feed(request: HttpRequest) -> HttpResponse:
    """An Atom feed of the newest revisions: a decision written, changed, or deleted."""
    atom = Atom1Feed(
        title="Architecture decisions",
        link=request.build_absolute_uri(reverse("decisions:log")),
        description="Changes to the decision log",
        feed_url=request.build_absolute_uri(),
        language="en",
    )
    for revision in queries.recent_revisions(visible=_visible(request)):
        decision = revision.decision
        link = request.build_absolute_uri(
            reverse("decisions:revision", args=[decision.repository.name, decision.ref,
                                                revision.commit[:12]])
        )  # fmt: skip
        verb = "deleted" if revision.deleted else (revision.status or "changed")
        atom.add_item(
            title=_xml_text(f"{decision.label}: {decision.title} ({verb})"),
            link=link,
            # Atom's summary is HTML: a message is text
            description=escape(_xml_text(revision.message)),
            author_name=_xml_text(revision.author),
            pubdate=revision.authored_at,
            unique_id=link,
            categories=[_xml_text(revision.status)] if revision.status else (),
        )
    return HttpResponse(
        atom.writeString("utf-8"), content_type="application/atom+xml; charset=utf-8"
    )


def _xml_text(text: str) -> str:
    """Text XML 1.0 can hold: a control character a committer wrote (an ANSI colour code
    pasted from CI output) shown as `\\x1b`, where the feed would otherwise fail."""
    return visible_controls(text, keep="\t\n\r")


@require_safe
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 while the database answers, with how old each
    repository's index is; 503 when it does not. It names no host or URL: the log does."""
    try:
        ages = queries.index_ages()
    except DatabaseError as error:
        logger.error("adrsite: /healthz: %s", cannot_connect(error))
        return JsonResponse(
            {"status": "unavailable", "database": "the database does not answer"}, status=503
        )
    now = timezone.now()

    def seconds_since(moment: datetime | None) -> int | None:
        return None if moment is None else round((now - moment).total_seconds())

    repositories = [
        {
            "name": age.name,
            "last_indexed_commit": age.last_indexed_commit or None,
            "indexed_at": age.indexed_at.isoformat() if age.indexed_at else None,
            "index_age_seconds": seconds_since(age.indexed_at),
            "last_fetch_at": age.last_fetch_at.isoformat() if age.last_fetch_at else None,
            "last_fetch_error": age.last_fetch_error or None,
        }
        for age in ages
    ]
    return JsonResponse(
        {"status": "ok", "database": "ok", "now": now.isoformat(), "repositories": repositories}
    )


# The error pages (handler404 and handler400 in adrsite/urls.py): under /api/ a client
# reads JSON, whatever failed, the URL itself included (a bad repository slug, NUL).


def _under_api(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _under_api(request):
        return defaults.page_not_found(request, exception)
    said = exception.args[0] if exception.args else None
    # The resolver's exception holds the URL patterns tried: not for clients.
    message = said if isinstance(said, str) and not isinstance(exception, Resolver404) else ""
    return JsonResponse({"error": message or "no such API address"}, status=404)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if not _under_api(request):
        return defaults.bad_request(request, exception)
    return JsonResponse({"error": "bad request"}, status=400)


@csrf_exempt  # the sender proves itself with the hook's secret, not a cookie
@require_POST
def webhook(request: HttpRequest, kind: str, repository: str) -> HttpResponse:
    """`/hooks/KIND/NAME/` (ADR 33): a git host says it was pushed to; a sync is queued."""
    declared = request.META.get("CONTENT_LENGTH", "")
    if declared.isascii() and declared.isdigit() and int(declared) > webhooks.MAX_BODY:
        return JsonResponse({"message": "the body is over 1 MiB"}, status=413)
    body = request.read(webhooks.MAX_BODY + 1)  # never more, whatever it declared
    if len(body) > webhooks.MAX_BODY:
        return JsonResponse({"message": "the body is over 1 MiB"}, status=413)
    answer = webhooks.webhook_receive(
        kind=kind, name=repository, headers=request.headers, body=body
    )
    return JsonResponse({"message": answer.message}, status=answer.status)

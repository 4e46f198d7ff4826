"""The client search of the page header (WORK-2): one form on every page → this results page.

The search runs in `cases.search` (scope, normalisation, typo tolerance); a refused input (empty, too long,
no usable term) is shown as its German message with status 400. The read is logged per client shown
(`cases.search.search_log`, DP-2): the view is gated like every page that shows client data."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import engines
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from cases.choices import CaseState
from cases.search import MAX_QUERY, clients_search, search_log
from catalog import clock
from fallmanagement.errors import DomainError
from org.choices import Role

SEARCH_ROLES = (Role.FALLMANAGER, Role.TEAMLEITUNG, Role.BEREICHSLEITUNG, Role.PAP)


def may_search(user) -> bool:
    return bool(user.is_authenticated and user.role in SEARCH_ROLES)


def _rows_html(user, hits) -> str:
    """The hits' rows from the Jinja2 fragment `search/rows.html`; URLs and labels are built here, once."""
    case_prefix = reverse("case-detail", args=[0])[: -len("0/")]
    referral_prefix = reverse("referral", args=[0])[: -len("0/zuweisen/")] if user.role == Role.PAP else None
    rows = []
    for hit in hits:
        client = hit.client
        rows.append(
            {
                "name": f"{client.last_name}, {client.first_name}",
                "customer_number": client.customer_number,
                "birth_date": client.birth_date.strftime("%d.%m.%Y") if client.birth_date else "",
                "household_number": client.household_number,
                "case_url": f"{case_prefix}{hit.case_id}/" if hit.case_id else "",
                "state_label": CaseState(hit.case_state).label if hit.case_state else "",
                "referral_url": f"{referral_prefix}{client.pk}/zuweisen/" if referral_prefix else "",
            }
        )
    html = (
        engines["jinja2"]
        .get_template("search/rows.html")
        .render({"rows": rows, "t": {"refer": _("Zuweisen")}})
    )
    return mark_safe(html)  # noqa: S308 - the output of an autoescaping template engine


@login_required
def search(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not may_search(user):
        raise PermissionDenied
    today = clock.request_day(request)
    text = request.GET.get("q")
    context = {
        "q": (text or "")[:MAX_QUERY],
        "hits": None,
        "error": None,
        "max_length": MAX_QUERY,
        "page_has_search": True,  # the header form is not repeated here
    }
    status = 200
    if text is not None:
        try:
            query, hits, more = clients_search(user, text, today=today)
        except DomainError as err:
            context["error"] = err.message
            status = err.status
        else:
            search_log(user=user, hits=hits, query=query, via="web", today=today)
            context.update(hits=hits, rows_html=_rows_html(user, hits), more=more, limit=len(hits))
    if request.htmx:
        # htmx swaps only 2xx answers: the live results carry the refusal text with 200.
        return render(request, "search/results.html#results", context)
    return render(request, "search/results.html", context, status=status)


search.audited_action = "client.search"

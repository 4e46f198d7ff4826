"""The working lists (WORK-3): paginated, sortable, filterable, with the whole state in the URL.

`caseload` — "Mein Fallbestand" (FM: own and substituted cases), "Meine Zuweisungen" (pAp), the team's cases
(TL, with the FMs' caseload above), the area's cases (BL). The rows are plain values (one query for the
page, one for the count), the choices of the FM and team filters come from inside the scope."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from audit import gate
from cases.access import row_capacity, scope_memo
from cases.choices import CaseState
from cases.selectors import cases_visible_to
from catalog import clock, periods
from org.choices import Role
from org.models import Staff, Team
from web import pages
from web.lists.filters import CaseListFilter
from web.lists.paging import PAGE_SIZE, page_number, query_without

LIST_ROLES = (Role.FALLMANAGER, Role.TEAMLEITUNG, Role.BEREICHSLEITUNG, Role.PAP)
TITLES = {
    Role.FALLMANAGER: _("Mein Fallbestand"),
    Role.PAP: _("Meine Zuweisungen"),
    Role.TEAMLEITUNG: _("Team"),
    Role.BEREICHSLEITUNG: _("Fälle des Bereichs"),
}
COLUMNS = (
    ("name", _("Kund*in")),
    ("number", _("Kundennummer")),
    ("state", _("Status")),
    ("referred", _("Zugewiesen am")),
    ("clearing", _("Clearing bis")),
    ("admitted", _("Übernommen am")),
    ("fm", _("Fallmanager*in")),
)


def _choices(user):
    """(FM choices, team choices) inside the viewer's scope: only for TL and BL."""
    if user.role == Role.TEAMLEITUNG:
        teams = Team.objects.filter(leads=user)
    elif user.role == Role.BEREICHSLEITUNG:
        teams = Team.objects.filter(site__area__in=user.led_areas.all())
    else:
        return (), ()
    teams = list(teams.order_by("name").values_list("pk", "name"))
    fms = Staff.objects.filter(role=Role.FALLMANAGER, team__in=[pk for pk, _name in teams])
    fm_choices = [(str(pk), f"{last}, {first}".strip(", ") or username) for pk, first, last, username in
                  fms.order_by("last_name", "first_name").values_list("pk", "first_name", "last_name", "username")]  # fmt: skip
    team_choices = [(str(pk), name) for pk, name in teams] if len(teams) > 1 else []
    return fm_choices, team_choices


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role not in LIST_ROLES:
        raise PermissionDenied
    today = clock.request_day(request)
    with scope_memo():
        fm_choices, team_choices = _choices(user)
        base = cases_visible_to(user, today=today)
        filterset = CaseListFilter(
            request.GET or None, queryset=base, fm_choices=fm_choices, team_choices=team_choices, today=today
        )
        qs = filterset.qs if filterset.is_bound and filterset.is_valid() else base
        if not (filterset.is_bound and filterset.form.cleaned_data.get("sort")):
            qs = qs.order_by("client__last_name", "client__first_name", "pk")
        else:
            qs = qs.order_by(*qs.query.order_by, "pk")
        rows = qs.values(
            "pk", "state", "referred_on", "clearing_started_on", "admitted_on", "client__first_name",
            "client__last_name", "client__customer_number", "fallmanager__first_name", "fallmanager__last_name",
            "client_id", "fallmanager_id", "referred_by_id",
        )  # fmt: skip
        paginator = Paginator(rows, PAGE_SIZE)
        page = paginator.get_page(page_number(request.GET.get("page")))
        labels = {s.value: str(s.label) for s in CaseState}
        items = [
            {
                **row,
                "state_label": labels.get(row["state"], row["state"]),
                "clearing_due_on": periods.clearing_ends_on(row["clearing_started_on"])
                if row["state"] == CaseState.CLEARING
                else None,
            }
            for row in page.object_list
        ]
        gate.shown(  # DP-2: the cases of this page of the list
            [
                SimpleNamespace(
                    pk=row["pk"], audit_client_id=row["client_id"], audit_object_type="case",
                    fallmanager_id=row["fallmanager_id"], referred_by_id=row["referred_by_id"],
                )
                for row in items
            ],
            user=user,
            action="case.list",
            capacity=row_capacity(user, today=today),
        )  # fmt: skip
        team_html = ""
        if user.role == Role.TEAMLEITUNG:  # the FMs' caseload above the team's cases (CAP-3)
            from web.cases import home_sections

            section = home_sections.tl_caseload(user=user, today=today)
            team_html = pages.render_section(
                section.template, {**section.context, "user": user, "today": today}, request
            )
    current_sort = request.GET.get("sort", "")
    columns = [
        {
            "key": key,
            "label": label,
            "sort": f"-{key}" if current_sort == key else key,
            "active": current_sort.lstrip("-") == key,
            "descending": current_sort == f"-{key}",
        }
        for key, label in COLUMNS
    ]
    status = 400 if filterset.is_bound and not filterset.is_valid() else 200
    return render(
        request,
        "lists/caseload.html",
        {
            "title": TITLES[user.role],
            "filter": filterset,
            "form": filterset.form,
            "items": items,
            "page": page,
            "columns": columns,
            "base_query": query_without(request, "page"),
            "sort_query": query_without(request, "page", "sort"),
            "team_html": team_html,
            "show_fm": user.role != Role.FALLMANAGER or bool(fm_choices),
        },
        status=status,
    )

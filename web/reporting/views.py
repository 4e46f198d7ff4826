"""UI of the reporting app: the controlling pages (monthly report, trend, exports) and the leadership
dashboards with the case lists behind their numbers. Thin: selectors read, services build."""

from __future__ import annotations

from urllib.parse import urlencode

from dateutil.relativedelta import relativedelta
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Window
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from audit.decorators import audited
from audit.models import Capacity
from catalog import clock
from catalog.validators import parse_id, parse_month
from fallmanagement.errors import InvalidInput
from org.choices import Role
from reporting.selectors import (
    DASHBOARD_FIGURES,
    DASHBOARD_ROLES,
    FIGURES,
    QUALITY_FIGURES,
    REPORT_ROLES,
    dashboard_cases,
    last_complete_month,
    leadership_dashboard,
    monthly_trend,
)
from reporting.services import monthly_report_get_or_build
from web.reporting import charts

PAGE_SIZE = 50


class _PageWithTotal:
    """Paginator input that reads the requested page and the total in one query (the total as a window
    count over the whole filtered list) instead of a COUNT query plus the page query."""

    def __init__(self, queryset, number, per_page: int):
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        self.queryset, self.offset = queryset, (number - 1) * per_page
        self.rows = list(
            queryset.annotate(list_total=Window(Count("pk")))[self.offset : self.offset + per_page]
        )
        if self.rows:
            self.total = self.rows[0].list_total
        else:
            self.total = queryset.count() if self.offset else 0

    def count(self) -> int:
        return self.total

    def __len__(self) -> int:
        return self.total

    def __getitem__(self, key):
        if isinstance(key, slice) and key.start == self.offset:
            return self.rows[: key.stop - key.start]
        return self.queryset[key]  # another page than the one read (out of range → the last page)


MONTH_CHOICES = 36


def _require_role(user, roles) -> None:
    if user.role not in roles:
        raise PermissionDenied


# --- monthly report (controlling, BL, TL) -------------------------------------------------------------------


def _report_context(data: dict, trend: list[dict]) -> dict:
    """Tables and charts of one snapshot; everything the template needs, already in display order."""
    limit = data["small_cell_limit"]
    total, areas = data["total"], data["areas"]
    figure_rows = [
        {"label": label, "areas": [a.get(key) for a in areas], "total": total.get(key)}
        for key, label in FIGURES
    ]
    reason_rows = [
        {
            "label": f"{r['code']} – {r['label']}",
            "areas": [a["rejections_by_reason"].get(r["code"], 0) for a in areas],
            "total": total["rejections_by_reason"].get(r["code"], 0),
        }
        for r in data["rejection_reasons"]
    ]
    duration_rows = [
        {
            "label": b["label"],
            "areas": [a["duration_distribution"].get(b["key"], 0) for a in areas],
            "total": total["duration_distribution"].get(b["key"], 0),
        }
        for b in data["duration_buckets"]
    ]
    progress_keys = [
        "exits",
        "integrations",
        "medical_service_involved",
        "health_need",
        "needs_reduced",
        "social_participation_progress",
    ]
    labels = dict(FIGURES)
    month_label = data["month"][5:] + "/" + data["month"][:4]
    progress_chart = charts.bar_chart(
        title=_("Abgänge und Fortschritte %(m)s") % {"m": month_label},
        description=_(
            "Balkendiagramm der Gesamtzahlen des Monats; dieselben Zahlen stehen in der Tabelle „Kennzahlen“."
        ),
        items=[(str(labels[k]), total[k]) for k in progress_keys],
    )
    duration_chart = charts.bar_chart(
        title=_("Verweildauer bei Abgang"),
        description=_(
            "Abgänge nach Monaten im Fallmanagement; die Zahlen stehen in der Tabelle „Verweildauer“."
        ),
        items=[(row["label"], row["total"]) for row in duration_rows],
        suppressed_text="x",
    )
    reason_chart = charts.bar_chart(
        title=_("Ablehnungen nach Grund"),
        description=_(
            "Ablehnungen nach dem Clearing je Grund; die Zahlen stehen in der Tabelle „Ablehnungsgründe“."
        ),
        items=[
            (r["code"], total["rejections_by_reason"].get(r["code"], 0)) for r in data["rejection_reasons"]
        ],
    )
    trend_keys = ["exits", "integrations", "needs_reduced", "social_participation_progress", "admissions"]
    trend_labels = [p["month"].strftime("%m/%y") for p in trend]
    trend_chart = charts.line_chart(
        title=_("Entwicklung über 12 Monate"),
        description=_(
            "Liniendiagramm je Kennzahl über die letzten 12 Monate; die Zahlen stehen in der Tabelle „Trend“."
        ),
        labels=trend_labels,
        series=[
            (str(labels[k]), [p["data"]["total"].get(k) if p["data"] else None for p in trend])
            for k in trend_keys
        ],
    )
    trend_rows = [
        {
            "month": p["month"],
            "values": [p["data"]["total"].get(k) for k in trend_keys] if p["data"] else None,
        }
        for p in trend
    ]
    return {
        "data": data,
        "limit": limit,
        "areas": areas,
        "total": total,
        "figure_rows": figure_rows,
        "reason_rows": reason_rows,
        "duration_rows": duration_rows,
        "kpis": [(labels[k], total[k]) for k in progress_keys],
        "trend_headers": [labels[k] for k in trend_keys],
        "trend_rows": trend_rows,
        "charts": {
            "progress": progress_chart,
            "duration": duration_chart,
            "reasons": reason_chart,
            "trend": trend_chart,
        },
    }


@login_required
def monthly_report(request: HttpRequest) -> HttpResponse:
    """REP-1..4: month picker, tables, charts, 12-month trend and export links."""
    _require_role(request.user, REPORT_ROLES)
    today = clock.request_day(request)
    latest = last_complete_month(today)
    choices = [latest - relativedelta(months=i) for i in range(MONTH_CHOICES)]
    raw = request.GET.get("month") or latest.strftime("%Y-%m")
    context: dict = {"choices": choices, "raw_month": raw}
    try:
        report = monthly_report_get_or_build(month=parse_month(raw), today=today)
    except InvalidInput as error:
        context.update(error=error)
        return render(request, "reporting/monthly.html", context, status=400)
    trend = monthly_trend(month=report.month)
    api = reverse("reporting_api:reports-monthly")
    context.update(
        report=report,
        selected=report.month,
        export_xlsx=f"{api}?{urlencode({'month': report.data['month'], 'format': 'xlsx'})}",
        export_csv=f"{api}?{urlencode({'month': report.data['month'], 'format': 'csv'})}",
        **_report_context(report.data, trend),
    )
    return render(request, "reporting/monthly.html", context)


# --- leadership dashboards (TL, BL) --------------------------------------------------------------------------


def _list_url(**params) -> str:
    return (
        reverse("reporting:dashboard-cases")
        + "?"
        + urlencode({k: v for k, v in params.items() if v is not None})
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """CAP-3, CLR-2, REV-2/3/5, PLAN-5: the picture a TL/BL needs to steer; every number links to its list."""
    _require_role(request.user, DASHBOARD_ROLES)
    today = clock.request_day(request)
    board = leadership_dashboard(user=request.user, today=today)
    rows = []
    for team in [*board.teams, board.total]:
        rows.append(
            {
                "team": team,
                "cells": [
                    {
                        "value": team.figures.get(key),
                        "url": _list_url(kind=key, team=team.pk) if team.figures.get(key) else None,
                    }
                    for key, _label in DASHBOARD_FIGURES
                ],
                "reasons": [
                    {
                        "value": team.reasons.get(r["code"], 0),
                        "url": _list_url(kind="rejection_reason", reason=r["code"], team=team.pk)
                        if team.reasons.get(r["code"])
                        else None,
                    }
                    for r in board.reasons
                ],
                "is_total": team is board.total,
            }
        )
    # The team table turned around — one column per team, one row per figure — so it fits 1,280 px
    # (issue 13: twelve figure columns were 1,658 px wide in a 1,162 px box).
    figure_rows = [
        {"label": label, "cells": [row["cells"][index] for row in rows]}
        for index, (_key, label) in enumerate(DASHBOARD_FIGURES)
    ]
    fms = [
        {
            "fm": fm,
            "team": team,
            "active_url": _list_url(kind="active", team=team.pk, fm=fm.pk) if fm.counted else None,
            "clearing_url": _list_url(kind="clearing", team=team.pk, fm=fm.pk) if fm.in_clearing else None,
        }
        for team in board.teams
        for fm in team.fms
    ]
    return render(
        request,
        "reporting/dashboard.html",
        {
            "board": board,
            "headers": DASHBOARD_FIGURES,
            "rows": rows,
            "figure_rows": figure_rows,
            "fms": fms,
            "unavailable": [label for key, label in DASHBOARD_FIGURES if not board.available.get(key, True)],
        },
    )


@login_required
@audited("case.list", context={"via": "dashboard"})
def dashboard_case_list(request: HttpRequest) -> HttpResponse:
    """The cases behind a dashboard number, within the viewer's scope (DP-1); a foreign filter is 404."""
    _require_role(request.user, DASHBOARD_ROLES)
    today = clock.request_day(request)
    kind = request.GET.get("kind", "")
    team = parse_id(request.GET["team"]) if request.GET.get("team") else None
    fm = parse_id(request.GET["fm"]) if request.GET.get("fm") else None
    if (request.GET.get("team") and team is None) or (request.GET.get("fm") and fm is None):
        raise Http404
    reason = request.GET.get("reason") or None
    if reason is not None and len(reason) > 20:
        raise Http404
    cases = dashboard_cases(user=request.user, today=today, kind=kind, team=team, fm=fm, reason=reason)
    if cases is None:
        raise Http404
    number = request.GET.get("page")
    page = Paginator(_PageWithTotal(cases, number, PAGE_SIZE), PAGE_SIZE).get_page(number)
    # DP-2: the list shows client names, so the read gate logs every shown case — one INSERT per page. The
    # capacity is the viewer's lead role: the list is limited to the teams she leads.
    request.audited_objects = list(page.object_list)
    request.audited_capacity = (
        Capacity.TEAMLEITUNG if request.user.role == Role.TEAMLEITUNG else Capacity.BEREICHSLEITUNG
    )
    request.audited_context = {"kind": kind}
    labels = {**dict(QUALITY_FIGURES), **dict(DASHBOARD_FIGURES)}
    title = labels.get(kind) or _("Ablehnungen (12 Monate): %(r)s") % {"r": reason}
    query = {k: v for k, v in request.GET.items() if k != "page"}
    return render(
        request,
        "reporting/dashboard_cases.html",
        {
            "title": title,
            "page": page,
            "rows": [
                {
                    "case": c,
                    "months": c.months_in_case_management(today),
                    "url": reverse("case-detail", args=[c.pk]),
                }
                for c in page.object_list
            ],
            "query": urlencode(query),
            "today": today,
        },
    )


@login_required
def quality(request: HttpRequest) -> HttpResponse:
    """Handlungsleitlinie V (Qualitätssicherung): per team — missed reviews (REV-7), overdue clearings
    (CLR-2), agreements missing (PLAN-3), contact gaps (PLAN-5), cases beyond 24 months (REV-5); every
    number links to its cases (scoped, the list logs what it shows). Team level only (DP-7)."""
    _require_role(request.user, DASHBOARD_ROLES)
    today = clock.request_day(request)
    board = leadership_dashboard(user=request.user, today=today)
    rows = [
        {
            "team": team,
            "cells": [
                {
                    "value": team.figures.get(key),
                    "url": _list_url(kind=key, team=team.pk) if team.figures.get(key) else None,
                }
                for key, _label in QUALITY_FIGURES
            ],
        }
        for team in [*board.teams, board.total]
    ]
    return render(
        request,
        "reporting/quality.html",
        {"headers": QUALITY_FIGURES, "rows": rows, "today": today},
    )

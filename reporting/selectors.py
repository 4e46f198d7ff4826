"""Reads of the reporting app: the monthly figures (REP-1..3) aggregated in SQL, the stored snapshots
and the leadership dashboards (CAP-3, CLR-2, REV-5).

Everything here aggregates in the database (Count/Sum with `filter=`, `percentile_cont` for medians) with
a fixed number of queries, whatever the number of records or cases."""

from __future__ import annotations

import datetime
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.db.models import (
    Aggregate,
    Count,
    DateField,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from cases.choices import CaseState
from cases.models import Case, CaseEvent
from cases.selectors import cases_visible_to, fallmanagers_with_caseload
from catalog import periods
from catalog.models import RejectionReason
from org.choices import Role
from org.models import Area, Staff, Team
from reporting.models import MonthlyReport, OutcomeRecord

# Roles that may read the anonymous aggregate reports (API.md "Reports").
REPORT_ROLES = (Role.CONTROLLING, Role.BEREICHSLEITUNG, Role.TEAMLEITUNG)
# Roles with a leadership dashboard (CAP-3).
DASHBOARD_ROLES = (Role.TEAMLEITUNG, Role.BEREICHSLEITUNG)
# SGB II came into force on 2005-01-01: no FM report can lie before it.
EARLIEST_MONTH = datetime.date(2005, 1, 1)

# The figures of one figure set, in display order: key, German label (REP-1, REP-2, REP-3).
FIGURES: list[tuple[str, str]] = [
    ("exits", _("Abgänge aus dem Fallmanagement")),
    ("integrations", _("Integrationen")),
    ("integration_rate", _("Integrationen je Abgang (%)")),
    # REP-2: integrations in relation to the average caseload of the month (the rate the statistics use)
    ("integration_quota", _("Integrationsquote (%)")),
    ("caseload_average", _("Durchschnittlicher Fallbestand im Monat")),
    ("medical_service_involved", _("Einschaltungen Ärztlicher Dienst")),
    ("health_need", _("Personen mit Handlungsbedarf gesundheitliche Einschränkungen")),
    ("needs_at_start", _("Handlungsbedarfe zu Beginn")),
    ("needs_reduced", _("Handlungsbedarfe abgebaut")),
    ("social_participation_progress", _("Fortschritte in der sozialen Teilhabe")),
    ("median_months_in_case_management", _("Verweildauer im FM, Median (Monate)")),
    ("admissions", _("Übernahmen")),
    ("rejections", _("Ablehnungen")),
    ("clearing_decisions", _("Abgeschlossene Clearingphasen")),
    ("median_clearing_days", _("Clearingdauer, Median (Tage)")),
    ("caseload_counted", _("Fallbestand am Monatsende (gezählt)")),
    ("caseload_target", _("Zielwert Fallbestand")),
]
# Time in FM at exit, in completed months (REP-2 distribution): key, label, lower, upper (inclusive).
DURATION_BUCKETS: list[tuple[str, str, int, int | None]] = [
    ("0-6", _("0–6 Monate"), 0, 6),
    ("7-12", _("7–12 Monate"), 7, 12),
    ("13-24", _("13–24 Monate"), 13, 24),
    ("25-36", _("25–36 Monate"), 25, 36),
    ("over_36", _("über 36 Monate"), 37, None),
]


# --- SQL helpers ---------------------------------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL `percentile_cont(0.5) WITHIN GROUP (ORDER BY …)`; NULL over no rows."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


class DaysBetween(Func):
    """`later - earlier` of two dates in whole days (PostgreSQL date arithmetic)."""

    arg_joiner = " - "
    template = "(%(expressions)s)"
    output_field = IntegerField()


class CompletedMonthsSince(Func):
    """Completed calendar months from a date to `today` (like `Case.months_in_case_management`)."""

    function = "age"
    output_field = IntegerField()

    def __init__(self, today: datetime.date, start, **extra):
        super().__init__(Value(today, output_field=DateField()), start, **extra)

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return f"(EXTRACT(YEAR FROM {sql}) * 12 + EXTRACT(MONTH FROM {sql}))", (*params, *params)


def median_from_histogram(histogram: dict[int, int]) -> float | None:
    """Median with `percentile_cont(0.5)` semantics from value → count (fallback for non-PostgreSQL)."""
    n = sum(histogram.values())
    if n == 0:
        return None
    position = (n - 1) / 2
    lower_index, upper_index = int(position), int(position) + (0 if position.is_integer() else 1)
    lower = upper = None
    seen = 0
    for value in sorted(histogram):
        count = histogram[value]
        if lower is None and lower_index < seen + count:
            lower = value
        if upper_index < seen + count:
            upper = value
            break
        seen += count
    return (lower + upper) / 2


# --- months ---------------------------------------------------------------------------------------------


def month_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, day.month, 1)


def last_complete_month(today: datetime.date) -> datetime.date:
    return month_start(today) - relativedelta(months=1)


def month_is_complete(month: datetime.date, today: datetime.date) -> bool:
    return month_start(month) < month_start(today)


# --- small-cell suppression (DP-3) -----------------------------------------------------------------------


def small_cell_limit() -> int:
    return int(settings.FM["SMALL_CELL_LIMIT"])


def suppress_cells(cells: dict[str, int], *, limit: int | None = None) -> dict[str, int | None]:
    """DP-3 for one breakdown below area level: counts of 1 .. limit-1 become None (primary suppression).

    A zero identifies nobody and stays. Because the breakdown's total is published (area level), a single
    suppressed cell could be recomputed by subtraction; then the smallest other cell is suppressed as
    well (secondary suppression), so only the sum of two or more hidden cells can be derived."""
    limit = small_cell_limit() if limit is None else limit
    out: dict[str, int | None] = {k: (None if 0 < v < limit else v) for k, v in cells.items()}
    hidden = [k for k, v in out.items() if v is None]
    if len(hidden) == 1:
        visible = [k for k, v in out.items() if v is not None]
        if visible:
            smallest = min(visible, key=lambda k: (out[k], list(cells).index(k)))
            out[smallest] = None
    return out


def suppress_table(
    rows: dict, total: dict[str, int], *, limit: int | None = None
) -> tuple[dict, dict[str, int | None]]:
    """DP-3 for a breakdown published per area *and* in a total row (issue 15 finding 12).

    `rows` maps an area to its cells, `total` holds the column totals (the total row); every row's own
    sum (the area's figure) and the grand total are published elsewhere. Primary suppression hides the
    counts 1 .. limit-1 everywhere, total row included. Complementary suppression then makes sure that no
    row (areas and total) and no column (its area cells and its total cell) has exactly one hidden
    cell — else that cell is its published sum minus the visible ones. The complement is the smallest
    visible count above zero; a zero is taken only where nothing else is left, and never in a row or
    column whose sum is 0 (a true zero is always shown as 0, never as "<3" beside a total of 0).
    Each month is suppressed on its own; only the total row's figures are compared across months (trend),
    and those are the published sums, so no month helps to undo another."""
    limit = small_cell_limit() if limit is None else limit
    keys = list(total)
    for cells in rows.values():
        keys += [k for k in cells if k not in keys]
    table = {r: {k: cells.get(k, 0) for k in keys} for r, cells in rows.items()}
    table[None] = {k: total.get(k, 0) for k in keys}  # the total row
    hidden = {(r, k) for r, cells in table.items() for k, v in cells.items() if 0 < v < limit}
    row_sum = {r: sum(cells.values()) for r, cells in table.items()}
    col_sum = {k: table[None][k] for k in keys}

    def pick(candidates):
        usable = [(table[r][k], str(r), keys.index(k), r, k) for r, k in candidates if (r, k) not in hidden]
        nonzero = [c for c in usable if c[0] > 0]
        zeros = [c for c in usable if c[0] == 0 and row_sum[c[3]] > 0 and col_sum[c[4]] > 0]
        chosen = min(nonzero or zeros, default=None)
        if chosen is not None:
            hidden.add((chosen[3], chosen[4]))
            return True
        return False

    changed = True
    while changed:
        changed = False
        for r in table:
            line = [(r, k) for k in keys]
            if sum(cell in hidden for cell in line) == 1 and pick(line):
                changed = True
        for k in keys:
            line = [(r, k) for r in table]
            if sum(cell in hidden for cell in line) == 1 and pick(line):
                changed = True
    out = {r: {k: (None if (r, k) in hidden else v) for k, v in table[r].items()} for r in rows}
    return out, {k: (None if (None, k) in hidden else v) for k, v in table[None].items()}


# --- monthly figures (REP-1, REP-2, REP-3) ------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _quota(integrations: int, average_caseload: float) -> float | None:
    """REP-2 Integrationsquote: integrations per average caseload of the month, in % (one decimal)."""
    if not average_caseload:
        return None
    return float(
        (Decimal(integrations) * 100 / Decimal(str(average_caseload))).quantize(
            Decimal("0.1"), rounding=ROUND_HALF_UP
        )
    )


def _round(value) -> float | None:
    return None if value is None else round(float(value), 1)


def _outcome_histogram(month: datetime.date) -> list[dict]:
    """One scan over the month's outcome records, grouped by (area, months in FM).

    The result is bounded by areas × distinct durations (a few hundred rows), not by the number of records;
    per-area and total figures, the duration distribution and the exact medians (the same result as
    `percentile_cont(0.5)`) are derived from it. A second scan for the total would double the cost."""
    return list(
        OutcomeRecord.objects.filter(month=month)
        .values("area", "months_in_case_management")
        .annotate(
            exits=Count("pk"),
            integrations=Count("pk", filter=Q(is_integration=True)),
            medical_service_involved=Count("pk", filter=Q(medical_service_involved=True)),
            health_need=Count("pk", filter=Q(health_need=True)),
            needs_at_start=Sum("needs_at_start"),
            needs_reduced=Sum("needs_reduced"),
            social_participation_progress=Count("pk", filter=Q(social_participation_progress=True)),
        )
        .order_by()
    )


OUTCOME_COUNTS = (
    "exits",
    "integrations",
    "medical_service_involved",
    "health_need",
    "needs_at_start",
    "needs_reduced",
    "social_participation_progress",
)


def _bucket(months: int) -> str:
    for key, _label, low, high in DURATION_BUCKETS:
        if months >= low and (high is None or months <= high):
            return key
    return DURATION_BUCKETS[-1][0]


def _add_outcomes(per_area: dict[int, dict], total: dict, rows: list[dict]) -> None:
    histograms: dict[int, dict[int, int]] = {}
    overall: dict[int, int] = {}
    for row in rows:
        target = per_area.setdefault(row["area"], _empty_figures())
        months, n = row["months_in_case_management"], row["exits"]
        for figures in (target, total):
            for key in OUTCOME_COUNTS:
                figures[key] += int(row[key] or 0)
            figures["duration_distribution"][_bucket(months)] += n
        histograms.setdefault(row["area"], {})[months] = histograms.get(row["area"], {}).get(months, 0) + n
        overall[months] = overall.get(months, 0) + n
    for area_id, histogram in histograms.items():
        per_area[area_id]["median_months_in_case_management"] = _round(median_from_histogram(histogram))
    total["median_months_in_case_management"] = _round(median_from_histogram(overall))


def _admission_q() -> Q:
    # Admissions: the FM's "admit" after clearing, or the TL's dispute decision to admit (CLR-3, CLR-4).
    # Imported legacy cases ("import") are no admissions of the month.
    return Q(name="admit") | Q(name="decide_dispute", payload__admit=True)


def _rejection_q() -> Q:
    return Q(name="reject")


def _empty_figures() -> dict:
    return {
        "exits": 0,
        "integrations": 0,
        "medical_service_involved": 0,
        "health_need": 0,
        "needs_at_start": 0,
        "needs_reduced": 0,
        "social_participation_progress": 0,
        "median_months_in_case_management": None,
        "duration_distribution": {key: 0 for key, *_rest in DURATION_BUCKETS},
        "admissions": 0,
        "rejections": 0,
        "rejections_by_reason": {},
        "clearing_decisions": 0,
        "median_clearing_days": None,
        "caseload_counted": 0,
        "caseload_target": 0,
        "caseload_average": 0.0,
        "integration_quota": None,
    }


def monthly_figures(*, month: datetime.date) -> dict:
    """The anonymous figures of one month, per area and in total, ready to be stored (REP-1..3, DP-3, DP-7).

    Eight queries whatever the volume. Area of an outcome, admission or rejection: the client's area at the
    time (as on the outcome record); area of a caseload: the FM's team's area."""
    month = month_start(month)
    next_month = month + relativedelta(months=1)
    month_end = next_month - datetime.timedelta(days=1)
    limit = small_cell_limit()

    areas = list(Area.objects.order_by("name").values("id", "name"))
    reasons = list(RejectionReason.objects.order_by("sort", "code").values("code", "label"))
    reason_codes = [r["code"] for r in reasons]
    per_area: dict[int, dict] = {a["id"]: _empty_figures() for a in areas}
    total = _empty_figures()

    # 1: Wirkungsanalyse (EXIT-3 → REP-1), per area and in total, from one grouped scan.
    _add_outcomes(per_area, total, _outcome_histogram(month))

    # 3–4: admissions, rejections and clearing decisions from the case history (CaseEvent), counts only.
    events = CaseEvent.objects.filter(effective_on__gte=month, effective_on__lt=next_month).filter(
        _admission_q() | _rejection_q() | Q(from_state=CaseState.CLEARING)
    )
    clearing_q = Q(from_state=CaseState.CLEARING)
    event_aggs = {
        "admissions": Count("pk", filter=_admission_q()),
        "rejections": Count("pk", filter=_rejection_q()),
        "clearing_decisions": Count("pk", filter=clearing_q),
    }
    event_aggs["median_clearing"] = Median(
        DaysBetween(F("effective_on"), F("case__clearing_started_on")), filter=clearing_q
    )
    for row in events.values(area=F("case__client__site__area")).annotate(**event_aggs).order_by():
        target = per_area.setdefault(row["area"], _empty_figures())
        for key in ("admissions", "rejections", "clearing_decisions"):
            target[key] = row[key]
        target["median_clearing_days"] = _round(row.get("median_clearing"))
    totals = events.aggregate(**event_aggs)
    for key in ("admissions", "rejections", "clearing_decisions"):
        total[key] = totals[key]
    total["median_clearing_days"] = _round(totals.get("median_clearing"))

    # 5: rejections by reason (REP-2).
    by_reason = (
        CaseEvent.objects.filter(_rejection_q(), effective_on__gte=month, effective_on__lt=next_month)
        .values(area=F("case__client__site__area"), code=KeyTextTransform("reason_code", "payload"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    raw_reasons: dict[int, dict[str, int]] = {}
    total_reasons = dict.fromkeys(reason_codes, 0)
    for row in by_reason:
        code = row["code"] or "?"
        raw_reasons.setdefault(row["area"], dict.fromkeys(reason_codes, 0))
        raw_reasons[row["area"]][code] = raw_reasons[row["area"]].get(code, 0) + row["n"]
        total_reasons[code] = total_reasons.get(code, 0) + row["n"]
    total["rejections_by_reason"] = total_reasons
    for area_id, figures in per_area.items():
        figures["rejections_by_reason"] = raw_reasons.get(area_id, dict.fromkeys(reason_codes, 0))

    # 6–7: caseload at month end vs. target (CAP-1/2), area level only (DP-7: no team or FM figures here).
    counted = (
        Case.objects.filter(admitted_on__lte=month_end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=month_end))
        .values(area=F("fallmanager__team__site__area"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in counted:
        if row["area"] is not None:
            per_area.setdefault(row["area"], _empty_figures())["caseload_counted"] = row["n"]
        total["caseload_counted"] += row["n"]
    # REP-2: the average caseload of the month = case-days of counted (active) cases / days of the month.
    days = (month_end - month).days + 1
    case_days = (
        Case.objects.filter(admitted_on__lte=month_end)
        .filter(Q(closed_on__isnull=True) | Q(closed_on__gt=month))
        .values(area=F("fallmanager__team__site__area"))
        .annotate(
            d=Sum(
                RawSQL(
                    "GREATEST(0, LEAST(COALESCE(cases_case.closed_on - 1, %s::date), %s::date)"
                    " - GREATEST(cases_case.admitted_on, %s::date) + 1)",
                    [month_end, month_end, month],
                )
            )
        )
        .order_by()
    )
    total_days = 0
    for row in case_days:
        if row["area"] is not None:
            per_area.setdefault(row["area"], _empty_figures())["caseload_average"] = round(
                (row["d"] or 0) / days, 1
            )
        total_days += row["d"] or 0
    total["caseload_average"] = round(total_days / days, 1)
    hours = (
        Staff.objects.filter(role=Role.FALLMANAGER, is_active=True, team__isnull=False)
        .values("weekly_hours", area=F("team__site__area"))
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in hours:
        target = Staff(weekly_hours=row["weekly_hours"]).caseload_target * row["n"]
        per_area.setdefault(row["area"], _empty_figures())["caseload_target"] += target
        total["caseload_target"] += target

    names = {a["id"]: a["name"] for a in areas}
    area_rows = []
    # DP-3: the breakdowns below area level, over areas, columns and the total row together.
    for breakdown in ("duration_distribution", "rejections_by_reason"):
        cells, total[breakdown] = suppress_table(
            {area_id: figures[breakdown] for area_id, figures in per_area.items()},
            total[breakdown],
            limit=limit,
        )
        for area_id, figures in per_area.items():
            figures[breakdown] = cells[area_id]
    for area_id, figures in per_area.items():
        figures["integration_rate"] = _rate(figures["integrations"], figures["exits"])
        figures["integration_quota"] = _quota(figures["integrations"], figures["caseload_average"])
        area_rows.append({"area": names.get(area_id, "?"), "area_id": area_id, **figures})
    area_rows.sort(key=lambda r: r["area"])
    total["integration_rate"] = _rate(total["integrations"], total["exits"])
    total["integration_quota"] = _quota(total["integrations"], total["caseload_average"])
    known = {r["code"] for r in reasons}
    return {
        "month": month.strftime("%Y-%m"),
        "small_cell_limit": limit,
        "total": total,
        "areas": area_rows,
        "rejection_reasons": reasons + [{"code": c, "label": c} for c in total_reasons if c not in known],
        "duration_buckets": [{"key": key, "label": str(label)} for key, label, *_rest in DURATION_BUCKETS],
    }


# --- stored snapshots ----------------------------------------------------------------------------------------


def monthly_report_find(*, month: datetime.date) -> MonthlyReport | None:
    return MonthlyReport.objects.filter(month=month_start(month)).first()


def monthly_trend(*, month: datetime.date, length: int = 12) -> list[dict]:
    """The `length` months up to `month` from the stored snapshots (one query); None where none exists."""
    month = month_start(month)
    months = [month - relativedelta(months=i) for i in range(length - 1, -1, -1)]
    stored = {r.month: r.data for r in MonthlyReport.objects.filter(month__in=months)}
    return [{"month": m, "data": stored.get(m)} for m in months]


def report_as_json(report: MonthlyReport) -> dict:
    """The API answer (API.md "Reports"): the stored snapshot plus when it was built."""
    return {**report.data, "built_at": report.built_at.isoformat()}


# --- leadership dashboards (CAP-3, CLR-2, REV-2/3/5, PLAN-5) ------------------------------------------------------


def optional_model(app_label: str, model_name: str, required_fields: set[str]):
    """A model of an app that may not have landed yet (reviews, plans); None when absent or different."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        return None
    names = {f.name for f in model._meta.get_fields()}
    return model if required_fields <= names else None


def _review_model():
    return optional_model("reviews", "Review", {"case", "state", "gate"})


def _contact_model():
    return optional_model("plans", "Contact", {"case", "date"})


# Dashboard figures: key, German label. Each is a count of cases in the viewer's scope with a list behind it.
DASHBOARD_FIGURES: list[tuple[str, str]] = [
    ("active", _("Fälle im Fallmanagement")),
    ("clearing", _("in Clearingphase")),
    ("clearing_overdue", _("Clearing überfällig")),
    ("disputed", _("Widerspruch offen")),
    ("beyond_24", _("länger als 24 Monate")),
    ("reviews_due", _("Fortführungsprüfung fällig")),
    ("reviews_awaiting_tl", _("Prüfung wartet auf die TL")),
    ("contact_gap", _("Kontaktlücke")),
    ("admissions", _("Übernahmen (12 Monate)")),
    ("rejections", _("Ablehnungen (12 Monate)")),
]


# The TL's quality view (Handlungsleitlinie V, Qualitätssicherung): per team, each with its list of cases.
# Figures of the dashboard are reused; the two of its own are counted in the same query.
QUALITY_FIGURES: list[tuple[str, str]] = [
    ("reviews_missed", _("Versäumte Fortführungsprüfungen")),
    ("clearing_overdue", _("Clearing überfällig")),
    ("agreement_missing", _("Ohne Kooperationsplan oder begründeten Verzicht")),
    ("contact_gap", _("Kontaktlücke")),
    ("beyond_24", _("Länger als 24 Monate im Fallmanagement")),
]
QUALITY_ONLY = [key for key, _label in QUALITY_FIGURES if key not in {k for k, _l in DASHBOARD_FIGURES}]


# The dashboard figures counted from case events (admissions, rejections, rejection reasons).
EVENT_FIGURES = ("admissions", "rejections")


def _event_window(today: datetime.date) -> dict:
    """The last 12 months (the event-based figures), as filter arguments on CaseEvent."""
    return {"effective_on__gt": today - relativedelta(months=12), "effective_on__lte": today}


def _event_figures(*, cases: QuerySet[Case], today: datetime.date, codes: list[str]) -> dict:
    """Per team: the number of `cases` with an admission / a rejection (per reason) in the event window.

    The same "cases with such an event" as the Exists conditions of `case_conditions` (which filter the
    lists behind the numbers), counted in one grouped pass over the window's events instead of probing
    every case once per figure and reason (8 index probes per case for a TL's 900 cases)."""
    aggs = {
        "admissions": Count("case", distinct=True, filter=_admission_q()),
        "rejections": Count("case", distinct=True, filter=_rejection_q()),
    }
    for code in codes:
        aggs[f"reason:{code}"] = Count(
            "case", distinct=True, filter=_rejection_q() & Q(payload__reason_code=code)
        )
    rows = (
        CaseEvent.objects.filter(case__in=cases.values("pk"), **_event_window(today))
        .filter(_admission_q() | _rejection_q())
        .values(team=F("case__fallmanager__team"))
        .annotate(**aggs)
        .order_by()
    )
    return {row.pop("team"): row for row in rows}


def case_conditions(*, today: datetime.date, reason_codes: list[str] = ()) -> dict[str, Q | None]:
    """The condition behind each dashboard figure, as a Q on Case; None where the app is not there yet.

    The same Q counts the figure and filters the list behind it, so the two always agree."""
    clearing_cutoff = periods.clearing_limit(today)
    long_cutoff = periods.long_case_limit(today)
    events = CaseEvent.objects.filter(case=OuterRef("pk"), **_event_window(today))
    conds: dict[str, Q | None] = {
        "active": Q(state=CaseState.ACTIVE),
        "clearing": Q(state=CaseState.CLEARING),
        # CLR-2: clearing_started_on + 2 months < today.
        "clearing_overdue": Q(state=CaseState.CLEARING, clearing_started_on__lt=clearing_cutoff),
        "disputed": Q(state=CaseState.DISPUTED),
        # REV-5: more than 24 months since admission.
        "beyond_24": Q(state=CaseState.ACTIVE, admitted_on__lt=long_cutoff),
        "admissions": Q(Exists(events.filter(_admission_q()))),
        "rejections": Q(Exists(events.filter(_rejection_q()))),
        "reviews_due": None,
        "reviews_awaiting_tl": None,
        "contact_gap": None,
        "reviews_missed": None,
        "agreement_missing": None,
    }
    for code in reason_codes:
        conds[f"reason:{code}"] = Q(Exists(events.filter(_rejection_q(), payload__reason_code=code)))
    review = _review_model()
    if review is not None:
        reviews = review.objects.filter(case=OuterRef("pk"))
        conds["reviews_due"] = Q(state=CaseState.ACTIVE) & Q(Exists(reviews.filter(state="due")))
        # REV-2: documented at 12/18 months and not yet acknowledged; REV-3: approval pending.
        conds["reviews_awaiting_tl"] = Q(
            Exists(
                reviews.filter(Q(state="approval_pending") | Q(state="documented", gate="inform_teamleitung"))
            )
        )
        # REV-7: an active case with a review marked missed.
        conds["reviews_missed"] = Q(state=CaseState.ACTIVE) & Q(Exists(reviews.filter(state="missed")))
    agreement = optional_model("plans", "Agreement", {"case"})
    if agreement is not None:
        # PLAN-3: active 4 weeks after admission (or import) with neither an agreement nor a waiver.
        missing_cutoff = today - datetime.timedelta(days=periods.AGREEMENT_MISSING_DAYS)
        conds["agreement_missing"] = (
            Q(state=CaseState.ACTIVE, admitted_on__lt=missing_cutoff)
            & (Q(imported_on__isnull=True) | Q(imported_on__lt=missing_cutoff))
            & ~Q(Exists(agreement.objects.filter(case=OuterRef("pk"))))
        )
    contact = _contact_model()
    if contact is not None:
        gap_cutoff = today - datetime.timedelta(days=settings.FM["CONTACT_GAP_DAYS"])
        recent = contact.objects.filter(case=OuterRef("pk"), date__gte=gap_cutoff)
        # PLAN-5: active for longer than the gap and no contact within it.
        conds["contact_gap"] = Q(state=CaseState.ACTIVE, admitted_on__lt=gap_cutoff) & ~Q(Exists(recent))
    return conds


# The rejection reasons change only in the admin: the dashboards read them once per process and minute
# instead of once per page view. A save or delete in this process forgets them at once.
REASONS_CACHE_SECONDS = 60.0
_reasons_cache: tuple[float, list[dict]] | None = None


def rejection_reasons() -> list[dict]:
    """[{"code", "label"}] of the rejection reason catalogue, in catalogue order (cached, see above)."""
    global _reasons_cache
    cached = _reasons_cache
    now = time.monotonic()
    if cached is None or now - cached[0] > REASONS_CACHE_SECONDS:
        cached = (now, list(RejectionReason.objects.order_by("sort", "code").values("code", "label")))
        _reasons_cache = cached
    return [dict(row) for row in cached[1]]


@receiver([post_save, post_delete], sender=RejectionReason, dispatch_uid="reporting_forget_reasons")
def _forget_rejection_reasons(**kwargs) -> None:
    global _reasons_cache
    _reasons_cache = None


def teams_led_by(user) -> QuerySet[Team]:
    """TL: the teams she leads (ORG-3); BL: the teams of her areas; anyone else: none."""
    if not user.is_authenticated:
        return Team.objects.none()
    if user.role == Role.TEAMLEITUNG:
        return Team.objects.filter(leads=user)
    if user.role == Role.BEREICHSLEITUNG:
        return Team.objects.filter(site__area__leads=user)
    return Team.objects.none()


@dataclass
class FmLoad:
    """CAP-3: counted vs. target of one FM — the only per-person figure leaders get (DP-7)."""

    pk: int
    name: str
    counted: int
    in_clearing: int
    target: int

    @property
    def over_target(self) -> bool:
        return self.counted > self.target

    @property
    def utilization(self) -> int | None:
        return round(self.counted * 100 / self.target) if self.target else None


@dataclass
class TeamFigures:
    pk: int | None
    name: str
    site: str = ""
    fms: list[FmLoad] = field(default_factory=list)
    figures: dict[str, int | None] = field(default_factory=dict)
    reasons: dict[str, int] = field(default_factory=dict)
    median_months: float | None = None

    @property
    def counted(self) -> int:
        return sum(f.counted for f in self.fms)

    @property
    def target(self) -> int:
        return sum(f.target for f in self.fms)

    @property
    def over_target(self) -> bool:
        return self.counted > self.target

    @property
    def utilization(self) -> int | None:
        return round(self.counted * 100 / self.target) if self.target else None


@dataclass
class Dashboard:
    today: datetime.date
    teams: list[TeamFigures]
    total: TeamFigures
    reasons: list[dict]
    available: dict[str, bool]


def leadership_dashboard(*, user, today: datetime.date, fms: list[Staff] | None = None) -> Dashboard:
    """TL (her teams) / BL (her area's teams): at most six queries whatever the number of teams, FMs or
    cases; five for a single team (its median is the overall median).

    `fms`: the active FMs of the viewer's teams, already annotated by `fallmanagers_with_caseload` (the start
    page's caseload section fetched them) — saves the FM query."""
    teams = list(teams_led_by(user).select_related("site").order_by("site__name", "name"))  # 1
    team_ids = [t.pk for t in teams]
    if fms is None:
        fms = fallmanagers_with_caseload(  # 2
            queryset=Staff.objects.filter(role=Role.FALLMANAGER, is_active=True, team__in=team_ids)
        ).order_by("last_name", "first_name", "pk")
    else:
        wanted = set(team_ids)
        fms = sorted(
            (fm for fm in fms if fm.team_id in wanted), key=lambda fm: (fm.last_name, fm.first_name, fm.pk)
        )
    reasons = rejection_reasons()  # 3, cached per process (a minute)
    codes = [r["code"] for r in reasons]
    conds = case_conditions(today=today, reason_codes=codes)

    event_keys = {*EVENT_FIGURES, *(f"reason:{code}" for code in codes)}
    aggs = {key: Count("pk", filter=q) for key, q in conds.items() if q is not None and key not in event_keys}
    aggs["median_months"] = Median(
        CompletedMonthsSince(today, F("admitted_on")), filter=Q(state=CaseState.ACTIVE)
    )
    scoped = cases_visible_to(user, today=today).filter(fallmanager__team__in=team_ids)
    rows = {
        row["team"]: row for row in scoped.values(team=F("fallmanager__team")).annotate(**aggs).order_by()
    }  # 4
    for team_pk, figures in _event_figures(cases=scoped, today=today, codes=codes).items():  # 5
        rows.setdefault(team_pk, {}).update(figures)

    by_team = {t.pk: TeamFigures(pk=t.pk, name=t.name, site=t.site.name) for t in teams}
    for fm in fms:
        by_team[fm.team_id].fms.append(
            FmLoad(
                pk=fm.pk,
                name=fm.get_full_name() or fm.username,
                counted=fm.counted,
                in_clearing=fm.in_clearing,
                target=fm.caseload_target,
            )
        )
    total = TeamFigures(pk=None, name=str(_("Gesamt")))
    available = {key: q is not None for key, q in conds.items()}
    for team in by_team.values():
        row = rows.get(team.pk, {})
        for key in [k for k, _label in DASHBOARD_FIGURES] + QUALITY_ONLY:
            value = row.get(key, 0) if available[key] else None
            team.figures[key] = value
            if value is not None:
                total.figures[key] = total.figures.get(key, 0) + value
            else:
                total.figures[key] = None
        team.reasons = {code: row.get(f"reason:{code}", 0) for code in codes}
        for code in codes:
            total.reasons[code] = total.reasons.get(code, 0) + team.reasons[code]
        team.median_months = _round(row.get("median_months"))
        total.fms.extend(team.fms)
    if not teams:
        total.figures = {
            key: (0 if available[key] else None) for key in [k for k, _l in DASHBOARD_FIGURES] + QUALITY_ONLY
        }
        total.reasons = dict.fromkeys(codes, 0)
    if len(teams) == 1:
        total.median_months = by_team[teams[0].pk].median_months
    elif teams:
        # The overall median needs its own ordering over all cases; kept within the fixed query budget.
        total.median_months = _round(
            cases_visible_to(user, today=today)  # 6
            .filter(fallmanager__team__in=team_ids, state=CaseState.ACTIVE)
            .aggregate(m=Median(CompletedMonthsSince(today, F("admitted_on"))))["m"]
        )
    return Dashboard(
        today=today, teams=list(by_team.values()), total=total, reasons=reasons, available=available
    )


DASHBOARD_LIST_KINDS = (
    {key for key, _label in DASHBOARD_FIGURES}
    | {key for key, _label in QUALITY_FIGURES}
    | {"rejection_reason"}
)
# DP-7: per FM only the caseload the process needs (CAP-3); every other figure stops at team level.
FM_CASELOAD_KINDS = frozenset({"active", "clearing"})


def dashboard_cases(
    *,
    user,
    today: datetime.date,
    kind: str,
    team: int | None = None,
    fm: int | None = None,
    reason: str | None = None,
) -> QuerySet[Case] | None:
    """The list behind a dashboard number, within the viewer's scope; None when the filter is invalid.

    The viewer's teams stay a subquery (no query of their own); a `team` filter is checked against them."""
    led = teams_led_by(user).values("pk")
    if kind not in DASHBOARD_LIST_KINDS:
        return None
    if fm is not None and kind not in FM_CASELOAD_KINDS:
        return None  # DP-7: no per-FM performance list (admissions, rejections, overdue, … of one FM)
    codes = [reason] if kind == "rejection_reason" and reason else []
    conds = case_conditions(today=today, reason_codes=codes)
    q = conds.get(f"reason:{reason}") if kind == "rejection_reason" else conds.get(kind)
    if q is None:
        return None
    qs = cases_visible_to(user, today=today).filter(fallmanager__team__in=led).filter(q)
    if team is not None:
        if not teams_led_by(user).filter(pk=team).exists():
            return None
        qs = qs.filter(fallmanager__team=team)
    if fm is not None:
        qs = qs.filter(fallmanager=fm)
    return qs.select_related("client", "fallmanager", "fallmanager__team").order_by(
        "fallmanager__team__name", "client__last_name", "pk"
    )

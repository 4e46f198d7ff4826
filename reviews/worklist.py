"""Worklist items of the continuation reviews (WORK-1): for the FM her reviews due by `until` (REV-1, REV-6)
and cases reaching the maximum duration (REV-4); for the TL the reviews waiting for her acknowledgement or
approval (REV-2, REV-3), the reviews she takes part in from 24 months and the REV-4 escalations of her
teams. Two queries per role however many cases."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.choices import CaseState
from cases.models import Case
from catalog import periods
from org.choices import Role
from reminders.choices import ReminderKind
from reminders.worklist import WorklistItem
from reviews.choices import ReviewState
from reviews.models import Review, waits_for_teamleitung_q

REVIEW_FIELDS = (
    "id", "case_id", "case__client_id", "month", "due_on", "state", "gate", "documented_on",
    "case__client__last_name", "case__client__first_name", "case__client__customer_number",
)  # fmt: skip
CASE_FIELDS = (
    "id",
    "client_id",
    "admitted_on",
    "client__last_name",
    "client__first_name",
    "client__customer_number",
)


def _name(row: dict, prefix: str = "") -> str:
    return f"{row[prefix + 'client__last_name']}, {row[prefix + 'client__first_name']}"


def _max_duration_items(cases, *, until: datetime.date, case_prefix: str, label: str) -> list[WorklistItem]:
    items = []
    for row in cases:
        reached = periods.max_duration_reached_on(row["admitted_on"])
        if reached <= until:
            items.append(
                WorklistItem(
                    kind=ReminderKind.MAX_DURATION_REACHED.value,
                    case_id=row["id"],
                    client_name=_name(row),
                    customer_number=row["client__customer_number"],
                    due_on=reached,
                    label=label,
                    url=f"{case_prefix}{row['id']}/",
                    client_id=row["client_id"],
                )
            )
    return items


def _long_cases(fm_filter: Q, until: datetime.date):
    """Active cases that may reach the maximum duration by `until` (coarse bound, exact check in Python)."""
    bound = periods.add_months(until, -periods.months(periods.Period.MAX_DURATION)) + datetime.timedelta(
        days=3
    )
    return Case.objects.filter(
        fm_filter, state=CaseState.ACTIVE, admitted_on__isnull=False, admitted_on__lte=bound
    ).values(*CASE_FIELDS)


def _reviews_without_rows(*, user, until: datetime.date, case_prefix: str) -> list[WorklistItem]:
    """Looking further ahead than the daily job (its review rows exist up to the reminder horizon): the
    reviews the FM's active cases will fall due by `until` (REV-1) that have no row yet. Two queries."""
    cases = list(
        Case.objects.filter(fallmanager=user, state=CaseState.ACTIVE, admitted_on__isnull=False).values(
            *CASE_FIELDS
        )
    )
    have = set(Review.objects.filter(case_id__in=[c["id"] for c in cases]).values_list("case_id", "month"))
    items = []
    for row in cases:
        for month in periods.review_months_due(row["admitted_on"], until):
            if (row["id"], month) in have:
                continue
            items.append(
                WorklistItem(
                    kind=ReminderKind.REVIEW_DUE.value,
                    case_id=row["id"],
                    client_name=_name(row),
                    customer_number=row["client__customer_number"],
                    due_on=periods.review_due_on(row["admitted_on"], month),
                    label=_("Fortführungsprüfung nach %(month)s Monaten dokumentieren") % {"month": month},
                    url=f"{case_prefix}{row['id']}/",
                    client_id=row["client_id"],
                )
            )
    return items


def worklist_items(*, user, today: datetime.date, until: datetime.date) -> list[WorklistItem]:
    case_prefix = reverse("case-detail", args=[0])[: -len("0/")]
    inbox = reverse("reviews:inbox")
    items: list[WorklistItem] = []
    if user.role == Role.FALLMANAGER:
        rows = Review.objects.filter(
            state=ReviewState.DUE, due_on__lte=until, case__fallmanager=user, case__state=CaseState.ACTIVE
        ).values(*REVIEW_FIELDS)
        for row in rows:
            items.append(
                WorklistItem(
                    kind=ReminderKind.REVIEW_DUE.value,
                    case_id=row["case_id"],
                    client_name=_name(row, "case__"),
                    customer_number=row["case__client__customer_number"],
                    due_on=row["due_on"],
                    label=_("Fortführungsprüfung nach %(month)s Monaten dokumentieren")
                    % {"month": row["month"]},
                    url=f"{case_prefix}{row['case_id']}/#review-{row['id']}",
                    client_id=row["case__client_id"],
                )
            )
        if until > periods.reminder_horizon(today):
            items += _reviews_without_rows(user=user, until=until, case_prefix=case_prefix)
        items += _max_duration_items(
            _long_cases(Q(fallmanager=user), until),
            until=until,
            case_prefix=case_prefix,
            label=_("Höchstdauer von 36 Monaten erreicht: Fall abschließen"),
        )
        return items
    if user.role == Role.TEAMLEITUNG:
        teams = Q(case__fallmanager__team__in=user.led_teams.values("pk"))
        takes_part = Q(
            state=ReviewState.DUE,
            due_on__lte=until,
            month__gte=periods.months(periods.Period.TL_APPROVAL),
            case__state=CaseState.ACTIVE,
        )
        rows = Review.objects.filter(teams, waits_for_teamleitung_q() | takes_part).values(*REVIEW_FIELDS)
        for row in rows:
            if row["state"] == ReviewState.DUE:
                kind, due = ReminderKind.REVIEW_DUE.value, row["due_on"]
                label = _("An der Fortführungsprüfung nach %(month)s Monaten teilnehmen") % {
                    "month": row["month"]
                }
                url = f"{case_prefix}{row['case_id']}/#review-{row['id']}"
            elif row["state"] == ReviewState.APPROVAL_PENDING:
                kind, due = "review_approval", row["documented_on"] or row["due_on"]
                label = _("Fortführung nach %(month)s Monaten zustimmen oder ablehnen") % {
                    "month": row["month"]
                }
                url = f"{inbox}#review-{row['id']}"
            else:
                kind, due = "review_acknowledge", row["documented_on"] or row["due_on"]
                label = _("Fortführung nach %(month)s Monaten zur Kenntnis nehmen") % {"month": row["month"]}
                url = f"{inbox}#review-{row['id']}"
            items.append(
                WorklistItem(
                    kind=kind,
                    case_id=row["case_id"],
                    client_name=_name(row, "case__"),
                    customer_number=row["case__client__customer_number"],
                    due_on=due,
                    label=label,
                    url=url,
                    client_id=row["case__client_id"],
                )
            )
        items += _max_duration_items(
            _long_cases(Q(fallmanager__team__in=user.led_teams.values("pk")), until),
            until=until,
            case_prefix=case_prefix,
            label=_("Höchstdauer erreicht: Abschluss des Falls sicherstellen"),
        )
    return items

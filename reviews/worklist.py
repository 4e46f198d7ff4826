"""Worklist items of the continuation reviews (WORK-1): for the FM her reviews due by `until` (REV-1, REV-6)
and cases reaching the maximum duration (REV-4); for the TL the reviews waiting for her acknowledgement or
approval (REV-2, REV-3), the reviews she takes part in from 24 months and the REV-4 escalations of her
teams. One query per role however many cases (two when looking beyond the reminder horizon)."""

from __future__ import annotations

import datetime
from dataclasses import replace

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.access import worked_fallmanager_ids
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


MAX_MONTH_Q = Q(month=periods.months(periods.Period.MAX_DURATION), case__state=CaseState.ACTIVE)


def _max_duration_item(row: dict, *, case_prefix: str, label: str) -> WorklistItem:
    """REV-4 from the final review row (month 36, due on the day the maximum duration is reached, made by
    the daily job like every review row): the case must be closed while it is still active."""
    return WorklistItem(
        kind=ReminderKind.MAX_DURATION_REACHED.value,
        case_id=row["case_id"],
        client_name=_name(row, "case__"),
        customer_number=row["case__client__customer_number"],
        due_on=row["due_on"],
        label=label,
        url=f"{case_prefix}{row['case_id']}/schritt/close/",
        client_id=row["case__client_id"],
    )


def _reviews_without_rows(
    *, user, today: datetime.date, until: datetime.date, case_prefix: str
) -> list[WorklistItem]:
    """Looking further ahead than the daily job (its review rows exist up to the reminder horizon): the
    reviews the FM's active cases will fall due by `until` (REV-1) that have no row yet. Two queries."""
    cases = list(
        Case.objects.filter(
            fallmanager_id__in=worked_fallmanager_ids(user, today),
            state=CaseState.ACTIVE,
            admitted_on__isnull=False,
        ).values(*CASE_FIELDS)
    )
    have = set(Review.objects.filter(case_id__in=[c["id"] for c in cases]).values_list("case_id", "month"))
    items = []
    for row in cases:
        for month in periods.review_months_due(row["admitted_on"], until):
            if (row["id"], month) in have:
                continue
            if month >= periods.months(periods.Period.MAX_DURATION):
                items.append(
                    WorklistItem(
                        kind=ReminderKind.MAX_DURATION_REACHED.value,
                        case_id=row["id"],
                        client_name=_name(row),
                        customer_number=row["client__customer_number"],
                        due_on=periods.max_duration_reached_on(row["admitted_on"]),
                        label=_("Höchstdauer von 36 Monaten erreicht: Fall abschließen"),
                        url=f"{case_prefix}{row['id']}/schritt/close/",
                        client_id=row["client_id"],
                    )
                )
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
            Q(state=ReviewState.DUE) | MAX_MONTH_Q,
            due_on__lte=until,
            case__fallmanager_id__in=worked_fallmanager_ids(user, today),
            case__state=CaseState.ACTIVE,
        ).values(*REVIEW_FIELDS)
        max_label = _("Höchstdauer von 36 Monaten erreicht: Fall abschließen")
        final_label = _(
            "Höchstdauer von 36 Monaten erreicht: Abschlussprüfung dokumentieren, Fall abschließen"
        )
        for row in rows:
            if row["month"] >= periods.months(periods.Period.MAX_DURATION):
                # One item for the final review and the maximum duration (same case, same day): while the
                # review is open it leads there, afterwards to the close form.
                item = _max_duration_item(row, case_prefix=case_prefix, label=max_label)
                if row["state"] == ReviewState.DUE:
                    item = replace(
                        item, label=final_label, url=f"{case_prefix}{row['case_id']}/#review-{row['id']}"
                    )
                items.append(item)
                continue
            if row["state"] != ReviewState.DUE:
                continue
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
            items += _reviews_without_rows(user=user, today=today, until=until, case_prefix=case_prefix)
        return items
    if user.role == Role.TEAMLEITUNG:
        teams = Q(case__fallmanager_id__in=worked_fallmanager_ids(user, today))
        takes_part = Q(
            state=ReviewState.DUE,
            due_on__lte=until,
            month__gte=periods.months(periods.Period.TL_APPROVAL),
            case__state=CaseState.ACTIVE,
        )
        final = MAX_MONTH_Q & Q(due_on__lte=until)
        rows = Review.objects.filter(teams, waits_for_teamleitung_q() | takes_part | final).values(
            *REVIEW_FIELDS
        )
        max_label = _("Höchstdauer erreicht: Abschluss des Falls sicherstellen")
        for row in rows:
            if row["month"] >= periods.months(periods.Period.MAX_DURATION) and row["due_on"] <= until:
                items.append(_max_duration_item(row, case_prefix=case_prefix, label=max_label))
                if row["state"] == ReviewState.DUE:
                    continue  # the final review: the escalation says it all
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
    return items

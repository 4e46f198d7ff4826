"""Worklist items of the case lifecycle (WORK-1): for the FM new referrals and the end of clearing (CLR-2);
for the TL the
disputes waiting for her decision (CLR-4) and the overdue clearings of her teams (CLR-2 escalation).
One query per role however many cases."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.access import worked_fallmanager_ids
from cases.choices import CaseState
from cases.models import Case
from catalog import periods
from org.choices import Role
from reminders.worklist import WorklistItem

FIELDS = (
    "id", "client_id", "state", "clearing_started_on", "disputed_on",
    "client__last_name", "client__first_name", "client__customer_number",
)  # fmt: skip


def _item(
    row: dict, *, kind: str, due_on: datetime.date, label: str, prefix: str, step: str = ""
) -> WorklistItem:
    return WorklistItem(
        kind=kind,
        case_id=row["id"],
        client_name=f"{row['client__last_name']}, {row['client__first_name']}",
        customer_number=row["client__customer_number"],
        due_on=due_on,
        label=label,
        url=f"{prefix}{row['id']}/" + (f"schritt/{step}/" if step else ""),
        client_id=row["client_id"],
    )


def worklist_items(*, user, today: datetime.date, until: datetime.date) -> list[WorklistItem]:
    prefix = reverse("case-detail", args=[0])[: -len("0/")]
    if user.role == Role.FALLMANAGER:
        items = []
        rows = Case.objects.filter(
            Q(state=CaseState.REFERRED) | Q(state=CaseState.CLEARING, clearing_started_on__isnull=False),
            fallmanager_id__in=worked_fallmanager_ids(user, today),
        ).values(*FIELDS, "referred_on")
        for row in rows:
            if row["state"] == CaseState.REFERRED:  # a new referral: she starts the clearing (CLR-1)
                label = _("Neue Zuweisung: Clearing beginnen")
                due = row["referred_on"] or today
                items.append(_item(row, kind="referral_new", due_on=due, label=label, prefix=prefix))
                continue
            due = periods.clearing_ends_on(row["clearing_started_on"])
            if due <= until:
                label = _("Clearing abschließen: Aufnahme oder Ablehnung")
                items.append(_item(row, kind="clearing_due", due_on=due, label=label, prefix=prefix))
        return items
    if user.role == Role.TEAMLEITUNG:
        items = []
        rows = Case.objects.filter(
            Q(state=CaseState.DISPUTED) | Q(state=CaseState.CLEARING, clearing_started_on__isnull=False),
            fallmanager_id__in=worked_fallmanager_ids(user, today),
        ).values(*FIELDS)
        for row in rows:
            if row["state"] == CaseState.DISPUTED:
                label = _("Über den Widerspruch der pAp entscheiden")
                due = row["disputed_on"] or today
                items.append(
                    _item(
                        row,
                        kind="dispute_open",
                        due_on=due,
                        label=label,
                        prefix=prefix,
                        step="decide_dispute",
                    )
                )
                continue
            due = periods.clearing_ends_on(row["clearing_started_on"])
            if due < today:  # escalated to the TL once overdue, as the reminder
                label = _("Clearingphase überschritten: mit der Fallmanager*in klären")
                items.append(_item(row, kind="clearing_overdue", due_on=due, label=label, prefix=prefix))
        return items
    return []

"""Worklist items of Wiedervorlagen (WORK-1): the FM's open follow-ups up to `until` (overdue ones from
any earlier date). One query however many cases."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from cases.access import worked_fallmanager_ids
from cases.choices import OPEN_STATES
from followups.choices import FollowUpState
from followups.models import FollowUp
from org.choices import Role
from reminders.choices import ReminderKind
from reminders.worklist import WorklistItem

LABEL_NOTE = 80


def worklist_items(*, user, today: datetime.date, until: datetime.date) -> list[WorklistItem]:
    if user.role != Role.FALLMANAGER:
        return []
    rows = (
        FollowUp.objects.filter(
            state=FollowUpState.OPEN, due_on__lte=until, case__fallmanager_id__in=worked_fallmanager_ids(user, today), case__state__in=OPEN_STATES
        )
        .order_by("due_on", "pk")
        .values_list("case_id", "due_on", "note", "case__client_id", "case__client__last_name", "case__client__first_name",
                     "case__client__customer_number")
    )  # fmt: skip
    prefix = reverse("case-detail", args=[0])[: -len("0/")]
    items = []
    for case_id, due_on, note, client_id, last, first, number in rows:
        text = note if len(note) <= LABEL_NOTE else note[: LABEL_NOTE - 1] + "…"
        items.append(
            WorklistItem(
                kind=ReminderKind.FOLLOWUP_DUE.value,
                case_id=case_id,
                client_name=f"{last}, {first}",
                customer_number=number,
                due_on=due_on,
                label=_("Wiedervorlage: %(note)s") % {"note": text},
                url=f"{prefix}{case_id}/#followups",
                client_id=client_id,
            )
        )
    return items

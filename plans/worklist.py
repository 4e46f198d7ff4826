"""Worklist items of the plans app (WORK-1): for the FM the agreement reviews due by `until` (PLAN-3) and
the contact gaps of her working cases (PLAN-5: no contact for more than CONTACT_GAP_DAYS; the item is due
on the first day of the gap). Two queries however many cases."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.access import worked_fallmanager_ids
from cases.choices import CaseState
from cases.models import Case
from org.choices import Role
from plans.models import Agreement
from reminders.choices import ReminderKind
from reminders.worklist import WorklistItem

WORKING = (CaseState.CLEARING, CaseState.ACTIVE)


def worklist_items(*, user, today: datetime.date, until: datetime.date) -> list[WorklistItem]:
    if user.role != Role.FALLMANAGER:
        return []
    prefix = reverse("case-detail", args=[0])[: -len("0/")]
    fms = worked_fallmanager_ids(user, today)
    items = []
    review_label = _("Kooperationsplan überprüfen")
    gap_label = _("Kontakt aufnehmen: seit %(days)s Tagen kein Kontakt")
    agreements = Agreement.objects.filter(
        waived=False,
        superseded_on__isnull=True,
        review_due_on__lte=until,
        case__fallmanager_id__in=fms,
        case__state=CaseState.ACTIVE,
    ).values_list("case_id", "review_due_on", "case__client_id", "case__client__last_name", "case__client__first_name",
                  "case__client__customer_number")  # fmt: skip
    for case_id, due, client_id, last, first, number in agreements:
        items.append(
            WorklistItem(
                kind=ReminderKind.AGREEMENT_REVIEW_DUE.value,
                case_id=case_id,
                client_name=f"{last}, {first}",
                customer_number=number,
                due_on=due,
                label=review_label,
                url=f"{prefix}{case_id}/#plans-agreement",
                client_id=client_id,
            )
        )
    gap = int(settings.FM["CONTACT_GAP_DAYS"])
    cases = (
        Case.objects.filter(fallmanager_id__in=fms, state__in=WORKING)
        .annotate(last_contact_on=Max("contacts__date"))
        .values_list("id", "client_id", "last_contact_on", "admitted_on", "clearing_started_on", "client__last_name",
                     "client__first_name", "client__customer_number")
    )  # fmt: skip
    for case_id, client_id, last_contact, admitted, clearing, last, first, number in cases:
        since = last_contact or admitted or clearing
        if since is None:
            continue
        starts = since + datetime.timedelta(days=gap + 1)  # "more than `gap` days" without contact
        if starts <= today:
            items.append(
                WorklistItem(
                    kind="contact_gap",
                    case_id=case_id,
                    client_name=f"{last}, {first}",
                    customer_number=number,
                    due_on=starts,
                    label=gap_label % {"days": (today - since).days},
                    url=f"{prefix}{case_id}/#plans-contacts",
                    client_id=client_id,
                )
            )
    return items

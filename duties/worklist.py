"""The duties app's part of the FM's worklist (WORK-1, MIT-1, MIT-2): appointments from today up to
`until`, and held appointments whose outcome is still missing. Scoped through `cases.access`; one query
however many cases."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from cases.choices import CaseState
from duties.models import Appointment
from org.choices import Role
from reminders.worklist import WorklistItem

KIND_APPOINTMENT = "appointment"
KIND_OUTCOME_MISSING = "appointment_outcome_missing"


def _day_bounds(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def worklist_items(*, user, today: datetime.date, until: datetime.date) -> list[WorklistItem]:
    if not (user.is_authenticated and user.role == Role.FALLMANAGER):
        return []
    # The FM's own cases and those she covers for (SUB-1), like every worklist source (one memoized query).
    fm_ids = access.worked_fallmanager_ids(user, today)
    start, end = _day_bounds(today), _day_bounds(until + datetime.timedelta(days=1))
    rows = (
        Appointment.objects.filter(
            case__fallmanager_id__in=fm_ids, case__state__in=(CaseState.CLEARING, CaseState.ACTIVE)
        )
        .filter(outcome="")
        .filter(starts_at__lt=end)
        .values_list(
            "pk",
            "case_id",
            "case__client_id",
            "starts_at",
            "is_summons",
            "outcome_due_on",
            "case__client__first_name",
            "case__client__last_name",
            "case__client__customer_number",
        )
        .order_by("starts_at")
    )
    # One reverse() and one translation per call, not per row (an FM's full day has ~300 items).
    case_prefix = reverse("case-detail", args=[0])[: -len("0/")]
    calendar_url = reverse("duties:calendar")
    summons_label, appointment_label = _("Meldetermin am %(at)s"), _("Termin am %(at)s")
    outcome_label = _("Ergebnis des Termins vom %(at)s erfassen")
    items = []
    for pk, case_id, client_id, starts_at, is_summons, due_on, first, last, number in rows:
        local = timezone.localtime(starts_at)
        name = f"{last}, {first}".strip(", ")
        # An upcoming appointment leads into the calendar (its day); a missing outcome to the case page.
        if starts_at >= start:
            label = (summons_label if is_summons else appointment_label) % {
                "at": local.strftime("%d.%m.%Y %H:%M")
            }
            day_url = f"{calendar_url}?tag={local.date().isoformat()}&ansicht=tag"
            items.append(
                WorklistItem(
                    KIND_APPOINTMENT, case_id, name, number, local.date(), label, day_url, client_id=client_id
                )
            )
        else:
            label = outcome_label % {"at": local.strftime("%d.%m.%Y")}
            url = f"{case_prefix}{case_id}/#appointment-{pk}"
            items.append(
                WorklistItem(
                    KIND_OUTCOME_MISSING, case_id, name, number, due_on, label, url, client_id=client_id
                )
            )
    return sorted(items, key=lambda item: item.due_on)

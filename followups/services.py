"""Writes on Wiedervorlagen (WORK-1). One function per action; views, API and demo call these."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from cases.access import is_case_fm
from cases.choices import OPEN_STATES
from cases.models import Case
from catalog import clock
from catalog.validators import require_date, require_text
from fallmanagement.errors import Conflict, InvalidInput, NotPermitted
from followups.choices import FollowUpState
from followups.models import NOTE_MAX, FollowUp
from org.models import Staff
from reminders.choices import ReminderKind
from reminders.models import Reminder

# How far ahead a follow-up may be set: the maximum duration of FM (REV-4, 36 months) plus a margin.
MAX_AHEAD_DAYS = 3 * 366


def _require_fm(case: Case, user: Staff, today: datetime.date) -> None:
    if not is_case_fm(case, user, today=today):
        raise NotPermitted(
            _(
                "Nur die zuständige Fallmanager*in (oder ihre Vertretung) bearbeitet die Wiedervorlagen dieses Falls."
            )
        )


@transaction.atomic
def followup_create(
    *, case: Case, acting_user: Staff, due_on: datetime.date, note: str, today: datetime.date | None = None
) -> FollowUp:
    """WORK-1: a follow-up date with a note on an open case of the FM (or of the FM she substitutes).
    The date lies today or later (at most about three years ahead); the note says what to do."""
    today = clock.today(today)
    _require_fm(case, acting_user, today)
    if case.state not in OPEN_STATES:
        raise Conflict(
            _("Der Fall ist abgeschlossen (Status „%(state)s“); eine Wiedervorlage ist nicht mehr möglich.")
            % {"state": case.get_state_display()},
            code="case_not_open",
        )
    due_on = require_date(due_on, "due_on", _("Bitte ein gültiges Datum für die Wiedervorlage angeben."))
    if due_on < today:
        raise InvalidInput(
            _("Das Datum der Wiedervorlage darf nicht in der Vergangenheit liegen."),
            fields={"due_on": [_("Bitte heute oder ein späteres Datum wählen.")]},
        )
    if (due_on - today).days > MAX_AHEAD_DAYS:
        raise InvalidInput(
            _("Eine Wiedervorlage kann höchstens drei Jahre im Voraus gesetzt werden."),
            fields={"due_on": [_("Bitte ein früheres Datum wählen.")]},
        )
    note = require_text(note, "note", _("Die Notiz"), max_length=NOTE_MAX)
    return FollowUp.objects.create(case=case, due_on=due_on, note=note, created_by=acting_user)


def _close(followup: FollowUp, *, acting_user: Staff, today: datetime.date | None, method: str) -> FollowUp:
    today = clock.today(today)
    locked = FollowUp.objects.select_for_update().select_related("case").get(pk=followup.pk)
    step = getattr(locked, method)
    # The rule of the transition's `permission` (`may_act`), asked with the business day of the act.
    _require_fm(locked.case, acting_user, today)
    if not can_proceed(step):
        raise Conflict(_("Die Wiedervorlage ist bereits erledigt oder verworfen."))
    step()
    locked.closed_on = today
    locked.closed_by = acting_user
    locked.save()
    # Its reminder is settled now, not only by the next daily job — unless another open follow-up of the
    # case falls on the same day (one reminder per case, kind and date).
    if not FollowUp.objects.filter(
        case_id=locked.case_id, due_on=locked.due_on, state=FollowUpState.OPEN
    ).exists():
        Reminder.objects.filter(
            case_id=locked.case_id, kind=ReminderKind.FOLLOWUP_DUE, due_on=locked.due_on, done_at__isnull=True
        ).update(done_at=timezone.now())
    return locked


@transaction.atomic
def followup_done(*, followup: FollowUp, acting_user: Staff, today: datetime.date | None = None) -> FollowUp:
    """The FM marks the follow-up done; it leaves her worklist and its reminders settle."""
    return _close(followup, acting_user=acting_user, today=today, method="mark_done")


@transaction.atomic
def followup_cancel(
    *, followup: FollowUp, acting_user: Staff, today: datetime.date | None = None
) -> FollowUp:
    """The FM cancels a follow-up that is no longer needed."""
    return _close(followup, acting_user=acting_user, today=today, method="cancel")

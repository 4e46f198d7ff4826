"""The exit (EXIT-1..3): the FM closes the case after the handover talk with the taking-over pAp, with an
exit reason from the catalogue; the anonymous outcome record (Wirkungsanalyse) is written in the same
transaction.

The record belongs to the reporting app, which sits above this one: the exit hands it plain values only
(`OutcomeFacts` + what the FM confirmed) through the outcome recorder that reporting installs at start-up
(`reporting.apps.ReportingConfig.ready` → `set_outcome_recorder(reporting.services.outcome_record_create)`).
Without a recorder a case cannot be closed (EXIT-3 is not optional)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case
from cases.selectors import OutcomePrefill, case_outcome_prefill
from cases.services.transitions import apply_transition
from catalog.models import ExitReason
from catalog.validators import MAX_TEXT, require_past_or_today
from fallmanagement.errors import InvalidInput
from org.choices import Role
from org.models import Staff


@dataclass(frozen=True)
class OutcomeFacts:
    """What the anonymous outcome record takes from a closed case — no client, case, staff or team (DP-3)."""

    area_id: int
    closed_on: datetime.date
    exit_reason_code: str
    is_integration: bool
    months_in_case_management: int
    prefill: OutcomePrefill


OutcomeRecorder = Callable[..., object]
_outcome_recorder: OutcomeRecorder | None = None


def set_outcome_recorder(recorder: OutcomeRecorder) -> None:
    """Install `recorder(*, facts: OutcomeFacts, outcome: dict)` (called once, by the reporting app)."""
    global _outcome_recorder
    _outcome_recorder = recorder


def _record_outcome(case: Case, outcome: dict) -> None:
    if _outcome_recorder is None:
        raise ImproperlyConfigured("No outcome recorder installed (reporting app missing).")
    facts = OutcomeFacts(
        area_id=case.client.site.area_id,
        closed_on=case.closed_on,
        exit_reason_code=case.exit_reason.code,
        is_integration=case.exit_reason.is_integration,
        months_in_case_management=case.months_in_case_management(case.closed_on) or 0,
        prefill=case_outcome_prefill(case=case),
    )
    _outcome_recorder(facts=facts, outcome=outcome)


@transaction.atomic
def case_close(
    *,
    case: Case,
    acting_user: Staff,
    exit_reason_code: str,
    handover_talk_on: datetime.date | None,
    handover_pap,
    outcome: dict,
    justification: str = "",
    handover_note: str = "",
    on: datetime.date | None = None,
    today: datetime.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """EXIT-1/2/3: only the FM closes, after the handover talk with the taking-over pAp, with an exit
    reason from the catalogue; the anonymous outcome record is written in the same transaction.

    EXIT-1: the handover talk lies on or before the exit date and not before admission; the handover note
    (placement-relevant information) is kept for the taking-over pAp (`cases.selectors.handover_note_get`)."""

    def validate(locked: Case, on: datetime.date, today: datetime.date) -> dict:
        reason = ExitReason.objects.filter(code=exit_reason_code, active=True).first()
        if reason is None:
            raise InvalidInput(
                _("Unbekannter Beendigungsgrund."), fields={"exit_reason": [_("Unbekannter Code.")]}
            )
        text = (justification or "").strip()
        if reason.requires_justification and not text:
            raise InvalidInput(
                _("Für diesen Beendigungsgrund ist eine Begründung Pflicht."),
                fields={"justification": [_("Dieses Feld ist erforderlich.")]},
            )
        talk = require_past_or_today(handover_talk_on, "handover_talk_on", _("Das Übergabegespräch"), today)
        if locked.admitted_on and talk < locked.admitted_on:
            raise InvalidInput(
                _("Das Übergabegespräch kann nicht vor der Übernahme liegen."),
                fields={"handover_talk_on": [_("Liegt vor der Übernahme.")]},
            )
        if talk > on:
            raise InvalidInput(
                _(
                    "Der Abgang aus dem Fallmanagement erfolgt durch ein persönliches Gespräch mit der "
                    "nachfolgend zuständigen pAp: Das Übergabegespräch muss am oder vor dem Abgangsdatum "
                    "liegen (Handlungsleitlinie IV.3)."
                ),
                fields={"handover_talk_on": [_("Liegt nach dem Abgangsdatum.")]},
            )
        note = (handover_note or "").strip()
        if len(note) > MAX_TEXT:
            raise InvalidInput(
                _("Der Übergabevermerk ist zu lang."),
                fields={"handover_note": [_("Höchstens %(n)s Zeichen.") % {"n": MAX_TEXT}]},
            )
        if handover_pap is None or handover_pap.role != Role.PAP or not handover_pap.is_active:
            raise InvalidInput(
                _("Bitte die übernehmende pAp angeben."),
                fields={"handover_pap": [_("Keine aktive pAp.")]},
            )
        return {
            "exit_reason": reason,
            "justification": text[:MAX_TEXT],
            "handover_talk_on": talk,
            "handover_pap": handover_pap,
            "handover_note": note,
        }

    closed = apply_transition(
        case=case,
        method_name="close",
        acting_user=acting_user,
        on=on,
        today=today,
        expected_version=expected_version,
        validate=validate,
        payload={"exit_reason": exit_reason_code},
    )
    _record_outcome(closed, outcome)
    # ACC-4: the taking-over pAp is responsible for the client from the exit on.
    from cases.services.referral import client_responsible_pap_assign

    client_responsible_pap_assign(client=closed.client, pap=closed.exit_handover_pap)
    return closed

"""Clearing and its outcomes (CLR-1, CLR-3) and the dispute about a rejection (CLR-4)."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cases.choices import OPEN_STATES, ForwardTarget
from cases.models import Case
from cases.selectors import staff_caseload
from cases.services.referral import client_responsible_pap_assign
from cases.services.transitions import apply_transition
from catalog.models import RejectionReason
from catalog.validators import require_text
from fallmanagement.errors import Conflict, InvalidInput
from org.models import Staff


@transaction.atomic
def case_start_clearing(
    *, case: Case, acting_user: Staff, on=None, today=None, expected_version=None
) -> Case:
    """CLR-1: the FM takes the referred client into clearing (not yet counted in the caseload)."""
    return apply_transition(
        case=case,
        method_name="start_clearing",
        acting_user=acting_user,
        on=on,
        today=today,
        expected_version=expected_version,
    )


@transaction.atomic
def case_admit(*, case: Case, acting_user: Staff, on=None, today=None, expected_version=None) -> Case:
    """CLR-3 Übernahme: the case becomes active and counts (CAP-1); beyond target is allowed but shown (CAP-3)."""
    payload: dict = {}

    def validate(locked, on, today):
        # Read under the row lock, so the event shows the caseload the admission really changed.
        load = staff_caseload(staff=locked.fallmanager)
        payload.update(
            caseload_before=load.counted, target=load.target, over_target=load.counted + 1 > load.target
        )
        return {}

    return apply_transition(
        case=case,
        method_name="admit",
        acting_user=acting_user,
        on=on,
        today=today,
        expected_version=expected_version,
        validate=validate,
        payload=payload,
    )


@transaction.atomic
def case_reject(
    *,
    case: Case,
    acting_user: Staff,
    reason_code: str,
    justification: str,
    on=None,
    today=None,
    expected_version=None,
) -> Case:
    """CLR-3 Ablehnung: a reason from the catalogue (also "no capacity") and always a justification."""

    def validate(locked, on, today):
        reason = RejectionReason.objects.filter(code=reason_code, active=True).first()
        if reason is None:
            raise InvalidInput(
                _("Unbekannter Ablehnungsgrund."), fields={"reason_code": [_("Unbekannter Code.")]}
            )
        text = require_text(justification, "justification", _("Die Begründung der Ablehnung"))
        return {"reason": reason, "justification": text}

    return apply_transition(
        case=case,
        method_name="reject",
        acting_user=acting_user,
        on=on,
        today=today,
        expected_version=expected_version,
        validate=validate,
        payload={"reason_code": reason_code},
    )


@transaction.atomic
def case_return_to_pap(
    *, case: Case, acting_user: Staff, justification: str, on=None, today=None, expected_version=None
) -> Case:
    """CLR-3 Rückgabe: no working alliance could be established."""

    def validate(locked, on, today):
        return {
            "justification": require_text(justification, "justification", _("Die Begründung der Rückgabe"))
        }

    returned = apply_transition(
        case=case,
        method_name="return_to_pap",
        acting_user=acting_user,
        on=on,
        today=today,
        expected_version=expected_version,
        validate=validate,
    )
    # ACC-4: on return the referring pAp is responsible for the client again.
    client_responsible_pap_assign(client=returned.client, pap=returned.referred_by)
    return returned


@transaction.atomic
def case_forward(
    *,
    case: Case,
    acting_user: Staff,
    to: str,
    justification: str,
    detail: str = "",
    on=None,
    today=None,
    expected_version=None,
) -> Case:
    """CLR-3 Weiterleitung to a specialised FM or FM by third parties."""

    def validate(locked, on, today):
        if to not in ForwardTarget.values:
            raise InvalidInput(
                _("Bitte wählen Sie, wohin weitergeleitet wird."),
                fields={"to": [_("Erlaubt: %(v)s") % {"v": ", ".join(ForwardTarget.values)}]},
            )
        return {
            "to": to,
            "detail": (detail or "").strip()[:200],
            "justification": require_text(
                justification, "justification", _("Die Begründung der Weiterleitung")
            ),
        }

    return apply_transition(
        case=case,
        method_name="forward",
        acting_user=acting_user,
        on=on,
        today=today,
        expected_version=expected_version,
        validate=validate,
        payload={"to": to},
    )


@transaction.atomic
def case_dispute(
    *, case: Case, acting_user: Staff, comment: str, on=None, today=None, expected_version=None
) -> Case:
    """CLR-4: the referring pAp disputes a rejection; the TL decides."""

    def validate(locked, on, today):
        text = require_text(comment, "comment", _("Die Begründung des Widerspruchs"))
        other_open = Case.objects.filter(client_id=locked.client_id, state__in=OPEN_STATES).exclude(
            pk=locked.pk
        )
        if other_open.exists():
            raise Conflict(
                _("Für diese Kund*in besteht inzwischen ein anderer offener Fall."),
                code="open_case_exists",
            )
        return {"comment": text}

    try:
        with transaction.atomic():
            return apply_transition(
                case=case,
                method_name="dispute",
                acting_user=acting_user,
                on=on,
                today=today,
                expected_version=expected_version,
                validate=validate,
            )
    except IntegrityError:
        raise Conflict(
            _("Für diese Kund*in besteht inzwischen ein anderer offener Fall."),
            code="open_case_exists",
        ) from None


@transaction.atomic
def case_decide_dispute(
    *, case: Case, acting_user: Staff, admit: bool, comment: str, on=None, today=None, expected_version=None
) -> Case:
    """CLR-4: the TL decides — admission (case becomes active) or the rejection stands (final)."""
    if not isinstance(admit, bool):
        raise InvalidInput(
            _("Bitte entscheiden Sie: Übernahme ja oder nein."), fields={"admit": [_("Ja oder nein.")]}
        )

    def validate(locked, on, today):
        return {
            "by": acting_user,
            "comment": require_text(comment, "comment", _("Die Begründung der Entscheidung")),
        }

    return apply_transition(
        case=case,
        method_name="decide_dispute_admit" if admit else "decide_dispute_reject",
        acting_user=acting_user,
        on=on,
        today=today,
        expected_version=expected_version,
        validate=validate,
        event_name="decide_dispute",
        payload={"admit": admit},
    )

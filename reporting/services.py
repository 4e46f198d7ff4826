"""Writes of the reporting app."""

from __future__ import annotations

from django.utils.translation import gettext as _

from fallmanagement.errors import InvalidInput
from reporting.models import OutcomeRecord


def _bool(outcome: dict, key: str, default: bool | None = None) -> bool:
    value = outcome.get(key, default)
    if not isinstance(value, bool):
        raise InvalidInput(
            _("Die Wirkungsanalyse ist unvollständig."),
            fields={f"outcome.{key}": [_("Bitte ja oder nein angeben.")]},
        )
    return value


def outcome_record_create(*, case, outcome: dict) -> OutcomeRecord:
    """EXIT-3: write the anonymous outcome record in the caller's (the exit's) transaction.

    Prefilled values come from the case; what the FM confirmed in `outcome` wins."""
    from cases.services import case_outcome_prefill

    if not isinstance(outcome, dict):
        raise InvalidInput(_("Die Wirkungsanalyse fehlt."), fields={"outcome": [_("Dieses Feld ist erforderlich.")]})
    prefill = case_outcome_prefill(case=case)
    needs_reduced = outcome.get("needs_reduced", prefill["needs_reduced"])
    if isinstance(needs_reduced, bool) or not isinstance(needs_reduced, int) or not 0 <= needs_reduced <= 99:
        raise InvalidInput(
            _("Die Zahl der abgebauten Handlungsbedarfe ist ungültig."),
            fields={"outcome.needs_reduced": [_("Bitte eine ganze Zahl von 0 bis 99 angeben.")]},
        )
    return OutcomeRecord.objects.create(
        area=case.client.site.area,
        month=case.closed_on.replace(day=1),
        exit_reason_code=case.exit_reason.code,
        is_integration=case.exit_reason.is_integration,
        medical_service_involved=_bool(outcome, "medical_service_involved"),
        health_need=_bool(outcome, "health_need", prefill["health_need"]),
        needs_at_start=max(prefill["needs_at_start"], needs_reduced),
        needs_reduced=needs_reduced,
        social_participation_progress=_bool(outcome, "social_participation_progress", False),
        months_in_case_management=case.months_in_case_management(case.closed_on) or 0,
    )

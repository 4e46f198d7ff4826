"""Fixtures of the reporting tests: a second area, anonymous outcome records and case events."""

import datetime

import pytest

from cases.models import CaseEvent
from reporting.models import OutcomeRecord
from tests.factories import AreaFactory, CaseFactory, ClientFactory, SiteFactory

OCTOBER = datetime.date(2026, 10, 1)
TODAY = datetime.date(2026, 11, 20)


@pytest.fixture
def area_sued():
    return AreaFactory(name="Bereich Süd")


@pytest.fixture
def site_sued(area_sued):
    return SiteFactory(name="Standort Süd", area=area_sued)


def outcomes(area, month, rows: list[dict]) -> list[OutcomeRecord]:
    """Outcome records from explicit rows (defaults: no integration, nothing flagged, 3 needs, 0 reduced)."""
    defaults = {
        "exit_reason_code": "B05",
        "is_integration": False,
        "medical_service_involved": False,
        "health_need": False,
        "needs_at_start": 3,
        "needs_reduced": 0,
        "social_participation_progress": False,
        "months_in_case_management": 6,
    }
    return OutcomeRecord.objects.bulk_create(
        [OutcomeRecord(area=area, month=month, **{**defaults, **row}) for row in rows]
    )


def flagged(n: int, total: int, key: str, yes=True, no=False) -> list:
    return [yes] * n + [no] * (total - n)


def event(*, site, fm, name, on, from_state="clearing", payload=None, **case_fields) -> CaseEvent:
    """One case (client at `site`, FM `fm`) with one history event."""
    case = CaseFactory(client=ClientFactory(site=site), fallmanager=fm, **case_fields)
    return CaseEvent.objects.create(
        case=case,
        name=name,
        from_state=from_state,
        to_state="x",
        effective_on=on,
        actor=fm,
        payload=payload or {},
    )

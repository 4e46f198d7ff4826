"""Fixtures of the duties tests: active cases of `fm` (one client with an open L_PSYCHE need, one
without), a pinned business day, and a helper that plans an appointment and records its outcome through
the services with explicit dates."""

import datetime

import pytest
from django.utils import timezone

from cases.choices import CaseState
from duties import services
from tests.conftest import TODAY
from tests.factories import CaseFactory, ClientFactory

ADMITTED = datetime.date(2025, 1, 6)


@pytest.fixture(autouse=True)
def _pin_today(monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


@pytest.fixture
def vulnerable_case(fm, client_eligible):
    """The client has an open L_PSYCHE need (MIT-4)."""
    return CaseFactory(client=client_eligible, fallmanager=fm, state=CaseState.ACTIVE, admitted_on=ADMITTED)


@pytest.fixture
def case(fm, site):
    client = ClientFactory(site=site, first_name="Karl", last_name="Beispiel")
    return CaseFactory(client=client, fallmanager=fm, state=CaseState.ACTIVE, admitted_on=ADMITTED)


@pytest.fixture
def other_case(other_fm, site):
    return CaseFactory(fallmanager=other_fm, client__site=site, state=CaseState.ACTIVE, admitted_on=ADMITTED)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def plan(case, fm, day, *, summons=True, kind="office", invited_on=None, outcome=None, reason=""):
    """Plan an appointment on `day` (invited a week before), and record `outcome` the day after."""
    invited_on = invited_on or day - datetime.timedelta(days=7)
    appointment = services.appointment_create(
        case=case,
        acting_user=fm,
        starts_at=at(day),
        kind=kind,
        is_summons=summons,
        invited_on=invited_on,
        purpose="Besprechung der Bewerbungssituation",
        today=invited_on,
    )
    if outcome:
        appointment = services.appointment_outcome_record(
            appointment=appointment,
            acting_user=fm,
            outcome=outcome,
            reason=reason,
            now=at(day, 18),
            today=day,
        )
    return appointment

"""Fixtures of the working-day tests (search, contact data, household, notes and documents)."""

import datetime

import pytest

from cases.choices import CaseState
from tests.conftest import TODAY
from tests.factories import CaseFactory, ClientFactory, HouseholdFactory


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


def case_for(fm, site, *, state=CaseState.ACTIVE, referred_by=None, **client_fields):
    client = ClientFactory(site=site, **client_fields)
    return CaseFactory(
        client=client,
        fallmanager=fm,
        referred_by=referred_by,
        state=state,
        admitted_on=datetime.date(2026, 2, 1) if state == CaseState.ACTIVE else None,
    )


@pytest.fixture
def etzold_case(fm, site, pap):
    return case_for(
        fm, site, referred_by=pap, first_name="Maria", last_name="Etzold", customer_number="955D100123"
    )


@pytest.fixture
def mueller_case(fm, site, pap):
    return case_for(
        fm,
        site,
        referred_by=pap,
        first_name="Jürgen",
        last_name="Müller",
        birth_date=datetime.date(1975, 3, 9),
        household=HouseholdFactory(number="95501BG0000042"),
    )


@pytest.fixture
def other_team_case(other_fm, site):
    return case_for(other_fm, site, first_name="Erika", last_name="Etzold", customer_number="955D100999")

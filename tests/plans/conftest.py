"""Fixtures of the plans tests: an active case of `fm`, partners of the case's area, a pinned day."""

import datetime

import pytest

from cases.choices import CaseState
from plans.choices import PartnerKind
from plans.models import Partner
from tests.conftest import TODAY
from tests.factories import CaseFactory

ADMITTED = datetime.date(2026, 2, 2)


@pytest.fixture(autouse=True)
def _pin_today(monkeypatch):
    """API and UI use the pinned business day; services get `today=` explicitly."""
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


@pytest.fixture
def case(fm, client_eligible):
    return CaseFactory(
        client=client_eligible,
        fallmanager=fm,
        state=CaseState.ACTIVE,
        clearing_started_on=datetime.date(2026, 1, 10),
        admitted_on=ADMITTED,
    )


@pytest.fixture
def other_case(other_fm, site):
    return CaseFactory(fallmanager=other_fm, client__site=site, state=CaseState.ACTIVE, admitted_on=ADMITTED)


@pytest.fixture
def closed_case(fm, site):
    return CaseFactory(
        fallmanager=fm,
        client__site=site,
        state=CaseState.CLOSED,
        admitted_on=ADMITTED,
        closed_on=datetime.date(2026, 10, 1),
    )


@pytest.fixture
def debt_partner(area):
    return Partner.objects.create(
        area=area, name="Schuldnerberatung Diakonie", kind=PartnerKind.DEBT, contact="Tel. 0511 1234"
    )


@pytest.fixture
def internal_partner(area):
    return Partner.objects.create(
        area=area, name="Interner Arbeitgeberservice", kind=PartnerKind.OTHER, external=False
    )


@pytest.fixture
def foreign_partner():
    from tests.factories import AreaFactory

    return Partner.objects.create(
        area=AreaFactory(name="Bereich Süd"), name="Fremder Träger", kind=PartnerKind.TRAINING
    )

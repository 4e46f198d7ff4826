"""Fixtures of the API tests: a pinned business day and cases in each state, made through the services."""

import datetime

import pytest

from cases import services as case_services
from cases import services as intake
from tests.conftest import TODAY

TALK_ON = datetime.date(2026, 10, 1)
REFERRED_ON = datetime.date(2026, 10, 2)
CLEARING_ON = datetime.date(2026, 10, 5)
ADMITTED_ON = datetime.date(2026, 10, 12)


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    """Every API view reads the business day from `cases.api.today`; the tests pin it to TODAY."""
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


def refer(pap, fm, client, **kwargs):
    params = {
        "reasons": "Wohnungslosigkeit droht, Schulden",
        "expected_progress": "Stabilisierung, dann Qualifizierung",
        "handover_talk_on": TALK_ON,
        "referred_on": REFERRED_ON,
        "today": TODAY,
    }
    params.update(kwargs)
    return intake.case_refer(acting_user=pap, client=client, fallmanager=fm, **params)


def clearing(pap, fm, client):
    case = refer(pap, fm, client)
    return intake.case_start_clearing(case=case, acting_user=fm, on=CLEARING_ON, today=TODAY)


def active(pap, fm, client):
    case = clearing(pap, fm, client)
    return intake.case_admit(case=case, acting_user=fm, on=ADMITTED_ON, today=TODAY)


def rejected(pap, fm, client):
    case = clearing(pap, fm, client)
    return intake.case_reject(
        case=case,
        acting_user=fm,
        reason_code="R01",
        justification="Kein Arbeitsbündnis",
        on=CLEARING_ON,
        today=TODAY,
    )


def closed(pap, fm, client, *, on=datetime.date(2026, 11, 2), exit_reason_code="B01"):
    case = active(pap, fm, client)
    return case_services.case_close(
        case=case,
        acting_user=fm,
        exit_reason_code=exit_reason_code,
        handover_talk_on=on,
        handover_pap=pap,
        outcome={"medical_service_involved": False},
        on=on,
        today=TODAY,
    )


@pytest.fixture
def referred_case(pap, fm, client_eligible):
    return refer(pap, fm, client_eligible)


@pytest.fixture
def clearing_case(pap, fm, client_eligible):
    return clearing(pap, fm, client_eligible)


@pytest.fixture
def active_case(pap, fm, client_eligible):
    return active(pap, fm, client_eligible)


@pytest.fixture
def rejected_case(pap, fm, client_eligible):
    return rejected(pap, fm, client_eligible)


def error(response) -> dict:
    """The API.md error body; asserts its exact shape."""
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["fields"], dict)
    return body["error"]

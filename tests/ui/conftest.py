"""Fixtures of the UI tests: cases in each lifecycle state, made through the services."""

import datetime

import pytest

from cases import services as intake
from cases.services import case_close
from tests.conftest import TODAY

D = datetime.date


@pytest.fixture
def referred_case(pap, fm, client_eligible):
    return intake.case_refer(
        acting_user=pap,
        client=client_eligible,
        fallmanager=fm,
        reasons="Wohnungsverlust droht",
        expected_progress="Stabilisierung der Wohnsituation",
        handover_talk_on=D(2026, 11, 1),
        referred_on=D(2026, 11, 2),
        today=TODAY,
    )


@pytest.fixture
def clearing_case(referred_case, fm):
    return intake.case_start_clearing(case=referred_case, acting_user=fm, on=D(2026, 11, 3), today=TODAY)


@pytest.fixture
def active_case(clearing_case, fm):
    return intake.case_admit(case=clearing_case, acting_user=fm, on=D(2026, 11, 10), today=TODAY)


@pytest.fixture
def rejected_case(clearing_case, fm):
    return intake.case_reject(
        case=clearing_case,
        acting_user=fm,
        reason_code="R01",
        justification="Termine dreimal nicht wahrgenommen",
        on=D(2026, 11, 10),
        today=TODAY,
    )


@pytest.fixture
def disputed_case(rejected_case, pap):
    return intake.case_dispute(
        case=rejected_case,
        acting_user=pap,
        comment="Kundin war im Krankenhaus",
        on=D(2026, 11, 12),
        today=TODAY,
    )


@pytest.fixture
def closed_case(active_case, fm, pap):
    return case_close(
        case=active_case,
        acting_user=fm,
        exit_reason_code="B01",
        handover_talk_on=D(2026, 11, 15),
        handover_pap=pap,
        outcome={"medical_service_involved": False, "health_need": True, "needs_reduced": 1},
        on=D(2026, 11, 16),
        today=TODAY,
    )

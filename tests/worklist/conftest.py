"""Fixtures of the worklist and follow-up tests (WORK-1): a pinned business day and active cases of `fm`."""

import datetime

import pytest

from tests.conftest import TODAY
from tests.factories import CaseFactory, ClientFactory

D = datetime.date


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


@pytest.fixture
def make_case(fm, site):
    """A case of `fm` (active, admitted on the given date, unless told otherwise)."""

    def make(admitted_on=D(2026, 8, 3), *, state="active", fallmanager=None, **extra):
        client = ClientFactory(site=site)
        case = CaseFactory(
            client=client,
            fallmanager=fallmanager or fm,
            state=state,
            admitted_on=admitted_on,
            referred_on=(admitted_on or D(2026, 7, 1)) - datetime.timedelta(days=30),
            handover_talk_on=(admitted_on or D(2026, 7, 1)) - datetime.timedelta(days=31),
            **extra,
        )
        if state == "active" and admitted_on:
            # A current Kooperationsplan (PLAN-3), so these tests see only the reminders they are about.
            from plans.models import Agreement

            Agreement.objects.create(
                case=case, concluded_on=admitted_on, review_due_on=D(2027, 6, 1), recorded_on=admitted_on,
                created_by=fallmanager or fm,
            )  # fmt: skip
        return case

    return make

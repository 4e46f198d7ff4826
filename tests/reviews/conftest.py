import datetime

import pytest

from jobs import daily
from tests.factories import CaseFactory, ClientFactory


@pytest.fixture
def make_case(fm, site):
    """An active case of `fm` admitted on the given date (or in another state)."""

    def make(admitted_on=None, *, state="active", fallmanager=None, **extra):
        client = ClientFactory(site=site)
        return CaseFactory(
            client=client,
            fallmanager=fallmanager or fm,
            state=state,
            admitted_on=admitted_on,
            referred_on=(admitted_on or datetime.date(2023, 1, 2)) - datetime.timedelta(days=30),
            handover_talk_on=(admitted_on or datetime.date(2023, 1, 2)) - datetime.timedelta(days=31),
            **extra,
        )

    return make


@pytest.fixture
def run_jobs():
    def run(on):
        return daily.daily_jobs_run(on=on)

    return run

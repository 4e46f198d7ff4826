"""Fixtures for the security tests: cases of the personas and a URL configuration that adds the
`home` and `login` pages if the UI apps have not provided them yet."""

import datetime

import pytest

from cases.choices import CaseState
from tests.conftest import TODAY
from tests.factories import CaseFactory, ClientFactory

__all__ = ["TODAY"]


@pytest.fixture
def case_of_fm(fm, pap, site):
    """An active case of `fm`, referred by `pap`."""
    client = ClientFactory(site=site, first_name="Erika", last_name="Beispiel")
    return CaseFactory(
        client=client,
        fallmanager=fm,
        referred_by=pap,
        state=CaseState.ACTIVE,
        admitted_on=datetime.date(2026, 2, 1),
        clearing_started_on=datetime.date(2026, 1, 10),
    )


@pytest.fixture
def security_urls(settings):
    settings.ROOT_URLCONF = "tests.security.urls"

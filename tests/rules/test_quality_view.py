"""The TL's quality view (Handlungsleitlinie V): per team — missed reviews (REV-7), overdue clearings,
agreements missing, contact gaps, cases beyond 24 months — each drilling down to its cases (scoped, logged)."""

import datetime as dt

import pytest

from audit.models import AccessLog
from reviews import services as review_services
from tests.factories import CaseFactory, ClientFactory

D = dt.date
TODAY = D(2026, 11, 20)


@pytest.fixture(autouse=True)
def _day(monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


def test_quality_view_counts_per_team_and_drills_down(
    client, fm, other_fm, tl, other_tl, site, django_assert_max_num_queries
):
    long = CaseFactory(
        client=ClientFactory(site=site, last_name="Langzeit"),
        fallmanager=fm,
        state="active",
        admitted_on=D(2024, 1, 15),
    )
    review_services.reviews_ensure_for_case(case=long, today=TODAY)  # 6…30 missed, 36 not yet due
    CaseFactory(
        client=ClientFactory(site=site, last_name="Clearing"),
        fallmanager=fm,
        state="clearing",
        clearing_started_on=D(2026, 8, 1),
    )
    CaseFactory(
        client=ClientFactory(site=site, last_name="Fremd"),
        fallmanager=other_fm,
        state="active",
        admitted_on=D(2024, 1, 15),
    )
    client.force_login(tl)
    with django_assert_max_num_queries(12):
        page = client.get("/leitung/qualitaet/").content.decode()
    assert "Versäumte Fortführungsprüfungen" in page and "Team Mul 1" in page and "Team Mul 2" not in page
    assert "kind=reviews_missed" in page and "kind=agreement_missing" in page and "kind=beyond_24" in page
    listing = client.get(f"/leitung/faelle/?kind=reviews_missed&team={fm.team_id}").content.decode()
    assert "Langzeit" in listing and "Fremd" not in listing
    assert AccessLog.objects.filter(user=tl, action="case.list", object_id=long.pk).exists()
    assert "Clearing" in client.get("/leitung/faelle/?kind=clearing_overdue").content.decode()
    assert "Langzeit" in client.get("/leitung/faelle/?kind=agreement_missing").content.decode()
    # another TL's team: not found
    assert client.get(f"/leitung/faelle/?kind=reviews_missed&team={other_fm.team_id}").status_code == 404
    client.force_login(fm)
    assert client.get("/leitung/qualitaet/").status_code in (403, 404)

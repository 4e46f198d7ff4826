"""DP-7 (issue 15 finding 11): `&fm=` on the dashboard lists gives leadership no per-FM performance
counts — per FM only the caseload (CAP-3: active, in clearing)."""

import datetime

import pytest

from reporting.selectors import DASHBOARD_LIST_KINDS, FM_CASELOAD_KINDS
from tests.factories import CaseFactory, ClientFactory
from tests.security.conftest import TODAY


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


@pytest.mark.parametrize("kind", sorted(DASHBOARD_LIST_KINDS - FM_CASELOAD_KINDS))
def test_dp7_no_per_fm_performance_list(client, tl, fm, team, site, kind):
    CaseFactory(
        client=ClientFactory(site=site), fallmanager=fm, state="active", admitted_on=datetime.date(2024, 1, 1)
    )
    client.force_login(tl)
    params = {"kind": kind, "team": team.pk, "fm": fm.pk}
    if kind == "rejection_reason":
        params["reason"] = "A01"
    assert client.get("/leitung/faelle/", params).status_code == 404
    params.pop("fm")
    assert client.get("/leitung/faelle/", params).status_code == 200  # the team's list stays


@pytest.mark.parametrize("kind", sorted(FM_CASELOAD_KINDS))
def test_dp7_cap3_caseload_per_fm_stays(client, tl, fm, team, site, kind):
    CaseFactory(
        client=ClientFactory(site=site), fallmanager=fm, state=kind, admitted_on=datetime.date(2026, 1, 1)
    )
    client.force_login(tl)
    assert client.get("/leitung/faelle/", {"kind": kind, "team": team.pk, "fm": fm.pk}).status_code == 200

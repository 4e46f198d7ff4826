"""SUB-1: substitution across teams of one site with the agreement of both TLs. SUB-3: a client in FM moves
to another site only through the transfer (no silent change of the site field)."""

import datetime as dt

import pytest

from cases.access import case_scope_q, is_case_fm
from cases.models import Case
from cases.services import client_update
from fallmanagement.errors import Conflict, NotPermitted
from org.models import Substitution
from org.substitutions import substitution_approve, substitution_set
from tests.factories import CaseFactory, ClientFactory, SiteFactory

D = dt.date
TODAY = D(2026, 11, 20)


def test_sub1_across_teams_of_one_site_needs_both_tls(tl, other_tl, fm, other_fm, site):
    case = CaseFactory(
        client=ClientFactory(site=site), fallmanager=fm, state="active", admitted_on=D(2026, 5, 1)
    )
    sub = substitution_set(
        acting_user=tl, absent=fm, substitute=other_fm, starts_on=TODAY, ends_on=D(2026, 11, 30), today=TODAY
    )
    assert sub.pending
    # pending: no access yet
    assert not is_case_fm(case, other_fm, today=TODAY)
    assert not Case.objects.filter(case_scope_q(other_fm, TODAY), pk=case.pk).exists()
    with pytest.raises(NotPermitted):
        substitution_approve(acting_user=tl, substitution=sub, today=TODAY)  # the absent FM's TL set it
    sub = substitution_approve(acting_user=other_tl, substitution=sub, today=TODAY)
    assert (sub.pending, sub.approved_by) == (False, other_tl)
    assert is_case_fm(case, other_fm, today=TODAY)
    assert Case.objects.filter(case_scope_q(other_fm, TODAY), pk=case.pk).exists()
    with pytest.raises(Conflict):
        substitution_approve(acting_user=other_tl, substitution=sub, today=TODAY)


def test_sub1_within_her_own_teams_no_second_agreement(tl, fm, fm2):
    sub = substitution_set(
        acting_user=tl, absent=fm, substitute=fm2, starts_on=TODAY, ends_on=TODAY, today=TODAY
    )
    assert not sub.pending and sub.approved_by == tl


def test_sub1_team_page_shows_and_approves(client, tl, other_tl, fm, other_fm, monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)
    client.force_login(tl)
    response = client.post(
        "/team/vertretungen/",
        {"absent": fm.pk, "substitute": other_fm.pk, "starts_on": "2026-11-20", "ends_on": "2026-11-27"},
    )
    assert response.status_code == 302
    sub = Substitution.objects.get()
    assert sub.pending
    client.force_login(other_tl)
    page = client.get("/team/vertretungen/").content.decode()
    assert "wartet auf Zustimmung der anderen Teamleitung" in page and "zustimmen" in page
    assert client.post(f"/team/vertretungen/{sub.pk}/zustimmen/").status_code == 302
    assert not Substitution.objects.get().pending


def test_sub3_site_change_of_a_client_in_fm_only_through_the_transfer(pap, fm, client_eligible, area):
    CaseFactory(client=client_eligible, fallmanager=fm, state="active", admitted_on=D(2026, 5, 1))
    other_site = SiteFactory(name="Standort Süd", area=area)
    # The FM edits her client's data after admission (DP-1); even she cannot move the site silently.
    with pytest.raises(Conflict) as err:
        client_update(client=client_eligible, acting_user=fm, site=other_site, today=TODAY)
    assert err.value.code == "transfer_required" and "site" in err.value.fields
    assert "Handlungsleitlinie IV.6" in err.value.message
    client_eligible.refresh_from_db()
    assert client_eligible.site != other_site


def test_sub3_api_patch_site_is_refused_not_500(api_as, pap, fm, client_eligible, area, monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)
    CaseFactory(client=client_eligible, fallmanager=fm, state="active", admitted_on=D(2026, 5, 1))
    other_site = SiteFactory(name="Standort Süd", area=area)
    response = api_as(pap).patch(
        f"/api/v1/clients/{client_eligible.pk}/", {"site": other_site.pk}, format="json"
    )
    assert response.status_code in (400, 409)
    assert response.json()["error"]["code"] in ("transfer_required", "invalid")

"""Field-level write rules and sensitive needs (issue 15 findings 4 and 7; DP-1, DP-6).

- Before admission only the referring pAp edits the client's data; once admitted the case's FM owns it
  (no other pAp of the site, no TL).
- Nobody deletes what she may not see: a TL cannot delete health needs.
- Sensitive needs (life area `gesundheit` and R_RECHT) are hidden from TL and pAp: API, referral form
  after submission, and they survive the edits of those who cannot see them."""

import datetime
import re

import pytest

from cases.choices import CaseState
from cases.models import ClientNeed
from cases.services import client_update
from catalog.models import Need
from fallmanagement.errors import NotPermitted
from tests.conftest import give_needs
from tests.factories import CaseFactory, ClientFactory
from tests.security.conftest import TODAY

NEEDS = ["L_PSYCHE", "L_SUCHT", "R_RECHT", "R_WOHNEN", "R_FINANZEN", "Q_BERUF"]
SENSITIVE = {"L_PSYCHE", "L_SUCHT", "R_RECHT"}


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


@pytest.fixture
def active_client(case_of_fm):
    give_needs(case_of_fm.client, NEEDS)
    return case_of_fm.client


@pytest.fixture
def referred_case(fm, pap, site):
    client = ClientFactory(site=site, first_name="Rita", last_name="Vorher")
    give_needs(client, NEEDS)
    return CaseFactory(client=client, fallmanager=fm, referred_by=pap, state=CaseState.REFERRED)


def open_codes(client) -> set[str]:
    return set(ClientNeed.objects.filter(client=client, status="open").values_list("need__code", flat=True))


def test_dp6_r_recht_is_sensitive_like_health():
    assert Need.objects.get(code="R_RECHT").is_sensitive
    assert Need.objects.get(code="L_PSYCHE").is_sensitive
    assert not Need.objects.get(code="R_WOHNEN").is_sensitive
    assert not Need.objects.get(code="R_RECHT").is_health  # the Wirkungsanalyse's health flag is unchanged


@pytest.mark.parametrize("persona", ["pap2", "tl", "pap"])
def test_dp1_finding4_nobody_but_the_fm_edits_an_admitted_clients_data(
    request, api_as, active_client, persona
):
    user = request.getfixturevalue(persona)
    before = (active_client.first_name, active_client.birth_date, open_codes(active_client))
    response = api_as(user).patch(
        f"/api/v1/clients/{active_client.pk}/",
        {"first_name": "Überschrieben", "birth_date": "1990-01-01", "needs": ["Q_BERUF"]},
        format="json",
    )
    assert response.status_code in (403, 404)
    active_client.refresh_from_db()
    assert (active_client.first_name, active_client.birth_date, open_codes(active_client)) == before


def test_dp1_finding4_the_fm_owns_the_data_after_admission(api_as, fm, active_client):
    response = api_as(fm).patch(
        f"/api/v1/clients/{active_client.pk}/", {"first_name": "Erika M."}, format="json"
    )
    assert response.status_code == 200
    active_client.refresh_from_db()
    assert active_client.first_name == "Erika M."


def test_dp1_finding4_before_admission_only_the_referring_pap_edits(api_as, pap, pap2, fm, referred_case):
    client = referred_case.client
    url = f"/api/v1/clients/{client.pk}/"
    assert api_as(pap2).patch(url, {"last_name": "Fremd"}, format="json").status_code == 403
    assert api_as(fm).patch(url, {"last_name": "Fremd"}, format="json").status_code == 403
    assert api_as(pap).patch(url, {"last_name": "Korrigiert"}, format="json").status_code == 200
    client.refresh_from_db()
    assert client.last_name == "Korrigiert"


def test_dp6_finding4_tl_cannot_delete_health_needs_she_cannot_see(tl, active_client):
    with pytest.raises(NotPermitted):
        client_update(client=active_client, acting_user=tl, needs=["R_WOHNEN"], today=TODAY)
    assert open_codes(active_client) >= SENSITIVE


def test_dp6_finding4_referring_pap_keeps_the_sensitive_needs_she_cannot_see(pap, referred_case):
    """The pAp edits the needs of her referral; the sensitive ones (hidden from her) stay."""
    client = referred_case.client
    client_update(client=client, acting_user=pap, needs=["R_WOHNEN", "Q_BERUF"], today=TODAY)
    assert open_codes(client) == SENSITIVE | {"R_WOHNEN", "Q_BERUF"}


@pytest.mark.parametrize("persona", ["tl", "pap", "pap2"])
def test_dp6_finding7_sensitive_needs_hidden_from_tl_and_pap_in_the_api(
    request, api_as, active_client, persona
):
    user = request.getfixturevalue(persona)
    body = api_as(user).get(f"/api/v1/clients/{active_client.pk}/")
    if body.status_code == 200:
        assert not SENSITIVE & set(body.json()["needs"])
    listing = api_as(user).get("/api/v1/clients/")
    if listing.status_code == 200:
        for row in listing.json()["results"]:
            assert not SENSITIVE & set(row["needs"])


def test_dp6_finding7_the_fm_sees_them(api_as, fm, active_client):
    assert set(api_as(fm).get(f"/api/v1/clients/{active_client.pk}/").json()["needs"]) >= SENSITIVE


def test_dp6_finding7_referral_form_after_submission_hides_sensitive_needs(client, pap, site, fm):
    person = ClientFactory(site=site, first_name="Nina", last_name="Zweitmal")
    give_needs(person, NEEDS)
    CaseFactory(
        client=person,
        fallmanager=fm,
        referred_by=pap,
        state=CaseState.CLOSED,
        closed_on=datetime.date(2026, 6, 30),
    )
    client.force_login(pap)
    page = client.get(f"/kunden/{person.pk}/zuweisen/").content.decode()
    checked = set(re.findall(r'value="([A-Z_]+)" id="[^"]*" checked', page))
    assert "R_WOHNEN" in checked  # the form does prefill the client's needs
    assert not SENSITIVE & checked

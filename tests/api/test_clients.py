"""API.md "Clients": pap, fallmanager, teamleitung in scope; controlling 403 on every client endpoint."""

import datetime

import pytest

from audit.models import AccessLog
from cases.models import Client, ClientNeed, Household
from catalog.models import Need
from tests.api.conftest import active, error, refer
from tests.conftest import TODAY
from tests.factories import ClientFactory, SiteFactory


def _payload(site_obj, **overrides):
    site = site_obj
    payload = {
        "customer_number": "123D456789",
        "first_name": "Erika",
        "last_name": "Mustermann",
        "birth_date": "1975-03-14",
        "household_number": "BG-77001",
        "site": site.pk,
        "needs": ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN", "Q_BERUF"],
        "integration_expected_within_12_months": False,
    }
    payload.update(overrides)
    return payload


def test_pap_creates_client_at_her_site(api_as, pap, site):
    response = api_as(pap).post("/api/v1/clients/", _payload(site), format="json")
    assert response.status_code == 201
    client = Client.objects.get(customer_number="123D456789")
    assert response.json() == {
        "id": client.pk,
        "customer_number": "123D456789",
        "first_name": "Erika",
        "last_name": "Mustermann",
        "birth_date": "1975-03-14",
        "household_number": "BG-77001",
        "site": site.pk,
        "needs": ["L_PSYCHE", "Q_BERUF", "R_FINANZEN", "R_WOHNEN"],
        "integration_expected_within_12_months": False,
        "work_taken_up_on": None,
        "access_checked_on": None,
        # WORK-4 contact data, HH-1 role in the household
        "street": "",
        "postcode": "",
        "city": "",
        "phone": "",
        "email": "",
        "preferred_language": "",
        "interpreter_needed": False,
        "household_role": "",
    }
    assert client.created_by == pap and client.household.number == "BG-77001"
    assert set(ClientNeed.objects.filter(client=client).values_list("identified_on", flat=True)) == {TODAY}


def test_pap_cannot_create_client_at_another_site(api_as, pap, area):
    elsewhere = SiteFactory(area=area, name="Standort Fern")
    response = api_as(pap).post("/api/v1/clients/", _payload(elsewhere), format="json")
    assert response.status_code == 400
    assert error(response)["fields"] == {"site": ["Nicht Ihr Standort."]}
    assert not Client.objects.exists() and not Household.objects.exists()


def test_admin_may_create_a_client_for_the_legacy_import_but_not_read(api_as, admin_user, site):
    response = api_as(admin_user).post("/api/v1/clients/", _payload(site), format="json")
    assert response.status_code == 201
    client_id = response.json()["id"]
    assert api_as(admin_user).get(f"/api/v1/clients/{client_id}/").status_code == 403
    assert api_as(admin_user).get("/api/v1/clients/").status_code == 403


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"needs": ["L_PSYCHE", "GIBT_ES_NICHT"]}, "needs"),
        ({"needs": "L_PSYCHE"}, "needs"),
        ({"needs": [{"code": "L_PSYCHE"}]}, "needs.0"),
        ({"birth_date": "14.03.1975"}, "birth_date"),
        ({"birth_date": "19750314"}, "birth_date"),
        ({"birth_date": "1975-02-30"}, "birth_date"),
        ({"birth_date": "2027-01-01"}, "birth_date"),  # future
        ({"birth_date": "1850-01-01"}, "birth_date"),
        ({"birth_date": 19750314}, "birth_date"),
        ({"first_name": "x" * 100_000}, "first_name"),
        ({"first_name": ""}, "first_name"),
        ({"customer_number": None}, "customer_number"),
        ({"site": "abc"}, "site"),
        ({"site": 999999}, "site"),
        ({"site": True}, "site"),
        ({"integration_expected_within_12_months": "vielleicht"}, "integration_expected_within_12_months"),
        ({"integration_expected_within_12_months": 1}, "integration_expected_within_12_months"),
    ],
)
def test_invalid_client_input_is_400_and_nothing_created(api_as, pap, site, overrides, field):
    response = api_as(pap).post("/api/v1/clients/", _payload(site, **overrides), format="json")
    assert response.status_code == 400, response.json()
    body = error(response)
    assert body["code"] == "invalid"
    assert field in body["fields"], body
    assert not Client.objects.exists()


@pytest.mark.parametrize(
    "missing", ["customer_number", "first_name", "last_name", "birth_date", "household_number", "site"]
)
def test_missing_client_field_is_400(api_as, pap, site, missing):
    payload = _payload(site)
    del payload[missing]
    response = api_as(pap).post("/api/v1/clients/", payload, format="json")
    assert response.status_code == 400
    assert error(response)["fields"] == {missing: ["Dieses Feld ist zwingend erforderlich."]}


@pytest.mark.parametrize("body", [[], ["a"], "text", 5, None])
def test_client_body_of_wrong_type_is_400(api_as, pap, body):
    response = api_as(pap).post("/api/v1/clients/", body, format="json")
    assert response.status_code == 400
    assert error(response)["code"] == "invalid"


def test_duplicate_customer_number_is_400(api_as, pap, site):
    ClientFactory(site=site, customer_number="123D456789")
    response = api_as(pap).post("/api/v1/clients/", _payload(site), format="json")
    assert response.status_code == 400
    assert error(response)["fields"] == {"customer_number": ["Die Kundennummer ist bereits vergeben."]}
    assert Client.objects.count() == 1


# --- scope and roles ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["controlling", "datenschutz", "bl"])
def test_roles_without_client_access_get_403_everywhere(api_as, request, persona, client_eligible, site):
    user = api_as(request.getfixturevalue(persona))
    before = Client.objects.get(pk=client_eligible.pk).first_name
    for response in (
        user.get("/api/v1/clients/"),
        user.post("/api/v1/clients/", _payload(site), format="json"),
        user.get(f"/api/v1/clients/{client_eligible.pk}/"),
        user.patch(f"/api/v1/clients/{client_eligible.pk}/", {"first_name": "Geändert"}, format="json"),
    ):
        assert response.status_code == 403
        assert error(response)["code"] == "permission_denied"
        assert "Maria" not in response.content.decode()
    assert Client.objects.count() == 1
    assert Client.objects.get(pk=client_eligible.pk).first_name == before


def test_fm_and_tl_see_clients_of_their_cases_only(
    api_as, pap, fm, fm2, tl, other_fm, other_tl, client_eligible, site
):
    refer(pap, fm, client_eligible)
    ClientFactory(site=site)  # no case: only the pAp of the site sees this one
    url = f"/api/v1/clients/{client_eligible.pk}/"
    for user in (fm, tl, pap):
        assert api_as(user).get(url).status_code == 200
    assert api_as(fm).get("/api/v1/clients/").json()["count"] == 1
    assert api_as(pap).get("/api/v1/clients/").json()["count"] == 2
    for user in (fm2, other_fm, other_tl):
        response = api_as(user).get(url)
        assert response.status_code == 404
        assert "Maria" not in response.content.decode()
        assert api_as(user).get("/api/v1/clients/").json()["count"] == 0


def test_pap_does_not_see_clients_of_another_site(api_as, pap, area):
    other = ClientFactory(site=SiteFactory(area=area))
    assert api_as(pap).get(f"/api/v1/clients/{other.pk}/").status_code == 404


def test_patch_updates_fields_and_needs(api_as, pap, fm, client_eligible):
    active(pap, fm, client_eligible)
    response = api_as(fm).patch(
        f"/api/v1/clients/{client_eligible.pk}/",
        {
            "last_name": "Neumann",
            "needs": ["L_PSYCHE", "R_WOHNEN", "R_PFLEGE"],
            "work_taken_up_on": "2026-11-01",
            "household_number": "BG-NEU",
        },
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["last_name"] == "Neumann"
    assert body["needs"] == ["L_PSYCHE", "R_PFLEGE", "R_WOHNEN"]
    assert body["work_taken_up_on"] == "2026-11-01"
    assert body["household_number"] == "BG-NEU"
    client_eligible.refresh_from_db()
    assert client_eligible.work_taken_up_on == datetime.date(2026, 11, 1)
    cleared = api_as(fm).patch(
        f"/api/v1/clients/{client_eligible.pk}/", {"work_taken_up_on": None}, format="json"
    )
    assert cleared.json()["work_taken_up_on"] is None


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"work_taken_up_on": "2026-12-01"}, "work_taken_up_on"),  # future (TODAY is 2026-11-20)
        ({"needs": ["NOPE"]}, "needs"),
        ({"first_name": "   "}, "first_name"),
        ({"last_name": "y" * 100_000}, "last_name"),
        ({"birth_date": "gestern"}, "birth_date"),
    ],
)
def test_patch_invalid_is_400_and_nothing_changed(api_as, pap, client_eligible, payload, field):
    before = Client.objects.values().get(pk=client_eligible.pk)
    needs_before = list(
        ClientNeed.objects.filter(client=client_eligible).values_list("need__code", flat=True)
    )
    response = api_as(pap).patch(f"/api/v1/clients/{client_eligible.pk}/", payload, format="json")
    assert response.status_code == 400
    assert field in error(response)["fields"]
    assert Client.objects.values().get(pk=client_eligible.pk) == before
    assert (
        list(ClientNeed.objects.filter(client=client_eligible).values_list("need__code", flat=True))
        == needs_before
    )


def test_pap_cannot_move_client_to_another_site(api_as, pap, client_eligible, area):
    elsewhere = SiteFactory(area=area)
    response = api_as(pap).patch(
        f"/api/v1/clients/{client_eligible.pk}/", {"site": elsewhere.pk}, format="json"
    )
    assert response.status_code == 400
    client_eligible.refresh_from_db()
    assert client_eligible.site_id != elsewhere.pk


def test_client_list_has_constant_queries(api_as, pap, site, django_assert_num_queries):
    client = api_as(pap)
    ClientFactory(site=site)
    # count, page, prefetched needs, which clients were never referred (DP-6: whose sensitive needs the
    # pAp still sees), one INSERT into the access log (DP-2)
    with django_assert_num_queries(5) as one:
        assert client.get("/api/v1/clients/").json()["count"] == 1
    for _ in range(9):
        c = ClientFactory(site=site)
        ClientNeed.objects.create(client=c, need=Need.objects.get(code="L_PSYCHE"), identified_on=TODAY)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get("/api/v1/clients/").json()["count"] == 10


def test_dp2_client_reads_are_logged(api_as, pap, fm, client_eligible):
    refer(pap, fm, client_eligible)
    api_as(fm).get(f"/api/v1/clients/{client_eligible.pk}/")
    api_as(pap).get("/api/v1/clients/")
    api_as(fm).get("/api/v1/clients/")
    rows = list(AccessLog.objects.order_by("pk").values_list("username", "action", "client_id", "capacity"))
    assert rows == [
        ("fm.berger", "client.view", client_eligible.pk, "own_case"),
        ("pap.yilmaz", "client.list", client_eligible.pk, "pap_referral"),
        ("fm.berger", "client.list", client_eligible.pk, "own_case"),
    ]

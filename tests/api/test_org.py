"""API.md "Organisation": role admin creates areas, sites, teams and staff; caseload figures (CAP-1/2)."""

from decimal import Decimal

import pytest
from rest_framework.authtoken.models import Token

from cases.choices import CaseState
from org.choices import Role
from org.models import Area, Site, Staff, Team
from tests.api.conftest import active, clearing, closed, error, refer, rejected
from tests.conftest import give_needs
from tests.factories import ClientFactory, StaffFactory

STRONG = "Sommer-Wiese-Brücke-2026"


def test_admin_builds_area_site_team(api_as, admin_user):
    client = api_as(admin_user)
    area = client.post("/api/v1/areas/", {"name": "Bereich Süd"}, format="json")
    assert area.status_code == 201
    area_id = Area.objects.get(name="Bereich Süd").pk
    assert area.json() == {"id": area_id, "name": "Bereich Süd"}

    site = client.post("/api/v1/sites/", {"name": "Standort Linden", "area": area_id}, format="json")
    assert site.status_code == 201
    site_id = Site.objects.get(name="Standort Linden").pk
    assert site.json() == {"id": site_id, "name": "Standort Linden", "area": area_id}

    team = client.post("/api/v1/teams/", {"name": "Mul 7", "site": site_id}, format="json")
    assert team.status_code == 201
    team_obj = Team.objects.get(name="Mul 7")
    assert team.json() == {
        "id": team_obj.pk,
        "name": "Mul 7",
        "site": site_id,
        "rucksack_fallmanagement": False,
    }
    assert team_obj.site_id == site_id

    listing = client.get("/api/v1/areas/").json()
    assert listing["count"] == 1 and listing["results"] == [{"id": area_id, "name": "Bereich Süd"}]


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/api/v1/areas/", {"name": "X"}),
        ("/api/v1/sites/", {"name": "X", "area": 1}),
        ("/api/v1/teams/", {"name": "X", "site": 1}),
        ("/api/v1/staff/", {"username": "x", "password": STRONG, "role": "pap", "team": 1}),
    ],
)
@pytest.mark.parametrize("persona", ["fm", "tl", "bl", "pap", "controlling", "datenschutz"])
def test_organisation_is_admin_only(api_as, request, persona, path, payload):
    user = request.getfixturevalue(persona)
    before = (Area.objects.count(), Site.objects.count(), Team.objects.count(), Staff.objects.count())
    response = api_as(user).post(path, payload, format="json")
    assert response.status_code == 403
    assert error(response)["code"] == "permission_denied"
    assert api_as(user).get(path).status_code == 403
    assert (Area.objects.count(), Site.objects.count(), Team.objects.count(), Staff.objects.count()) == before


def test_duplicate_and_bad_names_are_400(api_as, admin_user, area, site, team):
    client = api_as(admin_user)
    dup = client.post("/api/v1/areas/", {"name": "bereich nord"}, format="json")
    assert dup.status_code == 400 and "name" in error(dup)["fields"]
    assert (
        client.post("/api/v1/sites/", {"name": "Standort Mitte", "area": area.pk}, format="json").status_code
        == 400
    )
    assert (
        client.post("/api/v1/teams/", {"name": "Team Mul 1", "site": site.pk}, format="json").status_code
        == 400
    )
    assert client.post("/api/v1/areas/", {"name": "x" * 100_000}, format="json").status_code == 400
    assert client.post("/api/v1/areas/", {"name": ["a"]}, format="json").status_code == 400
    assert client.post("/api/v1/areas/", {"name": "   "}, format="json").status_code == 400
    unknown = client.post("/api/v1/sites/", {"name": "Neu", "area": 999999}, format="json")
    assert unknown.status_code == 400 and error(unknown)["fields"] == {"area": ["Unbekannte Id."]}
    assert client.post("/api/v1/teams/", {"name": "Neu", "site": "abc"}, format="json").status_code == 400
    assert Area.objects.count() == 1 and Site.objects.count() == 1 and Team.objects.count() == 1


def _staff(**overrides):
    payload = {
        "username": "fm.neu",
        "password": STRONG,
        "first_name": "Nora",
        "last_name": "Neu",
        "email": "nora.neu@jobcenter.invalid",
        "role": "fallmanager",
        "team": None,
        "weekly_hours": 19.5,
    }
    payload.update(overrides)
    return payload


def test_admin_creates_fm_who_can_sign_in(api_as, api, admin_user, team):
    response = api_as(admin_user).post("/api/v1/staff/", _staff(team=team.pk), format="json")
    assert response.status_code == 201
    staff = Staff.objects.get(username="fm.neu")
    assert response.json() == {
        "id": staff.pk,
        "username": "fm.neu",
        "first_name": "Nora",
        "last_name": "Neu",
        "email": "nora.neu@jobcenter.invalid",
        "role": "fallmanager",
        "team": team.pk,
        "weekly_hours": 19.5,
        "pending_confirmation": False,  # issue 15 finding 6: only privileged accounts wait for a second admin
    }
    assert staff.weekly_hours == Decimal("19.5") and staff.caseload_target == 38  # DOMAIN CAP-2
    assert not staff.is_staff and not staff.is_superuser
    api.force_authenticate(user=None)
    token = api.post("/api/v1/auth/token/", {"username": "fm.neu", "password": STRONG}, format="json")
    assert token.status_code == 200 and token.json()["token"] == Token.objects.get(user=staff).key


def test_teamleitung_leads_her_team_and_bl_leads_the_area(api_as, admin_user, team, area):
    client = api_as(admin_user)
    assert (
        client.post(
            "/api/v1/staff/", _staff(username="tl.neu", role="teamleitung", team=team.pk), format="json"
        ).status_code
        == 201
    )
    assert (
        client.post(
            "/api/v1/staff/", _staff(username="bl.neu", role="bereichsleitung", team=team.pk), format="json"
        ).status_code
        == 201
    )
    assert list(team.leads.values_list("username", flat=True)) == ["tl.neu"]
    assert list(area.leads.values_list("username", flat=True)) == ["bl.neu"]


def test_roles_outside_teams_and_admin(api_as, admin_user):
    client = api_as(admin_user)
    for role in ("controlling", "datenschutz", "admin"):
        response = client.post("/api/v1/staff/", _staff(username=f"x.{role}", role=role), format="json")
        assert response.status_code == 201, response.json()
        assert response.json()["team"] is None
    new_admin = Staff.objects.get(username="x.admin")
    assert new_admin.role == Role.ADMIN and new_admin.is_staff


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role": "fallmanager", "team": None}, "team"),  # DOMAIN ORG-1: FM without a team
        ({"role": "pap", "team": None}, "team"),
        ({"role": "chef"}, "role"),
        ({"password": "kurz"}, "password"),
        ({"password": "123456789012345"}, "password"),
        ({"username": "ungültig name!"}, "username"),
        ({"username": "x" * 100_000}, "username"),
        ({"weekly_hours": 0}, "weekly_hours"),
        ({"weekly_hours": 61}, "weekly_hours"),
        ({"weekly_hours": "viel"}, "weekly_hours"),
        ({"email": "kein-mail"}, "email"),
        ({"team": 999999}, "team"),
        ({"team": "abc"}, "team"),
    ],
)
def test_staff_invalid_input_is_400(api_as, admin_user, team, overrides, field):
    before = Staff.objects.count()
    payload = _staff(**{"team": team.pk, **overrides})
    response = api_as(admin_user).post("/api/v1/staff/", payload, format="json")
    assert response.status_code == 400
    body = error(response)
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert Staff.objects.count() == before


def test_weak_password_gets_german_messages(api_as, admin_user, team):
    response = api_as(admin_user).post(
        "/api/v1/staff/", _staff(team=team.pk, password="passwort"), format="json"
    )
    assert response.status_code == 400
    messages = error(response)["fields"]["password"]
    assert "Dieses Passwort ist zu kurz. Es muss mindestens 12 Zeichen enthalten." in messages
    assert "Dieses Passwort ist zu üblich." in messages


def test_duplicate_username_is_400(api_as, admin_user, fm, team):
    response = api_as(admin_user).post(
        "/api/v1/staff/", _staff(username="FM.Berger", team=team.pk), format="json"
    )
    assert response.status_code == 400
    assert error(response)["fields"] == {"username": ["Bereits vergeben."]}


# --- caseload (CAP-1, CAP-2) ----------------------------------------------------------------------


@pytest.fixture
def loaded_fm(pap, fm, site):
    """fm with 2 active, 1 in clearing, 1 rejected, 1 closed, 1 referred case."""
    for builder in (active, active, clearing, rejected, closed, refer):
        c = ClientFactory(site=site)
        give_needs(c, ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN"])
        builder(pap, fm, c)
    return fm


def test_caseload_counts_only_active_cases(api_as, loaded_fm):
    # DOMAIN CAP-1: counted = active; clearing shown separately; rejected/closed/referred not counted.
    # DOMAIN CAP-2: 39 h → target 75.
    assert sorted(loaded_fm.fm_cases.values_list("state", flat=True)) == sorted(
        [
            CaseState.ACTIVE,
            CaseState.ACTIVE,
            CaseState.CLEARING,
            CaseState.REJECTED,
            CaseState.CLOSED,
            CaseState.REFERRED,
        ]
    )
    response = api_as(loaded_fm).get(f"/api/v1/staff/{loaded_fm.pk}/caseload/")
    assert response.status_code == 200
    assert response.json() == {"counted": 2, "in_clearing": 1, "target": 75, "utilization": 0.03}


def test_caseload_target_for_part_time(api_as, team, admin_user):
    # DOMAIN CAP-2: 19.5 h → 38.
    part_time = StaffFactory(role=Role.FALLMANAGER, team=team, weekly_hours=Decimal("19.5"))
    response = api_as(admin_user).get(f"/api/v1/staff/{part_time.pk}/caseload/")
    assert response.json() == {"counted": 0, "in_clearing": 0, "target": 38, "utilization": 0.0}


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("fm", 200),
        ("tl", 200),
        ("bl", 200),
        ("admin_user", 200),
        ("fm2", 404),
        ("other_fm", 404),
        ("other_tl", 404),
        ("pap", 404),
        ("controlling", 404),
        ("datenschutz", 404),
    ],
)
def test_caseload_visible_to_fm_her_tl_bl_and_admin_only(api_as, request, loaded_fm, persona, status):
    response = api_as(request.getfixturevalue(persona)).get(f"/api/v1/staff/{loaded_fm.pk}/caseload/")
    assert response.status_code == status
    if status == 404:
        assert error(response)["code"] == "not_found"
    else:
        assert response.json()["counted"] == 2


def test_caseload_unknown_staff_404(api_as, admin_user):
    assert api_as(admin_user).get("/api/v1/staff/999999/caseload/").status_code == 404

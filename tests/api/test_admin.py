"""Django admin for master data: organisation editable, clients and cases view only (Case.state is protected)."""

from org.choices import Role
from org.models import Staff


def test_admin_pages_load(client, admin_user, active_case):
    client.force_login(admin_user)
    for path in (
        "/admin/org/area/",
        "/admin/org/site/",
        "/admin/org/team/",
        "/admin/org/staff/",
        "/admin/org/substitution/",
        "/admin/org/staff/add/",
        "/admin/cases/client/",
        "/admin/cases/household/",
        "/admin/cases/case/",
        f"/admin/cases/case/{active_case.pk}/change/",
        f"/admin/cases/client/{active_case.client_id}/change/",
    ):
        assert client.get(path).status_code == 200, path


def test_case_admin_cannot_change_state(client, admin_user, active_case):
    client.force_login(admin_user)
    page = client.get(f"/admin/cases/case/{active_case.pk}/change/").content.decode()
    assert 'name="state"' not in page
    response = client.post(f"/admin/cases/case/{active_case.pk}/change/", {"state": "closed"})
    assert response.status_code == 403
    active_case.refresh_from_db()
    assert active_case.state == "active"
    assert client.get("/admin/cases/case/add/").status_code == 403


def test_staff_admin_requires_team_for_fm(client, admin_user, team):
    client.force_login(admin_user)
    data = {
        "username": "fm.admin",
        "first_name": "A",
        "last_name": "B",
        "email": "",
        "role": Role.FALLMANAGER,
        "weekly_hours": "39.0",
        "password1": "Sommer-Wiese-Brücke-2026",
        "password2": "Sommer-Wiese-Brücke-2026",
        "usable_password": "true",
    }
    response = client.post("/admin/org/staff/add/", data)
    assert response.status_code == 200  # the form again
    assert not Staff.objects.filter(username="fm.admin").exists()
    response = client.post("/admin/org/staff/add/", {**data, "team": team.pk})
    assert response.status_code == 302
    assert Staff.objects.get(username="fm.admin").team == team

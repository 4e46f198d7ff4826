"""Django admin for master data: organisation editable; clients and cases are not in the admin at all
(DP-1, tests/privacy/test_admin_master_data.py)."""

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
    ):
        assert client.get(path).status_code == 200, path


def test_case_admin_cannot_change_state(client, admin_user, active_case):
    client.force_login(admin_user)
    response = client.post(f"/admin/cases/case/{active_case.pk}/change/", {"state": "closed"})
    assert response.status_code in (302, 404)
    active_case.refresh_from_db()
    assert active_case.state == "active"


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

"""Issue 15 finding 6 (four eyes): creating or elevating admin, datenschutz, TL (and BL) accounts needs a second
admin's confirmation; the creator cannot issue the account's second-factor enrolment code; a purge needs two
people whose accounts were not both requested by the same admin within the retention period."""

import datetime

import pytest
from django.urls import reverse

from audit import accounts, signin
from audit.models import AccessLog, AccountRequest
from cases.models import Client
from fallmanagement.errors import NotPermitted
from jobs.retention import purge_confirm, purge_prepare
from org.choices import Role
from org.models import Staff
from tests.conftest import TODAY
from tests.factories import PASSWORD, CaseFactory, ClientFactory, StaffFactory

pytestmark = pytest.mark.usefixtures("security_urls")


@pytest.fixture
def admin2():
    return StaffFactory(username="admin.zwei", role=Role.ADMIN, team=None, is_staff=True, is_superuser=True)


def _create_tl(admin_user, team, username="tl.neu"):
    return accounts.account_create(
        acting_user=admin_user, username=username, password=PASSWORD, role=Role.TEAMLEITUNG, team=team
    )


def test_four_eyes_privileged_account_is_pending_until_a_second_admin_confirms(
    admin_user, admin2, team, client
):
    """Finding 6: admin created a TL with a known password and read 390 cases."""
    tl = _create_tl(admin_user, team)
    tl.refresh_from_db()
    assert not tl.is_active and accounts.is_pending(tl)
    response = client.post(reverse("login"), {"username": "tl.neu", "password": PASSWORD})
    assert "_auth_user_id" not in client.session, response.status_code
    request = AccountRequest.objects.get(staff=tl)
    with pytest.raises(NotPermitted) as exc:
        accounts.account_request_confirm(request=request, acting_user=admin_user)
    assert exc.value.code == "four_eyes"
    accounts.account_request_confirm(request=request, acting_user=admin2)
    tl.refresh_from_db()
    assert tl.is_active and not accounts.is_pending(tl) and team.leads.filter(pk=tl.pk).exists()
    assert AccessLog.objects.filter(action="staff.confirm", object_id=tl.pk, user=admin2).exists()


def test_four_eyes_non_privileged_account_is_active_at_once(admin_user, team):
    fm = accounts.account_create(
        acting_user=admin_user, username="fm.neu", password=PASSWORD, role=Role.FALLMANAGER, team=team
    )
    assert fm.is_active and not accounts.is_pending(fm)


def test_four_eyes_elevation_keeps_the_old_role_until_confirmed(admin_user, admin2, fm, team):
    request = accounts.account_role_change(staff=fm, role=Role.DATENSCHUTZ, acting_user=admin_user)
    fm.refresh_from_db()
    assert fm.role == Role.FALLMANAGER and request is not None
    accounts.account_request_confirm(request=request, acting_user=admin2)
    fm.refresh_from_db()
    assert fm.role == Role.DATENSCHUTZ


def test_four_eyes_creator_cannot_issue_the_enrolment_code(admin_user, admin2, team):
    tl = _create_tl(admin_user, team)
    accounts.account_request_confirm(request=AccountRequest.objects.get(staff=tl), acting_user=admin2)
    with pytest.raises(NotPermitted) as exc:
        signin.enrolment_code_issue(user=tl, acting_user=admin_user)
    assert exc.value.code == "four_eyes"
    assert signin.enrolment_code_issue(user=tl, acting_user=admin2)


def test_four_eyes_api_staff_create_pending_and_confirm(api, admin_user, admin2, team):
    api.force_authenticate(admin_user)
    body = {"username": "ds.neu", "password": PASSWORD, "role": "datenschutz"}
    response = api.post("/api/v1/staff/", body, format="json")
    assert response.status_code == 201 and response.json()["pending_confirmation"] is True
    staff_id = response.json()["id"]
    assert not Staff.objects.get(pk=staff_id).is_active
    refused = api.post(f"/api/v1/staff/{staff_id}/confirm/", format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "four_eyes"
    api.force_authenticate(admin2)
    ok = api.post(f"/api/v1/staff/{staff_id}/confirm/", format="json")
    assert ok.status_code == 200 and ok.json()["pending_confirmation"] is False
    assert Staff.objects.get(pk=staff_id).is_active
    assert api.post(f"/api/v1/staff/{staff_id}/confirm/", format="json").status_code == 404


def test_four_eyes_django_admin_add_and_elevate_are_pending(client, admin_user, fm, team):
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:org_staff_add"),
        {
            "username": "admin.neu",
            "role": "admin",
            "weekly_hours": "39.0",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    created = Staff.objects.get(username="admin.neu")
    assert not created.is_active and accounts.is_pending(created)
    assert AccountRequest.objects.get(staff=created).requested_by == admin_user


def test_four_eyes_purge_needs_accounts_of_distinct_origin(admin_user, admin2, datenschutz, fm):
    """Finding 6: admin made two datenschutz accounts and ran a purge alone."""
    ds_a = accounts.account_create(
        acting_user=admin_user, username="ds.a", password=PASSWORD, role=Role.DATENSCHUTZ
    )
    ds_b = accounts.account_create(
        acting_user=admin_user, username="ds.b", password=PASSWORD, role=Role.DATENSCHUTZ
    )
    for ds in (ds_a, ds_b):
        accounts.account_request_confirm(request=AccountRequest.objects.get(staff=ds), acting_user=admin2)
        ds.refresh_from_db()
    client = ClientFactory(first_name="Alt")
    CaseFactory(
        client=client,
        fallmanager=fm,
        state="closed",
        admitted_on=datetime.date(2019, 1, 1),
        closed_on=datetime.date(2020, 1, 1),
    )
    run = purge_prepare(acting_user=ds_a, today=TODAY)
    with pytest.raises(NotPermitted) as exc:
        purge_confirm(run=run, acting_user=ds_b, today=TODAY)
    assert exc.value.code == "four_eyes"
    assert Client.objects.get(pk=client.pk).first_name == "Alt"
    # A datenschutz account of independent origin may confirm.
    purge_confirm(run=run, acting_user=datenschutz, today=TODAY)
    assert Client.objects.get(pk=client.pk).anonymised_on == TODAY


def test_four_eyes_accounts_page_confirms_and_issues_codes(client, admin_user, admin2, team):
    tl = _create_tl(admin_user, team)
    request = AccountRequest.objects.get(staff=tl)
    client.force_login(admin_user)
    page = client.get(reverse("audit:accounts"))
    assert page.status_code == 200 and "tl.neu" in page.content.decode()
    assert "wartet auf eine zweite Person" in page.content.decode()
    client.post(reverse("audit:account-confirm", args=[request.pk]))
    assert accounts.is_pending(tl)  # refused: the requester herself
    client.force_login(admin2)
    client.post(reverse("audit:account-confirm", args=[request.pk]))
    assert not accounts.is_pending(tl)
    issued = client.post(reverse("audit:accounts"), {"username": "tl.neu"})
    assert "Einrichtungscode für tl.neu" in issued.content.decode()
    refused = client.post(reverse("audit:accounts"), {"username": "admin.zwei"})
    assert "Vier-Augen-Prinzip" in refused.content.decode()


def test_four_eyes_accounts_page_only_for_admin(client, fm):
    client.force_login(fm)
    assert client.get(reverse("audit:accounts")).status_code == 403

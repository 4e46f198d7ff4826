"""Issue 15 findings 1 and 8 (DP-1/DP-2 sign-in, ASVS L2 V2/V3): the second factor is required by default for
admin, datenschutz, TL and BL on every path — session and `POST /api/v1/auth/token/`; it is set up only
with a one-time code another person issued; lockout is per account across addresses with a growing
cool-off that always ends; API tokens expire and are revoked at logout, password change and lockout."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from audit import signin
from audit.models import AccessLog, EnrolmentCode
from fallmanagement import settings as project_settings
from fallmanagement.errors import NotPermitted
from tests.factories import PASSWORD

pytestmark = pytest.mark.usefixtures("security_urls")

DEFAULT_ROLES = ["admin", "datenschutz", "teamleitung", "bereichsleitung"]
TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def otp_on(settings):
    settings.FM_OTP_REQUIRED_ROLES = DEFAULT_ROLES


def code_now(device) -> str:
    return str(totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)).zfill(
        device.digits
    )


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)


def test_dp_second_factor_required_by_default_for_privileged_roles():
    """Finding 8: no second factor by default. The project default now names the four privileged roles."""
    assert sorted(project_settings.FM_OTP_REQUIRED_ROLES) == sorted(DEFAULT_ROLES)


# --- token path (finding 1) -----------------------------------------------------------------------------------


def test_dp_token_refused_on_password_alone_for_privileged_roles(
    otp_on, api, tl, admin_user, datenschutz, bl
):
    for user in (tl, admin_user, datenschutz, bl):
        enrolled(user)
        response = api.post(TOKEN_URL, {"username": user.username, "password": PASSWORD}, format="json")
        assert response.status_code == 401, user.role
        body = response.json()["error"]
        assert body["code"] == "otp_required" and "zweiter Faktor" in body["message"]
    assert not Token.objects.exists()


def test_dp_token_with_valid_code_and_refused_with_wrong_code(otp_on, api, tl):
    device = enrolled(tl)
    wrong = "000000" if code_now(device) != "000000" else "111111"
    response = api.post(
        TOKEN_URL, {"username": tl.username, "password": PASSWORD, "otp": wrong}, format="json"
    )
    assert response.status_code == 401 and response.json()["error"]["code"] == "otp_invalid"
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=None, throttling_failure_count=0
    )
    device.refresh_from_db()
    ok = api.post(
        TOKEN_URL, {"username": tl.username, "password": PASSWORD, "otp": code_now(device)}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["token"]


def test_dp_token_without_device_asks_for_enrolment(otp_on, api, tl):
    response = api.post(TOKEN_URL, {"username": tl.username, "password": PASSWORD}, format="json")
    assert response.status_code == 401 and response.json()["error"]["code"] == "otp_setup_required"


def test_dp_token_for_roles_without_second_factor(otp_on, api, fm):
    response = api.post(TOKEN_URL, {"username": fm.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200


# --- token lifetime and revocation (finding 8) ------------------------------------------------------------------


def _get_token(api, user) -> str:
    response = api.post(TOKEN_URL, {"username": user.username, "password": PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()["token"]


def _works(api, key) -> int:
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    status = api.get("/api/v1/catalog/needs/").status_code
    api.credentials()
    return status


def test_dp_api_token_expires(api, fm, settings):
    key = _get_token(api, fm)
    assert _works(api, key) == 200
    Token.objects.filter(key=key).update(
        created=timezone.now() - datetime.timedelta(hours=settings.FM_API_TOKEN_HOURS, seconds=1)
    )
    assert _works(api, key) == 401
    assert not Token.objects.filter(key=key).exists()
    assert _get_token(api, fm) != key


def test_dp_api_token_revoked_at_logout(api, client, fm):
    key = _get_token(api, fm)
    client.force_login(fm)
    client.post(reverse("logout"))
    assert _works(api, key) == 401


def test_dp_api_token_revoked_at_password_change(api, fm):
    key = _get_token(api, fm)
    fm.set_password("Ein-neues-Passwort-2026")
    fm.save()
    assert _works(api, key) == 401


def test_dp_api_token_revoked_at_lockout(api, fm):
    key = _get_token(api, fm)
    for n in range(5):
        api.post(
            TOKEN_URL,
            {"username": fm.username, "password": "falsch"},
            format="json",
            REMOTE_ADDR=f"192.0.2.{n}",
        )
    assert _works(api, key) == 401


# --- lockout per account, growing cool-off (finding 8) ----------------------------------------------------------


def login(client, username, password, ip):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_dp_lockout_per_account_across_addresses(client, fm):
    """Finding 8: 100 guesses from 25 addresses did not lock the account (lockout was per username and IP)."""
    for n in range(5):
        assert login(client, fm.username, "falsch-falsch", f"198.51.100.{n}").status_code in (200, 429)
    response = login(client, fm.username, PASSWORD, "203.0.113.77")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def _request_for(username):
    request = RequestFactory().post("/anmelden/", {"username": username})
    return request


def test_dp_cool_off_grows_and_always_ends(client, fm, settings):
    base = settings.AXES_COOLOFF_BASE
    for n in range(5):
        login(client, fm.username, "falsch", f"198.51.100.{n}")
    assert signin.cool_off(_request_for(fm.username)) == base
    # The first lock ends after the base cool-off.
    AccessAttempt.objects.update(attempt_time=timezone.now() - base - datetime.timedelta(seconds=1))
    assert login(client, fm.username, PASSWORD, "198.51.100.9").status_code == 302
    client.logout()
    # Five more failures within 24 hours: the next lock lasts twice as long …
    for n in range(5):
        login(client, fm.username, "falsch", f"198.51.100.{n}")
    assert signin.cool_off(_request_for(fm.username)) == 2 * base
    AccessAttempt.objects.update(attempt_time=timezone.now() - base - datetime.timedelta(seconds=1))
    assert login(client, fm.username, PASSWORD, "198.51.100.9").status_code == 429
    # … and it ends as well; the growth is capped.
    AccessAttempt.objects.update(attempt_time=timezone.now() - 2 * base - datetime.timedelta(seconds=1))
    assert login(client, fm.username, PASSWORD, "198.51.100.9").status_code == 302
    AccessFailureLog.objects.bulk_create(
        AccessFailureLog(
            username=fm.username, ip_address="192.0.2.1", attempt_time=timezone.now(), locked_out=False
        )
        for _ in range(500)
    )
    assert signin.cool_off(_request_for(fm.username)) == settings.AXES_COOLOFF_MAX


# --- enrolment only with a code another person issued (finding 8) ----------------------------------------------


def test_dp_enrolment_needs_a_code_from_another_person(otp_on, client, tl, admin_user):
    """Finding 8: whoever first signed in with the password enrolled the authenticator."""
    url = reverse("audit:otp")
    client.force_login(tl)
    page = client.get(url)
    assert page.status_code == 200 and "Einrichtungscode" in page.content.decode()
    assert not TOTPDevice.objects.filter(user=tl).exists()  # no key shown, no device made
    refused = client.post(url, {"code": "ABCD-EFGH-JKLM"})
    assert "stimmt nicht" in refused.content.decode()
    code = signin.enrolment_code_issue(user=tl, acting_user=admin_user)
    assert AccessLog.objects.filter(action="staff.otp_enrolment_code", object_id=tl.pk).exists()
    step = client.post(url, {"code": code.lower()})
    assert step.status_code == 302
    setup = client.get(url)
    device = TOTPDevice.objects.get(user=tl, confirmed=False)
    assert "Schlüssel" in setup.content.decode()
    ok = client.post(url, {"token": code_now(device), "next": "/"})
    assert ok.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert EnrolmentCode.objects.get(user=tl).used_at is not None
    # The code is used up: a second enrolment with it is refused.
    assert signin.enrolment_code_valid(user=tl, code=code) is None


def test_dp_admin_cannot_issue_her_own_enrolment_code(admin_user, fm):
    with pytest.raises(NotPermitted) as exc:
        signin.enrolment_code_issue(user=admin_user, acting_user=admin_user)
    assert exc.value.code == "four_eyes"
    with pytest.raises(NotPermitted):
        signin.enrolment_code_issue(user=admin_user, acting_user=fm)


def test_dp_session_path_requires_the_second_factor(otp_on, client, datenschutz):
    client.force_login(datenschutz)
    response = client.get(reverse("audit:access-log"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("audit:otp"))
    api_response = client.get("/api/v1/audit/?client=1")
    assert api_response.status_code == 403 and api_response.json()["error"]["code"] == "otp_required"


def test_dp_operator_command_issues_an_enrolment_code(admin_user):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("issue_enrolment_code", admin_user.username, stdout=out)
    code = out.getvalue().strip().rsplit(" ", 1)[-1]
    assert signin.enrolment_code_valid(user=admin_user, code=code) is not None


def test_dp_api_token_revoked_by_delete(api, fm):
    key = _get_token(api, fm)
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.delete(TOKEN_URL).status_code == 204
    api.credentials()
    assert _works(api, key) == 401
    assert api.delete(TOKEN_URL).status_code == 401

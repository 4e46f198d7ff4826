"""Bad input never yields a 500 (issue 15 finding 10): each cause the attack found, fixed where it
arises, plus a hand-made battery (nesting, NUL, lone surrogates, huge numbers, year 0 and 9999)."""

import json

import pytest
from django.test import Client as HttpClient

from tests.security.conftest import TODAY

DEEP = "[" * 100_000 + "]" * 100_000


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


def post_json(client, path, body: str):
    return client.post(path, data=body, content_type="application/json")


def test_dp_bad_input_deeply_nested_json_on_token_endpoint_is_400():
    response = post_json(HttpClient(), "/api/v1/auth/token/", DEEP)
    assert response.status_code == 400
    assert response.json()["error"]["message"]


@pytest.mark.parametrize(
    "body",
    [
        '{"username": "\\ud800", "password": "x"}',
        '{"username": "a\\u0000b", "password": "x"}',
        '{"username": ' + json.dumps("x" * 300) + ', "password": "x"}',
        '{"username": 1e99999, "password": "x"}',
    ],
)
def test_dp_bad_input_token_endpoint_battery(body):
    response = post_json(HttpClient(), "/api/v1/auth/token/", body)
    assert response.status_code in (400, 401, 403)


def test_dp_bad_input_username_over_255_at_sign_in_is_no_500():
    response = HttpClient().post("/anmelden/", {"username": "u" * 300, "password": "x"})
    assert response.status_code in (200, 400)
    assert "Benutzername" in response.content.decode() or response.status_code == 400


@pytest.mark.parametrize("value", ["\ud800", "a\x00b"])
def test_dp_bad_input_lone_surrogate_and_nul_in_choice_fields_is_400(api_as, fm, case_of_fm, value):
    body = json.dumps({"text": "Ziel", "kind": value, "status": "open"})
    response = api_as(fm).post(
        f"/api/v1/cases/{case_of_fm.pk}/goals/", data=body, content_type="application/json"
    )
    assert response.status_code == 400


@pytest.mark.parametrize("month", ["0000-01", "9999-12", "10000-01", "2026-00", "\x00"])
def test_dp_bad_input_month_year_0_and_9999_is_400(api_as, controlling, month):
    response = api_as(controlling).get("/api/v1/reports/monthly/", {"month": month})
    assert response.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "/leitung/?month=%00",
        "/leitung/faelle/?kind=%00",
        "/leitung/faelle/?reason=a%00b",
        "/leitung/faelle/?page=99999999999999999999999",
        "/berichte/monatsbericht/?month=0000-01",
        "/kunden/?q=a%00b",
    ],
)
def test_dp_bad_input_nul_and_huge_numbers_in_page_params_is_no_500(client, bl, tl, pap, controlling, path):
    for user in (bl, tl, pap, controlling):
        client.force_login(user)
        assert client.get(path).status_code < 500, (path, user.role)


def test_dp_bad_input_nul_in_admin_filter_is_no_500(client, admin_user):
    client.force_login(admin_user)
    for path in (
        "/admin/org/staff/?q=a%00b",
        "/admin/org/staff/?role=%00",
        "/admin/org/staff/?p=99999999999999",
    ):
        assert client.get(path).status_code < 500, path


def test_dp_bad_input_nul_in_form_post_is_no_500(client, pap):
    client.force_login(pap)
    response = client.post(
        "/kunden/neu/", {"customer_number": "a\x00", "first_name": "\x00", "last_name": "x"}
    )
    assert response.status_code < 500


@pytest.mark.parametrize("page", ["99999999999999999999999", "-1", "0", "1e9"])
def test_dp_bad_input_oversized_page_number_in_api_is_4xx(api_as, fm, case_of_fm, page):
    response = api_as(fm).get("/api/v1/cases/", {"page": page})
    assert 400 <= response.status_code < 500

"""API.md Audit: GET /api/v1/audit/?client={id} for role datenschutz only (DP-2)."""

import pytest

from audit.services import record as access_log_record
from tests.factories import CaseFactory


@pytest.fixture
def logged(fm, tl, case_of_fm):
    access_log_record(user=fm, action="case.view", obj=case_of_fm)
    access_log_record(user=tl, action="client.view", obj=case_of_fm.client)
    other = CaseFactory(fallmanager=fm)
    access_log_record(user=fm, action="case.view", obj=other)
    return case_of_fm


def test_dp2_datenschutz_reads_log_of_one_client(api_as, datenschutz, logged):
    # DOMAIN DP-2
    response = api_as(datenschutz).get(f"/api/v1/audit/?client={logged.client_id}")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    rows = [
        {k: r[k] for k in ("user", "action", "object_type", "object_id", "client")} for r in body["results"]
    ]
    assert rows == [
        {
            "user": "tl.schmidt",
            "action": "client.view",
            "object_type": "client",
            "object_id": logged.client_id,
            "client": logged.client_id,
        },
        {
            "user": "fm.berger",
            "action": "case.view",
            "object_type": "case",
            "object_id": logged.pk,
            "client": logged.client_id,
        },
    ]
    assert all(r["at"] for r in body["results"])
    assert response["Cache-Control"] == "no-store"


@pytest.mark.parametrize("persona", ["fm", "tl", "bl", "pap", "controlling", "admin_user"])
def test_dp2_others_get_403(request, api_as, persona, logged):
    # DOMAIN DP-2: not readable by the FM (or anyone but datenschutz).
    user = request.getfixturevalue(persona)
    response = api_as(user).get(f"/api/v1/audit/?client={logged.client_id}")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_dp2_anonymous_401(api, logged):
    assert api.get("/api/v1/audit/").status_code == 401


@pytest.mark.parametrize("value", ["abc", "-1", "99999999999999999999999", "1.5"])
def test_bad_client_parameter_is_400(api_as, datenschutz, value):
    response = api_as(datenschutz).get("/api/v1/audit/", {"client": value})
    assert response.status_code == 400
    assert "client" in response.json()["error"]["fields"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_dp2_no_write_through_api(api_as, datenschutz, method, logged):
    response = getattr(api_as(datenschutz), method)("/api/v1/audit/", {}, format="json")
    assert response.status_code == 405


def test_list_query_count_is_constant(api_as, datenschutz, fm, case_of_fm, django_assert_max_num_queries):
    for _ in range(10):
        access_log_record(user=fm, action="case.view", obj=case_of_fm)
    with django_assert_max_num_queries(4):
        response = api_as(datenschutz).get(f"/api/v1/audit/?client={case_of_fm.client_id}")
    assert response.json()["count"] == 10


@pytest.mark.usefixtures("security_urls")
def test_dp2_datenschutz_ui_page(client, datenschutz, fm, logged):
    client.force_login(datenschutz)
    page = client.get(f"/datenschutz/protokoll/?client={logged.client_id}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "fm.berger" in html and "tl.schmidt" in html
    assert html.count("<td>Lesen</td>") == 2  # the two reads, and the changes (DP-2) beside them
    assert "<td>Änderung</td>" in html
    client.force_login(fm)
    assert client.get(f"/datenschutz/protokoll/?client={logged.client_id}").status_code == 403

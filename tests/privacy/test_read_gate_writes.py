"""DP-2 (issue 15 finding 2): responses of writes show client data too — the created/patched object in
the API, the transition form re-rendered with its errors, the htmx fragment — and are logged like reads.
Redirects after a successful write show nothing and write no read row (the change history has it)."""

import pytest

from audit.models import AccessLog
from tests.security.conftest import TODAY


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


def rows(user, case):
    return AccessLog.objects.filter(user=user, client_id=case.client_id).count()


def test_dp2_api_post_and_patch_responses_are_logged(api_as, fm, case_of_fm):
    api = api_as(fm)
    created = api.post(
        f"/api/v1/cases/{case_of_fm.pk}/goals/",
        {"text": "Führerschein", "target_date": "2027-05-31", "kind": "integration"},
        format="json",
    )
    assert created.status_code == 201
    assert rows(fm, case_of_fm) == 1
    patched = api.patch(f"/api/v1/goals/{created.json()['id']}/", {"text": "Führerschein B"}, format="json")
    assert patched.status_code == 200
    assert rows(fm, case_of_fm) == 2
    row = AccessLog.objects.filter(user=fm).order_by("-pk").first()
    assert row.capacity == "own_case" and row.context["path"].startswith("/api/v1/goals/")


def test_dp2_transition_form_rerendered_with_errors_is_logged(client, fm, case_of_fm):
    client.force_login(fm)
    response = client.post(f"/faelle/{case_of_fm.pk}/schritt/close/", {})
    assert response.status_code == 400
    assert case_of_fm.client.last_name in response.content.decode()
    assert rows(fm, case_of_fm) == 1


def test_dp2_transition_form_get_is_logged(client, fm, case_of_fm):
    client.force_login(fm)
    assert client.get(f"/faelle/{case_of_fm.pk}/schritt/close/").status_code == 200
    assert rows(fm, case_of_fm) == 1


def test_dp2_htmx_fragment_is_logged(client, fm, case_of_fm):
    client.force_login(fm)
    response = client.post(f"/faelle/{case_of_fm.pk}/schritt/close/", {}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert rows(fm, case_of_fm) == 1


def test_dp2_not_found_writes_no_read_row(api_as, other_fm, case_of_fm):
    assert api_as(other_fm).get(f"/api/v1/cases/{case_of_fm.pk}/goals/").status_code == 404
    assert AccessLog.objects.count() == 0

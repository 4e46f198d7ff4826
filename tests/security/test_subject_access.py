"""DP-2 data subject access (Art. 15 GDPR, § 83 SGB X): `GET /api/v1/clients/{id}/subject-access/` for
datenschutz and the same as JSON/PDF download in the datenschutz UI; the request is logged."""

import json

import pytest
from django.urls import reverse

from audit import services as audit
from audit.models import AccessLog
from plans.choices import ContactKind
from plans.models import Contact

pytestmark = pytest.mark.usefixtures("security_urls")


@pytest.fixture
def client_with_data(case_of_fm, fm):
    Contact.objects.create(
        case=case_of_fm,
        date=case_of_fm.admitted_on,
        kind=ContactKind.values[0],
        note="Gespräch über Ziele",
        created_by=fm,
    )
    audit.record(user=fm, action="case.view", obj=case_of_fm)
    return case_of_fm.client


def test_dp2_subject_access_api_returns_everything_held_with_purposes_and_recipients(
    api, datenschutz, client_with_data, fm
):
    api.force_authenticate(datenschutz)
    response = api.get(f"/api/v1/clients/{client_with_data.pk}/subject-access/")
    assert response.status_code == 200
    body = response.json()
    text = json.dumps(body, ensure_ascii=False)
    assert "Erika" in text and "Beispiel" in text
    assert body["purposes"] and body["retention"]
    assert "Gespräch über Ziele" in text  # a contact note, found through the case
    assert [r["name"] for r in body["recipients"]["staff"]] == [fm.get_full_name() or fm.username]
    assert AccessLog.objects.filter(
        user=datenschutz, action="client.subject_access", client_id=client_with_data.pk
    ).exists()


def test_dp2_subject_access_only_for_datenschutz(api, fm, tl, admin_user, client_with_data):
    for user in (fm, tl, admin_user):
        api.force_authenticate(user)
        response = api.get(f"/api/v1/clients/{client_with_data.pk}/subject-access/")
        assert response.status_code == 403, user.role
    assert not AccessLog.objects.filter(action="client.subject_access").exists()


def test_dp2_subject_access_unknown_client_404(api, datenschutz):
    api.force_authenticate(datenschutz)
    assert api.get("/api/v1/clients/999999/subject-access/").status_code == 404
    assert api.get("/api/v1/clients/abc/subject-access/").status_code == 404


def test_dp2_subject_access_download_json_and_pdf(client, datenschutz, client_with_data):
    client.force_login(datenschutz)
    page = client.get(reverse("audit:subject-access"))
    assert page.status_code == 200 and "Art. 15" in page.content.decode()
    as_json = client.get(reverse("audit:subject-access"), {"client": client_with_data.pk, "format": "json"})
    assert as_json.status_code == 200 and as_json["Content-Type"].startswith("application/json")
    assert "Erika" in as_json.content.decode()
    as_pdf = client.get(reverse("audit:subject-access"), {"client": client_with_data.pk, "format": "pdf"})
    assert as_pdf.status_code == 200 and as_pdf.content.startswith(b"%PDF")
    assert AccessLog.objects.filter(action="client.subject_access").count() == 2
    missing = client.get(reverse("audit:subject-access"), {"client": 999999, "format": "json"})
    assert missing.status_code == 200 and "nicht gefunden" in missing.content.decode()


def test_dp2_subject_access_page_forbidden_for_others(client, fm):
    client.force_login(fm)
    assert client.get(reverse("audit:subject-access")).status_code == 403


def test_dp2_subject_access_page_finds_the_customer_number(client, datenschutz, client_with_data):
    client.force_login(datenschutz)
    response = client.get(
        reverse("audit:subject-access"), {"client": client_with_data.customer_number, "format": "json"}
    )
    assert response.status_code == 200 and "Erika" in response.content.decode()

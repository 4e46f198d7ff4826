"""German error pages in the app's layout with a way back; the API.md error body under /api/ (issue 12)."""

import pytest
from django.test import Client, override_settings
from django.urls import path

from fallmanagement import urls as root_urls


def _boom(request):
    raise RuntimeError("kaputt")


urlpatterns = [*root_urls.urlpatterns, path("test-boom/", _boom), path("api/v1/test-boom/", _boom)]
handler400 = root_urls.handler400
handler403 = root_urls.handler403
handler404 = root_urls.handler404
handler500 = root_urls.handler500


def _assert_german_page(response, status: int, heading: str) -> None:
    body = response.content.decode()
    assert response.status_code == status
    assert '<html lang="de">' in body
    assert heading in body
    assert 'href="/">Zur Startseite</a>' in body
    assert 'href="/anmelden/">Zur Anmeldung</a>' in body
    assert "Not Found" not in body and "Forbidden" not in body and "Server Error" not in body


@override_settings(DEBUG=False)
def test_404_is_german_with_a_way_back(client):
    _assert_german_page(client.get("/gibt-es-nicht/"), 404, "Seite nicht gefunden")


@override_settings(DEBUG=False)
def test_403_is_german_for_a_page_outside_the_role(client, fm):
    client.force_login(fm)
    response = client.get("/kunden/")  # the pAp's client search
    _assert_german_page(response, 403, "Kein Zugriff auf diese Seite")


@override_settings(DEBUG=False, ROOT_URLCONF="tests.test_error_pages")
def test_500_is_german_and_needs_no_database(db):
    client = Client(raise_request_exception=False)
    _assert_german_page(client.get("/test-boom/"), 500, "Ein technischer Fehler ist aufgetreten")


@override_settings(DEBUG=False, ROOT_URLCONF="tests.test_error_pages")
def test_api_errors_keep_the_json_body(db):
    client = Client(raise_request_exception=False)
    missing = client.get("/api/v1/gibt-es-nicht/")
    assert missing.status_code == 404
    assert missing.json() == {"error": {"code": "not_found", "message": "Nicht gefunden.", "fields": {}}}
    boom = client.get("/api/v1/test-boom/")
    assert boom.status_code == 500
    assert boom.json()["error"]["code"] == "server_error"


@override_settings(DEBUG=False)
def test_csrf_failure_is_german(db):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/anmelden/", {"username": "x", "password": "y"})
    _assert_german_page(response, 403, "Das Formular ist abgelaufen")


@pytest.mark.parametrize("code", [400, 429, 503])
def test_every_error_template_renders_in_german(code):
    from django.template.loader import render_to_string

    body = render_to_string(f"{code}.html")
    assert '<html lang="de">' in body and f"Fehlercode {code}" in body and "Zur Startseite" in body

"""DP-2: the data-protection officer's view is usable — search by customer number and name, date range,
reads and changes together, German action labels, CSV export; her own look is logged."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AccessLog
from audit.services import record
from cases.models import Client
from tests.security.conftest import TODAY

URL = "/datenschutz/protokoll/"


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


@pytest.fixture
def history(fm, tl, case_of_fm):
    record(user=fm, action="case.view", obj=case_of_fm)
    record(user=tl, action="case.view", obj=case_of_fm)
    Client.objects.filter(pk=case_of_fm.client_id).update(last_name="Beispiel-Neu", updated_at=timezone.now())
    return case_of_fm


def test_dp2_search_by_customer_number_shows_reads_and_changes(client, datenschutz, history):
    client.force_login(datenschutz)
    number = history.client.customer_number
    page = client.get(URL, {"q": number}).content.decode()
    assert "Fall angesehen" in page  # German label, not the code
    assert "Lesen" in page and "Änderung" in page
    assert "Kund*in geändert" in page
    assert "fm.berger" in page and "tl.schmidt" in page


def test_dp2_search_by_name(client, datenschutz, history):
    client.force_login(datenschutz)
    page = client.get(URL, {"q": "Beispiel"}).content.decode()
    assert "Fall angesehen" in page


def test_dp2_date_range_filters(client, datenschutz, history):
    client.force_login(datenschutz)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    page = client.get(URL, {"q": history.client.customer_number, "date_from": tomorrow}).content.decode()
    assert "Keine Einträge." in page
    bad = client.get(URL, {"q": "x", "date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "Das Ende liegt vor dem Beginn." in bad.content.decode()


def test_dp2_csv_export_is_logged_and_neutralised(client, datenschutz, history):
    client.force_login(datenschutz)
    response = client.get(URL, {"q": history.client.customer_number, "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Zeitpunkt;Benutzer*in;Art;Aktion")
    assert "Fall angesehen" in text
    assert AccessLog.objects.filter(user=datenschutz, action="accesslog.export").count() == 1


def test_dp2_the_officers_own_search_is_logged(client, datenschutz, history):
    client.force_login(datenschutz)
    client.get(URL, {"q": history.client.customer_number})
    row = AccessLog.objects.get(user=datenschutz, action="accesslog.view")
    assert row.client_id == history.client_id
    assert row.capacity == "datenschutz"


def test_dp2_other_roles_cannot_open_it(client, fm):
    client.force_login(fm)
    assert client.get(URL, {"q": "x"}).status_code == 403

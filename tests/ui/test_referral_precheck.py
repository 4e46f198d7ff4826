"""Referral page (issue 13): the FM choice shows each FM's counted caseload against her target (CAP-3);
ACC-5 and READ-1 are shown as soon as the client is chosen, before anything is filled in (ACC-1 below)."""

import datetime
from decimal import Decimal

from cases.choices import CaseState
from tests.conftest import TODAY
from tests.factories import CaseFactory, ClientFactory

D = datetime.date


def test_cap3_referral_fm_choice_shows_caseload_vs_target(client, pap, fm, fm2, site, client_eligible):
    fm2.weekly_hours = Decimal("1.0")  # target 2
    fm2.save(update_fields=["weekly_hours"])
    for _ in range(3):
        CaseFactory(client=ClientFactory(site=site), fallmanager=fm2, state=CaseState.ACTIVE)
    client.force_login(pap)
    body = client.get(f"/kunden/{client_eligible.pk}/zuweisen/").content.decode()
    assert "Berger, Anna – 0 von 75 Fällen</option>" in body
    assert "Klein, Jonas – 3 von 2 Fällen (über dem Zielwert)</option>" in body


def test_acc5_referral_refused_before_the_form_when_a_case_is_open(client, pap, fm, site):
    other = ClientFactory(site=site)
    case = CaseFactory(client=other, fallmanager=fm, state=CaseState.ACTIVE)
    client.force_login(pap)
    body = client.get(f"/kunden/{other.pk}/zuweisen/").content.decode()
    assert "bereits ein offener Fall im Fallmanagement" in body
    assert f'href="/faelle/{case.pk}/"' in body
    assert 'name="reasons"' not in body  # no form to fill in for nothing


def test_read1_readmission_lock_shown_before_the_form(client, pap, fm, site, monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)
    other = ClientFactory(site=site)
    CaseFactory(client=other, fallmanager=fm, state=CaseState.CLOSED, closed_on=D(2026, 9, 30))
    client.force_login(pap)
    body = client.get(f"/kunden/{other.pk}/zuweisen/").content.decode()
    assert "frühestens ab 30.03.2027 möglich" in body
    assert 'name="reasons"' in body  # READ-2 exceptions stay possible


def test_referral_without_obstacles_shows_no_precheck(client, pap, fm, client_eligible):
    client.force_login(pap)
    body = client.get(f"/kunden/{client_eligible.pk}/zuweisen/").content.decode()
    assert 'id="referral-precheck"' not in body
    assert "Prüfung der Zugangskriterien" in body


def test_case_page_links_the_summary_with_deadlines(client, fm, active_case):
    client.force_login(fm)
    body = client.get(f"/faelle/{active_case.pk}/").content.decode()
    assert f'href="/faelle/{active_case.pk}/zusammenfassung/"' in body
    assert client.get(f"/faelle/{active_case.pk}/zusammenfassung/").status_code == 200

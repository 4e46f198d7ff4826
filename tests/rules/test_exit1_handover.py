"""EXIT-1: the handover talk lies on or before the exit date; the handover note is recorded and the
taking-over pAp reads it after the exit — nothing else of the case (logged)."""

import datetime as dt

import pytest

from audit.models import AccessLog
from cases.choices import CaseState
from cases.models import Case
from cases.services import case_close
from fallmanagement.errors import InvalidInput
from reporting.models import OutcomeRecord
from tests.api.conftest import active, error
from tests.conftest import TODAY

D = dt.date
OUTCOME = {"medical_service_involved": False}


def _close(case, fm, pap, **kw):
    args = {
        "case": case,
        "acting_user": fm,
        "exit_reason_code": "B05",
        "handover_talk_on": D(2026, 11, 10),
        "handover_pap": pap,
        "outcome": OUTCOME,
        "on": D(2026, 11, 12),
        "today": TODAY,
        "handover_note": "Bewerbungsunterlagen aktuell; Teilzeit ab 1.1. möglich; Schuldnerberatung läuft.",
    }
    args.update(kw)
    return case_close(**args)


def test_exit1_handover_talk_after_the_exit_date_is_refused(pap, fm, client_eligible):
    case = active(pap, fm, client_eligible)
    with pytest.raises(InvalidInput) as err:
        _close(case, fm, pap, handover_talk_on=D(2026, 11, 13), on=D(2026, 11, 12))
    assert "handover_talk_on" in err.value.fields
    assert "Handlungsleitlinie IV.3" in err.value.message
    case.refresh_from_db()
    assert case.state == CaseState.ACTIVE
    assert not OutcomeRecord.objects.exists()


def test_exit1_handover_talk_on_the_exit_date_is_accepted(pap, fm, client_eligible):
    case = _close(active(pap, fm, client_eligible), fm, pap, handover_talk_on=D(2026, 11, 12))
    assert case.state == CaseState.CLOSED
    assert case.exit_handover_note.startswith("Bewerbungsunterlagen")


def test_exit1_api_talk_after_exit_is_400_with_fields(api_as, pap, fm, client_eligible):
    case = active(pap, fm, client_eligible)
    body = {
        "date": "2026-11-12",
        "exit_reason": "B05",
        "handover_talk_on": "2026-11-14",
        "handover_pap": pap.pk,
        "handover_note": "Info",
        "outcome": {
            "medical_service_involved": False,
            "health_need": False,
            "needs_reduced": 0,
            "social_participation_progress": False,
        },
    }
    response = api_as(fm).post(f"/api/v1/cases/{case.pk}/transitions/close/", body, format="json")
    assert response.status_code == 400
    assert "handover_talk_on" in error(response)["fields"]
    assert Case.objects.get(pk=case.pk).state == CaseState.ACTIVE
    body["handover_talk_on"] = "2026-11-12"
    response = api_as(fm).post(f"/api/v1/cases/{case.pk}/transitions/close/", body, format="json")
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).exit_handover_note == "Info"


def test_exit1_taking_over_pap_reads_the_handover_note_only(
    client, pap, pap2, fm, client_eligible, monkeypatch
):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)
    case = _close(active(pap, fm, client_eligible), fm, pap2)  # referred by pap, handed over to pap2
    client.force_login(pap2)
    response = client.get(f"/faelle/{case.pk}/uebergabevermerk/")
    assert response.status_code == 200
    assert "Teilzeit ab 1.1. möglich" in response.content.decode()
    assert AccessLog.objects.filter(user=pap2, action="case.handover_note.view").count() == 1
    # nothing else of the case: the case page stays "not found" for her
    assert client.get(f"/faelle/{case.pk}/").status_code == 404
    # her start page lists the handover
    assert f"/faelle/{case.pk}/uebergabevermerk/" in client.get("/").content.decode()
    # the referring pAp (not taking over) and the FM do not get the note page
    client.force_login(pap)
    assert client.get(f"/faelle/{case.pk}/uebergabevermerk/").status_code == 404
    client.force_login(fm)
    assert client.get(f"/faelle/{case.pk}/uebergabevermerk/").status_code == 404


def test_exit1_api_handover_note(api_as, pap, pap2, fm, client_eligible):
    case = _close(active(pap, fm, client_eligible), fm, pap2)
    response = api_as(pap2).get(f"/api/v1/cases/{case.pk}/handover-note/")
    assert response.status_code == 200
    assert response.json()["handover_note"].startswith("Bewerbungsunterlagen")
    assert set(response.json()) == {
        "case",
        "client_name",
        "customer_number",
        "closed_on",
        "exit_reason",
        "handover_talk_on",
        "fallmanager_name",
        "handover_note",
    }
    assert api_as(pap).get(f"/api/v1/cases/{case.pk}/handover-note/").status_code == 404
    assert api_as(pap2).get("/api/v1/cases/abc/handover-note/").status_code == 404
    assert api_as(fm).get(f"/api/v1/cases/{case.pk}/handover-note/").status_code == 403

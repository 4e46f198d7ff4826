"""ACC-2 (which TL was consulted; she sees and confirms; unconfirmed visible) and CLR-4 (the personal talk
after a rejection is recorded), through services, pages and the API."""

import datetime as dt

import pytest

from audit.models import AccessLog
from cases.models import Case
from cases.services import case_rejection_talk_record, individual_decision_confirm
from fallmanagement.errors import Conflict, InvalidInput, NotPermitted
from tests.api.conftest import clearing, error, refer, rejected
from tests.conftest import TODAY
from tests.factories import ClientFactory, StaffFactory

D = dt.date
DECISION = {
    "reason": "Akute Krise bei eigentlich marktnaher Kundin",
    "teamleitung_consulted_on": D(2026, 9, 30),
}


@pytest.fixture(autouse=True)
def _day(monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


@pytest.fixture
def not_eligible(site):
    return ClientFactory(site=site, last_name="Einzelfall")


def test_acc2_consulted_tl_recorded_defaults_to_the_tl_of_the_paps_team(pap, fm, tl, not_eligible):
    case = refer(pap, fm, not_eligible, individual_decision=DECISION)
    assert case.teamleitung_consulted == tl and case.individual_decision_confirmed_on is None


def test_acc2_without_a_tl_to_name_the_referral_is_refused(pap, fm, not_eligible, team, other_team):
    # two TLs lead the pAp's team: the pAp must name the one she consulted
    for username in ("tl.a", "tl.b"):
        team.leads.add(StaffFactory(username=username, role="teamleitung", team=team))
    with pytest.raises(InvalidInput) as err:
        refer(pap, fm, not_eligible, individual_decision=DECISION)
    assert "individual_decision.teamleitung" in err.value.fields
    assert not Case.objects.exists()
    elsewhere = StaffFactory(role="teamleitung")  # TL of another site
    with pytest.raises(InvalidInput):
        refer(pap, fm, not_eligible, individual_decision={**DECISION, "teamleitung": elsewhere.pk})


def test_acc2_api_names_the_consulted_tl(api_as, pap, fm, tl, not_eligible):
    body = {
        "client": not_eligible.pk,
        "fallmanager": fm.pk,
        "reasons": "Schulden",
        "expected_progress": "Stabilisierung",
        "handover_talk_on": "2026-11-16",
        "individual_decision": {**{k: str(v) for k, v in DECISION.items()}, "teamleitung": "abc"},
    }
    response = api_as(pap).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 400 and "individual_decision" in str(error(response)["fields"])
    body["individual_decision"]["teamleitung"] = tl.pk
    response = api_as(pap).post("/api/v1/cases/", body, format="json")
    assert response.status_code == 201
    assert Case.objects.get().teamleitung_consulted == tl


def test_acc2_only_the_consulted_tl_confirms_once(pap, fm, tl, other_tl, not_eligible):
    case = refer(pap, fm, not_eligible, individual_decision=DECISION)
    for user in (other_tl, fm, pap):
        with pytest.raises(NotPermitted):
            individual_decision_confirm(case=case, acting_user=user, today=TODAY)
    case = individual_decision_confirm(case=case, acting_user=tl, today=TODAY)
    assert (case.individual_decision_confirmed_on, case.individual_decision_confirmed_by) == (TODAY, tl)
    with pytest.raises(Conflict):
        individual_decision_confirm(case=case, acting_user=tl, today=TODAY)


def test_acc2_tl_page_shows_unconfirmed_and_confirms(client, pap, fm, tl, other_tl, not_eligible):
    case = refer(pap, fm, not_eligible, individual_decision=DECISION)
    client.force_login(tl)
    page = client.get("/einzelfallentscheidungen/").content.decode()
    assert "Einzelfall" in page and "nicht bestätigt" in page and "1 noch nicht bestätigt" in page
    assert AccessLog.objects.filter(user=tl, action="case.list", object_id=case.pk).exists()
    assert "nicht bestätigt" in client.get(f"/faelle/{case.pk}/").content.decode()  # case page too
    response = client.post(f"/faelle/{case.pk}/einzelfallentscheidung/bestaetigen/")
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).individual_decision_confirmed_by == tl
    assert "0 noch nicht bestätigt" in client.get("/einzelfallentscheidungen/").content.decode()
    client.force_login(other_tl)
    assert "Keine Einzelfallentscheidungen." in client.get("/einzelfallentscheidungen/").content.decode()
    assert client.post(f"/faelle/{case.pk}/einzelfallentscheidung/bestaetigen/").status_code == 404
    client.force_login(fm)
    assert client.get("/einzelfallentscheidungen/").status_code == 404


def test_acc2_api_list_and_confirm(api_as, pap, fm, tl, other_tl, not_eligible):
    case = refer(pap, fm, not_eligible, individual_decision=DECISION)
    rows = api_as(tl).get("/api/v1/individual-decisions/").json()["results"]
    assert [(r["id"], r["confirmed"], r["teamleitung_consulted"]) for r in rows] == [(case.pk, False, tl.pk)]
    assert api_as(other_tl).post(f"/api/v1/cases/{case.pk}/individual-decision/confirm/").status_code == 404
    assert api_as(fm).post(f"/api/v1/cases/{case.pk}/individual-decision/confirm/").status_code == 403
    response = api_as(tl).post(f"/api/v1/cases/{case.pk}/individual-decision/confirm/")
    assert response.status_code == 200 and response.json()["confirmed"] is True
    assert api_as(tl).post(f"/api/v1/cases/{case.pk}/individual-decision/confirm/").status_code == 409


def test_clr4_rejection_talk_recorded_on_or_after_the_rejection(pap, fm, pap2, client_eligible):
    case = rejected(pap, fm, client_eligible)  # rejected on 05.10.2026
    with pytest.raises(InvalidInput) as err:
        case_rejection_talk_record(case=case, acting_user=pap, talk_on=D(2026, 10, 4), note="x", today=TODAY)
    assert "talk_on" in err.value.fields and "Handlungsleitlinie IV.2" in err.value.message
    with pytest.raises(InvalidInput):
        case_rejection_talk_record(case=case, acting_user=pap, talk_on=D(2026, 10, 6), note="", today=TODAY)
    with pytest.raises(NotPermitted):
        case_rejection_talk_record(case=case, acting_user=pap2, talk_on=D(2026, 10, 6), note="x", today=TODAY)
    case = case_rejection_talk_record(
        case=case, acting_user=pap, talk_on=D(2026, 10, 6), note="Gründe erörtert, Einigkeit", today=TODAY
    )
    assert (case.rejection_talk_on, case.rejection_talk_by) == (D(2026, 10, 6), pap)
    assert case.events.filter(name="rejection_talk").exists()


def test_clr4_no_talk_without_a_rejection(pap, fm, client_eligible):
    case = clearing(pap, fm, client_eligible)
    with pytest.raises(Conflict):
        case_rejection_talk_record(case=case, acting_user=fm, talk_on=D(2026, 10, 6), note="x", today=TODAY)


def test_clr4_rejection_talk_page_and_api(client, api_as, pap, fm, other_fm, client_eligible):
    case = rejected(pap, fm, client_eligible)
    client.force_login(fm)
    assert (
        "Gespräch über die Ablehnung noch nicht erfasst" in client.get(f"/faelle/{case.pk}/").content.decode()
    )
    url = f"/faelle/{case.pk}/ablehnungsgespraech/"
    response = client.post(url, {"talk_on": "2026-10-01", "note": "x"})
    assert response.status_code == 400 and "Handlungsleitlinie IV.2" in response.content.decode()
    response = client.post(url, {"talk_on": "2026-10-07", "note": "Gründe erörtert"})
    assert response.status_code == 302
    assert "Gespräch über die Ablehnung am 07.10.2026" in client.get(f"/faelle/{case.pk}/").content.decode()
    client.force_login(other_fm)
    assert client.get(url).status_code == 404
    api_url = f"/api/v1/cases/{case.pk}/rejection-talk/"
    assert (
        api_as(other_fm).post(api_url, {"talk_on": "2026-10-08", "note": "x"}, format="json").status_code
        == 404
    )
    bad = api_as(pap).post(api_url, {"talk_on": "2026-13-45", "note": "x"}, format="json")
    assert bad.status_code == 400 and "talk_on" in error(bad)["fields"]
    ok = api_as(pap).post(api_url, {"talk_on": "2026-10-08", "note": "Nochmals erörtert"}, format="json")
    assert ok.status_code == 200 and ok.json()["rejection_talk_on"] == "2026-10-08"


def test_acc4_tl_changes_the_responsible_pap_page_and_api(
    client, api_as, pap, pap2, fm, tl, other_tl, client_eligible
):
    refer(pap, fm, client_eligible)
    client.force_login(tl)
    url = f"/kunden/{client_eligible.pk}/zustaendige-pap/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"pap": fm.pk}).status_code == 400
    assert client.post(url, {"pap": pap2.pk}).status_code == 302
    client_eligible.refresh_from_db()
    assert client_eligible.responsible_pap == pap2
    client.force_login(other_tl)
    assert client.get(url).status_code == 404
    api_url = f"/api/v1/clients/{client_eligible.pk}/responsible-pap/"
    assert api_as(other_tl).post(api_url, {"pap": pap.pk}, format="json").status_code == 404
    assert api_as(tl).post(api_url, {"pap": "x"}, format="json").status_code == 400
    assert api_as(tl).post(api_url, {"pap": pap.pk}, format="json").json()["responsible_pap"] == pap.pk

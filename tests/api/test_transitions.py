"""API.md "Cases" transitions: POST /api/v1/cases/{id}/transitions/{name}/ (CLR, CAP, EXIT)."""

import datetime

import pytest

from cases.models import Case
from reporting.models import OutcomeRecord
from tests.api.conftest import error


def url(case, name):
    return f"/api/v1/cases/{case.pk}/transitions/{name}/"


def snapshot(case):
    case = Case.objects.get(pk=case.pk)
    return case.state, case.version, case.events.count()


def close_body(pap, **overrides):
    body = {
        "date": "2026-11-18",
        "exit_reason": "B01",
        "handover_talk_on": "2026-11-17",
        "handover_pap": pap.pk,
        "outcome": {
            "medical_service_involved": True,
            "health_need": True,
            "needs_reduced": 2,
            "social_participation_progress": True,
        },
    }
    body.update(overrides)
    return body


def test_lifecycle_clearing_admit_close(api_as, pap, fm, referred_case):
    client = api_as(fm)
    # DOMAIN CLR-1: clearing does not count toward the caseload.
    response = client.post(url(referred_case, "start_clearing"), {"date": "2026-11-03"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "clearing" and body["clearing_started_on"] == "2026-11-03"
    assert body["clearing_due_on"] == "2027-01-03" and body["version"] == 2
    assert body["allowed_transitions"] == ["admit", "reject", "return_to_pap", "forward"]
    load = client.get(f"/api/v1/staff/{fm.pk}/caseload/").json()
    assert (load["counted"], load["in_clearing"]) == (0, 1)

    # DOMAIN CAP-1: the admitted case counts.
    response = client.post(url(referred_case, "admit"), {"date": "2026-11-10", "version": 2}, format="json")
    assert response.status_code == 200
    assert response.json()["state"] == "active" and response.json()["admitted_on"] == "2026-11-10"
    load = client.get(f"/api/v1/staff/{fm.pk}/caseload/").json()
    assert (load["counted"], load["in_clearing"]) == (1, 0)

    # DOMAIN EXIT-1/EXIT-2: the FM closes after the handover talk, with a catalogue exit reason.
    response = client.post(url(referred_case, "close"), close_body(pap), format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "closed" and body["closed_on"] == "2026-11-18" and body["exit_reason"] == "B01"
    case = Case.objects.get(pk=referred_case.pk)
    assert case.exit_handover_pap == pap and case.exit_handover_talk_on == datetime.date(2026, 11, 17)
    assert list(case.events.values_list("name", flat=True)) == ["refer", "start_clearing", "admit", "close"]
    record = OutcomeRecord.objects.get()
    assert record.is_integration and record.medical_service_involved and record.needs_reduced == 2
    assert client.get(f"/api/v1/staff/{fm.pk}/caseload/").json()["counted"] == 0


def test_date_defaults_to_today(api_as, fm, referred_case):
    body = api_as(fm).post(url(referred_case, "start_clearing"), {}, format="json").json()
    assert body["clearing_started_on"] == "2026-11-20"


def test_clr3_reject_with_catalogue_reason_and_justification(api_as, fm, clearing_case):
    # DOMAIN CLR-3
    response = api_as(fm).post(
        url(clearing_case, "reject"),
        {"reason_code": "R03", "justification": "Team voll ausgelastet"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "rejected" and response.json()["rejection_reason"] == "R03"
    case = Case.objects.get(pk=clearing_case.pk)
    assert case.decision_justification == "Team voll ausgelastet"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"reason_code": "R77", "justification": "x"}, "reason_code"),
        ({"reason_code": "R01", "justification": ""}, "justification"),
        ({"reason_code": "R01"}, "justification"),
        ({"justification": "x"}, "reason_code"),
        ({"reason_code": "R01", "justification": "x" * 100_000}, "justification"),
        ({"reason_code": ["R01"], "justification": "x"}, "reason_code"),
    ],
)
def test_clr3_reject_invalid_is_400_and_nothing_changed(api_as, fm, clearing_case, body, field):
    before = snapshot(clearing_case)
    response = api_as(fm).post(url(clearing_case, "reject"), body, format="json")
    assert response.status_code == 400
    assert field in error(response)["fields"]
    assert snapshot(clearing_case) == before


def test_clr3_return_to_pap(api_as, fm, clearing_case):
    response = api_as(fm).post(
        url(clearing_case, "return_to_pap"), {"justification": "Kein Kontakt"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "returned"
    assert (
        api_as(fm)
        .post(url(clearing_case, "return_to_pap"), {"justification": "x"}, format="json")
        .status_code
        == 409
    )


def test_clr3_forward(api_as, fm, clearing_case):
    response = api_as(fm).post(
        url(clearing_case, "forward"),
        {"to": "third_party", "justification": "Suchtberatung führt", "detail": "Träger X"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["state"] == "forwarded" and response.json()["forwarded_to"] == "third_party"
    assert Case.objects.get(pk=clearing_case.pk).forwarded_to_detail == "Träger X"


def test_clr3_forward_to_unknown_target_is_400(api_as, fm, clearing_case):
    before = snapshot(clearing_case)
    response = api_as(fm).post(
        url(clearing_case, "forward"), {"to": "mars", "justification": "x"}, format="json"
    )
    assert response.status_code == 400 and "to" in error(response)["fields"]
    assert snapshot(clearing_case) == before


def test_clr4_pap_disputes_and_tl_admits(api_as, pap, fm, tl, rejected_case):
    # DOMAIN CLR-4
    response = api_as(pap).post(
        url(rejected_case, "dispute"), {"comment": "Arbeitsbündnis ist möglich"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "disputed"
    assert api_as(tl).get(f"/api/v1/cases/{rejected_case.pk}/").json()["allowed_transitions"] == [
        "decide_dispute"
    ]
    response = api_as(tl).post(
        url(rejected_case, "decide_dispute"), {"admit": True, "comment": "Übernahme"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "active" and body["admitted_on"] == "2026-11-20"
    assert api_as(fm).get(f"/api/v1/staff/{fm.pk}/caseload/").json()["counted"] == 1  # DOMAIN CAP-1


def test_clr4_rejection_stands_is_final(api_as, pap, tl, rejected_case):
    # DOMAIN CLR-4: after the TL's decision the rejection is final; no second dispute.
    api_as(pap).post(url(rejected_case, "dispute"), {"comment": "Bitte prüfen"}, format="json")
    response = api_as(tl).post(
        url(rejected_case, "decide_dispute"), {"admit": False, "comment": "Bleibt"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "rejected"
    before = snapshot(rejected_case)
    again = api_as(pap).post(url(rejected_case, "dispute"), {"comment": "Nochmal"}, format="json")
    assert again.status_code == 409 and error(again)["code"] == "transition_not_allowed"
    assert snapshot(rejected_case) == before


@pytest.mark.parametrize("admit", ["true", 1, None, "ja"])
def test_clr4_decide_dispute_needs_a_json_boolean(api_as, pap, tl, rejected_case, admit):
    api_as(pap).post(url(rejected_case, "dispute"), {"comment": "Bitte prüfen"}, format="json")
    before = snapshot(rejected_case)
    response = api_as(tl).post(
        url(rejected_case, "decide_dispute"), {"admit": admit, "comment": "x"}, format="json"
    )
    assert response.status_code == 400 and "admit" in error(response)["fields"]
    assert snapshot(rejected_case) == before


def test_clr4_only_the_referring_pap_disputes_and_only_the_tl_decides(api_as, pap, fm, tl, rejected_case):
    before = snapshot(rejected_case)
    response = api_as(fm).post(url(rejected_case, "dispute"), {"comment": "x"}, format="json")
    assert response.status_code == 403 and error(response)["code"] == "permission_denied"
    assert snapshot(rejected_case) == before
    api_as(pap).post(url(rejected_case, "dispute"), {"comment": "Bitte prüfen"}, format="json")
    before = snapshot(rejected_case)
    for user in (fm, pap):
        response = api_as(user).post(
            url(rejected_case, "decide_dispute"), {"admit": True, "comment": "x"}, format="json"
        )
        assert response.status_code == 403
    assert snapshot(rejected_case) == before


def test_transition_not_allowed_in_this_state_is_409(api_as, fm, referred_case):
    before = snapshot(referred_case)
    response = api_as(fm).post(url(referred_case, "admit"), {}, format="json")
    assert response.status_code == 409
    body = error(response)
    assert body["code"] == "transition_not_allowed"
    assert "Zugewiesen" in body["message"]
    assert snapshot(referred_case) == before


def test_pap_may_not_fire_fm_steps_403(api_as, pap, referred_case):
    before = snapshot(referred_case)
    response = api_as(pap).post(url(referred_case, "start_clearing"), {}, format="json")
    assert response.status_code == 403
    assert snapshot(referred_case) == before


@pytest.mark.parametrize("persona", ["fm2", "other_fm", "other_tl", "pap2", "bl"])
def test_case_outside_scope_or_not_the_fm_is_refused(api_as, request, persona, referred_case):
    before = snapshot(referred_case)
    response = api_as(request.getfixturevalue(persona)).post(
        url(referred_case, "start_clearing"), {}, format="json"
    )
    # Out of scope → 404 (never reveal another FM's case); the BL sees it but may not act → 403.
    assert response.status_code == (403 if persona == "bl" else 404)
    assert snapshot(referred_case) == before


def test_unknown_transition_is_404(api_as, fm, referred_case):
    response = api_as(fm).post(url(referred_case, "beam_up"), {}, format="json")
    assert response.status_code == 404 and error(response)["code"] == "not_found"
    response = api_as(fm).post(url(referred_case, "decide_dispute_admit"), {}, format="json")
    assert response.status_code == 404


def test_unknown_case_404(api_as, fm):
    assert api_as(fm).post("/api/v1/cases/999999/transitions/admit/", {}, format="json").status_code == 404
    assert api_as(fm).post("/api/v1/cases/abc/transitions/admit/", {}, format="json").status_code == 404


@pytest.mark.parametrize("how", ["body", "if-match", "weak-etag"])
def test_stale_version_is_409_concurrent_update(api_as, fm, referred_case, how):
    before = snapshot(referred_case)
    kwargs = {}
    body = {}
    if how == "body":
        body["version"] = 7
    elif how == "if-match":
        kwargs["HTTP_IF_MATCH"] = '"7"'
    else:
        kwargs["HTTP_IF_MATCH"] = 'W/"7"'
    response = api_as(fm).post(url(referred_case, "start_clearing"), body, format="json", **kwargs)
    assert response.status_code == 409
    assert error(response)["code"] == "concurrent_update"
    assert snapshot(referred_case) == before


def test_current_version_in_if_match_succeeds(api_as, fm, referred_case):
    response = api_as(fm).post(url(referred_case, "start_clearing"), {}, format="json", HTTP_IF_MATCH='"1"')
    assert response.status_code == 200 and response.json()["version"] == 2


@pytest.mark.parametrize(
    ("body", "headers"),
    [({"version": "abc"}, {}), ({"version": 0}, {}), ({"version": True}, {}), ({}, {"HTTP_IF_MATCH": "*"})],
)
def test_malformed_version_is_400(api_as, fm, referred_case, body, headers):
    before = snapshot(referred_case)
    response = api_as(fm).post(url(referred_case, "start_clearing"), body, format="json", **headers)
    assert response.status_code == 400 and "version" in error(response)["fields"]
    assert snapshot(referred_case) == before


@pytest.mark.parametrize(
    "date",
    [
        "2026-11-21",  # future (TODAY 2026-11-20)
        "2026-10-01",  # before the referral on 2026-10-02
        "03.11.2026",
        "2026-11-3",
        "20261103",
        "2026-13-01",
        "2026-11-03T10:00:00",
        20261103,
        ["2026-11-03"],
    ],
)
def test_bad_effective_date_is_400_on_date(api_as, fm, referred_case, date):
    before = snapshot(referred_case)
    response = api_as(fm).post(url(referred_case, "start_clearing"), {"date": date}, format="json")
    assert response.status_code == 400
    body = error(response)
    assert body["code"] == "invalid" and "date" in body["fields"]
    assert snapshot(referred_case) == before


@pytest.mark.parametrize("body", [[], ["start"], "text", 5])
def test_body_of_wrong_type_is_400(api_as, fm, referred_case, body):
    before = snapshot(referred_case)
    response = api_as(fm).post(url(referred_case, "start_clearing"), body, format="json")
    assert response.status_code == 400
    assert snapshot(referred_case) == before


def test_malformed_json_on_transition_is_400(api_as, fm, referred_case):
    response = api_as(fm).post(
        url(referred_case, "start_clearing"), data="{", content_type="application/json"
    )
    assert response.status_code == 400 and error(response)["code"] == "invalid"


# --- close (EXIT-1, EXIT-2) -----------------------------------------------------------------------


def test_exit1_only_the_fm_closes(api_as, pap, tl, active_case):
    # DOMAIN EXIT-1: the TL sees the case but may not close it.
    before = snapshot(active_case)
    response = api_as(tl).post(url(active_case, "close"), close_body(pap), format="json")
    assert response.status_code == 403
    assert snapshot(active_case) == before
    assert not OutcomeRecord.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"handover_talk_on": None}, "handover_talk_on"),  # DOMAIN EXIT-1: the handover talk is required
        ({"handover_pap": None}, "handover_pap"),  # DOMAIN EXIT-1: the taking-over pAp is required
        ({"handover_pap": "fm"}, "handover_pap"),  # not a pAp
        ({"handover_pap": 999999}, "handover_pap"),
        ({"handover_talk_on": "2026-10-01"}, "handover_talk_on"),  # before admission
        ({"handover_talk_on": "2026-11-21"}, "handover_talk_on"),  # future
        ({"exit_reason": "B77"}, "exit_reason"),  # DOMAIN EXIT-2: from the catalogue
        ({"exit_reason": "B99"}, "justification"),  # DOMAIN EXIT-2: "Sonstiges" needs a justification
        ({"outcome": None}, "outcome"),
        ({"outcome": [True]}, "outcome.non_field_errors"),
        ({"outcome": {"health_need": True}}, "outcome.medical_service_involved"),
        ({"outcome": {"medical_service_involved": "ja"}}, "outcome.medical_service_involved"),
        ({"outcome": {"medical_service_involved": False, "needs_reduced": -1}}, "outcome.needs_reduced"),
        ({"outcome": {"medical_service_involved": False, "needs_reduced": True}}, "outcome.needs_reduced"),
        ({"date": "2026-10-11"}, "date"),  # before admission on 2026-10-12
        ({"justification": "x" * 100_000}, "justification"),
    ],
)
def test_close_invalid_is_400_and_nothing_changed(api_as, pap, fm, active_case, overrides, field):
    if overrides.get("handover_pap") == "fm":
        overrides["handover_pap"] = fm.pk
    before = snapshot(active_case)
    response = api_as(fm).post(url(active_case, "close"), close_body(pap, **overrides), format="json")
    assert response.status_code == 400, response.json()
    body = error(response)
    assert field in body["fields"], body
    assert snapshot(active_case) == before
    assert not OutcomeRecord.objects.exists()


def test_exit2_other_reason_with_justification_and_prefilled_outcome(api_as, pap, fm, active_case):
    body = close_body(
        pap, exit_reason="B99", justification="Ausgewandert", outcome={"medical_service_involved": False}
    )
    response = api_as(fm).post(url(active_case, "close"), body, format="json")
    assert response.status_code == 200 and response.json()["exit_reason"] == "B99"
    record = OutcomeRecord.objects.get()
    assert not record.is_integration and record.health_need  # prefilled: L_PSYCHE is a health need


def test_close_twice_is_409(api_as, pap, fm, active_case):
    assert api_as(fm).post(url(active_case, "close"), close_body(pap), format="json").status_code == 200
    response = api_as(fm).post(url(active_case, "close"), close_body(pap), format="json")
    assert response.status_code == 409 and error(response)["code"] == "transition_not_allowed"
    assert OutcomeRecord.objects.count() == 1

"""API contract of "Assessment, plan, agreement, services, contacts" (API.md), scope and bad input."""

import datetime
import io

import pytest
from pypdf import PdfReader

from plans import services
from plans.models import Agreement, AssessmentEntry, Contact, Goal, ServiceReferral
from tests.conftest import TODAY

D = datetime.date


def test_assessment_get_put_contract(api_as, fm, case):
    # DOMAIN PLAN-1
    body = {
        "areas": [
            {
                "life_area": "wohnen",
                "findings": "Mietschulden",
                "resources": "Hilfe der Schwester",
                "needs": [{"code": "R_WOHNEN", "priority": 1}],
            },
            {
                "life_area": "gesundheit",
                "findings": "Kein Heben über 10 kg",
                "needs": [{"code": "L_PSYCHE", "priority": 2}],
            },
        ]
    }
    resp = api_as(fm).put(f"/api/v1/cases/{case.pk}/assessment/", body, format="json")
    assert resp.status_code == 200, resp.json()
    data = resp.json()
    assert data["case"] == case.pk
    assert [a["life_area"] for a in data["areas"]] == [
        "arbeit_qualifikation",
        "wohnen",
        "familie_soziales",
        "gesundheit",
        "finanzen",
    ]
    wohnen = data["areas"][1]
    assert (wohnen["findings"], wohnen["resources"], wohnen["sensitive"]) == (
        "Mietschulden",
        "Hilfe der Schwester",
        False,
    )
    assert [(n["code"], n["priority"], n["status"]) for n in wohnen["needs"]] == [("R_WOHNEN", 1, "open")]
    assert data["areas"][3]["sensitive"] is True
    assert api_as(fm).get(f"/api/v1/cases/{case.pk}/assessment/").json() == data


def test_dp6_tl_reads_assessment_without_health_findings(api_as, fm, tl, case):
    # DOMAIN DP-6
    services.assessment_save(
        case=case,
        acting_user=fm,
        areas=[{"life_area": "gesundheit", "findings": "Kein Heben über 10 kg"}],
        today=TODAY,
    )
    resp = api_as(tl).get(f"/api/v1/cases/{case.pk}/assessment/")
    assert resp.status_code == 200
    assert "gesundheit" not in [a["life_area"] for a in resp.json()["areas"]]
    assert "Heben" not in resp.content.decode()
    assert "L_PSYCHE" not in resp.content.decode()


def test_dp1_pap_cannot_see_assessment_and_other_fm_gets_404(api_as, fm, pap, other_fm, tl, case):
    # DOMAIN DP-1 / DP-6
    case.referred_by = pap
    case.save(update_fields=["referred_by"])
    services.assessment_save(
        case=case, acting_user=fm, areas=[{"life_area": "wohnen", "findings": "Geheim"}], today=TODAY
    )
    resp = api_as(pap).get(f"/api/v1/cases/{case.pk}/assessment/")
    assert resp.status_code == 403 and "Geheim" not in resp.content.decode()
    assert resp.json()["error"]["code"] == "permission_denied"
    for path in ("assessment", "goals", "agreements", "services", "contacts"):
        resp = api_as(other_fm).get(f"/api/v1/cases/{case.pk}/{path}/")
        assert resp.status_code == 404, path
        assert resp.json()["error"]["code"] == "not_found"
    resp = api_as(tl).post(f"/api/v1/cases/{case.pk}/contacts/", {"kind": "phone"}, format="json")
    assert resp.status_code == 403
    assert not Contact.objects.exists()


def test_goals_contract_and_patch_status(api_as, fm, tl, case):
    # DOMAIN PLAN-2
    resp = api_as(fm).post(
        f"/api/v1/cases/{case.pk}/goals/",
        {"text": "Führerschein Klasse B", "target_date": "2027-05-31", "kind": "integration"},
        format="json",
    )
    assert resp.status_code == 201, resp.json()
    goal = resp.json()
    assert {k: goal[k] for k in ("text", "target_date", "kind", "status", "agreed_on")} == {
        "text": "Führerschein Klasse B",
        "target_date": "2027-05-31",
        "kind": "integration",
        "status": "open",
        "agreed_on": "2026-11-20",
    }
    resp = api_as(fm).patch(
        f"/api/v1/goals/{goal['id']}/", {"status": "achieved", "date": "2026-11-19"}, format="json"
    )
    assert resp.status_code == 400 and "date" in resp.json()["error"]["fields"]  # before the goal was agreed
    assert Goal.objects.get().status == "open"
    resp = api_as(fm).patch(f"/api/v1/goals/{goal['id']}/", {"status": "achieved"}, format="json")
    assert resp.status_code == 200
    assert resp.json()["history"] == [
        {"from_status": None, "to_status": "open", "changed_on": "2026-11-20"},
        {"from_status": "open", "to_status": "achieved", "changed_on": "2026-11-20"},
    ]
    listing = api_as(tl).get(f"/api/v1/cases/{case.pk}/goals/").json()
    assert listing["count"] == 1 and listing["results"][0]["id"] == goal["id"]
    assert (
        api_as(tl).patch(f"/api/v1/goals/{goal['id']}/", {"status": "dropped"}, format="json").status_code
        == 403
    )


@pytest.mark.parametrize(
    "body, field",
    [
        ({"text": "Ohne Datum"}, "target_date"),
        ({"text": "x", "target_date": "2027-02-30"}, "target_date"),
        ({"text": "x", "target_date": "31.12.2027"}, "target_date"),
        ({"text": "x", "target_date": "2027-01-01", "kind": "sanktion"}, "kind"),
        ({"text": "", "target_date": "2027-01-01"}, "text"),
        ({"text": "x" * 10001, "target_date": "2027-01-01"}, "text"),
        ({"text": "x", "target_date": "9999-12-31"}, "target_date"),
        ({"text": "x", "target_date": "2027-01-01", "agreed_on": "2027-01-01"}, "agreed_on"),
    ],
)
def test_goal_bad_input_400(api_as, fm, case, body, field):
    # DOMAIN PLAN-2: goals without target date etc. → 400 with German messages
    resp = api_as(fm).post(f"/api/v1/cases/{case.pk}/goals/", body, format="json")
    assert resp.status_code == 400, resp.content
    assert field in resp.json()["error"]["fields"]
    assert not Goal.objects.exists()


def test_malformed_json_and_list_body_400(api_as, fm, case):
    resp = api_as(fm).generic(
        "POST", f"/api/v1/cases/{case.pk}/goals/", "{nope", content_type="application/json"
    )
    assert resp.status_code == 400
    resp = api_as(fm).post(f"/api/v1/cases/{case.pk}/contacts/", [1, 2], format="json")
    assert resp.status_code == 400 and resp.json()["error"]["message"] == "Erwartet wird ein JSON-Objekt."
    resp = api_as(fm).put(
        f"/api/v1/cases/{case.pk}/assessment/", {"areas": [{"life_area": "mond"}]}, format="json"
    )
    assert resp.status_code == 400
    resp = api_as(fm).put(
        f"/api/v1/cases/{case.pk}/assessment/",
        {"areas": [{"life_area": "wohnen", "needs": [{"code": "XX"}]}]},
        format="json",
    )
    assert resp.status_code == 400 and "XX" in resp.json()["error"]["message"]
    assert not AssessmentEntry.objects.exists()


def test_agreement_contract_pdf_and_waiver(api_as, fm, tl, case):
    # DOMAIN PLAN-3
    body = {
        "concluded_on": "2026-11-02",
        "client_commitments": "Ich nehme an der Schuldnerberatung teil.",
        "jobcenter_commitments": "Das Jobcenter übernimmt die Fahrtkosten.",
    }
    resp = api_as(fm).post(f"/api/v1/cases/{case.pk}/agreements/", body, format="json")
    assert resp.status_code == 201, resp.json()
    a = resp.json()
    assert (a["title"], a["review_due_on"], a["is_current"], a["waived"]) == (
        "Kooperationsplan (§ 15 SGB II)",
        "2027-05-02",
        True,
        False,
    )
    pdf = api_as(tl).get(f"/api/v1/agreements/{a['id']}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Kooperationsplan (§ 15 SGB II)" in text
    assert "Maria Musterfrau" in text
    assert "Ich nehme an der Schuldnerberatung teil." in text
    assert "Jobcenter Region Musterstadt" in text
    # MIT-7: a non-binding plan handed over in text form, no signature lines.
    assert "Unterschrift" not in text
    assert "in Textform" in text and "kein Vertrag" in text
    assert "02.11.2026" in text and "Grundsicherungsgeld" in text
    assert "02.05.2027" in text
    listing = api_as(tl).get(f"/api/v1/cases/{case.pk}/agreements/").json()
    assert [r["id"] for r in listing["results"]] == [a["id"]]


def test_agreement_pdf_accept_header_and_scope(api_as, fm, other_fm, case):
    a = services.agreement_conclude(
        case=case,
        acting_user=fm,
        concluded_on=TODAY,
        client_commitments="c",
        jobcenter_commitments="j",
        today=TODAY,
    )
    resp = api_as(fm).get(f"/api/v1/agreements/{a.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert resp.status_code == 200 and resp.content.startswith(b"%PDF")
    resp = api_as(other_fm).get(f"/api/v1/agreements/{a.pk}/pdf/")
    assert resp.status_code == 404
    assert api_as(fm).get("/api/v1/agreements/abc/pdf/").status_code == 404


def test_agreement_bad_input_and_closed_case(api_as, fm, case, closed_case):
    # DOMAIN PLAN-3: agreements for closed cases → 400
    body = {"concluded_on": "2026-09-01", "client_commitments": "c", "jobcenter_commitments": "j"}
    resp = api_as(fm).post(f"/api/v1/cases/{closed_case.pk}/agreements/", body, format="json")
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "case_not_active"
    resp = api_as(fm).post(
        f"/api/v1/cases/{case.pk}/agreements/", {**body, "concluded_on": "2026-12-01"}, format="json"
    )
    assert resp.status_code == 400 and "concluded_on" in resp.json()["error"]["fields"]
    resp = api_as(fm).post(
        f"/api/v1/cases/{case.pk}/agreements/", {"waived": True, "justification": "kurz"}, format="json"
    )
    assert resp.status_code == 400 and resp.json()["error"]["fields"] == {
        "justification": ["Mindestens 30 Zeichen."]
    }
    resp = api_as(fm).post(f"/api/v1/cases/{case.pk}/agreements/", {"waived": "vielleicht"}, format="json")
    assert resp.status_code == 400
    assert not Agreement.objects.exists()
    resp = api_as(fm).post(
        f"/api/v1/cases/{case.pk}/agreements/",
        {
            "waived": True,
            "justification": "Die Kundin befindet sich in einer akuten Krise (Wohnungsverlust).",
        },
        format="json",
    )
    assert resp.status_code == 201 and resp.json()["waived"] is True and resp.json()["pdf"] is None


def test_services_contract_consent_and_patch(api_as, fm, case, debt_partner, foreign_partner):
    # DOMAIN PLAN-4, DP-6
    url = f"/api/v1/cases/{case.pk}/services/"
    resp = api_as(fm).post(url, {"partner": debt_partner.pk, "kind": "flanking"}, format="json")
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "consent_required"
    resp = api_as(fm).post(
        url, {"partner": foreign_partner.pk, "kind": "flanking", "legal_basis": "§ 16a"}, format="json"
    )
    assert resp.status_code == 400 and resp.json()["error"]["fields"] == {"partner": ["Unbekannter Partner."]}
    resp = api_as(fm).post(url, {"partner": 999999, "kind": "flanking"}, format="json")
    assert resp.status_code == 400
    assert not ServiceReferral.objects.exists()
    resp = api_as(fm).post(
        url, {"partner": debt_partner.pk, "kind": "flanking", "consent_given_on": "2026-11-19"}, format="json"
    )
    assert resp.status_code == 201, resp.json()
    s = resp.json()
    assert {
        k: s[k]
        for k in (
            "partner",
            "kind",
            "status",
            "title",
            "follow_up_on",
            "consent_given_on",
            "follow_up_overdue",
        )
    } == {
        "partner": debt_partner.pk,
        "kind": "flanking",
        "status": "proposed",
        "title": "Schuldnerberatung Diakonie",
        "follow_up_on": "2026-12-18",
        "consent_given_on": "2026-11-19",
        "follow_up_overdue": False,
    }
    resp = api_as(fm).patch(
        f"/api/v1/services/{s['id']}/",
        {"status": "started", "outcome": "Erstgespräch am 25.11."},
        format="json",
    )
    assert resp.status_code == 200 and resp.json()["status"] == "started"
    resp = api_as(fm).patch(f"/api/v1/services/{s['id']}/", {"status": "proposed"}, format="json")
    assert resp.status_code == 400 and resp.json()["error"]["code"] == "transition_not_allowed"
    resp = api_as(fm).post(
        f"/api/v1/cases/{case.pk}/consents/{s['consent']}/revoke/", {"date": "2026-11-20"}, format="json"
    )
    assert resp.status_code == 200 and resp.json()["revoked_on"] == "2026-11-20"
    listing = api_as(fm).get(url).json()
    assert [(r["id"], r["status"]) for r in listing["results"]] == [(s["id"], "revoked")]


def test_contacts_contract_and_days_since(api_as, fm, tl, case):
    # DOMAIN PLAN-5
    url = f"/api/v1/cases/{case.pk}/contacts/"
    resp = api_as(fm).post(
        url, {"kind": "home_visit", "date": "2026-10-20", "note": "Wohnung besichtigt"}, format="json"
    )
    assert resp.status_code == 201
    assert {k: resp.json()[k] for k in ("date", "kind", "note")} == {
        "date": "2026-10-20",
        "kind": "home_visit",
        "note": "Wohnung besichtigt",
    }
    data = api_as(tl).get(url).json()
    assert (data["count"], data["last_contact_on"], data["days_since_last_contact"], data["contact_gap"]) == (
        1,
        "2026-10-20",
        31,
        True,
    )
    assert api_as(fm).post(url, {"kind": "brief"}, format="json").status_code == 400
    resp = api_as(fm).post(url, {"kind": "phone", "date": "2026-11-21"}, format="json")
    assert resp.status_code == 400 and resp.json()["error"]["fields"] == {
        "date": ["Das Datum liegt in der Zukunft."]
    }
    resp = api_as(fm).post(url, {"kind": "phone"}, format="json")
    assert resp.status_code == 201 and resp.json()["date"] == "2026-11-20"
    data = api_as(fm).get(url).json()
    assert (data["days_since_last_contact"], data["contact_gap"]) == (0, False)


def test_plan6_needs_resolve_endpoint(api_as, fm, case):
    # DOMAIN PLAN-6
    url = f"/api/v1/cases/{case.pk}/needs/R_WOHNEN/resolve/"
    resp = api_as(fm).post(url, {"status": "reduced", "date": "2026-10-01"}, format="json")
    assert resp.status_code == 200
    assert (resp.json()["status"], resp.json()["status_changed_on"]) == ("reduced", "2026-10-01")
    assert api_as(fm).post(url, {"status": "erledigt"}, format="json").status_code == 400
    resp = api_as(fm).post(
        f"/api/v1/cases/{case.pk}/needs/NOPE/resolve/", {"status": "resolved"}, format="json"
    )
    assert resp.status_code == 400 and resp.json()["error"]["fields"] == {"code": ["Unbekannter Code."]}
    resp = api_as(fm).post(
        f"/api/v1/cases/{case.pk}/needs/Q_BERUF/resolve/", {"status": "resolved"}, format="json"
    )
    assert resp.status_code == 400
    resp = api_as(fm).post(url, {"status": "resolved", "date": "2026-09-30"}, format="json")
    assert resp.status_code == 400  # before the last change
    assert api_as(fm).post(url, {"status": "resolved"}, format="json").json()["status"] == "resolved"


def test_unauthenticated_401(api, case):
    assert api.get(f"/api/v1/cases/{case.pk}/goals/").status_code == 401

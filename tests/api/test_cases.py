"""API.md "Cases": referral (ACC, READ), import, list and detail in scope (DP-1)."""

import datetime

import pytest

from audit.models import AccessLog
from cases.models import Case, CaseEvent, Client
from reviews.selectors import case_review_status
from tests.api.conftest import REFERRED_ON, TALK_ON, active, clearing, closed, error, refer
from tests.conftest import ACCESS_NEEDS, TODAY, give_needs
from tests.factories import ClientFactory, SiteFactory

CASE_FIELDS = {
    "id",
    "client",
    "fallmanager",
    "state",
    "referred_on",
    "clearing_started_on",
    "clearing_due_on",
    "admitted_on",
    "closed_on",
    "months_in_case_management",
    "next_review_due_on",
    "continuation",
}


def _referral(client_obj, fm, **overrides):
    client = client_obj
    payload = {
        "client": client.pk,
        "fallmanager": fm.pk,
        "reasons": "Drohender Wohnungsverlust, Schulden",
        "expected_progress": "Wohnung sichern, Schuldnerberatung, dann Qualifizierung",
        "handover_talk_on": "2026-11-16",
        "individual_decision": None,
    }
    payload.update(overrides)
    return payload


def test_pap_refers_eligible_client(api_as, pap, fm, client_eligible):
    # DOMAIN ACC-1 (3 needs in Leistungsfähigkeit/Rahmenbedingungen, no integration within 12 months,
    # expectation stated) and ACC-3 (handover talk before the referral).
    response = api_as(pap).post("/api/v1/cases/", _referral(client_eligible, fm), format="json")
    assert response.status_code == 201
    case = Case.objects.get(client=client_eligible)
    body = response.json()
    assert set(body) >= CASE_FIELDS
    assert {k: body[k] for k in CASE_FIELDS} == {
        "id": case.pk,
        "client": client_eligible.pk,
        "fallmanager": fm.pk,
        "state": "referred",
        "referred_on": "2026-11-20",
        "clearing_started_on": None,
        "clearing_due_on": None,
        "admitted_on": None,
        "closed_on": None,
        "months_in_case_management": None,
        "next_review_due_on": None,
        "continuation": None,
    }
    assert (
        body["version"] == 1 and body["referred_by"] == pap.pk and body["client_name"] == "Maria Musterfrau"
    )
    assert body["allowed_transitions"] == []  # the pAp fires nothing on a referred case
    assert (
        case.referred_by == pap
        and case.meets_formal_access
        and case.handover_talk_on == datetime.date(2026, 11, 16)
    )
    assert case.handover_kind == "personal"
    assert list(case.events.values_list("name", flat=True)) == ["refer"]


def test_fm_sees_start_clearing_as_allowed(api_as, pap, fm, referred_case):
    body = api_as(fm).get(f"/api/v1/cases/{referred_case.pk}/").json()
    assert body["allowed_transitions"] == ["start_clearing"]


def test_referral_with_past_date_and_joint_talk(api_as, pap, fm, client_eligible):
    response = api_as(pap).post(
        "/api/v1/cases/",
        _referral(client_eligible, fm, referred_on="2026-11-17", handover_kind="joint"),
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["referred_on"] == "2026-11-17"
    assert Case.objects.get().handover_kind == "joint"


def test_acc1_not_met_is_400_access_criteria_not_met(api_as, pap, fm, site):
    # DOMAIN ACC-1: only two needs in the access key groups (and one elsewhere) → refused.
    weak = ClientFactory(site=site)
    give_needs(weak, ["L_PSYCHE", "R_WOHNEN", "Q_BERUF"])
    response = api_as(pap).post("/api/v1/cases/", _referral(weak, fm), format="json")
    assert response.status_code == 400
    body = error(response)
    assert body["code"] == "access_criteria_not_met"
    assert "individual_decision" in body["fields"]
    assert not Case.objects.exists()


def test_acc1_forecast_integration_within_12_months_is_refused(api_as, pap, fm, client_eligible):
    # DOMAIN ACC-1: profiling forecasts integration within 12 months.
    Client.objects.filter(pk=client_eligible.pk).update(integration_expected_within_12_months=True)
    response = api_as(pap).post("/api/v1/cases/", _referral(client_eligible, fm), format="json")
    assert response.status_code == 400 and error(response)["code"] == "access_criteria_not_met"
    assert not Case.objects.exists()


def test_acc1_expectation_of_progress_is_required(api_as, pap, fm, client_eligible):
    # DOMAIN ACC-1: the pAp's expectation of progress is required free text.
    response = api_as(pap).post(
        "/api/v1/cases/", _referral(client_eligible, fm, expected_progress="  "), format="json"
    )
    assert response.status_code == 400
    assert list(error(response)["fields"]) == ["expected_progress"]
    assert not Case.objects.exists()


def test_acc2_individual_decision_admits_referral_without_formal_access(api_as, pap, fm, site, tl):
    # DOMAIN ACC-2: reason and date of the TL consultation.
    weak = ClientFactory(site=site)
    decision = {
        "reason": "Akute Wohnungslosigkeit überlagert alles",
        "teamleitung_consulted_on": "2026-11-18",
    }
    response = api_as(pap).post(
        "/api/v1/cases/", _referral(weak, fm, individual_decision=decision), format="json"
    )
    assert response.status_code == 201
    case = Case.objects.get(client=weak)
    assert not case.meets_formal_access
    assert case.individual_decision_reason == decision["reason"]
    assert case.teamleitung_consulted_on == datetime.date(2026, 11, 18)


@pytest.mark.parametrize(
    ("decision", "code", "field"),
    [
        ({"reason": "Akut"}, "access_criteria_not_met", "individual_decision.teamleitung_consulted_on"),
        ({"teamleitung_consulted_on": "2026-11-18"}, "access_criteria_not_met", "individual_decision.reason"),
        (
            {"reason": "Akut", "teamleitung_consulted_on": "2026-12-18"},
            "access_criteria_not_met",
            "individual_decision.teamleitung_consulted_on",
        ),
        (
            {"reason": "Akut", "teamleitung_consulted_on": "18.11.2026"},
            "invalid",
            "individual_decision.teamleitung_consulted_on",
        ),
        (
            {"reason": "x" * 100_000, "teamleitung_consulted_on": "2026-11-18"},
            "invalid",
            "individual_decision.reason",
        ),
        ("Akut", "invalid", "individual_decision.non_field_errors"),
        (["Akut"], "invalid", "individual_decision.non_field_errors"),
    ],
)
def test_acc2_incomplete_individual_decision_is_refused(api_as, pap, fm, site, decision, code, field):
    # DOMAIN ACC-2: without both reason and TL consultation date the referral is refused.
    weak = ClientFactory(site=site)
    response = api_as(pap).post(
        "/api/v1/cases/", _referral(weak, fm, individual_decision=decision), format="json"
    )
    assert response.status_code == 400
    body = error(response)
    assert body["code"] == code
    assert field in body["fields"], body
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"handover_talk_on": None}, "handover_talk_on"),  # DOMAIN ACC-3: talk date required
        ({"reasons": ""}, "reasons"),  # DOMAIN ACC-3: reasons required
        ({"handover_talk_on": "2026-11-21"}, "handover_talk_on"),  # future
        ({"referred_on": "2026-11-21"}, "referred_on"),  # future
        ({"referred_on": "2026-11-15"}, "referred_on"),  # before the handover talk (ACC-3)
        ({"referred_on": "2026/11/17"}, "referred_on"),
        ({"handover_kind": "email"}, "handover_kind"),
        ({"fallmanager": 999999}, "fallmanager"),
        ({"fallmanager": "abc"}, "fallmanager"),
        ({"client": [1]}, "client"),
        ({"needs": ["NOPE"]}, "needs"),
        ({"reasons": "x" * 100_000}, "reasons"),
        ({"individual_decision": 5}, "individual_decision.non_field_errors"),
    ],
)
def test_invalid_referral_is_400_and_nothing_created(api_as, pap, fm, client_eligible, overrides, field):
    response = api_as(pap).post("/api/v1/cases/", _referral(client_eligible, fm, **overrides), format="json")
    assert response.status_code == 400
    body = error(response)
    assert body["code"] == "invalid"
    assert field in body["fields"], body
    assert not Case.objects.exists() and not CaseEvent.objects.exists()


def test_referral_to_a_non_fm_is_400(api_as, pap, tl, client_eligible):
    response = api_as(pap).post("/api/v1/cases/", _referral(client_eligible, tl), format="json")
    assert response.status_code == 400 and "fallmanager" in error(response)["fields"]


def test_referral_of_client_outside_pap_scope_is_400_unknown_client(api_as, pap, fm, area):
    other = ClientFactory(site=SiteFactory(area=area))
    give_needs(other, ACCESS_NEEDS)
    response = api_as(pap).post("/api/v1/cases/", _referral(other, fm), format="json")
    assert response.status_code == 400
    assert error(response)["fields"] == {"client": ["Unbekannte Kund*in."]}
    assert not Case.objects.exists()


def test_referral_with_needs_sets_them_first(api_as, pap, fm, site):
    fresh = ClientFactory(site=site)
    response = api_as(pap).post(
        "/api/v1/cases/", _referral(fresh, fm, needs=["L_SUCHT", "R_RECHT", "R_MOBILITAET"]), format="json"
    )
    assert response.status_code == 201
    assert sorted(fresh.needs.values_list("need__code", flat=True)) == ["L_SUCHT", "R_MOBILITAET", "R_RECHT"]


@pytest.mark.parametrize("persona", ["fm", "tl", "bl", "admin_user"])
def test_only_pap_refers(api_as, request, persona, fm, client_eligible):
    response = api_as(request.getfixturevalue(persona)).post(
        "/api/v1/cases/", _referral(client_eligible, fm), format="json"
    )
    assert response.status_code == 403
    assert not Case.objects.exists()


def test_controlling_cannot_refer_or_read_cases(api_as, controlling, fm, active_case):
    user = api_as(controlling)
    assert user.post("/api/v1/cases/", _referral(active_case.client, fm), format="json").status_code == 403
    assert user.get("/api/v1/cases/").status_code == 403
    assert user.get(f"/api/v1/cases/{active_case.pk}/").status_code == 403


def test_acc5_open_case_exists_is_409(api_as, pap, fm, fm2, client_eligible):
    # DOMAIN ACC-5: at most one open episode per client.
    refer(pap, fm, client_eligible)
    response = api_as(pap).post("/api/v1/cases/", _referral(client_eligible, fm2), format="json")
    assert response.status_code == 409
    assert error(response)["code"] == "open_case_exists"
    assert Case.objects.count() == 1


def test_read1_readmission_blocked_within_6_months(api_as, pap, fm, client_eligible):
    # DOMAIN READ-1: closed 2026-11-02 → a new referral at the earliest 2027-05-02.
    closed(pap, fm, client_eligible, exit_reason_code="B08")
    response = api_as(pap).post("/api/v1/cases/", _referral(client_eligible, fm), format="json")
    assert response.status_code == 409
    body = error(response)
    assert body["code"] == "readmission_blocked"
    assert "02.05.2027" in body["message"]
    assert "Handlungsleitlinie IV.4" in body["message"]
    assert Case.objects.count() == 1


def test_read2_work_taken_up_allows_earlier_readmission(api_as, pap, fm, client_eligible):
    # DOMAIN READ-2: work taken up after the exit → earlier referral possible.
    closed(pap, fm, client_eligible, exit_reason_code="B08")
    patch = api_as(pap).patch(
        f"/api/v1/clients/{client_eligible.pk}/", {"work_taken_up_on": "2026-11-10"}, format="json"
    )
    assert patch.status_code == 200
    response = api_as(pap).post("/api/v1/cases/", _referral(client_eligible, fm), format="json")
    assert response.status_code == 201
    assert Case.objects.filter(client=client_eligible).count() == 2


def test_read2_employment_exit_counts_as_work_uptake(api_as, pap, fm, client_eligible):
    # DOMAIN READ-2: an exit for employment (B01, is_employment) is a work uptake on the exit date.
    closed(pap, fm, client_eligible, exit_reason_code="B01")
    response = api_as(pap).post("/api/v1/cases/", _referral(client_eligible, fm), format="json")
    assert response.status_code == 201


def test_read2_individual_decision_does_not_shorten_the_lock(api_as, pap, fm, client_eligible, tl):
    # DOMAIN READ-2: an individual decision (ACC-2) does not shorten the readmission lock.
    closed(pap, fm, client_eligible, exit_reason_code="B08")
    decision = {"reason": "Erneute akute Krise", "teamleitung_consulted_on": "2026-11-19"}
    response = api_as(pap).post(
        "/api/v1/cases/", _referral(client_eligible, fm, individual_decision=decision), format="json"
    )
    assert response.status_code == 409
    assert error(response)["code"] == "readmission_blocked"
    assert Case.objects.filter(client=client_eligible).count() == 1


# --- list and detail (DP-1) -----------------------------------------------------------------------


@pytest.fixture
def two_teams_cases(pap, fm, other_fm, site):
    mine = ClientFactory(site=site)
    give_needs(mine, ACCESS_NEEDS)
    theirs = ClientFactory(site=site)
    give_needs(theirs, ACCESS_NEEDS)
    return active(pap, fm, mine), clearing(pap, other_fm, theirs)


@pytest.mark.parametrize(
    ("persona", "visible"),
    [
        ("fm", ["mine"]),
        ("fm2", []),
        ("other_fm", ["theirs"]),
        ("tl", ["mine"]),
        ("other_tl", ["theirs"]),
        ("bl", ["mine", "theirs"]),
        ("pap", ["mine", "theirs"]),
        ("pap2", []),
    ],
)
def test_case_list_and_detail_are_scoped(api_as, request, two_teams_cases, persona, visible):
    cases = dict(zip(["mine", "theirs"], two_teams_cases, strict=True))
    user = api_as(request.getfixturevalue(persona))
    body = user.get("/api/v1/cases/").json()
    assert sorted(r["id"] for r in body["results"]) == sorted(cases[v].pk for v in visible)
    assert body["count"] == len(visible)
    for name, case in cases.items():
        response = user.get(f"/api/v1/cases/{case.pk}/")
        if name in visible:
            assert response.status_code == 200
        else:
            assert response.status_code == 404  # never reveal another FM's case
            assert error(response)["code"] == "not_found"
            assert case.client.last_name not in response.content.decode()


def test_case_detail_of_active_case(api_as, fm, active_case):
    body = api_as(fm).get(f"/api/v1/cases/{active_case.pk}/").json()
    due, continuation = case_review_status(case=active_case, today=TODAY)
    assert {k: body[k] for k in CASE_FIELDS} == {
        "id": active_case.pk,
        "client": active_case.client_id,
        "fallmanager": fm.pk,
        "state": "active",
        "referred_on": REFERRED_ON.isoformat(),
        "clearing_started_on": "2026-10-05",
        "clearing_due_on": "2026-12-05",
        "admitted_on": "2026-10-12",
        "closed_on": None,
        "months_in_case_management": 1,
        "next_review_due_on": due.isoformat(),
        "continuation": continuation,
    }
    assert body["version"] == 3
    assert body["allowed_transitions"] == ["close"]
    assert TALK_ON.isoformat() == body["handover_talk_on"]


def test_state_filter(api_as, tl, two_teams_cases, bl):
    user = api_as(bl)
    assert [r["state"] for r in user.get("/api/v1/cases/?state=active").json()["results"]] == ["active"]
    assert [r["state"] for r in user.get("/api/v1/cases/?state=clearing").json()["results"]] == ["clearing"]
    assert user.get("/api/v1/cases/?state=closed").json()["count"] == 0


@pytest.mark.parametrize("query", ["state=bogus", "state=", "state=ACTIVE", "page_size=1000"])
def test_bad_list_query_is_400(api_as, fm, query):
    response = api_as(fm).get(f"/api/v1/cases/?{query}")
    assert response.status_code == 400
    assert error(response)["code"] == "invalid"


def test_case_list_has_constant_queries(api_as, pap, fm, tl, site, django_assert_num_queries):
    QUERIES = {"fallmanager": 6, "teamleitung": 6, "pap": 4}  # noqa: N806

    def make():
        c = ClientFactory(site=site)
        give_needs(c, ACCESS_NEEDS)
        active(pap, fm, c)

    make()
    for user in (fm, tl, pap):
        # scope id lists (substitutions/led teams, explicit grants; index-backed plans) + count + page
        # + the page's reviews (reviews.with_review_status) + one INSERT into the access log (DP-2)
        with django_assert_num_queries(QUERIES[user.role]):
            assert api_as(user).get("/api/v1/cases/").json()["count"] == 1
    for _ in range(9):
        make()
    for user in (fm, tl, pap):
        with django_assert_num_queries(QUERIES[user.role]):
            body = api_as(user).get("/api/v1/cases/").json()
        assert body["count"] == 10 and all(r["client_name"] for r in body["results"])


def test_case_detail_has_constant_queries(api_as, fm, active_case, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        assert api_as(fm).get(f"/api/v1/cases/{active_case.pk}/").status_code == 200


# --- import ---------------------------------------------------------------------------------------


def test_admin_imports_running_case(api_as, admin_user, fm, client_eligible):
    response = api_as(admin_user).post(
        "/api/v1/cases/import/",
        {"client": client_eligible.pk, "fallmanager": fm.pk, "admitted_on": "2025-05-20"},
        format="json",
    )
    assert response.status_code == 201
    case = Case.objects.get(client=client_eligible)
    body = response.json()
    due, continuation = case_review_status(case=case, today=TODAY)
    assert {k: body[k] for k in CASE_FIELDS} == {
        "id": case.pk,
        "client": client_eligible.pk,
        "fallmanager": fm.pk,
        "state": "active",
        "referred_on": "2025-05-20",
        "clearing_started_on": None,
        "clearing_due_on": None,
        "admitted_on": "2025-05-20",
        "closed_on": None,
        "months_in_case_management": 18,
        "next_review_due_on": due.isoformat() if due else None,
        "continuation": continuation,
    }
    assert case.imported and body["imported"] is True
    # The FM now sees it, and it counts (CAP-1).
    assert api_as(fm).get(f"/api/v1/staff/{fm.pk}/caseload/").json()["counted"] == 1


@pytest.mark.parametrize("persona", ["fm", "pap", "tl", "controlling"])
def test_import_is_admin_only(api_as, request, persona, fm, client_eligible):
    response = api_as(request.getfixturevalue(persona)).post(
        "/api/v1/cases/import/",
        {"client": client_eligible.pk, "fallmanager": fm.pk, "admitted_on": "2025-05-20"},
        format="json",
    )
    assert response.status_code == 403
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("payload", "status", "code", "field"),
    [
        ({"admitted_on": "2026-12-01"}, 400, "invalid", "admitted_on"),
        ({"admitted_on": "20.05.2025"}, 400, "invalid", "admitted_on"),
        ({"admitted_on": None}, 400, "invalid", "admitted_on"),
        ({"client": 999999}, 400, "invalid", "client"),
        ({"fallmanager": 999999}, 400, "invalid", "fallmanager"),
        ({"fallmanager": "pap"}, 400, "invalid", "fallmanager"),
    ],
)
def test_import_invalid(api_as, admin_user, fm, pap, client_eligible, payload, status, code, field):
    body = {"client": client_eligible.pk, "fallmanager": fm.pk, "admitted_on": "2025-05-20"}
    body.update(payload)
    if body["fallmanager"] == "pap":
        body["fallmanager"] = pap.pk
    response = api_as(admin_user).post("/api/v1/cases/import/", body, format="json")
    assert response.status_code == status
    err = error(response)
    assert err["code"] == code and field in err["fields"]
    assert not Case.objects.exists()


def test_import_with_open_case_is_409(api_as, admin_user, pap, fm, client_eligible):
    # DOMAIN ACC-5
    refer(pap, fm, client_eligible)
    response = api_as(admin_user).post(
        "/api/v1/cases/import/",
        {"client": client_eligible.pk, "fallmanager": fm.pk, "admitted_on": "2025-05-20"},
        format="json",
    )
    assert response.status_code == 409 and error(response)["code"] == "open_case_exists"
    assert Case.objects.count() == 1


def test_dp2_case_reads_are_logged(api_as, fm, tl, active_case):
    api_as(fm).get(f"/api/v1/cases/{active_case.pk}/")
    api_as(tl).get("/api/v1/cases/")
    rows = list(
        AccessLog.objects.order_by("pk").values_list(
            "username", "action", "object_id", "client_id", "capacity"
        )
    )
    assert rows == [
        ("fm.berger", "case.view", active_case.pk, active_case.client_id, "own_case"),
        ("tl.schmidt", "case.list", active_case.pk, active_case.client_id, "teamleitung"),
    ]


def test_refused_read_is_not_logged_as_a_read(api_as, other_fm, active_case):
    assert api_as(other_fm).get(f"/api/v1/cases/{active_case.pk}/").status_code == 404
    assert not AccessLog.objects.exists()

"""Rules of the plans app at the service layer (DOMAIN PLAN-1..6, DP-6)."""

import datetime

import pytest

from cases.choices import NeedStatus
from cases.models import ClientNeed
from fallmanagement.errors import InvalidInput, NotPermitted
from plans import selectors, services
from plans.choices import GoalKind, GoalStatus, ServiceKind, ServiceStatus
from plans.models import Agreement, AgreementTitle, AssessmentEntry, Consent, Contact, Goal, ServiceReferral
from tests.conftest import TODAY
from tests.factories import CaseFactory

D = datetime.date


# --- PLAN-1 assessment ------------------------------------------------------------------------------


def test_plan1_assessment_covers_five_life_areas_with_needs_by_priority(case, fm):
    # DOMAIN PLAN-1
    services.assessment_save(
        case=case,
        acting_user=fm,
        areas=[
            {
                "life_area": "wohnen",
                "findings": "Räumungsklage droht",
                "resources": "Unterstützung durch Schwester",
                "needs": [{"code": "R_WOHNEN", "priority": 1}],
            },
            {
                "life_area": "finanzen",
                "findings": "Schulden ca. 8.000 €",
                "needs": [{"code": "R_FINANZEN", "priority": 2}],
            },
            {
                "life_area": "arbeit_qualifikation",
                "resources": "Staplerschein",
                "needs": [{"code": "Q_BERUF", "priority": 3}],
            },
        ],
        today=TODAY,
    )
    areas = selectors.assessment_for(case, fm)
    assert [a.life_area for a in areas] == [
        "arbeit_qualifikation",
        "wohnen",
        "familie_soziales",
        "gesundheit",
        "finanzen",
    ]
    wohnen = next(a for a in areas if a.life_area == "wohnen")
    assert (wohnen.findings, wohnen.resources) == ("Räumungsklage droht", "Unterstützung durch Schwester")
    assert [(cn.need.code, cn.priority) for cn in wohnen.needs] == [("R_WOHNEN", 1)]
    # the new need is recorded with today's date; the existing ones keep theirs
    q_beruf = ClientNeed.objects.get(client=case.client, need__code="Q_BERUF")
    assert (q_beruf.identified_on, q_beruf.priority, q_beruf.status) == (TODAY, 3, NeedStatus.OPEN)
    assert ClientNeed.objects.get(client=case.client, need__code="R_WOHNEN").identified_on == D(2025, 12, 1)


def test_plan1_need_in_wrong_life_area_and_unknown_code_refused(case, fm):
    # DOMAIN PLAN-1: needs come from the catalogue and belong to their life area
    before = ClientNeed.objects.filter(client=case.client).count()
    with pytest.raises(InvalidInput) as exc:
        services.assessment_save(
            case=case,
            acting_user=fm,
            areas=[{"life_area": "wohnen", "needs": [{"code": "NOPE"}]}],
            today=TODAY,
        )
    assert exc.value.message == "Unbekannte Handlungsbedarfe: NOPE"
    with pytest.raises(InvalidInput) as exc:
        services.assessment_save(
            case=case,
            acting_user=fm,
            areas=[{"life_area": "wohnen", "findings": "x", "needs": [{"code": "Q_BERUF"}]}],
            today=TODAY,
        )
    assert "Q_BERUF" in exc.value.message
    assert ClientNeed.objects.filter(client=case.client).count() == before
    assert not AssessmentEntry.objects.exists()


def test_dp6_health_findings_refuse_diagnoses(case, fm):
    # DOMAIN DP-6: work-relevant limitations, never diagnoses
    with pytest.raises(InvalidInput) as exc:
        services.assessment_save(
            case=case,
            acting_user=fm,
            areas=[{"life_area": "gesundheit", "findings": "Depression F32.1"}],
            today=TODAY,
        )
    assert "keine Diagnosen" in exc.value.message
    assert not AssessmentEntry.objects.exists()
    services.assessment_save(
        case=case,
        acting_user=fm,
        areas=[{"life_area": "gesundheit", "findings": "Kein Heben über 10 kg"}],
        today=TODAY,
    )
    assert AssessmentEntry.objects.get(case=case, life_area="gesundheit").findings == "Kein Heben über 10 kg"


def test_dp6_health_area_hidden_from_tl_visible_to_substitute(case, fm, fm2, tl):
    # DOMAIN DP-6: sensitive health findings only for the case's FM and her substitute
    from org.models import Substitution

    services.assessment_save(
        case=case,
        acting_user=fm,
        areas=[
            {"life_area": "gesundheit", "findings": "Kein Heben über 10 kg"},
            {"life_area": "wohnen", "findings": "Wohnung ok"},
        ],
        today=TODAY,
    )
    tl_areas = selectors.assessment_for(case, tl)
    assert [a.life_area for a in tl_areas] == [
        "arbeit_qualifikation",
        "wohnen",
        "familie_soziales",
        "finanzen",
    ]
    rows, hidden = selectors.needs_progress(case, tl)
    assert hidden == 1  # L_PSYCHE
    assert sorted(r.client_need.need.code for r in rows) == ["R_FINANZEN", "R_WOHNEN"]
    assert "gesundheit" not in [a.life_area for a in selectors.assessment_for(case, fm2)]
    today = datetime.date.today()
    Substitution.objects.create(absent=fm, substitute=fm2, starts_on=today, ends_on=today, set_by=tl)
    assert "gesundheit" in [a.life_area for a in selectors.assessment_for(case, fm2)]


def test_plan_writes_only_by_case_fm(case, fm2, tl):
    # DOMAIN PLAN-1 / DP-1: the TL reads, the case's FM writes
    for user in (fm2, tl):
        with pytest.raises(NotPermitted):
            services.contact_create(case=case, acting_user=user, kind="phone", today=TODAY)
    assert not Contact.objects.exists()


# --- PLAN-2 goals -----------------------------------------------------------------------------------


def test_plan2_goal_needs_target_date_and_records_status_history(case, fm):
    # DOMAIN PLAN-2
    with pytest.raises(InvalidInput) as exc:
        services.goal_create(
            case=case, acting_user=fm, text="Schulden regulieren", target_date=None, today=TODAY
        )
    assert exc.value.fields == {"target_date": ["Bitte ein Zieldatum angeben."]}
    assert not Goal.objects.exists()
    goal = services.goal_create(
        case=case,
        acting_user=fm,
        text="Teilnahme am Sportverein",
        target_date=D(2027, 3, 1),
        kind=GoalKind.SOCIAL_PARTICIPATION,
        today=TODAY,
    )
    assert (goal.agreed_on, goal.status, goal.kind) == (TODAY, GoalStatus.OPEN, "social_participation")
    services.goal_update(
        goal=goal, acting_user=fm, status=GoalStatus.PARTLY, on=D(2026, 12, 1), today=D(2026, 12, 5)
    )
    services.goal_update(
        goal=goal, acting_user=fm, status=GoalStatus.ACHIEVED, on=D(2027, 1, 10), today=D(2027, 1, 10)
    )
    goal.refresh_from_db()
    assert (goal.status, goal.status_changed_on) == ("achieved", D(2027, 1, 10))
    assert [(c.from_status, c.to_status, c.changed_on) for c in goal.status_changes.all()] == [
        ("", "open", TODAY),
        ("open", "partly", D(2026, 12, 1)),
        ("partly", "achieved", D(2027, 1, 10)),
    ]


def test_plan2_open_goal_target_date_not_in_past_but_history_can_be_documented(case, fm):
    # DOMAIN PLAN-2: an open goal looks ahead; a past goal is documented with its final status
    with pytest.raises(InvalidInput) as exc:
        services.goal_create(case=case, acting_user=fm, text="x", target_date=D(2026, 11, 19), today=TODAY)
    assert exc.value.fields["target_date"] == ["Liegt in der Vergangenheit."]
    goal = services.goal_create(
        case=case,
        acting_user=fm,
        text="Bewerbungsmappe erstellt",
        target_date=D(2026, 5, 1),
        agreed_on=D(2026, 3, 1),
        status=GoalStatus.ACHIEVED,
        today=TODAY,
    )
    assert (goal.agreed_on, goal.target_date, goal.status) == (D(2026, 3, 1), D(2026, 5, 1), "achieved")
    with pytest.raises(InvalidInput):  # the target can never lie before the day it was agreed
        services.goal_create(
            case=case,
            acting_user=fm,
            text="x",
            target_date=D(2026, 2, 1),
            agreed_on=D(2026, 3, 1),
            status=GoalStatus.DROPPED,
            today=TODAY,
        )
    assert Goal.objects.count() == 1


# --- PLAN-3 agreement -------------------------------------------------------------------------------


def test_plan3_review_due_six_months_after_conclusion_and_title_by_legal_period(case, fm, settings):
    # DOMAIN PLAN-3
    a = services.agreement_conclude(
        case=case,
        acting_user=fm,
        concluded_on=D(2026, 6, 15),
        client_commitments="Ich gehe zur Schuldnerberatung.",
        jobcenter_commitments="Wir übernehmen die Fahrtkosten.",
        today=TODAY,
    )
    assert (a.review_due_on, a.title) == (D(2026, 12, 15), "Kooperationsplan (§ 15 SGB II)")
    assert "§ 15a" not in a.title_note
    b = services.agreement_conclude(
        case=case,
        acting_user=fm,
        concluded_on=D(2026, 8, 31),
        client_commitments="c",
        jobcenter_commitments="j",
        today=TODAY,
    )
    assert b.review_due_on == D(2027, 2, 28)  # calendar months, end of month clamps
    assert "§ 15a SGB II" in b.title_note
    a.refresh_from_db()
    assert (a.superseded_on, b.superseded_on) == (D(2026, 8, 31), None)
    assert list(Agreement.objects.filter(case=case, superseded_on__isnull=True)) == [b]
    settings.FM = {**settings.FM, "AGREEMENT_REVIEW_MONTHS": 3}
    c = services.agreement_conclude(
        case=case,
        acting_user=fm,
        concluded_on=D(2026, 9, 1),
        client_commitments="c",
        jobcenter_commitments="j",
        today=TODAY,
    )
    assert c.review_due_on == D(2026, 12, 1)


def test_plan3_title_of_historic_period_and_admin_editable(fm, site):
    # DOMAIN PLAN-3 / CATALOG: until 2023-06-30 Eingliederungsvereinbarung
    assert services.agreement_title_for(D(2023, 6, 30))[0] == "Eingliederungsvereinbarung (§ 15 SGB II a. F.)"
    assert services.agreement_title_for(D(2023, 7, 1))[0] == "Kooperationsplan (§ 15 SGB II)"
    AgreementTitle.objects.filter(valid_from=D(2026, 7, 1)).update(title="Kooperationsplan (neu)")
    assert services.agreement_title_for(D(2026, 7, 1))[0] == "Kooperationsplan (neu)"
    imported = CaseFactory(
        fallmanager=fm,
        client__site=site,
        state="active",
        admitted_on=D(2023, 1, 10),
        referred_on=D(2023, 1, 10),
    )
    a = services.agreement_conclude(
        case=imported,
        acting_user=fm,
        concluded_on=D(2023, 2, 1),
        client_commitments="c",
        jobcenter_commitments="j",
        today=TODAY,
    )
    assert a.title == "Eingliederungsvereinbarung (§ 15 SGB II a. F.)"


def test_plan3_review_date_later_than_six_months_refused(case, fm):
    # DOMAIN PLAN-3: reviewed at the latest every 6 months
    with pytest.raises(InvalidInput) as exc:
        services.agreement_conclude(
            case=case,
            acting_user=fm,
            concluded_on=D(2026, 6, 15),
            review_due_on=D(2026, 12, 16),
            client_commitments="c",
            jobcenter_commitments="j",
            today=TODAY,
        )
    assert "spätestens 6 Monate" in exc.value.message
    assert not Agreement.objects.exists()
    a = services.agreement_conclude(
        case=case,
        acting_user=fm,
        concluded_on=D(2026, 6, 15),
        review_due_on=D(2026, 9, 15),
        client_commitments="c",
        jobcenter_commitments="j",
        today=TODAY,
    )
    assert a.review_due_on == D(2026, 9, 15)


def test_plan3_waiver_needs_detailed_justification_and_keeps_todo(case, fm, tl):
    # DOMAIN PLAN-3: a detailed justification, and concluding one stays a to-do
    from web.plans import case_sections

    with pytest.raises(InvalidInput) as exc:
        services.agreement_waive(case=case, acting_user=fm, justification="krank", today=TODAY)
    assert exc.value.fields == {"justification": ["Mindestens 30 Zeichen."]}
    assert not Agreement.objects.exists()
    waiver = services.agreement_waive(
        case=case,
        acting_user=fm,
        justification="Akute Wohnungslosigkeit, die Kundin ist derzeit nicht erreichbar genug für verbindliche Absprachen.",
        today=TODAY,
    )
    assert (waiver.waived, waiver.superseded_on, waiver.review_due_on) == (True, None, None)
    ctx = case_sections.section("agreement", case=case, user=tl, today=TODAY).context
    assert ctx["todo"] is True and ctx["waiver"] == waiver
    a = services.agreement_conclude(
        case=case,
        acting_user=fm,
        concluded_on=TODAY,
        client_commitments="c",
        jobcenter_commitments="j",
        today=TODAY,
    )
    waiver.refresh_from_db()
    assert waiver.superseded_on == TODAY
    ctx = case_sections.section("agreement", case=case, user=tl, today=TODAY).context
    assert ctx["todo"] is False and ctx["concluded"] == a
    with pytest.raises(InvalidInput):  # no waiver while an agreement is in force
        services.agreement_waive(case=case, acting_user=fm, justification="x" * 40, today=TODAY)
    assert Agreement.objects.count() == 2


def test_plan3_agreement_refused_for_closed_case(closed_case, fm):
    # DOMAIN PLAN-3: agreements only for active cases
    with pytest.raises(InvalidInput) as exc:
        services.agreement_conclude(
            case=closed_case,
            acting_user=fm,
            concluded_on=D(2026, 9, 1),
            client_commitments="c",
            jobcenter_commitments="j",
            today=TODAY,
        )
    assert exc.value.code == "case_not_active"
    assert "Beendet" in exc.value.message
    assert not Agreement.objects.exists()


# --- PLAN-4 services, consent (DP-6 § 67b SGB X) ------------------------------------------------------


def test_plan4_referral_status_steps_and_overdue_follow_up(case, fm, internal_partner):
    # DOMAIN PLAN-4
    r = services.service_referral_create(
        case=case,
        acting_user=fm,
        kind=ServiceKind.MEASURE,
        title="AGH Holzwerkstatt",
        partner=internal_partner,
        on=D(2026, 10, 1),
        today=TODAY,
    )
    assert (r.status, r.follow_up_on) == ("proposed", D(2026, 10, 29))
    assert selectors.is_follow_up_overdue(r, TODAY) is True
    r = services.service_referral_update(
        referral=r, acting_user=fm, status=ServiceStatus.STARTED, on=D(2026, 10, 5), today=TODAY
    )
    r = services.service_referral_update(
        referral=r,
        acting_user=fm,
        status=ServiceStatus.FINISHED,
        outcome="Regelmäßig teilgenommen",
        today=TODAY,
    )
    assert (r.status, r.status_changed_on, r.follow_up_on, r.outcome) == (
        "finished",
        TODAY,
        None,
        "Regelmäßig teilgenommen",
    )
    assert selectors.is_follow_up_overdue(r, TODAY) is False
    with pytest.raises(InvalidInput) as exc:
        services.service_referral_update(
            referral=r, acting_user=fm, status=ServiceStatus.STARTED, today=TODAY
        )
    assert exc.value.code == "transition_not_allowed"
    r.refresh_from_db()
    assert r.status == "finished"


def test_dp6_external_partner_needs_legal_basis_or_consent(case, fm, debt_partner):
    # DOMAIN DP-6 (§ 67b SGB X)
    with pytest.raises(InvalidInput) as exc:
        services.service_referral_create(
            case=case,
            acting_user=fm,
            kind=ServiceKind.FLANKING,
            title="Schuldnerberatung",
            partner=debt_partner,
            today=TODAY,
        )
    assert exc.value.code == "consent_required"
    assert "Schuldnerberatung Diakonie" in exc.value.message
    assert not ServiceReferral.objects.exists()
    by_law = services.service_referral_create(
        case=case,
        acting_user=fm,
        kind=ServiceKind.FLANKING,
        title="Schuldnerberatung",
        partner=debt_partner,
        legal_basis="§ 16a Nr. 2 SGB II i. V. m. § 69 Abs. 1 Nr. 1 SGB X",
        today=TODAY,
    )
    assert by_law.consent is None
    with_consent = services.service_referral_create(
        case=case,
        acting_user=fm,
        kind=ServiceKind.FLANKING,
        title="Schuldnerberatung",
        partner=debt_partner,
        consent_given_on=D(2026, 11, 18),
        today=TODAY,
    )
    assert (with_consent.consent.given_on, with_consent.consent.client) == (D(2026, 11, 18), case.client)


def test_dp6_revoked_consent_stops_further_sharing(case, fm, debt_partner):
    # DOMAIN DP-6: a revoked consent stops further sharing
    r = services.service_referral_create(
        case=case,
        acting_user=fm,
        kind=ServiceKind.FLANKING,
        title="Schuldnerberatung",
        partner=debt_partner,
        consent_given_on=D(2026, 11, 1),
        on=D(2026, 11, 2),
        today=TODAY,
    )
    consent = r.consent
    services.consent_revoke(consent=consent, case=case, acting_user=fm, on=D(2026, 11, 10), today=TODAY)
    r.refresh_from_db()
    assert (r.status, r.status_changed_on) == ("revoked", D(2026, 11, 10))
    with pytest.raises(InvalidInput) as exc:
        services.service_referral_create(
            case=case,
            acting_user=fm,
            kind=ServiceKind.FLANKING,
            title="Erneut",
            partner=debt_partner,
            today=TODAY,
        )
    assert exc.value.code == "consent_revoked"
    assert "widerrufen" in exc.value.message
    assert ServiceReferral.objects.count() == 1


def test_dp6_advancing_refused_when_consent_revoked_after_referral(case, fm, debt_partner):
    # DOMAIN DP-6: advancing (sharing) a referral whose consent was revoked is refused
    consent = Consent.objects.create(
        client=case.client, partner=debt_partner, given_on=D(2026, 11, 1), recorded_by=fm
    )
    r = services.service_referral_create(
        case=case,
        acting_user=fm,
        kind=ServiceKind.FLANKING,
        title="SB",
        partner=debt_partner,
        consent=consent,
        today=TODAY,
    )
    Consent.objects.filter(pk=consent.pk).update(revoked_on=D(2026, 11, 19))  # e.g. corrected by an admin
    with pytest.raises(InvalidInput) as exc:
        services.service_referral_update(
            referral=r, acting_user=fm, status=ServiceStatus.STARTED, today=TODAY
        )
    assert exc.value.code == "consent_revoked"
    r.refresh_from_db()
    assert r.status == "proposed"


def test_plan4_partner_of_other_area_is_unknown(case, fm, foreign_partner):
    # DOMAIN PLAN-4: partners from the directory of the client's area
    with pytest.raises(InvalidInput) as exc:
        services.partner_for_case(case=case, partner_id=foreign_partner.pk)
    assert exc.value.fields == {"partner": ["Unbekannter Partner."]}
    with pytest.raises(InvalidInput):
        services.partner_for_case(case=case, partner_id="abc")


# --- PLAN-5 contacts --------------------------------------------------------------------------------


def test_plan5_contact_date_not_in_future_and_gap_flagged(case, fm, tl, settings):
    # DOMAIN PLAN-5
    with pytest.raises(InvalidInput) as exc:
        services.contact_create(case=case, acting_user=fm, kind="phone", date=D(2026, 11, 21), today=TODAY)
    assert exc.value.fields == {"date": ["Das Datum liegt in der Zukunft."]}
    assert not Contact.objects.exists()
    services.contact_create(case=case, acting_user=fm, kind="home_visit", date=D(2026, 10, 23), today=TODAY)
    rows, total = selectors.contact_gap_cases(fm, today=TODAY)
    assert (total, [(r["case"], r["days"]) for r in rows]) == (0, [])
    rows, total = selectors.contact_gap_cases(tl, today=D(2026, 11, 21))  # 29 days > 28
    assert (total, [(r["case"], r["last_contact_on"], r["days"]) for r in rows]) == (
        1,
        [(case, D(2026, 10, 23), 29)],
    )
    settings.FM = {**settings.FM, "CONTACT_GAP_DAYS": 30}
    assert selectors.contact_gap_cases(tl, today=D(2026, 11, 21))[1] == 0


def test_plan5_case_without_any_contact_counts_from_admission(case, fm, other_case):
    # DOMAIN PLAN-5: no contact since admission is a gap as well
    rows, total = selectors.contact_gap_cases(fm, today=TODAY)
    assert (total, rows[0]["case"], rows[0]["last_contact_on"], rows[0]["days"]) == (
        1,
        case,
        None,
        (TODAY - D(2026, 2, 2)).days,
    )


def test_plan5_last_contact_annotation_is_one_query(case, fm, django_assert_num_queries):
    # DOMAIN PLAN-5: contact density on the FM's list in one query
    for day in (D(2026, 9, 1), D(2026, 11, 3), D(2026, 10, 1)):
        Contact.objects.create(case=case, date=day, kind="office", created_by=fm)
    from cases.selectors import cases_visible_to

    scoped = cases_visible_to(fm, today=TODAY)  # resolves the scope's id lists (substitutions, grants)
    with django_assert_num_queries(1):
        result = {c.pk: c.last_contact_on for c in selectors.with_last_contact(scoped)}
    assert result == {case.pk: D(2026, 11, 3)}


# --- PLAN-6 needs reduced/resolved --------------------------------------------------------------------


def test_plan6_need_reduced_then_resolved_with_date_and_admission_view(case, fm):
    # DOMAIN PLAN-6
    services.assessment_save(
        case=case,
        acting_user=fm,
        areas=[{"life_area": "arbeit_qualifikation", "needs": [{"code": "Q_BERUF"}]}],
        today=TODAY,
    )
    services.need_resolve(
        case=case, acting_user=fm, code="R_WOHNEN", status="reduced", on=D(2026, 6, 1), today=TODAY
    )
    cn = services.need_resolve(
        case=case, acting_user=fm, code="R_WOHNEN", status="resolved", on=D(2026, 9, 1), today=TODAY
    )
    assert (cn.status, cn.status_changed_on) == ("resolved", D(2026, 9, 1))
    rows, hidden = selectors.needs_progress(case, fm)
    by_code = {r.client_need.need.code: r for r in rows}
    assert {c: r.at_admission for c, r in by_code.items()} == {
        "L_PSYCHE": True,
        "R_WOHNEN": True,
        "R_FINANZEN": True,
        "Q_BERUF": False,
    }
    assert selectors.needs_summary(rows) == {"at_admission": 3, "open_now": 3, "reduced": 0, "resolved": 1}
    with pytest.raises(InvalidInput):  # already resolved
        services.need_resolve(case=case, acting_user=fm, code="R_WOHNEN", status="reduced", today=TODAY)
    with pytest.raises(InvalidInput):  # before it was identified
        services.need_resolve(
            case=case, acting_user=fm, code="R_FINANZEN", status="reduced", on=D(2025, 11, 1), today=TODAY
        )
    with pytest.raises(InvalidInput):  # the client does not have it
        services.need_resolve(case=case, acting_user=fm, code="L_SUCHT", status="reduced", today=TODAY)
    assert ClientNeed.objects.get(client=case.client, need__code="R_FINANZEN").status == "open"

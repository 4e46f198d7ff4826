"""The case lifecycle from referral to exit, at the service layer (DOMAIN ACC, CLR, CAP, EXIT, READ)."""

import datetime as dt

import pytest

from cases import services as intake
from cases.choices import CaseState
from cases.models import Case, CaseEvent
from cases.permissions import transition_blockers
from cases.selectors import staff_caseload
from cases.services import case_close, case_import
from fallmanagement.errors import Conflict, InvalidInput, NotPermitted
from reporting.models import OutcomeRecord
from tests.conftest import ACCESS_NEEDS, give_needs
from tests.factories import CaseFactory, ClientFactory, StaffFactory

TODAY = dt.date(2026, 11, 20)
D = dt.date


def refer(pap, client, fm, **kw):
    args = {
        "acting_user": pap,
        "client": client,
        "fallmanager": fm,
        "reasons": "Schulden, Wohnungsverlust droht, psychische Belastung",
        "expected_progress": "Stabilisierung, danach Qualifizierung",
        "handover_talk_on": D(2026, 3, 2),
        "referred_on": D(2026, 3, 3),
        "today": TODAY,
    }
    args.update(kw)
    return intake.case_refer(**args)


def to_clearing(pap, client, fm):
    case = refer(pap, client, fm)
    return intake.case_start_clearing(case=case, acting_user=fm, on=D(2026, 3, 4), today=TODAY)


def to_active(pap, client, fm, on=D(2026, 4, 1)):
    case = to_clearing(pap, client, fm)
    return intake.case_admit(case=case, acting_user=fm, on=on, today=TODAY)


# --- ACC ------------------------------------------------------------------------------------------


def test_acc1_formal_access_three_needs_and_no_integration_forecast(pap, fm, client_eligible):
    # DOMAIN ACC-1
    case = refer(pap, client_eligible, fm)
    assert case.state == CaseState.REFERRED
    assert case.meets_formal_access is True
    assert case.events.get().payload["counting_needs"] == sorted(ACCESS_NEEDS)


def test_acc1_two_counting_needs_refused_without_individual_decision(pap, fm, site):
    # DOMAIN ACC-1: needs of other key groups (qualifikation, motivation) do not count.
    client = ClientFactory(site=site)
    give_needs(client, ["L_SUCHT", "R_WOHNEN", "Q_BERUF", "M_FLEXIBILITAET"])
    with pytest.raises(InvalidInput) as err:
        refer(pap, client, fm)
    assert err.value.code == "access_criteria_not_met"
    assert "mindestens 3" in err.value.message
    assert not Case.objects.exists()


def test_acc1_integration_forecast_within_12_months_refused(pap, fm, site):
    # DOMAIN ACC-1: profiling forecast part
    client = ClientFactory(site=site, integration_expected_within_12_months=True)
    give_needs(client, ACCESS_NEEDS)
    with pytest.raises(InvalidInput) as err:
        refer(pap, client, fm)
    assert err.value.code == "access_criteria_not_met"
    assert not Case.objects.exists()


def test_acc1_expected_progress_statement_required(pap, fm, client_eligible):
    # DOMAIN ACC-1 (b): the pAp states the expected integration progress
    with pytest.raises(InvalidInput) as err:
        refer(pap, client_eligible, fm, expected_progress="   ")
    assert "expected_progress" in err.value.fields
    assert not Case.objects.exists()


def test_acc2_individual_decision_with_reason_and_tl_date_admits_referral(pap, fm, site, tl):
    # DOMAIN ACC-2
    client = ClientFactory(site=site)
    give_needs(client, ["L_SUCHT"])
    case = refer(
        pap,
        client,
        fm,
        individual_decision={
            "reason": "Schwerwiegendes überlagerndes Vermittlungshemmnis",
            "teamleitung_consulted_on": D(2026, 3, 1),
        },
    )
    assert case.meets_formal_access is False
    assert case.individual_decision_reason.startswith("Schwerwiegendes")
    assert case.teamleitung_consulted_on == D(2026, 3, 1)


@pytest.mark.parametrize(
    ("decision", "missing_field"),
    [
        (
            {"reason": "Akute Problemlage", "teamleitung_consulted_on": None},
            "individual_decision.teamleitung_consulted_on",
        ),
        ({"reason": "", "teamleitung_consulted_on": D(2026, 3, 1)}, "individual_decision.reason"),
    ],
)
def test_acc2_individual_decision_without_both_parts_refused(pap, fm, site, decision, missing_field):
    # DOMAIN ACC-2: reason AND date of TL consultation, else refused
    client = ClientFactory(site=site)
    with pytest.raises(InvalidInput) as err:
        refer(pap, client, fm, individual_decision=decision)
    assert err.value.code == "access_criteria_not_met"
    assert missing_field in err.value.fields
    assert not Case.objects.exists()


def test_acc3_handover_talk_required_and_before_referral(pap, fm, client_eligible):
    # DOMAIN ACC-3
    with pytest.raises(InvalidInput) as err:
        refer(pap, client_eligible, fm, handover_talk_on=None)
    assert "handover_talk_on" in err.value.fields
    with pytest.raises(InvalidInput) as err:
        refer(pap, client_eligible, fm, handover_talk_on=D(2026, 3, 5), referred_on=D(2026, 3, 4))
    assert "referred_on" in err.value.fields
    with pytest.raises(InvalidInput) as err:
        refer(pap, client_eligible, fm, reasons="")
    assert "reasons" in err.value.fields
    assert not Case.objects.exists()


def test_acc3_referral_dates_not_in_future(pap, fm, client_eligible):
    # DOMAIN ACC-3: recorded afterwards is fine, the future is not
    with pytest.raises(InvalidInput) as err:
        refer(pap, client_eligible, fm, handover_talk_on=D(2026, 11, 1), referred_on=D(2026, 11, 21))
    assert "referred_on" in err.value.fields


def test_acc5_one_open_episode_per_client(pap, fm, fm2, client_eligible):
    # DOMAIN ACC-5
    refer(pap, client_eligible, fm)
    with pytest.raises(Conflict) as err:
        refer(pap, client_eligible, fm2)
    assert err.value.code == "open_case_exists"
    assert Case.objects.count() == 1


def test_acc5_database_constraint_backs_the_rule(fm, client_eligible):
    # DOMAIN ACC-5: even a write that bypasses the service cannot create a second open case
    from django.db import IntegrityError, transaction

    CaseFactory(client=client_eligible, fallmanager=fm)
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseFactory(client=client_eligible, fallmanager=fm)


def test_only_pap_refers(fm, client_eligible):
    with pytest.raises(NotPermitted):
        refer(fm, client_eligible, fm)


def test_referral_to_non_fm_refused(pap, tl, client_eligible):
    with pytest.raises(InvalidInput) as err:
        refer(pap, client_eligible, tl)
    assert "fallmanager" in err.value.fields


# --- CLR ------------------------------------------------------------------------------------------


def test_clr1_clearing_not_counted_in_caseload(pap, fm, client_eligible):
    # DOMAIN CLR-1 / CAP-1
    case = to_clearing(pap, client_eligible, fm)
    assert case.state == CaseState.CLEARING
    assert case.clearing_started_on == D(2026, 3, 4)
    assert case.clearing_due_on == D(2026, 5, 4)
    load = staff_caseload(staff=fm)
    assert (load.counted, load.in_clearing) == (0, 1)


def test_clr1_only_the_case_fm_starts_clearing(pap, fm, fm2, client_eligible):
    # DOMAIN CLR-1
    case = refer(pap, client_eligible, fm)
    with pytest.raises(NotPermitted):
        intake.case_start_clearing(case=case, acting_user=fm2, today=TODAY)
    case.refresh_from_db()
    assert case.state == CaseState.REFERRED
    assert case.events.count() == 1


def test_clr3_admission_makes_case_active_and_counted(pap, fm, client_eligible):
    # DOMAIN CLR-3 / CAP-1
    case = to_active(pap, client_eligible, fm)
    assert case.state == CaseState.ACTIVE
    assert case.admitted_on == D(2026, 4, 1)
    assert staff_caseload(staff=fm).counted == 1


def test_clr3_rejection_needs_catalogue_reason_and_justification(pap, fm, client_eligible):
    # DOMAIN CLR-3
    case = to_clearing(pap, client_eligible, fm)
    with pytest.raises(InvalidInput) as err:
        intake.case_reject(case=case, acting_user=fm, reason_code="R03", justification="", today=TODAY)
    assert "justification" in err.value.fields
    with pytest.raises(InvalidInput) as err:
        intake.case_reject(case=case, acting_user=fm, reason_code="XXX", justification="x", today=TODAY)
    assert "reason_code" in err.value.fields
    case.refresh_from_db()
    assert case.state == CaseState.CLEARING
    case = intake.case_reject(
        case=case,
        acting_user=fm,
        reason_code="R03",
        justification="Fallzahl 82 von 75 erreicht",
        on=D(2026, 4, 2),
        today=TODAY,
    )
    assert case.state == CaseState.REJECTED
    assert case.rejection_reason.code == "R03"


def test_clr3_return_and_forward(pap, fm, site):
    # DOMAIN CLR-3: return to the pAp (no working alliance) and forwarding
    c1, c2 = ClientFactory(site=site), ClientFactory(site=site)
    give_needs(c1, ACCESS_NEEDS)
    give_needs(c2, ACCESS_NEEDS)
    returned = intake.case_return_to_pap(
        case=to_clearing(pap, c1, fm),
        acting_user=fm,
        justification="Kein Arbeitsbündnis trotz drei Terminen",
        today=TODAY,
    )
    assert returned.state == CaseState.RETURNED
    with pytest.raises(InvalidInput):
        intake.case_forward(
            case=to_clearing(pap, c2, fm), acting_user=fm, to="nowhere", justification="x", today=TODAY
        )
    forwarded = intake.case_forward(
        case=Case.objects.get(client=c2),
        acting_user=fm,
        to="third_party",
        detail="Träger Lotse e. V.",
        justification="Suchtspezifisches FM beim Träger",
        today=TODAY,
    )
    assert forwarded.state == CaseState.FORWARDED
    assert forwarded.forwarded_to_detail == "Träger Lotse e. V."


def test_clr3_outcomes_only_from_clearing(pap, fm, client_eligible):
    # DOMAIN CLR-3: admission requires the clearing phase first
    case = refer(pap, client_eligible, fm)
    with pytest.raises(Conflict) as err:
        intake.case_admit(case=case, acting_user=fm, today=TODAY)
    assert err.value.code == "transition_not_allowed"
    assert "Zugewiesen" in err.value.message


def _rejected(pap, fm, client):
    case = to_clearing(pap, client, fm)
    return intake.case_reject(
        case=case,
        acting_user=fm,
        reason_code="R01",
        justification="Kein Arbeitsbündnis",
        on=D(2026, 4, 2),
        today=TODAY,
    )


def test_clr4_pap_disputes_tl_admits(pap, fm, tl, client_eligible):
    # DOMAIN CLR-4
    case = _rejected(pap, fm, client_eligible)
    case = intake.case_dispute(
        case=case,
        acting_user=pap,
        comment="Arbeitsbündnis war im Gespräch erkennbar",
        on=D(2026, 4, 3),
        today=TODAY,
    )
    assert case.state == CaseState.DISPUTED
    case = intake.case_decide_dispute(
        case=case, acting_user=tl, admit=True, comment="Übernahme", on=D(2026, 4, 10), today=TODAY
    )
    assert case.state == CaseState.ACTIVE
    assert case.admitted_on == D(2026, 4, 10)
    assert case.dispute_decided_by == tl
    assert staff_caseload(staff=fm).counted == 1


def test_clr4_rejection_stands_is_final(pap, fm, tl, client_eligible):
    # DOMAIN CLR-4: "rejection stands (final)"
    case = _rejected(pap, fm, client_eligible)
    case = intake.case_dispute(
        case=case, acting_user=pap, comment="Bitte prüfen", on=D(2026, 4, 3), today=TODAY
    )
    case = intake.case_decide_dispute(
        case=case, acting_user=tl, admit=False, comment="Ablehnung bleibt", today=TODAY
    )
    assert case.state == CaseState.REJECTED
    blockers = transition_blockers(case, "dispute", pap)
    assert [b.kind for b in blockers] == ["rule"]
    assert "endgültig" in blockers[0].message
    with pytest.raises(Conflict):
        intake.case_dispute(case=case, acting_user=pap, comment="Nochmal", today=TODAY)


def test_clr4_only_referring_pap_disputes_and_only_fm_team_tl_decides(
    pap, pap2, fm, tl, other_tl, client_eligible
):
    # DOMAIN CLR-4
    case = _rejected(pap, fm, client_eligible)
    with pytest.raises(NotPermitted):
        intake.case_dispute(case=case, acting_user=pap2, comment="x", today=TODAY)
    case = intake.case_dispute(case=case, acting_user=pap, comment="x", today=TODAY)
    with pytest.raises(NotPermitted):
        intake.case_decide_dispute(case=case, acting_user=other_tl, admit=True, comment="x", today=TODAY)
    with pytest.raises(NotPermitted):
        intake.case_decide_dispute(case=case, acting_user=fm, admit=True, comment="x", today=TODAY)
    case.refresh_from_db()
    assert case.state == CaseState.DISPUTED


# --- CAP ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("hours", "target"), [(39, 75), (19.5, 38), (30, 58), (32, 62), (20, 38)])
def test_cap2_target_by_weekly_hours_rounded_half_up(hours, target, team):
    # DOMAIN CAP-2: 75 × hours / 39, half up (19.5 h → 37.5 → 38)
    assert StaffFactory(team=team, weekly_hours=hours).caseload_target == target


def test_cap1_counted_are_active_cases_each_household_member_separately(pap, fm, site):
    # DOMAIN CAP-1: each eLb of a household counts separately; clearing/closed do not count
    first = ClientFactory(site=site)
    second = ClientFactory(site=site, household=first.household)
    for c in (first, second):
        give_needs(c, ACCESS_NEEDS)
        to_active(pap, c, fm)
    third = ClientFactory(site=site)
    give_needs(third, ACCESS_NEEDS)
    to_clearing(pap, third, fm)
    load = staff_caseload(staff=fm)
    assert (load.counted, load.in_clearing, load.target) == (2, 1, 75)


def test_cap3_admission_beyond_target_allowed_but_flagged(pap, team, site):
    # DOMAIN CAP-3: allowed, shown as over target
    fm = StaffFactory(team=team, weekly_hours=1)  # target 2
    for _ in range(2):
        c = ClientFactory(site=site)
        give_needs(c, ACCESS_NEEDS)
        to_active(pap, c, fm)
    c = ClientFactory(site=site)
    give_needs(c, ACCESS_NEEDS)
    case = to_active(pap, c, fm)
    admit_event = case.events.get(name="admit")
    assert admit_event.payload == {"caseload_before": 2, "target": 2, "over_target": True}
    load = staff_caseload(staff=fm)
    assert load.over_target is True
    assert load.utilization == 1.5


# --- EXIT -----------------------------------------------------------------------------------------


OUTCOME = {
    "medical_service_involved": True,
    "health_need": True,
    "needs_reduced": 2,
    "social_participation_progress": True,
}


def test_exit1_only_fm_closes_after_handover_talk_with_pap(pap, fm, tl, client_eligible):
    # DOMAIN EXIT-1
    case = to_active(pap, client_eligible, fm)
    with pytest.raises(NotPermitted):
        case_close(
            case=case,
            acting_user=tl,
            exit_reason_code="B01",
            handover_talk_on=D(2026, 10, 1),
            handover_pap=pap,
            outcome=OUTCOME,
            today=TODAY,
        )
    with pytest.raises(InvalidInput) as err:
        case_close(
            case=case,
            acting_user=fm,
            exit_reason_code="B01",
            handover_talk_on=None,
            handover_pap=pap,
            outcome=OUTCOME,
            today=TODAY,
        )
    assert "handover_talk_on" in err.value.fields
    with pytest.raises(InvalidInput) as err:
        case_close(
            case=case,
            acting_user=fm,
            exit_reason_code="B01",
            handover_talk_on=D(2026, 10, 1),
            handover_pap=tl,
            outcome=OUTCOME,
            today=TODAY,
        )
    assert "handover_pap" in err.value.fields
    case.refresh_from_db()
    assert case.state == CaseState.ACTIVE
    assert not OutcomeRecord.objects.exists()
    case = case_close(
        case=case,
        acting_user=fm,
        exit_reason_code="B01",
        handover_talk_on=D(2026, 10, 1),
        handover_pap=pap,
        outcome=OUTCOME,
        on=D(2026, 10, 2),
        today=TODAY,
    )
    assert case.state == CaseState.CLOSED
    assert (case.closed_on, case.exit_handover_pap, case.exit_handover_talk_on) == (
        D(2026, 10, 2),
        pap,
        D(2026, 10, 1),
    )


def test_exit2_reason_from_catalogue_integration_flagged(pap, fm, client_eligible, area):
    # DOMAIN EXIT-2 (and EXIT-3: the anonymous record is written in the same transaction)
    case = to_active(pap, client_eligible, fm)
    with pytest.raises(InvalidInput) as err:
        case_close(
            case=case,
            acting_user=fm,
            exit_reason_code="B77",
            handover_talk_on=D(2026, 10, 1),
            handover_pap=pap,
            outcome=OUTCOME,
            today=TODAY,
        )
    assert "exit_reason" in err.value.fields
    with pytest.raises(InvalidInput) as err:
        case_close(
            case=case,
            acting_user=fm,
            exit_reason_code="B99",
            handover_talk_on=D(2026, 10, 1),
            handover_pap=pap,
            outcome=OUTCOME,
            today=TODAY,
        )
    assert "justification" in err.value.fields
    case_close(
        case=case,
        acting_user=fm,
        exit_reason_code="B02",
        handover_talk_on=D(2026, 10, 1),
        handover_pap=pap,
        outcome=OUTCOME,
        on=D(2026, 10, 15),
        today=TODAY,
    )
    record = OutcomeRecord.objects.get()
    assert (record.exit_reason_code, record.is_integration, record.month, record.area) == (
        "B02",
        True,
        D(2026, 10, 1),
        area,
    )
    assert record.months_in_case_management == 6
    assert record.needs_reduced == 2 and record.medical_service_involved is True


def test_exit_invalid_outcome_rolls_back_the_exit(pap, fm, client_eligible):
    # nothing half-written: an invalid outcome record leaves the case active
    case = to_active(pap, client_eligible, fm)
    with pytest.raises(InvalidInput):
        case_close(
            case=case,
            acting_user=fm,
            exit_reason_code="B01",
            handover_talk_on=D(2026, 10, 1),
            handover_pap=pap,
            outcome={"medical_service_involved": "vielleicht"},
            today=TODAY,
        )
    case.refresh_from_db()
    assert case.state == CaseState.ACTIVE
    assert not case.events.filter(name="close").exists()
    assert not OutcomeRecord.objects.exists()


# --- READ -----------------------------------------------------------------------------------------


def _closed(pap, fm, client, closed_on=D(2026, 6, 30), exit_reason_code="B08"):
    case = to_active(pap, client, fm)
    return case_close(
        case=case,
        acting_user=fm,
        exit_reason_code=exit_reason_code,
        handover_talk_on=closed_on,
        handover_pap=pap,
        outcome={"medical_service_involved": False},
        on=closed_on,
        today=TODAY,
    )


def test_read1_new_referral_at_earliest_six_months_after_exit(pap, fm, client_eligible):
    # DOMAIN READ-1
    _closed(pap, fm, client_eligible)
    with pytest.raises(Conflict) as err:
        refer(pap, client_eligible, fm, handover_talk_on=D(2026, 11, 1), referred_on=D(2026, 11, 2))
    assert err.value.code == "readmission_blocked"
    assert "31.12.2026" in err.value.message or "30.12.2026" in err.value.message
    assert Case.objects.count() == 1
    later = dt.date(2027, 1, 5)
    case = refer(pap, client_eligible, fm, handover_talk_on=later, referred_on=later, today=later)
    assert case.state == CaseState.REFERRED


def test_read2_earlier_after_work_taken_up(pap, fm, client_eligible):
    # DOMAIN READ-2: work taken up in between (and benefits again) allows an earlier referral
    _closed(pap, fm, client_eligible)
    client_eligible.work_taken_up_on = D(2026, 8, 1)
    client_eligible.save(update_fields=["work_taken_up_on"])
    case = refer(pap, client_eligible, fm, handover_talk_on=D(2026, 11, 1), referred_on=D(2026, 11, 2))
    assert case.state == CaseState.REFERRED


def test_read2_work_uptake_before_the_exit_does_not_count(pap, fm, client_eligible):
    # DOMAIN READ-2: only a work uptake in between (on or after the exit date) shortens the lock.
    _closed(pap, fm, client_eligible)
    client_eligible.work_taken_up_on = D(2026, 6, 1)
    client_eligible.save(update_fields=["work_taken_up_on"])
    with pytest.raises(Conflict) as err:
        refer(pap, client_eligible, fm, handover_talk_on=D(2026, 11, 1), referred_on=D(2026, 11, 2))
    assert err.value.code == "readmission_blocked"


@pytest.mark.parametrize("code", ["B01", "B03"])
def test_read2_employment_exit_is_a_work_uptake_on_the_exit_date(pap, fm, client_eligible, code):
    # DOMAIN READ-2: an exit whose reason is employment counts as a work uptake on the exit date.
    _closed(pap, fm, client_eligible, exit_reason_code=code)
    assert client_eligible.work_taken_up_on is None
    case = refer(pap, client_eligible, fm, handover_talk_on=D(2026, 8, 1), referred_on=D(2026, 8, 2))
    assert case.state == CaseState.REFERRED


def test_read2_individual_decision_does_not_shorten_the_lock(pap, fm, client_eligible, tl):
    # DOMAIN READ-2: an individual decision (ACC-2) does not shorten the readmission lock.
    _closed(pap, fm, client_eligible)
    with pytest.raises(Conflict) as err:
        refer(
            pap,
            client_eligible,
            fm,
            handover_talk_on=D(2026, 11, 1),
            referred_on=D(2026, 11, 2),
            individual_decision={"reason": "Akute Krise", "teamleitung_consulted_on": D(2026, 10, 30)},
        )
    assert err.value.code == "readmission_blocked"
    assert "Einzelfallentscheidung" in err.value.message and "Handlungsleitlinie IV.4" in err.value.message
    assert Case.objects.count() == 1


def test_read2_rev4_max_duration_exit_then_individual_decision_refused(pap, fm, client_eligible, tl):
    # DOMAIN READ-2 / REV-4: after an exit for reaching 36 months (B10) an individual decision on the same
    # day does not void the maximum duration; only a work uptake does.
    _closed(pap, fm, client_eligible, closed_on=D(2026, 10, 1), exit_reason_code="B10")
    decision = {"reason": "Weiterhin hoher Bedarf", "teamleitung_consulted_on": D(2026, 10, 1)}
    with pytest.raises(Conflict) as err:
        refer(
            pap,
            client_eligible,
            fm,
            handover_talk_on=D(2026, 10, 1),
            referred_on=D(2026, 10, 1),
            individual_decision=decision,
        )
    assert err.value.code == "readmission_blocked"
    client_eligible.work_taken_up_on = D(2026, 10, 15)
    client_eligible.save(update_fields=["work_taken_up_on"])
    case = refer(pap, client_eligible, fm, handover_talk_on=D(2026, 11, 1), referred_on=D(2026, 11, 2))
    assert case.state == CaseState.REFERRED


# --- effective dates and history -------------------------------------------------------------------


def test_effective_date_not_future_not_before_previous_step(pap, fm, client_eligible):
    case = to_clearing(pap, client_eligible, fm)  # clearing on 2026-03-04
    with pytest.raises(InvalidInput) as err:
        intake.case_admit(case=case, acting_user=fm, on=D(2026, 3, 3), today=TODAY)
    assert "date" in err.value.fields and "vorherigen Schritt" in err.value.message
    with pytest.raises(InvalidInput) as err:
        intake.case_admit(case=case, acting_user=fm, on=D(2026, 11, 21), today=TODAY)
    assert "Zukunft" in err.value.message
    case.refresh_from_db()
    assert case.state == CaseState.CLEARING
    assert case.events.count() == 2


def test_every_transition_writes_an_event(pap, fm, tl, client_eligible):
    case = _rejected(pap, fm, client_eligible)
    case = intake.case_dispute(case=case, acting_user=pap, comment="x", on=D(2026, 4, 3), today=TODAY)
    case = intake.case_decide_dispute(
        case=case, acting_user=tl, admit=True, comment="ok", on=D(2026, 4, 4), today=TODAY
    )
    rows = list(
        CaseEvent.objects.filter(case=case).values_list(
            "name", "from_state", "to_state", "effective_on", "actor"
        )
    )
    assert rows == [
        ("refer", "", "referred", D(2026, 3, 3), pap.pk),
        ("start_clearing", "referred", "clearing", D(2026, 3, 4), fm.pk),
        ("reject", "clearing", "rejected", D(2026, 4, 2), fm.pk),
        ("dispute", "rejected", "disputed", D(2026, 4, 3), pap.pk),
        ("decide_dispute", "disputed", "active", D(2026, 4, 4), tl.pk),
    ]
    assert case.version == 5


def test_stale_version_is_a_conflict(pap, fm, client_eligible):
    case = refer(pap, client_eligible, fm)
    stale = case.version
    intake.case_start_clearing(case=case, acting_user=fm, expected_version=stale, today=TODAY)
    with pytest.raises(Conflict) as err:
        intake.case_start_clearing(case=case, acting_user=fm, expected_version=stale, today=TODAY)
    assert err.value.code == "concurrent_update"


def test_import_running_case_from_legacy_system(admin_user, fm, client_eligible):
    case = case_import(
        acting_user=admin_user,
        client=client_eligible,
        fallmanager=fm,
        admitted_on=D(2024, 1, 15),
        today=TODAY,
    )
    assert case.state == CaseState.ACTIVE and case.imported
    assert case.months_in_case_management(TODAY) == 34
    with pytest.raises(Conflict) as err:
        case_import(
            acting_user=admin_user,
            client=client_eligible,
            fallmanager=fm,
            admitted_on=D(2024, 1, 15),
            today=TODAY,
        )
    assert err.value.code == "open_case_exists"

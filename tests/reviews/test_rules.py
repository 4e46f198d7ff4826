"""Review gates (REV-1..5), reminders (REV-6, CLR-2, ACC-4, PLAN-3) and the daily job, with explicit dates."""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services as case_services
from cases.models import Case
from catalog import periods
from fallmanagement.errors import Conflict, InvalidInput, NotPermitted
from org.models import Substitution
from reminders.models import Reminder
from reviews import selectors, services
from reviews.models import Review
from tests.conftest import give_needs
from tests.factories import ClientFactory

D = datetime.date
ADMITTED = D(2024, 1, 15)  # 6 → 15.07.2024, 12 → 15.01.2025, 24 → 15.01.2026, 36 → 15.01.2027


def reminders(**filters):
    # PLAN-3's "agreement missing" (these cases have none) is tested in tests/rules/test_plan3_reminders.py
    return sorted(
        Reminder.objects.filter(**filters)
        .exclude(kind="agreement_missing")
        .values_list("kind", "recipient__username", "due_on"),
        key=str,
    )


def review(case, month, on):
    services.reviews_ensure_for_case(case=case, today=on)
    return Review.objects.get(case=case, month=month)


# --- REV-1: reviews at 6/12/18/24/30 months, the FM documents ------------------------------------------------


def test_rev1_review_due_14_days_ahead_and_overdue_from_the_day_after(make_case, fm, run_jobs):
    # DOMAIN REV-1, REV-6
    case = make_case(ADMITTED)
    assert run_jobs(D(2024, 6, 30))["reviews"] == 0  # 15 days before 15.07.2024: nothing yet
    assert not Review.objects.exists() and not reminders()
    counts = run_jobs(D(2024, 7, 1))  # 14 days before
    assert counts["reviews"] == 1 and counts["review_due"] == 1
    assert list(Review.objects.values_list("case", "month", "due_on", "gate", "state")) == [
        (case.pk, 6, D(2024, 7, 15), "document", "due")
    ]
    assert reminders() == [("review_due", "fm.berger", D(2024, 7, 15))]
    assert run_jobs(D(2024, 7, 15))["review_overdue"] == 0  # on the due date: not yet overdue
    assert run_jobs(D(2024, 7, 16))["review_overdue"] == 1
    assert reminders(kind="review_overdue") == [("review_overdue", "fm.berger", D(2024, 7, 15))]


def test_rev1_fm_documents_continuation_then_next_review_is_12_months(make_case, fm):
    # DOMAIN REV-1
    case = make_case(ADMITTED)
    on = D(2024, 7, 20)
    r6 = review(case, 6, on)
    assert selectors.case_review_status(case=case, today=on) == (D(2024, 7, 15), "allowed")
    done = services.review_document(
        review=r6,
        acting_user=fm,
        reasons="Stabilisierung läuft",
        prognosis="Integration in 12 Monaten",
        decision="continue",
        today=on,
    )
    assert (done.state, done.documented_on, done.documented_by, done.decision) == (
        "documented",
        on,
        fm,
        "continue",
    )
    assert selectors.case_review_status(case=case, today=on) == (D(2025, 1, 15), "allowed")


def test_rev1_fm_decides_to_end_then_no_continuation(make_case, fm):
    # DOMAIN REV-1
    case = make_case(ADMITTED)
    r6 = review(case, 6, D(2024, 7, 20))
    services.review_document(
        review=r6,
        acting_user=fm,
        reasons="Arbeit aufgenommen",
        prognosis="",
        decision="end",
        today=D(2024, 7, 20),
    )
    r6.refresh_from_db()
    assert r6.state == "documented" and r6.decision == "end"
    assert selectors.case_review_status(case=case, today=D(2024, 7, 20))[1] == "not_allowed"


def test_rev1_substitute_documents_but_tl_and_other_fm_may_not(make_case, fm, fm2, tl, other_fm):
    # DOMAIN REV-1, SUB-1
    case = make_case(ADMITTED)
    r6 = review(case, 6, D(2024, 7, 20))
    for user in (tl, other_fm, fm2):
        with pytest.raises(NotPermitted):
            services.review_document(
                review=r6,
                acting_user=user,
                reasons="x",
                prognosis="y",
                decision="continue",
                today=D(2024, 7, 20),
            )
    r6.refresh_from_db()
    assert (r6.state, r6.reasons, r6.documented_by) == ("due", "", None)
    today = datetime.date.today()
    Substitution.objects.create(absent=fm, substitute=fm2, starts_on=today, ends_on=today, set_by=tl)
    services.review_document(
        review=r6, acting_user=fm2, reasons="x", prognosis="y", decision="continue", today=D(2024, 7, 20)
    )
    r6.refresh_from_db()
    assert (r6.state, r6.documented_by) == ("documented", fm2)


@pytest.mark.parametrize(
    ("reasons", "prognosis", "decision", "field"),
    [
        ("", "p", "continue", "reasons"),
        ("r", "", "continue", "prognosis"),
        ("r", "p", "weiter", "decision"),
        ("r", "p", None, "decision"),
        (42, "p", "continue", "reasons"),
        ("x" * 10_001, "p", "continue", "reasons"),
    ],
)
def test_rev1_bad_input_is_refused_and_nothing_changes(make_case, fm, reasons, prognosis, decision, field):
    # DOMAIN REV-1
    case = make_case(ADMITTED)
    r6 = review(case, 6, D(2024, 7, 20))
    with pytest.raises(InvalidInput) as exc:
        services.review_document(
            review=r6,
            acting_user=fm,
            reasons=reasons,
            prognosis=prognosis,
            decision=decision,
            today=D(2024, 7, 20),
        )
    assert list(exc.value.fields) == [field]
    r6.refresh_from_db()
    assert (r6.state, r6.reasons, r6.decision) == ("due", "", "")


def test_rev1_documenting_twice_is_a_conflict(make_case, fm):
    # DOMAIN REV-1
    case = make_case(ADMITTED)
    r6 = review(case, 6, D(2024, 7, 20))
    services.review_document(
        review=r6, acting_user=fm, reasons="a", prognosis="b", decision="continue", today=D(2024, 7, 20)
    )
    with pytest.raises(Conflict) as exc:
        services.review_document(
            review=r6, acting_user=fm, reasons="c", prognosis="d", decision="end", today=D(2024, 7, 21)
        )
    assert exc.value.code == "transition_not_allowed"
    r6.refresh_from_db()
    assert (r6.reasons, r6.decision) == ("a", "continue")


# --- REV-2: 12/18 months, the TL acknowledges ------------------------------------------------------------------


def test_rev2_tl_acknowledges_12_month_decision(make_case, fm, tl, other_tl):
    # DOMAIN REV-2
    case = make_case(ADMITTED)
    on = D(2025, 1, 20)
    r12 = review(case, 12, on)
    assert r12.gate == "inform_teamleitung"
    with pytest.raises(Conflict):  # nothing documented yet
        services.review_acknowledge(review=r12, acting_user=tl, comment="", today=on)
    services.review_document(
        review=r12, acting_user=fm, reasons="r", prognosis="p", decision="continue", today=on
    )
    r12.refresh_from_db()
    assert r12.state == "documented" and r12.waits_for_teamleitung
    assert list(selectors.reviews_waiting_for_teamleitung(user=tl)) == [r12]
    assert list(selectors.reviews_waiting_for_teamleitung(user=other_tl)) == []
    for user in (fm, other_tl):
        with pytest.raises(NotPermitted):
            services.review_acknowledge(review=r12, acting_user=user, comment="", today=on)
    services.review_acknowledge(review=r12, acting_user=tl, comment="Gesehen", today=on)
    r12.refresh_from_db()
    assert (r12.state, r12.teamleitung_by, r12.teamleitung_comment, r12.teamleitung_on) == (
        "acknowledged",
        tl,
        "Gesehen",
        on,
    )
    # REV-7: the 6-month review was missed when the 12-month one fell due; the next open one is 18.
    assert Review.objects.get(case=case, month=6).state == "missed"
    assert selectors.case_review_status(case=case, today=on) == (D(2025, 7, 15), "allowed")


def test_rev2_six_month_review_needs_no_acknowledgement(make_case, fm, tl):
    # DOMAIN REV-2
    case = make_case(ADMITTED)
    r6 = review(case, 6, D(2024, 7, 20))
    services.review_document(
        review=r6, acting_user=fm, reasons="r", prognosis="p", decision="continue", today=D(2024, 7, 20)
    )
    with pytest.raises(Conflict):
        services.review_acknowledge(review=r6, acting_user=tl, comment="", today=D(2024, 7, 20))
    assert Review.objects.get(pk=r6.pk).state == "documented"


# --- REV-3: 24/30 months need the TL's approval -------------------------------------------------------------------


def _document_all_before(case, fm, tl, month, on):
    for m in (6, 12, 18, 24, 30):
        if m >= month:
            return
        day = periods.review_due_on(case.admitted_on, m)  # each on time (REV-7: else it is missed)
        r = review(case, m, day)
        services.review_document(
            review=r, acting_user=fm, reasons="r", prognosis="p", decision="continue", today=day
        )
        if r.gate == "teamleitung_approval":
            services.review_decide(review=r, acting_user=tl, approve=True, comment="", today=day)


def test_rev3_approval_required_until_tl_approves(make_case, fm, tl):
    # DOMAIN REV-3
    case = make_case(ADMITTED)
    on = D(2026, 1, 16)
    _document_all_before(case, fm, tl, 24, on)
    assert selectors.case_review_status(case=case, today=D(2026, 1, 14)) == (D(2026, 1, 15), "allowed")
    assert selectors.case_review_status(case=case, today=on) == (D(2026, 1, 15), "approval_required")
    r24 = review(case, 24, on)
    services.review_document(
        review=r24, acting_user=fm, reasons="r", prognosis="p", decision="continue", today=on
    )
    r24.refresh_from_db()
    assert r24.state == "approval_pending"
    assert selectors.case_review_status(case=case, today=on)[1] == "approval_required"
    services.review_decide(review=r24, acting_user=tl, approve=True, comment="einverstanden", today=on)
    r24.refresh_from_db()
    assert (r24.state, r24.teamleitung_by) == ("approved", tl)
    assert selectors.case_review_status(case=case, today=on) == (D(2026, 7, 15), "allowed")
    # 30 months: approval needed again
    assert selectors.case_review_status(case=case, today=D(2026, 7, 15))[1] == "approval_required"


def test_rev3_declined_continuation_means_the_case_must_close(make_case, fm, tl):
    # DOMAIN REV-3
    case = make_case(ADMITTED)
    on = D(2026, 1, 20)
    r24 = review(case, 24, on)
    services.review_document(
        review=r24, acting_user=fm, reasons="r", prognosis="p", decision="continue", today=on
    )
    with pytest.raises(InvalidInput) as exc:  # a decline needs a reason
        services.review_decide(review=r24, acting_user=tl, approve=False, comment="", today=on)
    assert list(exc.value.fields) == ["comment"]
    assert Review.objects.get(pk=r24.pk).state == "approval_pending"
    services.review_decide(review=r24, acting_user=tl, approve=False, comment="keine Perspektive", today=on)
    assert Review.objects.get(pk=r24.pk).state == "declined"
    assert selectors.case_review_status(case=case, today=on)[1] == "not_allowed"
    # a later review cannot be documented as "continue" any more
    r30 = review(case, 30, D(2026, 7, 20))
    with pytest.raises(Conflict):
        services.review_document(
            review=r30, acting_user=fm, reasons="r", prognosis="p", decision="continue", today=D(2026, 7, 20)
        )
    assert Review.objects.get(pk=r30.pk).state == "due"


def test_rev3_decide_refused_for_wrong_person_state_and_input(make_case, fm, tl, other_tl):
    # DOMAIN REV-3
    case = make_case(ADMITTED)
    on = D(2026, 1, 20)
    r24 = review(case, 24, on)
    with pytest.raises(Conflict):
        services.review_decide(review=r24, acting_user=tl, approve=True, comment="", today=on)
    services.review_document(
        review=r24, acting_user=fm, reasons="r", prognosis="p", decision="continue", today=on
    )
    for user in (fm, other_tl):
        with pytest.raises(NotPermitted):
            services.review_decide(review=r24, acting_user=user, approve=True, comment="", today=on)
    with pytest.raises(InvalidInput):
        services.review_decide(review=r24, acting_user=tl, approve="ja", comment="", today=on)
    assert Review.objects.get(pk=r24.pk).state == "approval_pending"


def test_rev3_tl_gets_review_reminders_from_24_months(make_case, fm, tl, run_jobs):
    # DOMAIN REV-3, REV-6
    make_case(ADMITTED)
    run_jobs(D(2025, 1, 1))  # 12-month review: FM only
    assert reminders(kind="review_due") == [("review_due", "fm.berger", D(2025, 1, 15))]
    Reminder.objects.all().delete()
    Review.objects.update()  # rows stay
    run_jobs(D(2026, 1, 1))  # 24-month review: FM and TL
    assert reminders(kind="review_due") == [
        ("review_due", "fm.berger", D(2026, 1, 15)),
        ("review_due", "tl.schmidt", D(2026, 1, 15)),
    ]


# --- REV-4: 36 months -----------------------------------------------------------------------------------------------


def test_rev4_final_review_refuses_continuation(make_case, fm):
    # DOMAIN REV-4
    case = make_case(ADMITTED)
    on = D(2027, 1, 15)
    r36 = review(case, 36, on)
    assert r36.gate == "final"
    with pytest.raises(Conflict) as exc:
        services.review_document(
            review=r36, acting_user=fm, reasons="r", prognosis="p", decision="continue", today=on
        )
    assert exc.value.code == "max_duration_reached"
    assert Review.objects.get(pk=r36.pk).state == "due"
    assert selectors.case_review_status(case=case, today=D(2027, 1, 14))[1] != "not_allowed"
    assert selectors.case_review_status(case=case, today=on)[1] == "not_allowed"
    services.review_document(
        review=r36, acting_user=fm, reasons="Höchstdauer", prognosis="", decision="end", today=on
    )
    assert Review.objects.get(pk=r36.pk).state == "documented"


def test_rev4_open_case_at_36_months_is_escalated_to_fm_and_tl(make_case, fm, tl, run_jobs):
    # DOMAIN REV-4
    make_case(ADMITTED)
    closed = make_case(ADMITTED, state="closed", closed_on=D(2026, 12, 1))
    assert run_jobs(D(2027, 1, 14))["max_duration_reached"] == 0
    assert run_jobs(D(2027, 1, 15))["max_duration_reached"] == 2
    assert reminders(kind="max_duration_reached") == [
        ("max_duration_reached", "fm.berger", D(2027, 1, 15)),
        ("max_duration_reached", "tl.schmidt", D(2027, 1, 15)),
    ]
    assert not Reminder.objects.filter(case=closed).exists()
    assert run_jobs(D(2027, 3, 1))["max_duration_reached"] == 0  # once per due date


def test_rev4_month_end_admission_clamps_like_the_database(make_case, run_jobs):
    # DOMAIN REV-4: 31.08.2023 + 6 months = 29.02.2024 in Python and in SQL
    case = make_case(D(2023, 8, 31))
    run_jobs(D(2024, 3, 1))
    assert (
        Review.objects.get(case=case, month=6).due_on
        == D(2024, 2, 29)
        == periods.review_due_on(D(2023, 8, 31), 6)
    )


# --- REV-5: cases beyond 24 months --------------------------------------------------------------------------------


def test_rev5_cases_beyond_24_months_listed_for_the_tl(make_case, tl, other_tl):
    # DOMAIN REV-5
    long = make_case(D(2024, 11, 19))
    make_case(D(2024, 11, 21))
    on = D(2026, 11, 20)
    assert list(selectors.cases_beyond_months(user=tl, today=on)) == [long]
    assert list(selectors.cases_beyond_months(user=other_tl, today=on)) == []


# --- REV-6: idempotency, catch-up, query count ------------------------------------------------------------------------


def test_rev6_running_twice_creates_nothing_new(make_case, run_jobs, tl):
    # DOMAIN REV-6
    make_case(ADMITTED)
    make_case(D(2026, 9, 1), state="clearing", clearing_started_on=D(2026, 9, 1))
    first = run_jobs(D(2026, 11, 20))
    assert (
        first["reviews"] == 5 and first["review_overdue"] > 0
    )  # 6…30; 36 is due 15.01.2027 and first["clearing_overdue"] == 2
    n_reviews, n_reminders = Review.objects.count(), Reminder.objects.count()
    second = run_jobs(D(2026, 11, 20))
    assert {k: v for k, v in second.items() if k != "digests"} == {k: 0 for k in second if k != "digests"}
    assert (Review.objects.count(), Reminder.objects.count()) == (n_reviews, n_reminders)


def test_rev6_unique_constraint_not_python_guards_duplicates(make_case, fm):
    # DOMAIN REV-6
    from django.db import IntegrityError, transaction

    case = make_case(ADMITTED)
    Reminder.objects.create(
        recipient=fm,
        kind="review_due",
        case=case,
        client=case.client,
        due_on=D(2024, 7, 15),
        created_on=D(2024, 7, 1),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            recipient=fm,
            kind="review_due",
            case=case,
            client=case.client,
            due_on=D(2024, 7, 15),
            created_on=D(2024, 7, 2),
        )


def test_rev6_missed_days_are_caught_up(make_case, fm, run_jobs):
    # DOMAIN REV-6: no run between 01.07. and 20.07.2024: the next run creates what is due
    case = make_case(ADMITTED)
    run_jobs(D(2024, 6, 1))
    counts = run_jobs(D(2024, 7, 20))
    assert (counts["reviews"], counts["review_overdue"]) == (1, 1)
    assert Review.objects.filter(case=case, month=6).exists()


def test_rev6_query_count_does_not_grow_with_cases(make_case, fm, tl, site, pap, run_jobs):
    # DOMAIN REV-6: set-based; 5 vs 50 cases
    def count_queries(n, on):
        for i in range(n):
            make_case(ADMITTED + datetime.timedelta(days=i % 30))
        with CaptureQueriesContext(connection) as ctx:
            run_jobs(on)
        return len(ctx)

    small = count_queries(5, D(2026, 11, 20))
    Reminder.objects.all().delete()
    large = count_queries(45, D(2026, 11, 21))
    assert Case.objects.count() == 50
    assert small == large


# --- CLR-2: clearing within 2 months ----------------------------------------------------------------------------------------


def test_clr2_clearing_due_to_fm_then_overdue_to_fm_and_tl(make_case, fm, tl, run_jobs):
    # DOMAIN CLR-2: clearing started 10.09.2026 → ends at the latest 10.11.2026
    make_case(None, state="clearing", clearing_started_on=D(2026, 9, 10))
    assert run_jobs(D(2026, 10, 26))["clearing_due"] == 0
    assert run_jobs(D(2026, 10, 27))["clearing_due"] == 1
    assert reminders(kind="clearing_due") == [("clearing_due", "fm.berger", D(2026, 11, 10))]
    assert run_jobs(D(2026, 11, 10))["clearing_overdue"] == 0
    assert run_jobs(D(2026, 11, 11))["clearing_overdue"] == 2
    assert reminders(kind="clearing_overdue") == [
        ("clearing_overdue", "fm.berger", D(2026, 11, 10)),
        ("clearing_overdue", "tl.schmidt", D(2026, 11, 10)),
    ]


# --- ACC-4: periodic access check for pAps -----------------------------------------------------------------------------------


def test_acc4_access_check_due_for_the_paps_of_the_site(site, pap, pap2, other_team, make_case, run_jobs, fm):
    # DOMAIN ACC-4
    from org.choices import Role
    from tests.factories import SiteFactory, StaffFactory, TeamFactory

    other_site_pap = StaffFactory(role=Role.PAP, team=TeamFactory(site=SiteFactory()))
    eligible = ClientFactory(site=site)
    give_needs(eligible, ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN"])
    eligible.access_checked_on = D(2026, 6, 1)
    eligible.save(update_fields=["access_checked_on"])
    too_few = ClientFactory(site=site, access_checked_on=D(2026, 6, 1))
    give_needs(too_few, ["L_PSYCHE", "R_WOHNEN"])
    forecast = ClientFactory(
        site=site, access_checked_on=D(2026, 6, 1), integration_expected_within_12_months=True
    )
    give_needs(forecast, ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN"])
    in_fm = make_case(ADMITTED)
    give_needs(in_fm.client, ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN"])
    Case.objects.filter(pk=in_fm.pk).update(admitted_on=D(2026, 10, 1))
    assert run_jobs(D(2026, 11, 16))["access_check_due"] == 0  # due 01.12.2026, 14 days ahead = 17.11.
    assert run_jobs(D(2026, 11, 17))["access_check_due"] == 2
    assert sorted(
        Reminder.objects.filter(kind="access_check_due").values_list("recipient", "client", "due_on", "case")
    ) == sorted([(pap.pk, eligible.pk, D(2026, 12, 1), None), (pap2.pk, eligible.pk, D(2026, 12, 1), None)])
    assert not Reminder.objects.filter(recipient=other_site_pap).exists()
    # the pAp documents the check: reminders done, next one due 6 months later
    case_services.client_access_check_record(
        client=eligible, acting_user=pap, result="Keine Zuweisung, Kurs läuft", on=D(2026, 11, 20)
    )
    eligible.refresh_from_db()
    assert (eligible.access_checked_on, eligible.access_check_result) == (
        D(2026, 11, 20),
        "Keine Zuweisung, Kurs läuft",
    )
    assert not selectors.reminders_for(user=pap).exists()
    assert run_jobs(D(2026, 11, 21))["access_check_due"] == 0
    assert run_jobs(D(2027, 5, 6))["access_check_due"] == 2
    assert set(
        Reminder.objects.filter(done_at__isnull=True, kind="access_check_due").values_list(
            "due_on", flat=True
        )
    ) == {D(2027, 5, 20)}


def test_acc4_only_a_pap_records_the_check_and_input_is_checked(client_eligible, fm, pap):
    # DOMAIN ACC-4
    with pytest.raises(NotPermitted):
        case_services.client_access_check_record(
            client=client_eligible, acting_user=fm, result="x", on=D(2026, 1, 1)
        )
    with pytest.raises(InvalidInput):
        case_services.client_access_check_record(
            client=client_eligible, acting_user=pap, result="", on=D(2026, 1, 1)
        )
    with pytest.raises(InvalidInput):
        case_services.client_access_check_record(
            client=client_eligible,
            acting_user=pap,
            result="x",
            on=datetime.date.today() + datetime.timedelta(days=1),
        )
    client_eligible.refresh_from_db()
    assert (client_eligible.access_checked_on, client_eligible.access_check_result) == (None, "")


# --- PLAN-3: agreement review ------------------------------------------------------------------------------------------


@pytest.mark.skipif(not apps.is_installed("plans"), reason="plans app not installed")
def test_plan3_agreement_review_due_reminder(make_case, fm, run_jobs):
    # DOMAIN PLAN-3
    Agreement = apps.get_model("plans", "Agreement")
    case = make_case(D(2026, 1, 10))
    Agreement.objects.create(
        case=case,
        concluded_on=D(2026, 6, 1),
        review_due_on=D(2026, 12, 1),
        recorded_on=D(2026, 6, 1),
        created_by=fm,
        title="Kooperationsplan",
    )
    Agreement.objects.create(
        case=case,
        concluded_on=D(2026, 1, 1),
        review_due_on=D(2026, 7, 1),
        recorded_on=D(2026, 1, 1),
        created_by=fm,
        superseded_on=D(2026, 6, 1),
    )
    assert run_jobs(D(2026, 11, 16))["agreement_review_due"] == 0
    assert run_jobs(D(2026, 11, 17))["agreement_review_due"] == 1
    assert reminders(kind="agreement_review_due") == [("agreement_review_due", "fm.berger", D(2026, 12, 1))]


# --- case_review_status in lists ---------------------------------------------------------------------------------------


def test_case_review_status_uses_prefetched_reviews(make_case, fm, django_assert_num_queries):
    # DOMAIN REV-3: one query for a whole list, however many cases
    for i in range(10):
        case = make_case(ADMITTED + datetime.timedelta(days=i))
        services.reviews_ensure_for_case(case=case, today=D(2026, 2, 1))
    with django_assert_num_queries(2):
        cases = list(selectors.with_review_status(Case.objects.all()))
        statuses = [selectors.case_review_status(case=c, today=D(2026, 2, 1)) for c in cases]
    assert {s[1] for s in statuses} == {"approval_required"}
    with django_assert_num_queries(0):
        assert selectors.case_review_status(case=Case(state="clearing"), today=D(2026, 2, 1)) == (None, None)

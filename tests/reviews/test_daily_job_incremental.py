"""The daily job works from its last run (date window + changed cases) and still misses nothing (REV-6).

The job is incremental for speed (issue 3: 1,000,000 cases); these tests pin that it is still complete:
after incremental runs a full re-derivation (`full=True`) must find nothing left to create. To make the
incremental path as narrow as in production (where cases were last edited long before the last run), the
"changed since" overlap is set to zero here."""

import datetime

import pytest
from django.apps import apps
from django.db import connection
from django.template.loader import get_template

from cases import services as case_services
from jobs import daily
from reminders import engine
from reminders.models import DailyJobRun, Reminder
from reviews.models import Review
from tests.factories import ClientFactory

D = datetime.date
ON = D(2026, 11, 20)
TWENTY_MONTHS_AGO = D(2025, 3, 20)  # reviews 6 → 20.09.2025, 12 → 20.03.2026, 18 → 20.09.2026


def created(counts):
    return {k: v for k, v in counts.items() if k != "digests" and v}


def reminders_of(case):
    # PLAN-3's "agreement missing" is not what these tests are about (tests/rules/test_plan3_reminders.py)
    return sorted(
        Reminder.objects.filter(case=case)
        .exclude(kind="agreement_missing")
        .values_list("kind", "recipient__username", "due_on"),
        key=str,
    )


@pytest.fixture
def narrow(monkeypatch):
    monkeypatch.setattr(engine, "CHANGED_OVERLAP", datetime.timedelta(0))


def test_rev6_imported_case_admitted_20_months_ago_gets_overdue_reviews_on_the_first_run(
    site, fm, admin_user, run_jobs
):
    # DOMAIN REV-6, REV-1: no earlier run — the first run derives everything, however far back.
    # REV-7: the reviews that fell due before the import count as documented in the legacy system (with
    # the TL's acknowledgement at 12 and 18 months): rows for the history, no overdue reminders.
    case = case_services.case_import(
        acting_user=admin_user,
        client=ClientFactory(site=site),
        fallmanager=fm,
        admitted_on=TWENTY_MONTHS_AGO,
        today=ON,
    )
    counts = run_jobs(ON)
    assert (counts["reviews"], counts["review_overdue"], counts["review_due"]) == (3, 0, 0)
    assert list(Review.objects.filter(case=case).values_list("month", "due_on", "state", "legacy")) == [
        (6, D(2025, 9, 20), "documented", True),
        (12, D(2026, 3, 20), "acknowledged", True),
        (18, D(2026, 9, 20), "acknowledged", True),
    ]
    assert reminders_of(case) == []


def test_rev7_imported_case_reviews_after_the_import_are_due(site, fm, admin_user, run_jobs):
    # DOMAIN REV-7: a review falling due after the import date is an ordinary to-do again.
    case = case_services.case_import(
        acting_user=admin_user,
        client=ClientFactory(site=site),
        fallmanager=fm,
        admitted_on=TWENTY_MONTHS_AGO,
        today=ON,
    )
    run_jobs(D(2027, 3, 21))
    assert list(Review.objects.filter(case=case).values_list("month", "state", "legacy")) == [
        (6, "documented", True),
        (12, "acknowledged", True),
        (18, "acknowledged", True),
        (24, "due", False),
    ]
    assert reminders_of(case) == [("review_overdue", "fm.berger", D(2027, 3, 20))]


def test_rev6_case_imported_while_the_job_runs_daily_is_caught_up_by_the_next_run(
    narrow, site, fm, tl, admin_user, make_case, run_jobs
):
    # DOMAIN REV-6: the job has been running; a case imported with an admission date 20 months back lies
    # outside every date window — it is found as a changed case and gets all its overdue reminders.
    make_case(D(2024, 1, 15))
    run_jobs(ON - datetime.timedelta(days=2))
    run_jobs(ON - datetime.timedelta(days=1))
    case = case_services.case_import(
        acting_user=admin_user,
        client=ClientFactory(site=site),
        fallmanager=fm,
        admitted_on=TWENTY_MONTHS_AGO,
        today=ON,
    )
    counts = run_jobs(ON)
    # REV-7: its reviews before the import count as documented there (rows, no reminders)
    assert created(counts) == {"reviews": 3}
    assert reminders_of(case) == []
    assert created(daily.reviews_and_reminders_create(on=ON, full=True)) == {}


def test_rev6_incremental_runs_leave_nothing_for_a_full_run(
    narrow, site, fm, fm2, tl, other_tl, team, admin_user, make_case, run_jobs
):
    # DOMAIN REV-6, CLR-2, REV-4, PLAN-3: after each incremental run a full re-derivation creates nothing
    Agreement = apps.get_model("plans", "Agreement")
    transferred = make_case(D(2024, 1, 15))  # all reviews 6…30 overdue by November 2026
    make_case(None, state="clearing", clearing_started_on=D(2026, 9, 1))  # clearing overdue from 02.11.2026
    at_36 = make_case(D(2023, 11, 14))  # 36 months reached 14.11.2026, between the two runs
    upcoming = make_case(D(2026, 5, 25))  # 6-month review 25.11.2026: enters the window by date only
    day1 = D(2026, 11, 10)
    first = run_jobs(day1)  # no earlier run: full
    assert first["reviews"] > 0 and first["max_duration_reached"] == 0
    assert created(daily.reviews_and_reminders_create(on=day1, full=True)) == {}

    # A working day: an import, a transfer to another FM, a new agreement, a second TL for the team.
    imported = case_services.case_import(
        acting_user=admin_user,
        client=ClientFactory(site=site),
        fallmanager=fm,
        admitted_on=TWENTY_MONTHS_AGO,
        today=ON,
    )
    transferred.fallmanager = fm2
    transferred.save()
    Agreement.objects.create(
        case=upcoming,
        concluded_on=D(2026, 6, 1),
        review_due_on=D(2026, 9, 1),
        recorded_on=D(2026, 6, 1),
        created_by=fm,
        title="Kooperationsplan",
    )
    team.leads.add(other_tl)

    day2 = D(2026, 11, 20)  # nine days missed: the windows cover them
    counts = run_jobs(day2)
    assert created(daily.reviews_and_reminders_create(on=day2, full=True)) == {}
    # The date window: the upcoming review (unchanged case) and the 36-month escalation.
    assert reminders_of(upcoming) == [
        ("agreement_review_due", "fm.berger", D(2026, 9, 1)),
        ("agreement_review_overdue", "fm.berger", D(2026, 9, 1)),  # PLAN-3, REV-6: and again when overdue
        ("review_due", "fm.berger", D(2026, 11, 25)),
    ]
    assert sorted(r[1] for r in reminders_of(at_36) if r[0] == "max_duration_reached") == [
        "fm.berger",
        "tl.other",
        "tl.schmidt",
    ]
    # The changed cases: the import's overdue reviews, the new FM's reminders of the transferred case.
    # REV-7: the import's reviews before the import are documented there; of the transferred case's
    # reviews 6…30 only the 30-month one is open (6…24 were missed).
    assert reminders_of(imported) == []
    assert Reminder.objects.filter(case=transferred, recipient=fm2, kind="review_overdue").count() == 1
    # The new TL gets the TL reminders of the team's open cases (reviews from 24 months: now only 30).
    assert Reminder.objects.filter(case=transferred, recipient=other_tl, kind="review_overdue").count() == 1
    assert Reminder.objects.filter(recipient=other_tl, kind="clearing_overdue").count() == 1
    assert counts["review_due"] == 1 and counts["agreement_review_due"] == 1
    # The same day again: nothing.
    assert created(run_jobs(day2)) == {}


def test_rev6_a_run_reads_only_its_window_and_full_repairs_writes_around_the_application(
    narrow, fm, make_case, run_jobs
):
    # DOMAIN REV-6: an unchanged case outside the date window is not re-read (that is what makes the job
    # fast); data written around the application (here: a review row deleted by raw SQL) is repaired by
    # `run_daily_jobs --full`.
    case = make_case(D(2024, 1, 15))
    run_jobs(D(2026, 11, 19))
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM reviews_review WHERE case_id = %s AND month = 6", [case.pk])
    assert run_jobs(D(2026, 11, 20))["reviews"] == 0
    counts = daily.daily_jobs_run(on=D(2026, 11, 20), full=True)
    assert counts["reviews"] == 1
    assert Review.objects.filter(case=case, month=6, due_on=D(2024, 7, 15)).exists()


def test_rev6_run_for_an_earlier_date_does_not_hide_a_new_tl_from_the_next_run(
    narrow, fm, tl, other_tl, team, make_case, run_jobs
):
    # DOMAIN REV-6, REV-4: the TL snapshot moves only with the newest run
    case = make_case(D(2023, 11, 1))  # 36 months reached 01.11.2026
    run_jobs(D(2026, 11, 20))
    team.leads.add(other_tl)
    run_jobs(D(2026, 10, 1))  # a back-dated run: the 36 months are not reached as of then
    escalations = Reminder.objects.filter(recipient=other_tl, kind="max_duration_reached")
    assert not escalations.exists()
    run_jobs(D(2026, 11, 21))
    assert list(escalations.values_list("case", "due_on")) == [(case.pk, D(2026, 11, 1))]


def test_rev6_job_runs_are_recorded_as_the_high_water_mark(fm, make_case, run_jobs):
    # DOMAIN REV-6: a missed day is caught up — the next run starts from the last completed run
    make_case(D(2024, 1, 15))
    run_jobs(D(2026, 11, 1))
    run_jobs(D(2026, 11, 20))
    assert list(DailyJobRun.objects.order_by("on").values_list("on", flat=True)) == [
        D(2026, 11, 1),
        D(2026, 11, 20),
    ]
    params = engine._window_params(on=D(2026, 11, 21), horizon=D(2026, 12, 5), full=False)
    # The last horizon (20.11. + 14 days) and the last date, inclusive: no gap, no re-reading of older dates.
    assert (params["review_since"], params["due_from"], params["overdue_from"]) == (
        D(2026, 12, 4),
        D(2026, 12, 4),
        D(2026, 11, 20),
    )
    assert (
        engine._window_params(on=D(2026, 10, 1), horizon=D(2026, 10, 15), full=False)["changed_since"] is None
    )


@pytest.mark.parametrize("kinds", [[("Fortführungsprüfung fällig", 3)], [("A", 1), ("B", 12345)], []])
def test_rev6_digest_body_is_the_template_rendered_per_person(kinds):
    # DOMAIN REV-6: the digest text is rendered once per day and filled per person — same text as the template
    on = D(2026, 11, 20)
    expected = get_template("reminders/digest_email.txt").render(
        {"name": "Anna Berger", "kinds": kinds, "on": on}
    )
    assert engine._digest_body_renderer(on=on)("Anna Berger", kinds) == expected


# --- ACC-4 incremental: the date window and the changed clients ---------------------------------------------


def access_reminders():
    return sorted(
        Reminder.objects.filter(kind="access_check_due").values_list(
            "client_id", "recipient__username", "due_on"
        )
    )


def test_acc4_incremental_runs_find_changed_clients_and_leave_nothing_for_a_full_run(
    narrow, site, team, fm, pap, admin_user, make_case, run_jobs
):
    # DOMAIN ACC-4, REV-6: a run evaluates only the clients whose check fell due since the last run and the
    # changed ones — a new need, a closed case, an edited forecast, a new pAp at the site — and misses nothing.
    from org.choices import Role
    from tests.conftest import give_needs
    from tests.factories import StaffFactory

    long_due = D(2025, 1, 10)  # checked then: due 10.07.2025, long outside every date window
    gets_need = ClientFactory(site=site, access_checked_on=long_due)
    give_needs(gets_need, ["L_PSYCHE", "R_WOHNEN"])
    forecast = ClientFactory(
        site=site, access_checked_on=long_due, integration_expected_within_12_months=True
    )
    give_needs(forecast, ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN"])
    in_fm = make_case(D(2025, 1, 2))
    in_fm.client.access_checked_on = long_due
    in_fm.client.save()
    give_needs(in_fm.client, ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN"])
    by_date = ClientFactory(site=site, access_checked_on=D(2026, 5, 28))  # due 28.11.2026: the window
    give_needs(by_date, ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN"])

    day1 = D(2026, 11, 10)
    assert run_jobs(day1)["access_check_due"] == 0  # first (full) run: nobody eligible and due yet
    # A working day: a third need, an edited forecast, the FM case closed — each makes a client eligible
    # with a due date months back; none of them lies in the date window.
    give_needs(gets_need, ["R_FINANZEN"], on=D(2026, 11, 12))
    case_services.client_update(
        client=forecast, acting_user=pap, integration_expected_within_12_months=False, today=D(2026, 11, 12)
    )
    case_services.case_close(
        case=in_fm,
        acting_user=fm,
        exit_reason_code="B08",
        handover_talk_on=D(2026, 11, 12),
        handover_pap=pap,
        outcome={"medical_service_involved": False},
        on=D(2026, 11, 12),
        today=D(2026, 11, 12),
    )
    day2 = D(2026, 11, 13)
    counts = run_jobs(day2)
    assert counts["access_check_due"] == 3
    assert access_reminders() == sorted(
        [
            (gets_need.pk, "pap.yilmaz", D(2025, 7, 10)),
            (forecast.pk, "pap.yilmaz", D(2025, 7, 10)),
            (in_fm.client_id, "pap.yilmaz", D(2025, 7, 10)),
        ]
    )
    assert created(daily.reviews_and_reminders_create(on=day2, full=True)) == {}

    # The date window: unchanged, due 28.11.2026 — 14 days ahead on 14.11.; then a new pAp at the site.
    assert run_jobs(D(2026, 11, 14))["access_check_due"] == 1
    StaffFactory(username="pap.neu", role=Role.PAP, team=team)
    # ACC-4: the client handed over at the exit has a responsible pAp — only she is reminded of him.
    assert run_jobs(D(2026, 11, 15))["access_check_due"] == 3
    assert {c for c, who, _due in access_reminders() if who == "pap.neu"} == {
        gets_need.pk,
        forecast.pk,
        by_date.pk,
    }
    assert created(daily.reviews_and_reminders_create(on=D(2026, 11, 15), full=True)) == {}
    assert created(run_jobs(D(2026, 11, 15))) == {}


def test_acc4_a_run_does_not_re_read_unchanged_clients_outside_its_window(narrow, site, pap, run_jobs):
    # DOMAIN ACC-4, REV-6: what keeps the job fast — a client written around the application (no
    # `updated_at`) outside the window is not re-read; `run_daily_jobs --full` repairs it
    client = ClientFactory(site=site, access_checked_on=D(2025, 1, 10))
    run_jobs(D(2026, 11, 19))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_clientneed (client_id, need_id, identified_on, status, updated_at)"
            " SELECT %s, id, '2025-01-01', 'open', '2025-01-01' FROM catalog_need"
            " WHERE code IN ('L_PSYCHE', 'R_WOHNEN', 'R_FINANZEN')",
            [client.pk],
        )
    assert run_jobs(D(2026, 11, 20))["access_check_due"] == 0
    assert daily.daily_jobs_run(on=D(2026, 11, 20), full=True)["access_check_due"] == 1

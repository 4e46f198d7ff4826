"""The "Heute" worklist (DOMAIN WORK-1): overdue, today, the next 14 days — reviews, clearing ends,
agreement reviews, follow-ups, contact gaps — sorted by date, each item leading to where it is done; the
same counts on the start page, the reminders page and the digest; the TL's approvals and escalations."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AccessLog
from followups import services as followup_services
from jobs import daily, worklist
from plans import services as plan_services
from reminders.models import Reminder, ReminderDigest
from reviews import selectors as review_selectors
from reviews import services as review_services
from reviews.models import Review
from tests.conftest import TODAY

D = datetime.date


def contact(case, fm, on=D(2026, 11, 15)):
    plan_services.contact_create(case=case, acting_user=fm, kind="office", date=on, today=TODAY)


@pytest.fixture
def day(make_case, fm, other_fm):
    """An FM's working day on 20.11.2026: one of each kind of to-do, plus what must not show."""
    a = make_case(D(2026, 5, 25))  # 6-month review due 25.11. (in 5 days)
    b = make_case(D(2026, 5, 10))  # 6-month review due 10.11. (overdue)
    c = make_case(None, state="clearing", clearing_started_on=D(2026, 9, 25))  # clearing ends 25.11.
    d = make_case(D(2026, 8, 3))  # agreement to be reviewed today
    e = make_case(D(2026, 8, 3))  # no contact at all: contact gap since 01.09.
    far = make_case(D(2026, 6, 20))  # review due 20.12.: beyond 14 days
    foreign = make_case(D(2026, 5, 10), fallmanager=other_fm)  # another FM's overdue review
    for case in (a, b, c, d, far):
        contact(case, fm)
    contact(foreign, other_fm)
    plan_services.agreement_conclude(
        case=d, acting_user=fm, concluded_on=D(2026, 8, 10), client_commitments="Bewerbungen",
        jobcenter_commitments="Coaching", review_due_on=TODAY, today=TODAY,
    )  # fmt: skip
    followup_services.followup_create(
        case=a, acting_user=fm, due_on=D(2026, 11, 22), note="Anruf", today=TODAY
    )
    daily.daily_jobs_run(on=TODAY, send_digests=False)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "far": far, "foreign": foreign}


def test_work1_fm_worklist_sorted_by_date_each_item_one_click(day, fm):
    items = worklist.worklist_for(user=fm, today=TODAY)
    got = [(i.kind, i.case_id, i.due_on) for i in items]
    assert got == [
        ("contact_gap", day["e"].pk, D(2026, 9, 1)),
        ("review_due", day["b"].pk, D(2026, 11, 10)),
        ("agreement_review_due", day["d"].pk, TODAY),
        ("followup_due", day["a"].pk, D(2026, 11, 22)),
        *sorted(
            [("review_due", day["a"].pk, D(2026, 11, 25)), ("clearing_due", day["c"].pk, D(2026, 11, 25))],
            key=lambda t: next(i.client_name for i in items if i.case_id == t[1] and i.kind == t[0]),
        ),
    ]
    urls = {(i.kind, i.case_id): i.url for i in items}
    review_b = Review.objects.get(case=day["b"], month=6)
    assert urls[("review_due", day["b"].pk)] == f"/faelle/{day['b'].pk}/#review-{review_b.pk}"
    urls = {i.kind: i.url for i in items}
    assert urls["agreement_review_due"] == f"/faelle/{day['d'].pk}/#plans-agreement"
    assert urls["followup_due"] == f"/faelle/{day['a'].pk}/#followups"
    assert urls["contact_gap"] == f"/faelle/{day['e'].pk}/#plans-contacts"
    assert [i.overdue(TODAY) for i in items[:3]] == [True, True, False]
    assert all("-" not in i.label.split()[0] for i in items)  # German labels, no codes


def test_work1_worklist_until_widens_the_window(day, fm):
    items = worklist.worklist_for(user=fm, today=TODAY, until=D(2026, 12, 31))
    assert (day["far"].pk, D(2026, 12, 20)) in [(i.case_id, i.due_on) for i in items]


def test_work1_counts_same_on_start_page_reminders_page_and_digest(day, fm, client):
    """Issue 13: the start card, the reminders page and the digest counted three different things."""
    reminded = [i for i in worklist.worklist_for(user=fm, today=TODAY) if i.kind not in worklist.NOT_REMINDED]
    assert review_selectors.open_reminder_count(user=fm) == len(reminded) == 5
    client.force_login(fm)
    assert "5 offene Erinnerungen" in client.get("/").content.decode()
    assert "5 offene Erinnerungen" in client.get("/erinnerungen/").content.decode()
    # The review of b is documented; the next day the job settles its reminder, a's review is still due.
    review_services.review_document(
        review=Review.objects.get(case=day["b"], month=6), acting_user=fm, reasons="Stabil", prognosis="gut",
        decision="continue", today=TODAY,
    )  # fmt: skip
    mail.outbox.clear()
    daily.daily_jobs_run(on=D(2026, 11, 21), send_digests=True)
    digest = ReminderDigest.objects.get(recipient=fm, sent_on=D(2026, 11, 21))
    # The three numbers a user sees agree. (The agreement review of d is now overdue: its due and overdue
    # reminders are both open until the FM reviews it — one worklist item, two reminders.)
    assert digest.reminder_count == review_selectors.open_reminder_count(user=fm) == 5
    client.force_login(fm)
    assert "5 offene Erinnerungen" in client.get("/erinnerungen/").content.decode()


def test_work1_rev6_due_reminder_settles_when_overdue_one_per_due_date(make_case, fm):
    case = make_case(D(2026, 5, 25))
    daily.daily_jobs_run(on=TODAY, send_digests=False)
    daily.daily_jobs_run(on=D(2026, 11, 26), send_digests=False)
    open_ = Reminder.objects.filter(case=case, recipient=fm, done_at__isnull=True)
    assert list(open_.values_list("kind", "due_on")) == [("review_overdue", D(2026, 11, 25))]


def test_work1_rev6_reminders_of_a_case_moved_to_another_fm_settle(make_case, fm, fm2):
    case = make_case(D(2026, 5, 10))
    daily.daily_jobs_run(on=TODAY, send_digests=False)
    assert review_selectors.open_reminder_count(user=fm) == 1
    type(case).objects.filter(pk=case.pk).update(fallmanager=fm2)
    daily.daily_jobs_run(on=D(2026, 11, 21), send_digests=False)
    assert review_selectors.open_reminder_count(user=fm) == 0
    assert Reminder.objects.filter(recipient=fm2, done_at__isnull=True).count() == 1


def test_work1_tl_worklist_approvals_and_escalations(make_case, fm, tl, pap):
    # REV-3: a 24-month continuation waits for the TL's approval; CLR-2: an overdue clearing escalates.
    long = make_case(D(2024, 11, 2))
    make_case(None, state="clearing", clearing_started_on=D(2026, 8, 1))  # ended 01.10.: overdue
    daily.daily_jobs_run(on=TODAY, send_digests=False)
    review = Review.objects.get(case=long, month=24)
    review_services.review_document(
        review=review, acting_user=fm, reasons="Fortschritte", prognosis="Arbeit in 6 Monaten",
        decision="continue", today=TODAY,
    )  # fmt: skip
    kinds = [(i.kind, i.due_on) for i in worklist.worklist_for(user=tl, today=TODAY)]
    assert ("clearing_overdue", D(2026, 10, 1)) in kinds
    assert ("review_approval", TODAY) in kinds
    assert worklist.worklist_for(user=pap, today=TODAY) == []


def test_work1_start_page_shows_worklist_first_caseload_table_on_meine_faelle(day, fm, client):
    client.force_login(fm)
    body = client.get("/").content.decode()
    assert body.index("Heute: Ihre Arbeitsliste") < body.index("Mein Fallbestand")
    assert "Überfällig" in body and "Nächste 14 Tage" in body
    assert f'href="/faelle/{day["d"].pk}/#plans-agreement"' in body
    assert "Offene Fälle" not in body  # the table moved
    assert "Offene Fälle" in client.get("/faelle/uebersicht/").content.decode()


def test_work1_start_page_query_count_fixed(make_case, fm, client, django_assert_max_num_queries):
    def page_queries(n):
        for i in range(n):
            case = make_case(D(2026, 5, 10) + datetime.timedelta(days=i % 20))
            followup_services.followup_create(case=case, acting_user=fm, due_on=TODAY, note="x", today=TODAY)
        daily.daily_jobs_run(on=TODAY, send_digests=False, full=True)
        client.force_login(fm)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/").status_code == 200
        return len(ctx)

    small = page_queries(3)
    large = page_queries(25)
    assert small == large
    with django_assert_max_num_queries(25):
        client.get("/")


# --- API ------------------------------------------------------------------------------------------------------


def test_work1_api_worklist_shape_sorted_and_logged(day, fm, api_as):
    AccessLog.objects.all().delete()
    r = api_as(fm).get("/api/v1/worklist/")
    assert r.status_code == 200
    body = r.json()
    assert set(body[0]) == {"kind", "case", "due_on", "overdue", "label"}
    assert [x["due_on"] for x in body] == sorted(x["due_on"] for x in body)
    assert body[0] == {
        "kind": "contact_gap", "case": day["e"].pk, "due_on": "2026-09-01", "overdue": True,
        "label": body[0]["label"],
    }  # fmt: skip
    assert day["foreign"].pk not in {x["case"] for x in body}
    logged = set(AccessLog.objects.filter(action="case.list").values_list("object_id", flat=True))
    assert logged == {x["case"] for x in body}
    wider = api_as(fm).get("/api/v1/worklist/?until=2026-12-31").json()
    assert day["far"].pk in {x["case"] for x in wider}


@pytest.mark.parametrize(
    "until", ["2026-13-01", "morgen", "2026-11-19", "2028-01-01", "2026-1-1", "x" * 10_000]
)
def test_work1_api_worklist_bad_until_400(fm, api_as, until):
    r = api_as(fm).get("/api/v1/worklist/", {"until": until})
    assert r.status_code == 400
    assert "until" in r.json()["error"]["fields"]


def test_work1_api_worklist_needs_sign_in(api):
    assert api.get("/api/v1/worklist/").status_code in (401, 403)


def test_work1_rev4_maximum_duration_on_fm_and_tl_worklist(make_case, fm, tl):
    case = make_case(D(2023, 11, 25))  # 36 months on 25.11.2026
    daily.daily_jobs_run(on=TODAY, send_digests=False)
    fm_items = [
        (i.kind, i.due_on) for i in worklist.worklist_for(user=fm, today=TODAY) if i.case_id == case.pk
    ]
    assert ("max_duration_reached", D(2026, 11, 25)) in fm_items
    tl_items = [
        (i.kind, i.due_on) for i in worklist.worklist_for(user=tl, today=TODAY) if i.case_id == case.pk
    ]
    assert ("max_duration_reached", D(2026, 11, 25)) in tl_items
    # Looking further ahead than the daily job's rows: a case reaching 36 months in December.
    later = make_case(D(2023, 12, 20))
    ahead = worklist.worklist_for(user=fm, today=TODAY, until=D(2026, 12, 31))
    assert ("max_duration_reached", D(2026, 12, 20)) in [
        (i.kind, i.due_on) for i in ahead if i.case_id == later.pk
    ]

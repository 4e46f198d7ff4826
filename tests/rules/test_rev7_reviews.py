"""REV-7: one open review per case; a review not documented before the next one fell due is missed —
kept in the history and out of the to-dos; reviews due before an import count as documented there."""

import datetime as dt

import pytest

from cases import services as case_services
from reminders.models import Reminder
from reviews import selectors, services
from reviews.models import Review
from tests.factories import CaseFactory, ClientFactory

D = dt.date
ADMITTED = D(2025, 1, 15)  # 6 → 15.07.2025, 12 → 15.01.2026, 18 → 15.07.2026


@pytest.fixture
def case(fm, site):
    return CaseFactory(
        client=ClientFactory(site=site, last_name="Versäumt"),
        fallmanager=fm,
        state="active",
        admitted_on=ADMITTED,
        referred_on=D(2024, 12, 1),
        handover_talk_on=D(2024, 11, 30),
    )


def _run(on):
    from jobs import daily

    return daily.daily_jobs_run(on=on, send_digests=False)


def test_rev7_review_missed_when_the_next_one_falls_due(case, fm):
    _run(D(2025, 7, 16))
    assert list(Review.objects.filter(case=case).values_list("month", "state")) == [(6, "due")]
    assert Reminder.objects.filter(case=case, kind="review_overdue", done_at__isnull=True).count() == 1
    counts = _run(D(2026, 1, 15))  # the 12-month review falls due: the 6-month one is missed
    assert counts["reviews_missed"] == 1
    assert list(Review.objects.filter(case=case).values_list("month", "state", "missed_on")) == [
        (6, "missed", D(2026, 1, 15)),
        (12, "due", None),
    ]
    # no longer a to-do: its reminders are done, the FM's review inbox shows only the 12-month review
    assert not Reminder.objects.filter(case=case, due_on=D(2025, 7, 15), done_at__isnull=True).exists()
    assert [r.month for r in selectors.reviews_due_for_fm(user=fm, today=D(2026, 1, 15))] == [12]
    assert selectors.case_review_status(case=case, today=D(2026, 1, 15))[0] == D(2026, 1, 15)
    # re-runs change nothing
    assert _run(D(2026, 1, 15))["reviews_missed"] == 0


def test_rev7_one_open_review_even_before_the_job_marks_it(case, fm):
    # The FM's inbox and the case status never show two open reviews of one case.
    services.reviews_ensure_for_case(case=case, today=D(2025, 7, 16))
    Review.objects.create(case=case, month=12, due_on=D(2026, 1, 15), gate="inform_teamleitung")  # raw
    assert [r.month for r in selectors.reviews_due_for_fm(user=fm, today=D(2026, 1, 20))] == [12]
    assert selectors.case_review_status(case=case, today=D(2026, 1, 20))[0] == D(2026, 1, 15)


def test_rev7_missed_review_cannot_be_documented(case, fm):
    services.reviews_ensure_for_case(case=case, today=D(2026, 1, 20))
    r6 = Review.objects.get(case=case, month=6)
    assert r6.state == "missed"
    from fallmanagement.errors import Conflict

    with pytest.raises(Conflict) as err:
        services.review_document(
            review=r6, acting_user=fm, reasons="r", prognosis="p", decision="continue", today=D(2026, 1, 20)
        )
    assert "versäumt" in err.value.message and "Handlungsleitlinie IV.4" in err.value.message
    assert Review.objects.get(pk=r6.pk).state == "missed"


def test_rev7_missed_review_shown_in_the_case_history(client, case, fm, monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: D(2026, 1, 20))
    client.force_login(fm)
    body = client.get(f"/faelle/{case.pk}/").content.decode()
    assert "versäumt" in body and "nicht dokumentiert, bevor die nächste Prüfung fällig wurde" in body
    # the review page shows what is due: one form for this case
    body = client.get("/pruefungen/").content.decode()
    assert body.count("Prüfung dokumentieren") == 1


def test_rev7_imported_case_brings_its_past_reviews_as_documented(site, fm, tl, admin_user):
    case = case_services.case_import(
        acting_user=admin_user,
        client=ClientFactory(site=site),
        fallmanager=fm,
        admitted_on=D(2024, 1, 10),  # 6, 12, 18, 24 (10.01.2026) before the import on 20.02.2026
        today=D(2026, 2, 20),
    )
    assert case.imported_on == D(2026, 2, 20)
    _run(D(2026, 2, 20))
    rows = list(Review.objects.filter(case=case).values_list("month", "state", "legacy", "decision"))
    assert rows == [
        (6, "documented", True, "continue"),
        (12, "acknowledged", True, "continue"),
        (18, "acknowledged", True, "continue"),
        (24, "approved", True, "continue"),
    ]
    assert not Reminder.objects.filter(case=case).exists()
    # the next review after the import is an ordinary one, and continuation is allowed meanwhile
    assert selectors.case_review_status(case=case, today=D(2026, 2, 20)) == (D(2026, 7, 10), "allowed")
    assert [r.month for r in selectors.reviews_waiting_for_teamleitung(user=tl)] == []


def test_rev7_review_inbox_is_paginated(client, fm, site, monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: D(2026, 1, 20))
    for i in range(23):
        c = CaseFactory(client=ClientFactory(site=site), fallmanager=fm, state="active", admitted_on=ADMITTED)
        services.reviews_ensure_for_case(case=c, today=D(2026, 1, 20))
    client.force_login(fm)
    first = client.get("/pruefungen/").content.decode()
    assert first.count("Prüfung dokumentieren") == 20 and "Seite 1 von 2 (23 Prüfungen)" in first
    second = client.get("/pruefungen/?seite=2").content.decode()
    assert second.count("Prüfung dokumentieren") == 3
    assert client.get("/pruefungen/?seite=abc").status_code == 200

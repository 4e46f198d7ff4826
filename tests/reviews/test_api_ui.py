"""API "Reviews" / "Reminders and jobs" and the review pages (REV-1..6)."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from jobs import daily
from reminders.models import Reminder, ReminderDigest
from reviews import selectors, services
from reviews.models import Review

D = datetime.date
ADMITTED = D(2023, 6, 10)


@pytest.fixture
def long_case(make_case):
    """Active since 10.06.2023: on 20.11.2026 all six review months are due or past (36 = 10.06.2026)."""
    return make_case(ADMITTED)


@pytest.fixture
def pin_today(monkeypatch):
    def pin(day):
        monkeypatch.setattr("catalog.clock.request_day", lambda request=None: day)

    pin(D(2026, 11, 20))
    return pin


def test_rev1_get_reviews_one_per_month_due_or_past(api_as, fm, long_case, pin_today):
    # DOMAIN REV-1..4: 6, 12, 18, 24, 30, 36 with their gates; REV-7: one open review per case, the
    # earlier ones (never documented before their successor fell due) are missed
    res = api_as(fm).get(f"/api/v1/cases/{long_case.pk}/reviews/")
    assert res.status_code == 200
    body = res.json()
    assert body["count"] == 6 and set(body) == {"count", "next", "previous", "results"}
    assert [(r["month"], r["due_on"], r["gate"], r["state"]) for r in body["results"]] == [
        (6, "2023-12-10", "document", "missed"),
        (12, "2024-06-10", "inform_teamleitung", "missed"),
        (18, "2024-12-10", "inform_teamleitung", "missed"),
        (24, "2025-06-10", "teamleitung_approval", "missed"),
        (30, "2025-12-10", "teamleitung_approval", "missed"),
        (36, "2026-06-10", "final", "due"),
    ]
    assert set(body["results"][0]) == {"id", "month", "due_on", "gate", "state"}


def test_rev1_get_reviews_scope_and_role(api_as, long_case, other_fm, pap, controlling, pin_today):
    # DP-1: out of scope → 404; a role that never reads reviews → 403
    assert api_as(other_fm).get(f"/api/v1/cases/{long_case.pk}/reviews/").status_code == 404
    assert api_as(pap).get(f"/api/v1/cases/{long_case.pk}/reviews/").status_code == 403
    assert (
        api_as(controlling).get(f"/api/v1/cases/{long_case.pk}/reviews/").json()["error"]["code"]
        == "permission_denied"
    )
    assert api_as(other_fm).get("/api/v1/cases/abc/reviews/").status_code == 404
    assert not Review.objects.exists()


def test_rev4_api_final_continue_is_409_max_duration_reached(api_as, fm, long_case, pin_today):
    # DOMAIN REV-4
    api = api_as(fm)
    final = api.get(f"/api/v1/cases/{long_case.pk}/reviews/").json()["results"][-1]
    res = api.post(
        f"/api/v1/reviews/{final['id']}/document/",
        {"reasons": "r", "prognosis": "p", "decision": "continue"},
        format="json",
    )
    assert res.status_code == 409
    assert res.json()["error"]["code"] == "max_duration_reached"
    assert Review.objects.get(pk=final["id"]).state == "due"
    case = api.get(f"/api/v1/cases/{long_case.pk}/")
    if case.status_code == 200:
        assert case.json()["continuation"] == "not_allowed"


def test_rev3_api_document_decide_flow(api_as, fm, tl, other_tl, make_case, pin_today):
    # DOMAIN REV-3: 24 months — FM documents, TL approves; wrong person 403/404, wrong state 409
    case = make_case(D(2024, 11, 1))  # 24 months = 01.11.2026
    r24 = api_as(fm).get(f"/api/v1/cases/{case.pk}/reviews/").json()["results"][-1]
    assert (r24["month"], r24["gate"]) == (24, "teamleitung_approval")
    url = f"/api/v1/reviews/{r24['id']}/"
    assert (
        api_as(tl).post(url + "decide/", {"approve": True, "comment": ""}, format="json").status_code == 409
    )
    assert (
        api_as(tl)
        .post(url + "document/", {"reasons": "r", "prognosis": "p", "decision": "continue"}, format="json")
        .status_code
        == 403
    )
    res = api_as(fm).post(
        url + "document/", {"reasons": "r", "prognosis": "p", "decision": "continue"}, format="json"
    )
    assert res.status_code == 200 and res.json()["state"] == "approval_pending"
    assert (
        api_as(other_tl).post(url + "decide/", {"approve": True, "comment": ""}, format="json").status_code
        == 404
    )
    assert (
        api_as(fm).post(url + "decide/", {"approve": True, "comment": ""}, format="json").status_code == 403
    )
    assert api_as(tl).post(url + "acknowledge/", {"comment": ""}, format="json").status_code == 409
    res = api_as(tl).post(url + "decide/", {"approve": True, "comment": "ok"}, format="json")
    assert res.status_code == 200 and res.json()["state"] == "approved"
    assert res.json()["teamleitung_comment"] == "ok"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"decision": "vielleicht", "reasons": "r", "prognosis": "p"},
        {"decision": "continue", "reasons": "", "prognosis": "p"},
        {"decision": "continue", "reasons": "r" * 10_001, "prognosis": "p"},
        ["continue"],
        "kein json",
    ],
)
def test_rev1_api_bad_input_is_400_and_nothing_changes(api_as, fm, make_case, pin_today, body):
    # DOMAIN REV-1
    case = make_case(D(2026, 4, 1))
    rid = api_as(fm).get(f"/api/v1/cases/{case.pk}/reviews/").json()["results"][0]["id"]
    if body == "kein json":
        res = api_as(fm).post(f"/api/v1/reviews/{rid}/document/", "{kaputt", content_type="application/json")
    else:
        res = api_as(fm).post(f"/api/v1/reviews/{rid}/document/", body, format="json")
    assert res.status_code == 400
    assert set(res.json()["error"]) == {"code", "message", "fields"}
    assert Review.objects.get(pk=rid).state == "due"


def test_rev3_api_decide_needs_a_boolean(api_as, fm, tl, make_case, pin_today):
    # DOMAIN REV-3
    case = make_case(D(2024, 11, 1))
    rid = api_as(fm).get(f"/api/v1/cases/{case.pk}/reviews/").json()["results"][-1]["id"]
    api_as(fm).post(
        f"/api/v1/reviews/{rid}/document/",
        {"reasons": "r", "prognosis": "p", "decision": "continue"},
        format="json",
    )
    res = api_as(tl).post(f"/api/v1/reviews/{rid}/decide/", {"approve": "vielleicht"}, format="json")
    assert res.status_code == 400 and "approve" in res.json()["error"]["fields"]
    assert Review.objects.get(pk=rid).state == "approval_pending"


def test_rev6_api_reminders_only_the_callers_own(
    api_as, fm, tl, other_fm, long_case, django_assert_max_num_queries
):
    # DOMAIN REV-6; REV-7: the missed reviews 6…30 are no to-do any more, only the 36-month one is
    daily.daily_jobs_run(on=D(2026, 11, 20), send_digests=False)
    api = api_as(fm)
    with django_assert_max_num_queries(6):
        body = api.get("/api/v1/reminders/").json()
    kinds = sorted(r["kind"] for r in body["results"])
    assert kinds == ["agreement_missing", "max_duration_reached", "review_overdue"]  # PLAN-3: none concluded
    assert set(body["results"][0]) == {"id", "kind", "case", "client", "due_on", "created_on"}
    assert {r["case"] for r in body["results"]} == {long_case.pk}
    assert body["results"][0]["created_on"] == "2026-11-20"
    assert api_as(other_fm).get("/api/v1/reminders/").json()["count"] == 0
    tl_body = api_as(tl).get("/api/v1/reminders/").json()
    assert sorted(r["kind"] for r in tl_body["results"]) == ["max_duration_reached", "review_overdue"]
    rid = body["results"][0]["id"]
    assert api_as(other_fm).post(f"/api/v1/reminders/{rid}/done/").status_code == 404
    assert api_as(fm).post(f"/api/v1/reminders/{rid}/done/").status_code == 200
    assert api_as(fm).get("/api/v1/reminders/").json()["count"] == 2


def test_rev6_email_digest_once_per_day_per_person(long_case, fm, tl):
    # DOMAIN REV-6
    daily.daily_jobs_run(on=D(2026, 11, 20))
    assert sorted(m.to[0] for m in mail.outbox) == [
        "fm.berger@jobcenter.invalid",
        "tl.schmidt@jobcenter.invalid",
    ]
    assert "Anna Berger" in next(m.body for m in mail.outbox if m.to == ["fm.berger@jobcenter.invalid"])
    assert long_case.client.last_name not in "".join(m.body + m.subject for m in mail.outbox)
    daily.daily_jobs_run(on=D(2026, 11, 20))
    assert len(mail.outbox) == 2
    assert ReminderDigest.objects.count() == 2
    daily.daily_jobs_run(on=D(2026, 11, 21))
    assert len(mail.outbox) == 4


def test_commands_run_daily_jobs_and_bad_input(long_case, capsys):
    # DOMAIN REV-6: the command runs the same service
    call_command("run_daily_jobs", "--date", "2026-11-20")
    assert "reviews: 6" in capsys.readouterr().out
    call_command("run_daily_jobs", "--date", "2026-11-20")
    assert "reviews: 0" in capsys.readouterr().out
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("run_daily_jobs", "--date", "2026-13-45")
    with pytest.raises(CommandError):
        call_command("build_monthly_report", "--month", "kaputt")


def test_build_monthly_report_command_calls_reporting(monkeypatch, capsys):
    calls = []
    import reporting.services

    monkeypatch.setattr(
        reporting.services,
        "monthly_report_build",
        lambda *, month, today=None, reason="": calls.append(month),
        raising=False,
    )
    call_command("build_monthly_report", "--month", "2026-10")
    assert calls == [D(2026, 10, 1)]


# --- pages ---------------------------------------------------------------------------------------------------------


def test_rev2_rev3_tl_inbox_decides_inline_with_htmx(
    client, fm, tl, make_case, pin_today, django_assert_max_num_queries
):
    # DOMAIN REV-2, REV-3, REV-5
    cases = [make_case(D(2024, 11, 1)) for _ in range(3)]
    for case in cases:
        services.reviews_ensure_for_case(case=case, today=D(2026, 11, 20))
        r24 = Review.objects.get(case=case, month=24)
        services.review_document(
            review=r24, acting_user=fm, reasons="r", prognosis="p", decision="continue", today=D(2026, 11, 20)
        )
    client.force_login(tl)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("reviews:inbox"))
    html = page.content.decode()
    assert page.status_code == 200 and html.count("Fortführung genehmigen") == 3
    assert "länger als 24 Monate" in html
    target = Review.objects.get(case=cases[0], month=24)
    res = client.post(
        reverse("reviews:review-teamleitung", args=[target.pk]),
        {f"t{target.pk}-action": "decline", f"t{target.pk}-comment": ""},
        HTTP_HX_REQUEST="true",
    )
    assert res.status_code == 200 and "Begründung" in res.content.decode()
    assert Review.objects.get(pk=target.pk).state == "approval_pending"
    res = client.post(
        reverse("reviews:review-teamleitung", args=[target.pk]),
        {f"t{target.pk}-action": "decline", f"t{target.pk}-comment": "Ziel erreicht"},
        HTTP_HX_REQUEST="true",
    )
    assert res.status_code == 200 and "Fortführung abgelehnt" in res.content.decode()
    assert Review.objects.get(pk=target.pk).state == "declined"


def test_rev1_fm_inbox_form_fields_are_labelled_and_post_as_the_form_expects(
    client, fm, make_case, pin_today
):
    # DOMAIN REV-1: the inbox writes its inputs out (speed); names, ids, labels and limits are the form's
    case = make_case(D(2026, 4, 1))
    services.reviews_ensure_for_case(case=case, today=D(2026, 11, 20))
    review = Review.objects.get(case=case, month=6)
    client.force_login(fm)
    html = client.get(reverse("reviews:inbox")).content.decode()
    p = f"r{review.pk}"
    assert f'<label for="id_{p}-reasons">Begründung</label><textarea name="{p}-reasons"' in html
    assert f'<label for="id_{p}-prognosis">Prognose (erwartete Perspektive)</label>' in html
    assert (
        f'<input type="radio" name="{p}-decision" value="continue" required id="id_{p}-decision_0" checked>'
        in html
    )
    assert f'maxlength="10000" id="id_{p}-reasons"' in html
    res = client.post(
        reverse("reviews:review-document", args=[review.pk]),
        {f"{p}-decision": "continue", f"{p}-reasons": "Stabil", f"{p}-prognosis": "Arbeit in 6 Monaten"},
    )
    assert res.status_code == 302
    review.refresh_from_db()
    assert (review.state, review.reasons) == ("documented", "Stabil")


def test_inbox_query_count_constant(client, tl, fm, make_case, pin_today, django_assert_max_num_queries):
    def load():
        client.force_login(tl)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reviews:inbox")).status_code == 200
        return len(ctx)

    def add(n):
        for _ in range(n):
            case = make_case(D(2024, 11, 1))
            services.reviews_ensure_for_case(case=case, today=D(2026, 11, 20))
            services.review_document(
                review=Review.objects.get(case=case, month=24),
                acting_user=fm,
                reasons="r",
                prognosis="p",
                decision="continue",
                today=D(2026, 11, 20),
            )

    add(1)
    one = load()
    add(9)
    assert load() == one


def test_fm_documents_from_the_review_page(client, fm, make_case, pin_today):
    # DOMAIN REV-1
    case = make_case(D(2026, 5, 10))
    services.reviews_ensure_for_case(case=case, today=D(2026, 11, 20))
    r6 = Review.objects.get(case=case, month=6)
    client.force_login(fm)
    assert "Prüfung dokumentieren" in client.get(reverse("reviews:inbox")).content.decode()
    res = client.post(
        reverse("reviews:review-document", args=[r6.pk]),
        {f"r{r6.pk}-decision": "continue", f"r{r6.pk}-reasons": "Gründe", f"r{r6.pk}-prognosis": "gut"},
        HTTP_HX_REQUEST="true",
    )
    assert res.status_code == 200 and "Die Fortführungsprüfung ist dokumentiert." in res.content.decode()
    assert Review.objects.get(pk=r6.pk).state == "documented"


def test_reminder_inbox_and_mark_done(client, fm, other_fm, long_case):
    daily.daily_jobs_run(on=D(2026, 11, 20), send_digests=False)
    reminder = Reminder.objects.filter(recipient=fm).first()
    client.force_login(other_fm)
    assert client.post(reverse("reviews:reminder-done", args=[reminder.pk])).status_code == 404
    client.force_login(fm)
    page = client.get(reverse("reviews:reminders")).content.decode()
    assert "Höchstdauer von 36 Monaten erreicht" in page
    client.post(reverse("reviews:reminder-done", args=[reminder.pk]))
    reminder.refresh_from_db()
    assert reminder.done_at is not None


def test_rev2_rev3_rev5_tl_start_counts_match_the_inbox_lists(client, fm, tl, make_case, pin_today):
    # DOMAIN REV-2, REV-3, REV-5: the start page's two figures (one query) are the lengths of the inbox lists
    today = D(2026, 11, 20)
    for admitted in (D(2024, 1, 10), D(2024, 6, 1), D(2025, 8, 1), D(2026, 2, 1)):
        case = make_case(admitted)
        services.reviews_ensure_for_case(case=case, today=today)
        for review in Review.objects.filter(case=case, state="due").order_by("month")[:2]:
            services.review_document(
                review=review, acting_user=fm, reasons="r", prognosis="p", decision="continue", today=today
            )
    counts = selectors.teamleitung_counts(user=tl, today=today)
    assert counts["pending"] == selectors.reviews_waiting_for_teamleitung(user=tl, today=today).count() > 0
    assert counts["long"] == selectors.cases_beyond_months(user=tl, today=today).count() == 2
    assert selectors.teamleitung_counts(user=fm, today=today) == {"pending": 0, "long": 0}

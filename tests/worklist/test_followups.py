"""Wiedervorlagen (DOMAIN WORK-1 "follow-ups set on any case", REV-6 reminder `followup_due`)."""

import datetime

import pytest
from django.urls import reverse

from fallmanagement.errors import Conflict, InvalidInput, NotPermitted
from followups import services
from followups.choices import FollowUpState
from followups.models import FollowUp
from jobs import daily
from org.models import Substitution
from reminders.models import Reminder
from tests.conftest import TODAY

D = datetime.date


def test_work1_followup_create_by_case_fm(make_case, fm):
    case = make_case()
    f = services.followup_create(
        case=case, acting_user=fm, due_on=D(2026, 11, 27), note="Anruf Jobcoach", today=TODAY
    )
    assert (f.state, f.due_on, f.note, f.created_by) == (
        FollowUpState.OPEN,
        D(2026, 11, 27),
        "Anruf Jobcoach",
        fm,
    )


def test_work1_followup_refusals(make_case, fm, fm2, tl):
    case = make_case()
    with pytest.raises(InvalidInput, match="Vergangenheit"):
        services.followup_create(case=case, acting_user=fm, due_on=D(2026, 11, 19), note="x", today=TODAY)
    with pytest.raises(InvalidInput, match="drei Jahre"):
        services.followup_create(case=case, acting_user=fm, due_on=D(2030, 1, 1), note="x", today=TODAY)
    with pytest.raises(InvalidInput):
        services.followup_create(case=case, acting_user=fm, due_on=TODAY, note="   ", today=TODAY)
    with pytest.raises(InvalidInput):
        services.followup_create(case=case, acting_user=fm, due_on="2026-12-01", note="x", today=TODAY)
    for other in (fm2, tl):
        with pytest.raises(NotPermitted):
            services.followup_create(case=case, acting_user=other, due_on=TODAY, note="x", today=TODAY)
    closed = make_case(state="closed", closed_on=D(2026, 11, 1))
    with pytest.raises(Conflict):
        services.followup_create(case=closed, acting_user=fm, due_on=TODAY, note="x", today=TODAY)
    assert FollowUp.objects.count() == 0


def test_work1_followup_by_substitute_sub1(make_case, fm, fm2, tl):
    case = make_case()
    Substitution.objects.create(
        absent=fm, substitute=fm2, starts_on=D(2026, 11, 1), ends_on=D(2026, 11, 30), set_by=tl
    )
    f = services.followup_create(case=case, acting_user=fm2, due_on=TODAY, note="Vertretung", today=TODAY)
    assert services.followup_done(followup=f, acting_user=fm2, today=TODAY).state == FollowUpState.DONE


def test_work1_followup_done_and_cancel_once(make_case, fm, fm2):
    case = make_case()
    a = services.followup_create(case=case, acting_user=fm, due_on=TODAY, note="a", today=TODAY)
    b = services.followup_create(case=case, acting_user=fm, due_on=TODAY, note="b", today=TODAY)
    with pytest.raises(NotPermitted):
        services.followup_done(followup=a, acting_user=fm2, today=TODAY)
    a = services.followup_done(followup=a, acting_user=fm, today=TODAY)
    assert (a.state, a.closed_on, a.closed_by) == (FollowUpState.DONE, TODAY, fm)
    with pytest.raises(Conflict):
        services.followup_cancel(followup=a, acting_user=fm, today=TODAY)
    assert services.followup_cancel(followup=b, acting_user=fm, today=TODAY).state == FollowUpState.CANCELLED


def test_work1_rev6_followup_reminder_once_then_settled(make_case, fm, tl):
    case = make_case()
    f = services.followup_create(
        case=case, acting_user=fm, due_on=D(2026, 12, 10), note="Termin BIZ", today=TODAY
    )
    daily.daily_jobs_run(on=D(2026, 11, 25), send_digests=False)
    assert not Reminder.objects.filter(kind="followup_due").exists()  # more than 14 days ahead
    counts = daily.daily_jobs_run(on=D(2026, 11, 26), send_digests=False)
    assert counts["followup_due"] == 1
    assert list(
        Reminder.objects.filter(kind="followup_due").values_list("recipient__username", "due_on")
    ) == [("fm.berger", D(2026, 12, 10))]
    assert daily.daily_jobs_run(on=D(2026, 11, 27), send_digests=False)["followup_due"] == 0  # once per date
    services.followup_done(followup=f, acting_user=fm, today=D(2026, 11, 27))
    assert Reminder.objects.get(kind="followup_due").done_at is not None  # settled at once
    daily.daily_jobs_run(on=D(2026, 11, 28), full=True, send_digests=False)
    assert Reminder.objects.filter(kind="followup_due").count() == 1  # never recreated


# --- API ------------------------------------------------------------------------------------------------------


def test_work1_api_followups_create_list_done(make_case, fm, api_as):
    case = make_case()
    api = api_as(fm)
    url = f"/api/v1/cases/{case.pk}/follow-ups/"
    r = api.post(url, {"due_on": "2026-11-27", "note": "Unterlagen nachfragen"}, format="json")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["case"], body["due_on"], body["state"]) == (case.pk, "2026-11-27", "open")
    assert [f["id"] for f in api.get(url).json()] == [body["id"]]
    r = api.post(f"/api/v1/follow-ups/{body['id']}/done/")
    assert r.status_code == 200 and r.json()["state"] == "done"
    assert api.post(f"/api/v1/follow-ups/{body['id']}/cancel/").status_code == 409


def test_work1_api_followups_refusals(make_case, fm, tl, other_fm, api_as):
    case = make_case()
    url = f"/api/v1/cases/{case.pk}/follow-ups/"
    api = api_as(fm)
    assert api.post(url, {"due_on": "2026-11-01", "note": "x"}, format="json").status_code == 400
    assert api.post(url, {"due_on": "morgen", "note": "x"}, format="json").status_code == 400
    assert api.post(url, {"due_on": "2026-11-27", "note": "x" * 1001}, format="json").status_code == 400
    assert api.post(url, ["x"], format="json").status_code == 400
    assert api.post("/api/v1/cases/abc/follow-ups/", {}, format="json").status_code == 404
    f = services.followup_create(case=case, acting_user=fm, due_on=TODAY, note="x", today=TODAY)
    assert api_as(tl).post(url, {"due_on": "2026-11-27", "note": "x"}, format="json").status_code == 403
    assert api_as(tl).get(url).status_code == 200  # the TL reads her team's follow-ups
    assert api_as(other_fm).get(url).status_code == 404
    assert api_as(other_fm).post(f"/api/v1/follow-ups/{f.pk}/done/").status_code == 404
    assert api_as(tl).post(f"/api/v1/follow-ups/{f.pk}/done/").status_code == 403
    assert api_as(fm).post("/api/v1/follow-ups/99999999999999999999/done/").status_code == 404
    assert FollowUp.objects.count() == 1


# --- case page ------------------------------------------------------------------------------------------------


def test_work1_case_page_followup_htmx_save_confirms_in_german(make_case, fm, client):
    case = make_case()
    client.force_login(fm)
    page = client.get(reverse("case-detail", args=[case.pk]))
    assert b'id="followups"' in page.content
    r = client.post(
        reverse("followups:create", args=[case.pk]),
        {"due_on": "2026-11-27", "note": "Bewerbung nachhalten"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    assert "Die Wiedervorlage ist gespeichert." in r.content.decode()
    assert "Bewerbung nachhalten" in r.content.decode()
    f = FollowUp.objects.get()
    r = client.post(reverse("followups:done", args=[f.pk]), HTTP_HX_REQUEST="true")
    assert "als erledigt gespeichert" in r.content.decode()
    # Without htmx: back to the case page.
    r = client.post(reverse("followups:create", args=[case.pk]), {"due_on": "2026-11-28", "note": "x"})
    assert r.status_code == 302 and r["Location"].endswith("#followups")


def test_work1_case_page_followup_bad_input_german_400(make_case, fm, client):
    case = make_case()
    client.force_login(fm)
    r = client.post(reverse("followups:create", args=[case.pk]), {"due_on": "2026-11-01", "note": "x"})
    assert r.status_code == 400 and "Vergangenheit" in r.content.decode()
    assert FollowUp.objects.count() == 0

"""MIT-1 (appointments planned ahead, summons, invitation date), MIT-2 (outcomes, missing outcome after 3
working days is a reminder), WORK-1 (the duties part of the worklist)."""

import datetime

import pytest
from django.utils import timezone

from audit.models import AccessLog
from duties import services, worklist
from duties.models import Appointment
from fallmanagement.errors import InvalidInput, NotPermitted
from jobs.daily import daily_jobs_run
from reminders.models import Reminder
from tests.conftest import TODAY
from tests.duties.conftest import at, plan

D = datetime.date


def test_mit1_appointment_planned_ahead_with_outcome_due_after_three_working_days(case, fm):
    appointment = services.appointment_create(
        case=case, acting_user=fm, starts_at=at(D(2026, 12, 23)), kind="video", today=TODAY
    )
    assert appointment.day == D(2026, 12, 23)
    assert appointment.invited_on == TODAY
    assert appointment.outcome == ""
    # 24.12. Thursday, 25./26.12. holidays, 28.12. Monday, 29.12. Tuesday: the third working day.
    assert appointment.outcome_due_on == D(2026, 12, 29)
    assert (
        AccessLog.objects.filter(action="appointment.create", object_id=appointment.pk, user=fm).count() == 1
    )


def test_mit1_only_the_case_fm_plans(case, fm2, tl):
    for user in (fm2, tl):
        with pytest.raises(NotPermitted):
            services.appointment_create(
                case=case, acting_user=user, starts_at=at(TODAY), kind="office", today=TODAY
            )
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"kind": "sofa"}, "kind"),
        ({"starts_at": at(D(2028, 1, 1))}, "starts_at"),
        ({"invited_on": D(2026, 11, 21)}, "invited_on"),  # in the future
        ({"starts_at": at(D(2026, 11, 18)), "invited_on": D(2026, 11, 19)}, "invited_on"),  # after the day
        ({"is_summons": True, "kind": "phone"}, "kind"),  # a summons is in person
    ],
)
def test_mit1_bad_input_is_refused_and_nothing_stored(case, fm, kwargs, field):
    params = {"starts_at": at(D(2026, 12, 1)), "kind": "office", **kwargs}
    with pytest.raises(InvalidInput) as err:
        services.appointment_create(case=case, acting_user=fm, today=TODAY, **params)
    assert field in err.value.fields
    assert not Appointment.objects.exists()


def test_mit1_summons_straddling_2026_07_01_is_refused(case, fm):
    with pytest.raises(InvalidInput) as err:
        services.appointment_create(
            case=case,
            acting_user=fm,
            starts_at=at(D(2026, 7, 2)),
            kind="office",
            is_summons=True,
            invited_on=D(2026, 6, 25),
            today=D(2026, 6, 25),
        )
    assert err.value.code == "summons_straddles_legal_periods"
    assert "01.07.2026" in err.value.message
    assert not Appointment.objects.exists()


def test_mit1_summons_on_either_side_of_2026_07_01_is_accepted(case, fm):
    before = plan(case, fm, D(2026, 6, 30), invited_on=D(2026, 6, 23))
    after = plan(case, fm, D(2026, 7, 1), invited_on=D(2026, 7, 1))
    assert before.is_summons and after.is_summons
    # An ordinary appointment may straddle: it carries no Rechtsfolgenbelehrung.
    plain = plan(case, fm, D(2026, 7, 2), summons=False, invited_on=D(2026, 6, 25))
    assert not plain.is_summons


def test_mit2_outcome_before_the_appointment_is_a_400(case, fm):
    appointment = plan(case, fm, D(2026, 11, 24), invited_on=TODAY)
    with pytest.raises(InvalidInput) as err:
        services.appointment_outcome_record(
            appointment=appointment,
            acting_user=fm,
            outcome="attended",
            now=at(D(2026, 11, 24), 9),
            today=TODAY,
        )
    assert err.value.code == "appointment_not_held_yet"
    appointment.refresh_from_db()
    assert appointment.outcome == ""


def test_mit2_missed_with_reason_needs_the_reason(case, fm):
    appointment = plan(case, fm, D(2026, 11, 10))
    with pytest.raises(InvalidInput) as err:
        services.appointment_outcome_record(
            appointment=appointment,
            acting_user=fm,
            outcome="missed_with_reason",
            reason="  ",
            now=timezone.now(),
        )
    assert "reason" in err.value.fields
    done = services.appointment_outcome_record(
        appointment=appointment,
        acting_user=fm,
        outcome="missed_with_reason",
        reason="Arbeitsunfähig (Bescheinigung liegt vor)",
        now=timezone.now(),
        today=TODAY,
    )
    assert (done.outcome, done.outcome_reason, done.outcome_recorded_on) == (
        "missed_with_reason",
        "Arbeitsunfähig (Bescheinigung liegt vor)",
        TODAY,
    )
    # Another outcome drops the reason (nothing stale is kept).
    done = services.appointment_outcome_record(
        appointment=appointment,
        acting_user=fm,
        outcome="attended",
        reason="egal",
        now=timezone.now(),
        today=TODAY,
    )
    assert done.outcome_reason == ""


def test_mit2_missing_outcome_is_a_reminder_three_working_days_later(case, fm):
    appointment = plan(case, fm, D(2026, 11, 13))  # a Friday → due Wednesday 18.11.
    assert appointment.outcome_due_on == D(2026, 11, 18)
    daily_jobs_run(on=D(2026, 11, 17), send_digests=False)
    assert not Reminder.objects.filter(kind="appointment_outcome_due").exists()
    daily_jobs_run(on=D(2026, 11, 18), send_digests=False)
    reminder = Reminder.objects.get(kind="appointment_outcome_due")
    assert (reminder.case_id, reminder.recipient_id, reminder.due_on) == (case.pk, fm.pk, D(2026, 11, 18))
    # Idempotent, and an appointment with its outcome gets none.
    recorded = plan(case, fm, D(2026, 11, 12), outcome="attended")
    daily_jobs_run(on=D(2026, 11, 19), send_digests=False, full=True)
    assert Reminder.objects.filter(kind="appointment_outcome_due").count() == 1
    assert recorded.outcome == "attended"


def test_work1_worklist_has_upcoming_appointments_and_missing_outcomes(case, fm, other_fm, other_case):
    held = plan(case, fm, D(2026, 11, 13))
    upcoming = plan(case, fm, D(2026, 11, 27), invited_on=TODAY, summons=False)
    plan(case, fm, D(2026, 12, 30), invited_on=TODAY)  # beyond `until`
    plan(case, fm, D(2026, 11, 12), outcome="attended")  # done
    plan(other_case, other_fm, D(2026, 11, 25), invited_on=TODAY)  # not hers
    items = worklist.worklist_items(user=fm, today=TODAY, until=TODAY + datetime.timedelta(days=14))
    assert [(i.kind, i.case_id, i.due_on) for i in items] == [
        ("appointment_outcome_missing", case.pk, held.outcome_due_on),
        ("appointment", case.pk, upcoming.day),
    ]
    assert items[0].overdue(TODAY)
    assert items[1].label == "Termin am 27.11.2026 10:00"
    assert items[1].url == "/kalender/?tag=2026-11-27&ansicht=tag"
    assert items[0].url.endswith(f"#appointment-{held.pk}")
    assert (
        worklist.worklist_items(user=other_fm, today=TODAY, until=D(2026, 12, 31))[0].case_id == other_case.pk
    )


# --- API ------------------------------------------------------------------------------------------------


def test_mit1_api_create_list_and_scope(api, case, fm, other_fm, pap):
    api.force_authenticate(fm)
    url = f"/api/v1/cases/{case.pk}/appointments/"
    r = api.post(
        url, {"starts_at": "2026-12-03T09:30:00+01:00", "kind": "office", "is_summons": True}, format="json"
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["outcome"] is None
    assert body["starts_at"] == "2026-12-03T09:30:00+01:00"
    assert body["is_summons"] is True and body["invited_on"] == TODAY.isoformat()
    assert body["invitation"] == f"/api/v1/appointments/{body['id']}/invitation/"
    r = api.get(url)
    assert r.status_code == 200 and r.json()["count"] == 1
    assert AccessLog.objects.filter(action="case.appointments.view", object_id=case.pk).count() == 1
    api.force_authenticate(other_fm)
    assert api.get(url).status_code == 404
    assert (
        api.post(url, {"starts_at": "2026-12-03T09:30:00+01:00", "kind": "office"}, format="json").status_code
        == 404
    )
    api.force_authenticate(fm)
    assert api.get("/api/v1/cases/abc/appointments/").status_code == 404
    r = api.post(url, {"starts_at": "morgen", "kind": "office"}, format="json")
    assert r.status_code == 400 and "starts_at" in r.json()["error"]["fields"]


def test_mit2_api_outcome_rules(api, case, fm, fm2):
    future = plan(case, fm, D(2026, 12, 20), invited_on=TODAY)
    past = plan(case, fm, D(2026, 11, 10))
    api.force_authenticate(fm)
    r = api.post(f"/api/v1/appointments/{future.pk}/outcome/", {"outcome": "attended"}, format="json")
    assert r.status_code == 400 and r.json()["error"]["code"] == "appointment_not_held_yet"
    r = api.post(f"/api/v1/appointments/{past.pk}/outcome/", {"outcome": "missed_with_reason"}, format="json")
    assert r.status_code == 400 and "reason" in r.json()["error"]["fields"]
    r = api.post(f"/api/v1/appointments/{past.pk}/outcome/", {"outcome": "vergessen"}, format="json")
    assert r.status_code == 400
    r = api.post(f"/api/v1/appointments/{past.pk}/outcome/", {"outcome": "missed"}, format="json")
    assert r.status_code == 200 and r.json()["outcome"] == "missed"
    api.force_authenticate(fm2)  # same team, no substitution
    r = api.post(f"/api/v1/appointments/{past.pk}/outcome/", {"outcome": "attended"}, format="json")
    assert r.status_code == 404

"""MIT-3 (consecutive missed summonses, "nicht erreichbar", which notice is possible — by the date of the
missed appointment), MIT-4 (vulnerable clients: ÄD/BPS offer first, from 2026-07-01), the hearing before
a notice, the benefits department's answer (never an amount). Both sides of 2026-06-30/07-01."""

import datetime

import pytest

from audit.models import AccessLog
from duties import selectors, services
from duties.models import Notice
from fallmanagement.errors import Conflict, InvalidInput
from tests.conftest import TODAY
from tests.duties.conftest import plan

D = datetime.date


def notice(case, fm, appointment, kind="meldeversaeumnis", **kwargs):
    params = {"hearing_on": appointment.day + datetime.timedelta(days=7)}
    params.update(kwargs)
    sent_on = params.pop("sent_on", params["hearing_on"] + datetime.timedelta(days=7))
    return services.notice_create(
        case=case,
        acting_user=fm,
        kind=kind,
        appointment_id=appointment.pk,
        sent_on=sent_on,
        today=max(sent_on, params["hearing_on"]),
        **params,
    )


def test_mit3_until_2026_06_30_each_missed_summons_is_notified(case, fm):
    first = plan(case, fm, D(2026, 6, 30), outcome="missed")
    n = notice(case, fm, first)
    assert (n.legal_basis, n.legal_period.code, n.act_on) == ("§ 32 SGB II a. F.", "2023-07", D(2026, 6, 30))
    assert AccessLog.objects.filter(action="notice.create", object_id=n.pk).count() == 1
    # "nicht erreichbar" did not exist then.
    with pytest.raises(Conflict) as err:
        notice(case, fm, first, kind="nicht_erreichbar")
    assert err.value.code == "notice_not_possible"


def test_mit3_from_2026_07_01_the_first_missed_summons_has_no_consequence(case, fm):
    first = plan(case, fm, D(2026, 7, 1), invited_on=D(2026, 7, 1), outcome="missed")
    with pytest.raises(Conflict) as err:
        notice(case, fm, first)
    assert err.value.code == "notice_not_possible"
    assert "erstes Meldeversäumnis" in err.value.message
    assert not Notice.objects.exists()
    second = plan(case, fm, D(2026, 7, 15), outcome="missed")
    assert notice(case, fm, second).legal_basis == "§ 32 SGB II n. F."


def test_mit3_a_miss_before_the_switch_does_not_count_as_the_first_under_the_new_law(case, fm):
    plan(case, fm, D(2026, 6, 29), outcome="missed")
    first_new = plan(case, fm, D(2026, 7, 8), outcome="missed")
    with pytest.raises(Conflict):
        notice(case, fm, first_new)
    status = selectors.summons_status(case)
    assert (status.consecutive_missed_summons, status.counted, status.reachability) == (2, 1, "reachable")


def test_mit3_three_in_a_row_make_the_client_not_reachable_and_a_personal_appearance_resets(case, fm):
    a1 = plan(case, fm, D(2026, 8, 3), outcome="missed")
    plan(case, fm, D(2026, 8, 10), outcome="missed_with_reason", reason="Krank, Bescheinigung liegt vor")
    a2 = plan(case, fm, D(2026, 8, 17), outcome="missed")
    plan(case, fm, D(2026, 8, 20), summons=False, kind="phone", outcome="attended")  # no personal appearance
    assert selectors.summons_status(case).reachability == "reachable"
    with pytest.raises(Conflict):
        notice(case, fm, a2, kind="nicht_erreichbar")
    a3 = plan(case, fm, D(2026, 8, 24), outcome="missed")
    status = selectors.summons_status(case)
    assert (status.consecutive_missed_summons, status.reachability, status.not_reachable_since) == (
        3,
        "not_reachable",
        D(2026, 8, 24),
    )
    n = notice(case, fm, a3, kind="nicht_erreichbar")
    assert n.legal_basis == "§ 7b SGB II n. F."
    assert a1.outcome == "missed"
    plan(case, fm, D(2026, 9, 1), summons=False, kind="office", outcome="attended")
    status = selectors.summons_status(case)
    assert (status.consecutive_missed_summons, status.reachability) == (0, "reachable")


def test_mit3_api_case_detail_carries_count_and_reachability(api, case, fm):
    for day in (D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 16)):
        plan(case, fm, day, outcome="missed")
    api.force_authenticate(fm)
    body = api.get(f"/api/v1/cases/{case.pk}/").json()
    assert (body["consecutive_missed_summons"], body["reachability"]) == (3, "not_reachable")


def test_mit3_hearing_is_required_before_the_notice(case, fm):
    missed = plan(case, fm, D(2026, 6, 1), outcome="missed")
    with pytest.raises(InvalidInput) as err:
        services.notice_create(
            case=case, acting_user=fm, kind="meldeversaeumnis", appointment_id=missed.pk, today=TODAY
        )
    assert "hearing_on" in err.value.fields
    with pytest.raises(InvalidInput) as err:
        notice(case, fm, missed, hearing_on=D(2026, 6, 20), sent_on=D(2026, 6, 15))
    assert err.value.code == "hearing_required"
    with pytest.raises(InvalidInput):
        notice(case, fm, missed, hearing_on=D(2026, 5, 30))  # before the missed appointment
    assert not Notice.objects.exists()


def test_mit3_notice_needs_a_missed_summons(case, fm):
    not_summons = plan(case, fm, D(2026, 6, 1), summons=False, outcome="missed")
    with_reason = plan(case, fm, D(2026, 6, 8), outcome="missed_with_reason", reason="Krank")
    open_outcome = plan(case, fm, D(2026, 6, 15))
    for appointment, code in (
        (not_summons, "not_a_summons"),
        (with_reason, "not_missed"),
        (open_outcome, "not_missed"),
    ):
        with pytest.raises(InvalidInput) as err:
            notice(case, fm, appointment)
        assert err.value.code == code
    assert not Notice.objects.exists()


def test_mit3_one_notice_per_appointment_and_kind_and_the_outcome_stays(case, fm):
    missed = plan(case, fm, D(2026, 6, 1), outcome="missed")
    notice(case, fm, missed)
    with pytest.raises(Conflict):
        notice(case, fm, missed)
    with pytest.raises(Conflict):
        services.appointment_outcome_record(
            appointment=missed, acting_user=fm, outcome="attended", today=TODAY
        )
    assert Notice.objects.count() == 1


def test_mit4_vulnerable_client_from_2026_07_01_needs_the_exam_offer_first(vulnerable_case, fm):
    case = vulnerable_case
    plan(case, fm, D(2026, 7, 8), outcome="missed")
    second = plan(case, fm, D(2026, 7, 13), outcome="missed")
    with pytest.raises(Conflict) as err:
        notice(case, fm, second)
    assert err.value.code == "notice_not_possible"
    assert "Untersuchung" in err.value.message
    assert not Notice.objects.exists()
    # An examination offered after the notice does not count.
    with pytest.raises(InvalidInput) as err:
        notice(case, fm, second, exam_offered_on=D(2026, 7, 30), sent_on=D(2026, 7, 27))
    assert "exam_offered_on" in err.value.fields
    n = notice(case, fm, second, exam_offered_on=D(2026, 7, 15))
    assert n.exam_offered_on == D(2026, 7, 15)


def test_mit4_reason_why_not_offered_is_enough(vulnerable_case, fm):
    plan(vulnerable_case, fm, D(2026, 7, 8), outcome="missed")
    second = plan(vulnerable_case, fm, D(2026, 7, 13), outcome="missed")
    n = notice(
        vulnerable_case, fm, second, exam_not_offered_reason="Untersuchung im Mai 2026 bereits erfolgt"
    )
    assert n.exam_not_offered_reason


def test_mit4_until_2026_06_30_no_exam_offer_is_required(vulnerable_case, fm):
    missed = plan(vulnerable_case, fm, D(2026, 6, 30), outcome="missed")
    assert notice(vulnerable_case, fm, missed).legal_basis == "§ 32 SGB II a. F."


def test_mit3_answer_reduction_found_with_period_never_an_amount(case, fm):
    n = notice(case, fm, plan(case, fm, D(2026, 6, 1), outcome="missed"))
    with pytest.raises(InvalidInput):
        services.notice_answer_record(
            notice=n, acting_user=fm, answered_on=D(2026, 6, 30), reduction_found=True, today=TODAY
        )
    with pytest.raises(InvalidInput):
        services.notice_answer_record(
            notice=n, acting_user=fm, answered_on=D(2026, 6, 2), reduction_found=False, today=TODAY
        )  # before the notice
    done = services.notice_answer_record(
        notice=n,
        acting_user=fm,
        answered_on=D(2026, 6, 30),
        reduction_found=True,
        reduction_from=D(2026, 7, 1),
        reduction_to=D(2026, 7, 31),
        today=TODAY,
    )
    assert (done.reduction_found, done.reduction_from, done.reduction_to) == (
        True,
        D(2026, 7, 1),
        D(2026, 7, 31),
    )
    assert not any("amount" in f.name or "betrag" in f.name for f in Notice._meta.get_fields())
    with pytest.raises(Conflict):
        services.notice_answer_record(
            notice=n, acting_user=fm, answered_on=D(2026, 7, 1), reduction_found=False, today=TODAY
        )


def test_mit3_mit4_api_notices(api, vulnerable_case, fm, other_fm):
    case = vulnerable_case
    plan(case, fm, D(2026, 11, 2), outcome="missed")
    second = plan(case, fm, D(2026, 11, 9), outcome="missed")
    api.force_authenticate(fm)
    url = f"/api/v1/cases/{case.pk}/notices/"
    body = {"kind": "meldeversaeumnis", "appointment": second.pk, "hearing_on": "2026-11-16"}
    r = api.post(url, body, format="json")
    assert r.status_code == 409 and r.json()["error"]["code"] == "notice_not_possible"
    r = api.post(url, {**body, "exam_offered_on": "2026-11-10"}, format="json")
    assert r.status_code == 201, r.content
    assert (r.json()["kind"], r.json()["legal_basis"]) == ("meldeversaeumnis", "§ 32 SGB II n. F.")
    notice_id = r.json()["id"]
    r = api.post(
        f"/api/v1/notices/{notice_id}/answer/",
        {"reduction_found": False, "answered_on": "2026-11-20"},
        format="json",
    )
    assert r.status_code == 200 and r.json()["reduction_found"] is False
    assert api.get(url).json()["count"] == 1
    api.force_authenticate(other_fm)
    assert api.get(url).status_code == 404
    assert (
        api.post(f"/api/v1/notices/{notice_id}/answer/", {"reduction_found": True}, format="json").status_code
        == 404
    )

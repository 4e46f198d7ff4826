"""MIT-6: ÄD/BPS commission — consent (Schweigepflichtentbindung) required for the commission, result as
work-relevant limitations and Leistungsbild (the diagnosis guard refuses ICD codes), visible only to the
case's FM and her substitute (DP-6); an offer recorded here satisfies MIT-4 from its day."""

import datetime

import pytest

from duties import services
from duties.models import ExamCommission
from fallmanagement.errors import Conflict, InvalidInput, NotPermitted
from tests.conftest import TODAY
from tests.duties.conftest import plan

D = datetime.date


def offer(case, fm, **kwargs):
    params = {
        "service": "bps",
        "question": "Welche Tätigkeiten sind derzeit zumutbar?",
        "offered_on": D(2026, 11, 2),
    }
    params.update(kwargs)
    return services.exam_commission_create(case=case, acting_user=fm, today=TODAY, **params)


def test_mit6_commission_needs_the_consent(vulnerable_case, fm):
    with pytest.raises(InvalidInput) as err:
        offer(vulnerable_case, fm, commissioned_on=D(2026, 11, 5))
    assert err.value.code == "consent_required"
    assert not ExamCommission.objects.exists()
    exam = offer(vulnerable_case, fm, consent_given_on=D(2026, 11, 4), commissioned_on=D(2026, 11, 5))
    assert exam.status == "commissioned"


def test_mit6_result_without_diagnosis(vulnerable_case, fm):
    exam = offer(vulnerable_case, fm, consent_given_on=D(2026, 11, 4), commissioned_on=D(2026, 11, 5))
    with pytest.raises(InvalidInput):
        services.exam_result_record(
            exam=exam,
            acting_user=fm,
            result_on=D(2026, 11, 18),
            limitations="F32.1",
            capacity="vollschichtig",
            today=TODAY,
        )
    done = services.exam_result_record(
        exam=exam,
        acting_user=fm,
        result_on=D(2026, 11, 18),
        limitations="Kein Schichtdienst, keine Arbeit unter Zeitdruck",
        capacity="leichte Tätigkeiten, bis 6 Stunden täglich",
        today=TODAY,
    )
    assert done.status == "completed"
    with pytest.raises(Conflict):
        services.exam_result_record(
            exam=done, acting_user=fm, result_on=D(2026, 11, 19), limitations="x", capacity="y", today=TODAY
        )


def test_mit6_only_fm_and_substitute(vulnerable_case, fm, tl, api):
    with pytest.raises(NotPermitted):
        offer(vulnerable_case, tl)
    offer(vulnerable_case, fm)
    api.force_authenticate(tl)
    assert api.get(f"/api/v1/cases/{vulnerable_case.pk}/exams/").status_code == 403
    api.force_authenticate(fm)
    r = api.get(f"/api/v1/cases/{vulnerable_case.pk}/exams/")
    assert r.status_code == 200 and r.json()["count"] == 1


def test_mit4_mit6_an_offer_recorded_before_the_notice_allows_it_one_after_does_not(vulnerable_case, fm):
    plan(vulnerable_case, fm, D(2026, 10, 5), outcome="missed")
    second = plan(vulnerable_case, fm, D(2026, 10, 12), outcome="missed")
    offer(vulnerable_case, fm, offered_on=D(2026, 11, 2))

    def notify(sent_on):
        return services.notice_create(
            case=vulnerable_case,
            acting_user=fm,
            kind="meldeversaeumnis",
            appointment_id=second.pk,
            hearing_on=D(2026, 10, 20),
            sent_on=sent_on,
            today=TODAY,
        )

    with pytest.raises(Conflict):
        notify(D(2026, 10, 30))  # the offer came after this notice date
    assert notify(D(2026, 11, 3)).legal_basis == "§ 32 SGB II n. F."

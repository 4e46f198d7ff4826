"""The case page's forms for MIT-5 (Schlichtungsverfahren until 2026-06-30, Pflichtverletzung notice and
the benefits department's answer) and MIT-6 (ÄD/BPS result, FM and substitute only): each calls its
service, confirms in German, and shows the service's refusal on the form (htmx 200, otherwise 400/409),
nothing stored."""

import datetime

from django.urls import reverse

from duties import services
from duties.models import ExamCommission, Notice, Obligation
from org.models import Substitution
from tests.conftest import TODAY

D = datetime.date
HX = {"HTTP_HX_REQUEST": "true"}


def section(client, case):
    return client.get(reverse("duties:appointments", args=[case.pk]), **HX).content.decode()


def aufforderung(case, fm, issued_on=D(2026, 6, 1)):
    return services.obligation_create(
        case=case, acting_user=fm, issued_on=issued_on, steps="Drei Bewerbungen schreiben", today=TODAY
    )


def commissioned(case, fm):
    return services.exam_commission_create(
        case=case,
        acting_user=fm,
        service="bps",
        question="Welche Tätigkeiten sind derzeit zumutbar?",
        offered_on=D(2026, 11, 2),
        consent_given_on=D(2026, 11, 4),
        commissioned_on=D(2026, 11, 5),
        today=TODAY,
    )


def test_mit5_conciliation_recorded_from_the_case_page(client, case, fm):
    o = aufforderung(case, fm)
    client.force_login(fm)
    assert "Schlichtungsverfahren (auf Antrag) beginnen" in section(client, case)
    url = reverse("duties:conciliation", args=[o.pk])
    r = client.post(url, {"requested_on": "2026-06-03"}, **HX)
    html = r.content.decode()
    assert r.status_code == 200 and "Das Schlichtungsverfahren ist gespeichert." in html
    assert "Schlichtungsverfahren seit 03.06.2026 (endet spätestens am 01.07.2026)" in html
    assert "Schlichtungsverfahren beenden" in html
    # more than four weeks: the service's message on the form, nothing stored
    r = client.post(url, {"requested_on": "2026-06-03", "ended_on": "2026-07-02"}, **HX)
    html = r.content.decode()
    assert "endet spätestens 4 Wochen nach dem Antrag (01.07.2026)" in html and "Außerhalb der Frist." in html
    o.refresh_from_db()
    assert o.conciliation_ended_on is None
    r = client.post(url, {"requested_on": "2026-06-03", "ended_on": "2026-06-24"}, **HX)
    assert "Schlichtungsverfahren vom 03.06.2026 bis 24.06.2026" in r.content.decode()
    o.refresh_from_db()
    assert o.conciliation_ended_on == D(2026, 6, 24)


def test_mit5_no_conciliation_for_a_verpflichtung_from_2026_07_01_is_a_409(client, case, fm):
    new = aufforderung(case, fm, issued_on=D(2026, 7, 1))
    client.force_login(fm)
    assert "Schlichtungsverfahren (auf Antrag) beginnen" not in section(client, case)
    r = client.post(reverse("duties:conciliation", args=[new.pk]), {"requested_on": "2026-07-02"})
    assert r.status_code == 409
    assert "gibt es kein Schlichtungsverfahren" in r.content.decode()
    new.refresh_from_db()
    assert new.conciliation_requested_on is None


def test_mit5_duty_violation_notice_and_answer_from_the_case_page(client, case, fm):
    o = aufforderung(case, fm)
    client.force_login(fm)
    r = client.post(
        reverse("duties:duty-notice-create", args=[o.pk]),
        {"act_on": "2026-11-02", "hearing_on": "2026-11-10"},
        **HX,
    )
    html = r.content.decode()
    assert "Die Meldung an die Leistungsabteilung ist gespeichert." in html
    assert "gemeldet am 20.11.2026 (Pflichtverletzung am 02.11.2026)" in html
    notice = Notice.objects.get(kind="pflichtverletzung")
    assert notice.obligation == o and notice.hearing_on == D(2026, 11, 10)
    answer = reverse("duties:notice-answer", args=[notice.pk])
    r = client.post(answer, {"answered_on": "2026-11-20", "reduction_found": "yes"}, **HX)
    assert "Bitte den Zeitraum der Minderung angeben." in r.content.decode()
    notice.refresh_from_db()
    assert notice.answered_on is None
    r = client.post(
        answer,
        {
            "answered_on": "2026-11-20",
            "reduction_found": "yes",
            "reduction_from": "2026-12-01",
            "reduction_to": "2027-02-28",
        },
        **HX,
    )
    html = r.content.decode()
    assert "Die Antwort der Leistungsabteilung ist gespeichert." in html
    assert "Minderung festgestellt (01.12.2026 – 28.02.2027)" in html
    assert "€" not in html and "Betrag" not in html  # never an amount


def test_mit5_no_duty_violation_notice_while_the_conciliation_runs_is_a_409(client, case, fm):
    o = aufforderung(case, fm)
    services.conciliation_record(obligation=o, acting_user=fm, requested_on=D(2026, 11, 10), today=TODAY)
    client.force_login(fm)
    url = reverse("duties:duty-notice-create", args=[o.pk])
    data = {"act_on": "2026-11-02", "hearing_on": "2026-11-12"}
    r = client.post(url, data)
    assert r.status_code == 409
    assert "solange das Schlichtungsverfahren läuft (längstens bis 08.12.2026)" in r.content.decode()
    r = client.post(url, data, **HX)  # htmx: on the form, the section swapped in
    assert "solange das Schlichtungsverfahren läuft" in r.content.decode()
    assert not Notice.objects.exists()


def test_mit6_exam_result_recorded_from_the_case_page(client, vulnerable_case, fm, fm2, tl):
    exam = commissioned(vulnerable_case, fm)
    Substitution.objects.create(absent=fm, substitute=fm2, starts_on=TODAY, ends_on=TODAY, set_by=tl)
    substitute = fm2
    client.force_login(substitute)
    assert "Untersuchungsergebnis speichern" in section(client, vulnerable_case)
    r = client.post(
        reverse("duties:exam-result", args=[exam.pk]),
        {
            "result_on": "2026-11-18",
            "limitations": "Kein Schichtdienst, keine Arbeit unter Zeitdruck",
            "capacity": "leichte Tätigkeiten, bis 6 Stunden täglich",
        },
        **HX,
    )
    html = r.content.decode()
    assert "Das Ergebnis der Untersuchung ist gespeichert." in html
    assert "Ergebnis vom 18.11.2026" in html and "leichte Tätigkeiten, bis 6 Stunden täglich" in html
    assert "Untersuchungsergebnis speichern" not in html
    exam.refresh_from_db()
    assert exam.status == "completed"
    client.force_login(tl)  # DP-6: the TL neither sees nor records it
    assert "leichte Tätigkeiten" not in section(client, vulnerable_case)
    assert client.post(reverse("duties:exam-result", args=[exam.pk]), {}).status_code == 403


def test_mit6_exam_result_with_a_diagnosis_is_refused_on_the_form(client, vulnerable_case, fm):
    exam = commissioned(vulnerable_case, fm)
    client.force_login(fm)
    data = {"result_on": "2026-11-18", "limitations": "F32.1", "capacity": "vollschichtig"}
    r = client.post(reverse("duties:exam-result", args=[exam.pk]), data)
    assert r.status_code == 400
    assert "Bitte erfassen Sie keine Diagnosen" in r.content.decode()
    r = client.post(reverse("duties:exam-result", args=[exam.pk]), data, **HX)
    html = r.content.decode()
    assert "Bitte erfassen Sie keine Diagnosen" in html and "F32.1" in html  # the bound form keeps the input
    exam.refresh_from_db()
    assert exam.status == "commissioned" and exam.limitations == ""


def test_mit5_mit6_section_query_count_does_not_grow_with_obligations_and_exams(
    client, vulnerable_case, fm, django_assert_num_queries
):
    client.force_login(fm)
    aufforderung(vulnerable_case, fm)
    commissioned(vulnerable_case, fm)
    section(client, vulnerable_case)
    with django_assert_num_queries(9):
        section(client, vulnerable_case)
    for day in (2, 3, 4):
        aufforderung(vulnerable_case, fm, issued_on=D(2026, 6, day))
        commissioned(vulnerable_case, fm)
    with django_assert_num_queries(9):
        section(client, vulnerable_case)
    assert Obligation.objects.count() == 4 and ExamCommission.objects.count() == 4

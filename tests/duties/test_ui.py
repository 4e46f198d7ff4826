"""The case page's appointments section (htmx, MIT-1..4): who sees and writes what, the status line, the
ÄD/BPS prompt before a third summons (only for the case's FM, DP-6), refusals on the page, and a query
count that does not grow with the appointments."""

import datetime

from django.urls import reverse

from audit.models import AccessLog
from duties.models import Appointment
from tests.duties.conftest import plan

D = datetime.date


def section(client, case, **headers):
    return client.get(reverse("duties:appointments", args=[case.pk]), **headers)


def test_mit1_case_page_loads_the_section_by_htmx(client, case, fm):
    client.force_login(fm)
    html = client.get(reverse("case-detail", args=[case.pk])).content.decode()
    assert f'hx-get="{reverse("duties:appointments", args=[case.pk])}"' in html


def test_mit1_fm_plans_a_summons_on_the_page(client, case, fm):
    client.force_login(fm)
    r = client.post(
        reverse("duties:appointment-create", args=[case.pk]),
        {
            "date": "2026-11-27",
            "time": "09:30",
            "kind": "office",
            "is_summons": "on",
            "invited_on": "2026-11-20",
        },
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    html = r.content.decode()
    assert "27.11.2026 09:30" in html and "Einladung (PDF)" in html
    assert "Der Termin ist gespeichert." in html
    appointment = Appointment.objects.get()
    assert appointment.is_summons and appointment.invited_on == D(2026, 11, 20)


def test_mit1_refusal_is_shown_on_the_form_and_nothing_stored(client, case, fm):
    client.force_login(fm)
    r = client.post(
        reverse("duties:appointment-create", args=[case.pk]),
        {"date": "2026-11-27", "time": "09:30", "kind": "phone", "is_summons": "on"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    assert "persönlichen Termin" in r.content.decode()
    assert not Appointment.objects.exists()


def test_mit2_outcome_form_only_for_held_appointments_and_refusal_shown(client, case, fm):
    held = plan(case, fm, D(2026, 11, 10))
    plan(case, fm, D(2026, 12, 20), invited_on=D(2026, 11, 20))
    client.force_login(fm)
    html = section(client, case, HTTP_HX_REQUEST="true").content.decode()
    assert html.count("Ergebnis speichern") == 1
    assert "Ergebnis fehlt" in html
    r = client.post(
        reverse("duties:appointment-outcome", args=[held.pk]),
        {"outcome": "missed_with_reason"},
        HTTP_HX_REQUEST="true",
    )
    assert "wichtige Grund ist erforderlich" in r.content.decode()
    held.refresh_from_db()
    assert held.outcome == ""
    r = client.post(
        reverse("duties:appointment-outcome", args=[held.pk]), {"outcome": "missed"}, HTTP_HX_REQUEST="true"
    )
    held.refresh_from_db()
    assert held.outcome == "missed"
    assert "An die Leistungsabteilung melden" in r.content.decode()
    assert "Ergebnis korrigieren" in r.content.decode()


def test_mit3_not_reachable_badge_and_mit4_prompt_for_the_fm_only(client, vulnerable_case, fm, tl):
    plan(vulnerable_case, fm, D(2026, 11, 2), outcome="missed")
    plan(vulnerable_case, fm, D(2026, 11, 9), outcome="missed")
    client.force_login(fm)
    html = section(client, vulnerable_case, HTTP_HX_REQUEST="true").content.decode()
    assert "2 Meldetermine in Folge versäumt" in html
    assert "ärztliche oder psychologische Untersuchung (ÄD/BPS)" in html
    client.force_login(tl)
    html = section(client, vulnerable_case, HTTP_HX_REQUEST="true").content.decode()
    assert "2 Meldetermine in Folge versäumt" in html
    assert "ÄD/BPS" not in html  # DP-6: the TL does not learn of the health need here
    assert "Termin planen" not in html  # read only
    plan(vulnerable_case, fm, D(2026, 11, 16), outcome="missed")
    client.force_login(fm)
    html = section(client, vulnerable_case, HTTP_HX_REQUEST="true").content.decode()
    assert "nicht erreichbar seit 16.11.2026" in html


def test_mit1_section_scope_and_access_log(client, case, fm, other_fm, pap):
    client.force_login(other_fm)
    assert section(client, case).status_code == 404
    client.force_login(pap)
    assert section(client, case).status_code in (403, 404)
    client.force_login(fm)
    assert section(client, case).status_code == 200
    assert AccessLog.objects.filter(action="case.appointments.view", object_id=case.pk, user=fm).count() == 1


def test_mit1_section_query_count_is_constant(client, case, fm, django_assert_num_queries):
    """3 missed summonses, then 15 appointments: the same number of queries (the ÄD/BPS check included)."""
    for i in range(3):
        plan(case, fm, D(2026, 10, 1) + datetime.timedelta(days=i), outcome="missed")
    client.force_login(fm)
    section(client, case, HTTP_HX_REQUEST="true")
    with django_assert_num_queries(10):
        assert section(client, case, HTTP_HX_REQUEST="true").status_code == 200
    for i in range(12):
        plan(case, fm, D(2026, 10, 10) + datetime.timedelta(days=i), outcome="missed")
    with django_assert_num_queries(10):
        assert section(client, case, HTTP_HX_REQUEST="true").status_code == 200


def test_mit5_mit6_obligation_and_exam_on_the_page(client, vulnerable_case, fm, tl):
    client.force_login(fm)
    r = client.post(
        reverse("duties:obligation-create", args=[vulnerable_case.pk]),
        {"issued_on": "2026-11-20", "steps": "Drei Bewerbungen bis Monatsende"},
        HTTP_HX_REQUEST="true",
    )
    html = r.content.decode()
    assert (
        "Verpflichtung (Verwaltungsakt) vom 20.11.2026 (§ 15a SGB II n. F.)" in html
        and "Entwurf (PDF)" in html
    )
    r = client.post(
        reverse("duties:exam-create", args=[vulnerable_case.pk]),
        {
            "service": "bps",
            "question": "Belastbarkeit?",
            "offered_on": "2026-11-20",
            "commissioned_on": "2026-11-20",
        },
        HTTP_HX_REQUEST="true",
    )
    assert "Schweigepflichtentbindung" in r.content.decode()
    r = client.post(
        reverse("duties:exam-create", args=[vulnerable_case.pk]),
        {"service": "bps", "question": "Belastbarkeit?", "offered_on": "2026-11-20"},
        HTTP_HX_REQUEST="true",
    )
    assert "Berufspsychologischer Service (BPS): angeboten" in r.content.decode()
    client.force_login(tl)
    html = section(client, vulnerable_case, HTTP_HX_REQUEST="true").content.decode()
    assert "Verpflichtung (Verwaltungsakt)" in html and "Berufspsychologischer" not in html
    assert client.post(reverse("duties:exam-create", args=[vulnerable_case.pk]), {}).status_code == 403

"""Case page sections, the printable summary, inline htmx forms, the start page and query pins."""

import datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from plans import services
from plans.choices import ServiceKind
from plans.models import Contact, Goal
from tests.conftest import TODAY
from web.plans import case_sections, home_sections
from web.sections import CasePage, StartPage

D = datetime.date


def _render_all(case, user):
    request = RequestFactory().get("/")
    request.user = user
    out = []
    for sec in case_sections.sections(CasePage(case=case, user=user, today=TODAY)):
        out.append(render_to_string(sec.template, {**sec.context, "user": user}, request=request))
    return "\n".join(out)


def _fill(case, fm, n):
    for i in range(n):
        services.goal_create(
            case=case, acting_user=fm, text=f"Ziel {i}", target_date=D(2027, 1, 1), today=TODAY
        )
        services.contact_create(
            case=case, acting_user=fm, kind="office", date=D(2026, 11, 1), note=f"Gespräch {i}", today=TODAY
        )
        services.service_referral_create(
            case=case, acting_user=fm, kind=ServiceKind.MEASURE, title=f"Maßnahme {i}", today=TODAY
        )
    services.agreement_conclude(
        case=case,
        acting_user=fm,
        concluded_on=TODAY,
        client_commitments="c",
        jobcenter_commitments="j",
        today=TODAY,
    )


@pytest.mark.parametrize("n", [1, 10])
def test_case_sections_constant_queries(case, fm, n, django_assert_num_queries, debt_partner):
    # DOMAIN PLAN-5: contact density visible without N+1 (1 vs 10 goals/contacts/services)
    _fill(case, fm, n)
    # needs; assessment, goals + status history, agreements and, for the forms, the need catalogue and
    # the partners in one statement (plans.selectors.plan_reads, issue 8: were 6 queries); services;
    # consents; contacts with their count and last date (one query since the window aggregates, issue 8:
    # were 2): 5, whatever the number of rows.
    with django_assert_num_queries(5):
        html = _render_all(case, fm)
    assert html.count("Gespräch ") == n
    assert html.count("Maßnahme ") >= n


@pytest.mark.parametrize("n", [1, 10])
def test_case_sections_constant_queries_tl(case, fm, tl, n, django_assert_num_queries):
    _fill(case, fm, n)
    # as for the FM (read-only: the statement of the plan reads without catalogue and partners; issue 8:
    # was 8)
    with django_assert_num_queries(5):
        _render_all(case, tl)


def test_sections_by_role(case, fm, tl, pap, bl):
    # DOMAIN DP-1 / DP-6: the pAp and the BL get no plan sections; the TL reads without health data
    services.assessment_save(
        case=case,
        acting_user=fm,
        areas=[{"life_area": "gesundheit", "findings": "Kein Heben über 10 kg"}],
        today=TODAY,
    )
    assert case_sections.sections(CasePage(case=case, user=pap, today=TODAY)) == []
    assert case_sections.sections(CasePage(case=case, user=bl, today=TODAY)) == []
    fm_html = _render_all(case, fm)
    tl_html = _render_all(case, tl)
    assert "Kein Heben über 10 kg" in fm_html and "keine Diagnosen" in fm_html
    assert "Kein Heben über 10 kg" not in tl_html and "Psychische Gesundheit" not in tl_html
    assert "1 gesundheitlicher Handlungsbedarf ist nur für die zuständige Fallmanager*in sichtbar" in tl_html
    assert "<form" in fm_html and "<form" not in tl_html
    assert "Kooperationsplan noch abschließen" in tl_html


def test_htmx_contact_form_rerenders_section(client, fm, case):
    # DOMAIN PLAN-5: quick inline form, date defaults to today
    client.force_login(fm)
    url = f"/faelle/{case.pk}/plan/kontakte/"
    resp = client.post(
        url, {"date": "2026-11-20", "kind": "phone", "note": "Termin bestätigt"}, HTTP_HX_REQUEST="true"
    )
    assert resp.status_code == 200
    html = resp.content.decode()
    assert 'id="plans-contacts"' in html and "Termin bestätigt" in html and "vor 0 Tagen" in html
    resp = client.post(url, {"date": "2026-11-21", "kind": "phone"}, HTTP_HX_REQUEST="true")
    assert resp.status_code == 200 and "Das Datum liegt in der Zukunft." in resp.content.decode()
    assert list(Contact.objects.values_list("note", flat=True)) == ["Termin bestätigt"]
    resp = client.post(url, {"date": "2026-11-19", "kind": "video"})
    assert resp.status_code == 302 and resp["Location"] == f"/faelle/{case.pk}/#plans-contacts"
    resp = client.post(url, {"date": "kaputt", "kind": "video"})
    assert resp.status_code == 400
    assert Contact.objects.count() == 2


def test_ui_goal_without_target_date_and_other_fm_404(client, fm, other_fm, tl, case):
    # DOMAIN PLAN-2
    client.force_login(fm)
    resp = client.post(
        f"/faelle/{case.pk}/plan/ziele/",
        {"text": "Deutschkurs B1", "kind": "integration"},
        HTTP_HX_REQUEST="true",
    )
    assert resp.status_code == 200 and "errorlist" in resp.content.decode()
    assert not Goal.objects.exists()
    client.force_login(other_fm)
    assert (
        client.post(
            f"/faelle/{case.pk}/plan/ziele/",
            {"text": "x", "target_date": "2027-01-01", "kind": "integration"},
        ).status_code
        == 404
    )
    client.force_login(tl)
    assert (
        client.post(
            f"/faelle/{case.pk}/plan/ziele/",
            {"text": "x", "target_date": "2027-01-01", "kind": "integration"},
        ).status_code
        == 403
    )
    assert not Goal.objects.exists()


def test_ui_waiver_and_agreement_pdf_download(client, fm, case):
    # DOMAIN PLAN-3
    client.force_login(fm)
    resp = client.post(
        f"/faelle/{case.pk}/plan/vereinbarung/verzicht/", {"justification": "zu kurz"}, HTTP_HX_REQUEST="true"
    )
    assert "Mindestens 30 Zeichen." in resp.content.decode()
    resp = client.post(
        f"/faelle/{case.pk}/plan/vereinbarung/",
        {
            "concluded_on": "2026-11-20",
            "client_commitments": "Ich melde mich wöchentlich.",
            "jobcenter_commitments": "Wir fördern den Führerschein.",
        },
        HTTP_HX_REQUEST="true",
    )
    html = resp.content.decode()
    assert (
        "Kooperationsplan (§ 15 SGB II)" in html
        and "20.05.2027" in html
        and "PDF herunterladen (Textform)" in html
    )
    agreement_id = case.agreements.get().pk
    resp = client.get(f"/vereinbarungen/{agreement_id}/pdf/")
    assert (
        resp.status_code == 200
        and resp["Content-Type"] == "application/pdf"
        and resp.content.startswith(b"%PDF")
    )


def test_summary_page_tells_the_story(client, fm, tl, pap, other_fm, case):
    services.goal_create(
        case=case, acting_user=fm, text="Schulden regulieren", target_date=D(2027, 3, 1), today=TODAY
    )
    services.contact_create(case=case, acting_user=fm, kind="office", date=D(2026, 11, 2), today=TODAY)
    services.need_resolve(
        case=case, acting_user=fm, code="R_WOHNEN", status="resolved", on=D(2026, 9, 1), today=TODAY
    )
    url = f"/faelle/{case.pk}/zusammenfassung/"
    client.force_login(fm)
    resp = client.get(url)
    html = resp.content.decode()
    assert resp.status_code == 200
    for text in (
        "Maria Musterfrau",
        "Im Fallmanagement",
        "Nächste Frist",
        "Fortführungsprüfung",
        "Schulden regulieren",
        "Kooperationsplan noch abschließen",
        "02.11.2026",
        "abgebaut (erledigt)",
        "Psychische Gesundheit",
    ):
        assert text in html, text
    assert '<form method="post" action="/faelle/' not in html  # read-only
    client.force_login(tl)
    assert "Psychische Gesundheit" not in client.get(url).content.decode()
    client.force_login(pap)
    assert client.get(url).status_code in (403, 404)
    client.force_login(other_fm)
    assert client.get(url).status_code == 404


def test_home_contact_gaps_for_fm_and_tl(fm, tl, pap, case):
    # DOMAIN PLAN-5: flagged past CONTACT_GAP_DAYS on the start page
    Contact.objects.create(case=case, date=D(2026, 10, 1), kind="phone", created_by=fm)
    assert home_sections.sections(StartPage(user=pap, today=TODAY)) == []
    sec = home_sections.sections(StartPage(user=tl, today=TODAY))[0]
    assert sec.title == "Kontaktlücken"
    html = render_to_string(sec.template, sec.context)
    assert "Musterfrau, Maria" in html and "01.10.2026" in html and ">50<" in html
    assert home_sections.sections(StartPage(user=fm, today=D(2026, 10, 29)))[0].context["total"] == 0


def test_partner_list_page(client, fm, controlling, debt_partner, foreign_partner):
    client.force_login(fm)
    html = client.get("/netzwerkpartner/").content.decode()
    assert "Schuldnerberatung Diakonie" in html and "Fremder Träger" not in html
    client.force_login(controlling)
    assert client.get("/netzwerkpartner/").status_code == 403


def test_case_page_shows_plan_sections(client, fm, case):
    # the case page (cases app) composes the sections through plans/case_sections.py
    client.force_login(fm)
    html = client.get(f"/faelle/{case.pk}/").content.decode()
    for anchor in (
        "plans-needs",
        "plans-assessment",
        "plans-goals",
        "plans-agreement",
        "plans-services",
        "plans-contacts",
    ):
        assert f'id="{anchor}"' in html, anchor


def test_api_schema_includes_plan_endpoints(api_as, fm):
    import json

    resp = api_as(fm).get("/api/schema/?format=json")
    assert resp.status_code == 200
    paths = json.loads(resp.content)["paths"]
    assert "/api/v1/cases/{case_id}/goals/" in paths and "/api/v1/agreements/{id}/pdf/" in paths

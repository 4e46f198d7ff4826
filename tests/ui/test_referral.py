"""Referral form with the live access check (ACC-1..3, ACC-5, READ-1)."""

import datetime

from cases.choices import CaseState
from cases.models import Case, CaseEvent
from tests.conftest import give_needs
from tests.factories import CaseFactory, ClientFactory, SiteFactory

D = datetime.date
HTMX = {"HTTP_HX_REQUEST": "true"}


def _referral_data(fm, **overrides):
    data = {
        "fallmanager": fm.pk,
        "needs": ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN"],
        "handover_talk_on": "2026-11-01",
        "handover_kind": "personal",
        "reasons": "Wohnungsverlust droht",
        "expected_progress": "Stabilisierung, danach Qualifizierung",
        "referred_on": "2026-11-02",
    }
    data.update(overrides)
    return data


def test_referral_page_renders_with_grouped_needs_and_fm_select(client, pap, fm, other_fm, client_eligible):
    client.force_login(pap)
    response = client.get(f"/kunden/{client_eligible.pk}/zuweisen/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Zuweisung ins Fallmanagement: Maria Musterfrau" in body
    assert 'Leistungsfähigkeit <span class="badge badge-ok">zählt für den Zugang</span>' in body
    assert "<legend>Motivation</legend>" in body
    assert 'value="L_PSYCHE" id="id_needs_5" checked' in body  # the client's open needs are ticked
    assert f'<option value="{fm.pk}">Berger, Anna – 0 von 75 Fällen</option>' in body  # CAP-3
    assert f'<option value="{other_fm.pk}">' in body  # same site, other team
    assert f'hx-post="/kunden/{client_eligible.pk}/zuweisen/zugangspruefung/" hx-trigger="change"' in body
    assert "Formaler Zugang erfüllt." in body


def test_referral_fm_select_excludes_other_sites(client, pap, client_eligible):
    from org.choices import Role
    from tests.factories import StaffFactory, TeamFactory

    far = StaffFactory(role=Role.FALLMANAGER, team=TeamFactory(site=SiteFactory()), last_name="Fernweh")
    client.force_login(pap)
    body = client.get(f"/kunden/{client_eligible.pk}/zuweisen/").content.decode()
    assert f'<option value="{far.pk}">' not in body


def test_live_access_check_two_vs_three_counting_needs(client, pap, client_eligible):
    # DOMAIN ACC-1: at least 3 needs in Leistungsfähigkeit/Rahmenbedingungen; Motivation does not count.
    client.force_login(pap)
    url = f"/kunden/{client_eligible.pk}/zuweisen/zugangspruefung/"
    two = client.post(url, {"needs": ["L_PSYCHE", "R_WOHNEN", "M_FLEXIBILITAET"]}, **HTMX)
    body = two.content.decode()
    assert two.status_code == 200
    assert "<html" not in body
    assert "Formaler Zugang nicht erfüllt." in body
    assert (
        '<li class="no">Nur 2 Handlungsbedarf(e) in den Schlüsselgruppen Leistungsfähigkeit/Rahmenbedingungen; '
        "mindestens 3 nötig.</li>" in body
    )
    assert "Einzelfallentscheidung mit Begründung und Datum der Rücksprache mit der Teamleitung nötig" in body

    three = client.post(url, {"needs": ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN"]}, **HTMX)
    body = three.content.decode()
    assert "<html" not in body
    assert "Formaler Zugang erfüllt." in body
    assert (
        '<li class="ok">3 Handlungsbedarfe in den Schlüsselgruppen Leistungsfähigkeit/Rahmenbedingungen '
        "(mindestens 3) – erfüllt.</li>" in body
    )
    assert "ACC-2" not in body


def test_live_access_check_profiling_forecast(client, pap, client_eligible):
    # DOMAIN ACC-1: a forecast of integration within 12 months excludes formal access.
    client.force_login(pap)
    url = f"/kunden/{client_eligible.pk}/zuweisen/zugangspruefung/"
    body = client.post(
        url,
        {"needs": ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN"], "integration_expected_within_12_months": "on"},
        **HTMX,
    ).content.decode()
    assert "Formaler Zugang nicht erfüllt." in body
    assert '<li class="no">Laut Profiling ist eine Integration innerhalb von 12 Monaten zu erwarten' in body


def test_access_check_without_htmx_is_a_full_page(client, pap, client_eligible):
    client.force_login(pap)
    response = client.post(f"/kunden/{client_eligible.pk}/zuweisen/zugangspruefung/", {"needs": ["L_PSYCHE"]})
    body = response.content.decode()
    assert "<html" in body
    assert "Nur 1 Handlungsbedarf(e)" in body


def test_access_check_out_of_scope_client_is_404(client, pap):
    elsewhere = ClientFactory(site=SiteFactory())
    client.force_login(pap)
    assert client.post(f"/kunden/{elsewhere.pk}/zuweisen/zugangspruefung/", {}, **HTMX).status_code == 404
    assert client.get(f"/kunden/{elsewhere.pk}/zuweisen/").status_code == 404


def test_referral_via_form_creates_case(client, pap, fm, client_eligible):
    # DOMAIN ACC-1, ACC-3: the referral with handover talk, reasons and expected progress.
    client.force_login(pap)
    response = client.post(f"/kunden/{client_eligible.pk}/zuweisen/", _referral_data(fm))
    case = Case.objects.get(client=client_eligible)
    assert response.status_code == 302
    assert response["Location"] == f"/faelle/{case.pk}/"
    assert case.state == CaseState.REFERRED
    assert case.fallmanager == fm
    assert case.referred_by == pap
    assert case.referred_on == D(2026, 11, 2)
    assert case.handover_talk_on == D(2026, 11, 1)
    assert case.meets_formal_access is True
    page = client.get(response["Location"]).content.decode()
    assert "Maria Musterfrau wurde an Anna Berger zugewiesen." in page
    assert '<span class="badge badge-referred">Zugewiesen</span>' in page


def test_refused_referral_acc2_missing_tl_date_creates_nothing(client, pap, fm, site):
    # DOMAIN ACC-2: without formal access an individual decision needs reason AND TL consultation date.
    weak = ClientFactory(site=site, first_name="Karl", last_name="Knapp")
    give_needs(weak, ["L_PSYCHE", "R_WOHNEN"])
    client.force_login(pap)
    response = client.post(
        f"/kunden/{weak.pk}/zuweisen/",
        _referral_data(fm, needs=["L_PSYCHE", "R_WOHNEN"], decision_reason="Akute Wohnungslosigkeit"),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        "Die Einzelfallentscheidung braucht eine Begründung und das Datum der Rücksprache mit der Teamleitung."
        in body
    )
    assert "Das Datum der Rücksprache mit der Teamleitung ist erforderlich." in body
    assert "Formaler Zugang nicht erfüllt." in body  # the check is shown after submit (no JS)
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0
    assert sorted(weak.needs.values_list("need__code", flat=True)) == ["L_PSYCHE", "R_WOHNEN"]


def test_refused_referral_rolls_back_needs_and_profiling(client, pap, fm, client_eligible):
    # DOMAIN ACC-1: ticking off needs and setting the forecast is undone when the referral is refused.
    client.force_login(pap)
    response = client.post(
        f"/kunden/{client_eligible.pk}/zuweisen/",
        _referral_data(fm, needs=["L_PSYCHE"], integration_expected_within_12_months="on"),
    )
    assert response.status_code == 400
    assert "Ohne formalen Zugang ist eine Einzelfallentscheidung nötig." in response.content.decode()
    client_eligible.refresh_from_db()
    assert client_eligible.integration_expected_within_12_months is False
    assert client_eligible.needs.count() == 3
    assert Case.objects.count() == 0


def test_referral_with_individual_decision_succeeds(client, pap, fm, site, tl):
    # DOMAIN ACC-2: reason and TL consultation date → referral without formal access.
    weak = ClientFactory(site=site)
    client.force_login(pap)
    response = client.post(
        f"/kunden/{weak.pk}/zuweisen/",
        _referral_data(
            fm,
            needs=["L_SUCHT"],
            decision_reason="Akute Suchtproblematik",
            teamleitung_consulted_on="2026-10-30",
        ),
    )
    assert response.status_code == 302
    case = Case.objects.get(client=weak)
    assert case.meets_formal_access is False
    assert case.individual_decision_reason == "Akute Suchtproblematik"
    assert case.teamleitung_consulted_on == D(2026, 10, 30)


def test_referral_with_open_case_is_refused(client, pap, fm, referred_case):
    # DOMAIN ACC-5
    client.force_login(pap)
    response = client.post(f"/kunden/{referred_case.client_id}/zuweisen/", _referral_data(fm))
    assert response.status_code == 409
    assert "Für diese Kund*in besteht bereits ein offener Fall im Fallmanagement" in response.content.decode()
    assert Case.objects.count() == 1


def test_readmission_lock_shown_on_form(client, pap, fm, client_eligible):
    # DOMAIN READ-1: a new referral at the earliest 6 months after the last episode ended.
    CaseFactory(client=client_eligible, fallmanager=fm, state=CaseState.CLOSED, closed_on=D(2026, 9, 30))
    client.force_login(pap)
    response = client.post(f"/kunden/{client_eligible.pk}/zuweisen/", _referral_data(fm))
    assert response.status_code == 409
    assert "Eine erneute Zuweisung ist frühestens ab 30.03.2027 möglich" in response.content.decode()
    assert Case.objects.filter(state=CaseState.REFERRED).count() == 0


def test_readmission_after_work_taken_up_is_allowed(client, pap, fm, client_eligible):
    # DOMAIN READ-2: work taken up after the last episode allows an earlier readmission.
    CaseFactory(client=client_eligible, fallmanager=fm, state=CaseState.CLOSED, closed_on=D(2026, 9, 30))
    client_eligible.work_taken_up_on = D(2026, 10, 10)
    client_eligible.save(update_fields=["work_taken_up_on"])
    client.force_login(pap)
    response = client.post(f"/kunden/{client_eligible.pk}/zuweisen/", _referral_data(fm))
    assert response.status_code == 302
    assert Case.objects.filter(state=CaseState.REFERRED, client=client_eligible).count() == 1


def test_referral_bad_input_never_500(client, pap, fm, client_eligible):
    client.force_login(pap)
    future = (datetime.date.today() + datetime.timedelta(days=5)).isoformat()
    cases = [
        (
            _referral_data(fm, handover_talk_on=future, referred_on=future),
            "darf nicht in der Zukunft liegen.",
        ),
        (_referral_data(fm, reasons="x" * 20_000), "höchstens 10000 Zeichen"),
        (_referral_data(fm, needs=["L_PSYCHE", "GIBTSNICHT"]), "GIBTSNICHT ist keine gültige Auswahl."),
        (_referral_data(fm, fallmanager="abc"), "Bitte eine gültige Auswahl treffen."),
        (_referral_data(fm, handover_kind="telepathie"), "telepathie ist keine gültige Auswahl."),
        (_referral_data(fm, reasons="  "), "Die Gründe für die Zuweisung ist erforderlich."),
        (
            _referral_data(fm, handover_talk_on="2026-11-05"),
            "Die Zuweisung kann nicht vor dem Übergabegespräch liegen.",
        ),
        (_referral_data(fm, referred_on="31.02.2026"), "Bitte ein gültiges Datum eingeben."),
    ]
    for data, message in cases:
        response = client.post(f"/kunden/{client_eligible.pk}/zuweisen/", data)
        assert response.status_code == 400, message
        assert message in response.content.decode(), message
    assert Case.objects.count() == 0


def test_referral_is_pap_only(client, fm, client_eligible, referred_case):
    client.force_login(fm)
    assert client.get(f"/kunden/{client_eligible.pk}/zuweisen/").status_code == 403

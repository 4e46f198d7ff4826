"""Case page, transition forms, scope (DP-1), stale versions and bad input."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import CaseState
from cases.models import Case, CaseEvent
from reporting.models import OutcomeRecord
from tests.factories import CaseFactory, ClientFactory

D = datetime.date
HTMX = {"HTTP_HX_REQUEST": "true"}


def _state(case):
    return Case.objects.get(pk=case.pk).state


def test_case_page_shows_data_actions_blockers_and_history(client, fm, referred_case):
    # DOMAIN CLR-1: the FM starts the clearing; admission is not possible while referred.
    client.force_login(fm)
    response = client.get(f"/faelle/{referred_case.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<h1>Maria Musterfrau <span class="badge badge-referred">Zugewiesen</span>' in body
    assert f"<dd>{referred_case.client.customer_number}</dd>" in body
    assert "<dd>02.11.2026</dd>" in body
    assert "<dd>01.11.2026 (Persönliches Gespräch pAp – FM)</dd>" in body
    assert "Wohnungsverlust droht" in body
    assert (
        f'<a class="button" href="/faelle/{referred_case.pk}/schritt/start_clearing/" '
        f'hx-get="/faelle/{referred_case.pk}/schritt/start_clearing/" hx-target="#action-panel" '
        'hx-swap="innerHTML">Clearing beginnen</a>' in body
    )
    assert (
        "<li>Übernehmen – nicht möglich: Im Status „Zugewiesen“ nicht möglich (nur im Status: Clearingphase).</li>"
        in body
    )
    assert "Widerspruch einlegen" not in body  # a pAp action is not offered to a FM
    assert "Über Widerspruch entscheiden" not in body
    assert "<td>02.11.2026</td>" in body
    assert "<td>Zuweisung</td><td>– → Zugewiesen</td>" in body


def test_case_page_for_pap_shows_only_dispute_action(client, pap, rejected_case):
    # DOMAIN CLR-4
    client.force_login(pap)
    body = client.get(f"/faelle/{rejected_case.pk}/").content.decode()
    assert f'href="/faelle/{rejected_case.pk}/schritt/dispute/"' in body
    assert "Clearing beginnen" not in body
    assert "Fall beenden" not in body
    assert "<strong>Abgelehnt: Kein belastbares Arbeitsbündnis.</strong>" in body


def test_case_page_clearing_overdue_flag(client, fm, site):
    # DOMAIN CLR-2: clearing ends at the latest 2 months after it started; overdue is flagged.
    case = CaseFactory(
        client=ClientFactory(site=site),
        fallmanager=fm,
        state=CaseState.CLEARING,
        clearing_started_on=D(2026, 8, 1),
    )
    client.force_login(fm)
    body = client.get(f"/faelle/{case.pk}/").content.decode()
    assert '<dd>01.10.2026 <span class="badge badge-bad">überfällig</span></dd>' in body


def test_start_clearing_via_form(client, fm, referred_case):
    # DOMAIN CLR-1
    client.force_login(fm)
    url = f"/faelle/{referred_case.pk}/schritt/start_clearing/"
    page = client.get(url).content.decode()
    assert f'<input type="hidden" name="version" value="{referred_case.version}"' in page
    response = client.post(url, {"version": referred_case.version, "date": "2026-11-04"})
    assert response.status_code == 302
    assert response["Location"] == f"/faelle/{referred_case.pk}/"
    case = Case.objects.get(pk=referred_case.pk)
    assert case.state == CaseState.CLEARING
    assert case.clearing_started_on == D(2026, 11, 4)
    assert case.version == referred_case.version + 1
    body = client.get(response["Location"]).content.decode()
    assert "Die Clearingphase wurde begonnen." in body
    assert "<td>Clearing begonnen</td><td>Zugewiesen → Clearingphase</td>" in body
    assert "<dd>04.01.2027</dd>" in body  # clearing due 2 months later


def test_transition_date_defaults_to_today(client, fm, referred_case):
    client.force_login(fm)
    client.post(f"/faelle/{referred_case.pk}/schritt/start_clearing/", {"version": referred_case.version})
    from django.utils import timezone

    assert Case.objects.get(pk=referred_case.pk).clearing_started_on == timezone.localdate()


def test_htmx_loads_form_inline_and_redirects_on_success(client, fm, clearing_case):
    client.force_login(fm)
    url = f"/faelle/{clearing_case.pk}/schritt/admit/"
    fragment = client.get(url, **HTMX)
    body = fragment.content.decode()
    assert "<html" not in body
    assert f'hx-post="{url}" hx-target="#action-form-{clearing_case.pk}"' in body
    response = client.post(url, {"version": clearing_case.version, "date": "2026-11-10"}, **HTMX)
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"/faelle/{clearing_case.pk}/"
    assert _state(clearing_case) == CaseState.ACTIVE


def test_htmx_error_rerenders_fragment_with_message(client, fm, clearing_case):
    client.force_login(fm)
    url = f"/faelle/{clearing_case.pk}/schritt/reject/"
    response = client.post(
        url, {"version": clearing_case.version, "reason_code": "R01", "justification": ""}, **HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx
    assert "<html" not in body
    assert "Die Begründung der Ablehnung ist erforderlich." in body
    assert 'hx-confirm="Zuweisung wirklich ablehnen?' in body
    assert _state(clearing_case) == CaseState.CLEARING


def test_irreversible_steps_ask_for_confirmation(client, fm, clearing_case):
    client.force_login(fm)
    body = client.get(f"/faelle/{clearing_case.pk}/schritt/reject/").content.decode()
    assert (
        'data-confirm="Zuweisung wirklich ablehnen? Dieser Schritt kann nicht rückgängig gemacht werden."'
        in body
    )
    assert "hx-post" not in body


def test_reject_via_form_with_catalogue_reason(client, fm, clearing_case):
    # DOMAIN CLR-3: rejection with a reason from the catalogue and a justification.
    client.force_login(fm)
    url = f"/faelle/{clearing_case.pk}/schritt/reject/"
    page = client.get(url).content.decode()
    assert '<option value="R03">Keine Kapazität im Fallmanagement</option>' in page
    response = client.post(
        url,
        {
            "version": clearing_case.version,
            "reason_code": "R03",
            "justification": "Kein Platz",
            "date": "2026-11-10",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=clearing_case.pk)
    assert case.state == CaseState.REJECTED
    assert case.rejection_reason.code == "R03"
    assert case.decision_justification == "Kein Platz"


def test_forward_and_return_via_form(client, fm, pap, site):
    # DOMAIN CLR-3: forwarding and return to the pAp, each with a justification.
    from cases.services import case_start_clearing
    from tests.conftest import TODAY

    first = CaseFactory(client=ClientFactory(site=site), fallmanager=fm, referred_by=pap)
    second = CaseFactory(client=ClientFactory(site=site), fallmanager=fm, referred_by=pap)
    for c in (first, second):
        CaseEvent.objects.create(
            case=c, name="refer", to_state="referred", effective_on=D(2026, 11, 1), actor=pap
        )
        case_start_clearing(case=c, acting_user=fm, on=D(2026, 11, 2), today=TODAY)
    client.force_login(fm)
    response = client.post(
        f"/faelle/{first.pk}/schritt/forward/",
        {"version": 2, "to": "third_party", "detail": "Träger XY", "justification": "Spezialbedarf"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.state, first.forwarded_to, first.forwarded_to_detail) == (
        CaseState.FORWARDED,
        "third_party",
        "Träger XY",
    )
    response = client.post(
        f"/faelle/{second.pk}/schritt/return_to_pap/", {"version": 2, "justification": "Kein Bündnis"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.state == CaseState.RETURNED


def test_dispute_and_tl_decision_via_forms(client, pap, tl, rejected_case):
    # DOMAIN CLR-4: the pAp disputes, the TL decides on the "Offene Widersprüche" page.
    client.force_login(pap)
    response = client.post(
        f"/faelle/{rejected_case.pk}/schritt/dispute/",
        {"version": rejected_case.version, "comment": "Krankenhaus"},
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=rejected_case.pk)
    assert case.state == CaseState.DISPUTED

    client.force_login(tl)
    page = client.get("/widersprueche/").content.decode()
    assert "Maria Musterfrau" in page
    assert "<strong>Widerspruch der pAp:</strong> Krankenhaus" in page
    assert "Kein belastbares Arbeitsbündnis. Termine dreimal nicht wahrgenommen" in page
    assert f'action="/faelle/{case.pk}/schritt/decide_dispute/"' in page
    response = client.post(
        f"/faelle/{case.pk}/schritt/decide_dispute/",
        {"version": case.version, "admit": "1", "comment": "Übernahme", "next": "/widersprueche/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/widersprueche/"
    case.refresh_from_db()
    assert case.state == CaseState.ACTIVE
    assert case.dispute_decided_by == tl
    assert "Keine offenen Widersprüche in Ihren Teams." in client.get("/widersprueche/").content.decode()


def test_decide_dispute_reject_is_final(client, tl, pap, disputed_case):
    # DOMAIN CLR-4: "rejection stands" is final — the pAp can no longer dispute.
    client.force_login(tl)
    client.post(
        f"/faelle/{disputed_case.pk}/schritt/decide_dispute/",
        {"version": disputed_case.version, "admit": "0", "comment": "Bleibt"},
    )
    case = Case.objects.get(pk=disputed_case.pk)
    assert case.state == CaseState.REJECTED
    client.force_login(pap)
    body = client.get(f"/faelle/{case.pk}/").content.decode()
    assert (
        "Widerspruch einlegen – nicht möglich: Über einen Widerspruch wurde bereits entschieden; "
        "die Ablehnung ist endgültig." in body
    )
    response = client.post(
        f"/faelle/{case.pk}/schritt/dispute/", {"version": case.version, "comment": "Nochmal"}
    )
    assert response.status_code == 409
    assert _state(case) == CaseState.REJECTED


def test_dispute_list_is_tl_only(client, fm, pap):
    for user in (fm, pap):
        client.force_login(user)
        assert client.get("/widersprueche/").status_code == 403


def test_close_form_is_prefilled_and_closes(client, fm, pap, active_case):
    # DOMAIN EXIT-1, EXIT-2, EXIT-3: exit reason from the catalogue (integration marked), handover talk
    # with the taking-over pAp, and the Wirkungsanalyse prefilled.
    client.force_login(fm)
    url = f"/faelle/{active_case.pk}/schritt/close/"
    page = client.get(url).content.decode()
    assert (
        '<option value="B01">Integration: sozialversicherungspflichtige Beschäftigung [Integration]</option>'
        in page
    )
    assert '<option value="B04">Ende der Hilfebedürftigkeit aus sonstigen Gründen</option>' in page
    assert f'<option value="{pap.pk}" selected>Deniz Yilmaz</option>' in page
    assert (
        'name="health_need" value="1" required id="id_health_need_0" checked' in page
    )  # L_PSYCHE is a health need
    assert 'name="needs_reduced" value="0"' in page
    response = client.post(
        url,
        {
            "version": active_case.version,
            "date": "2026-11-18",
            "exit_reason": "B01",
            "handover_talk_on": "2026-11-17",
            "handover_pap": pap.pk,
            "medical_service_involved": "1",
            "health_need": "1",
            "needs_reduced": "2",
            "social_participation_progress": "1",
            "handover_note": "Arbeitsvertrag ab 1.12.; Nachbetreuung nicht nötig.",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get(pk=active_case.pk)
    assert case.exit_handover_note.startswith("Arbeitsvertrag")  # DOMAIN EXIT-1
    assert case.state == CaseState.CLOSED
    assert case.exit_handover_pap == pap
    record = OutcomeRecord.objects.get()
    assert (
        record.exit_reason_code,
        record.is_integration,
        record.medical_service_involved,
        record.needs_reduced,
    ) == (
        "B01",
        True,
        True,
        2,
    )


def test_close_without_handover_pap_is_refused(client, fm, active_case):
    # DOMAIN EXIT-1
    client.force_login(fm)
    response = client.post(
        f"/faelle/{active_case.pk}/schritt/close/",
        {
            "version": active_case.version,
            "exit_reason": "B04",
            "handover_talk_on": "2026-11-17",
            "handover_note": "Info",
            "medical_service_involved": "0",
            "health_need": "0",
            "needs_reduced": "0",
            "social_participation_progress": "0",
        },
    )
    assert response.status_code == 400
    assert "Bitte die übernehmende pAp angeben." in response.content.decode()
    assert _state(active_case) == CaseState.ACTIVE
    assert OutcomeRecord.objects.count() == 0


def test_stale_version_gets_conflict_message_and_changes_nothing(client, fm, referred_case):
    client.force_login(fm)
    url = f"/faelle/{referred_case.pk}/schritt/start_clearing/"
    stale = referred_case.version
    assert client.post(url, {"version": stale}).status_code == 302
    case = Case.objects.get(pk=referred_case.pk)
    events = CaseEvent.objects.count()
    response = client.post(f"/faelle/{case.pk}/schritt/admit/", {"version": stale})
    assert response.status_code == 409
    assert (
        "Der Fall wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu."
        in response.content.decode()
    )
    after = Case.objects.get(pk=case.pk)
    assert (after.state, after.version) == (CaseState.CLEARING, case.version)
    assert CaseEvent.objects.count() == events


def test_blocked_action_page_explains_and_shows_no_form(client, fm, referred_case):
    client.force_login(fm)
    response = client.get(f"/faelle/{referred_case.pk}/schritt/admit/")
    body = response.content.decode()
    assert response.status_code == 409
    assert "Nicht möglich: Im Status „Zugewiesen“ nicht möglich (nur im Status: Clearingphase)." in body
    assert 'name="version"' not in body


def test_wrong_role_for_action_is_403(client, pap, tl, referred_case):
    client.force_login(pap)
    assert client.get(f"/faelle/{referred_case.pk}/schritt/admit/").status_code == 403
    assert (
        client.post(f"/faelle/{referred_case.pk}/schritt/start_clearing/", {"version": 1}).status_code == 403
    )
    client.force_login(tl)
    assert (
        client.post(f"/faelle/{referred_case.pk}/schritt/start_clearing/", {"version": 1}).status_code == 403
    )
    assert _state(referred_case) == CaseState.REFERRED


def test_unknown_action_is_404(client, fm, referred_case):
    client.force_login(fm)
    assert client.get(f"/faelle/{referred_case.pk}/schritt/loeschen/").status_code == 404


@pytest.mark.parametrize(
    "persona", ["other_fm", "other_tl", "pap2", "controlling", "admin_user", "datenschutz"]
)
def test_out_of_scope_gets_404_on_case_page_and_actions(client, request, persona, referred_case):
    # DOMAIN DP-1: outside one's scope is "not found"; nothing of the case is rendered.
    client.force_login(request.getfixturevalue(persona))
    page = client.get(f"/faelle/{referred_case.pk}/")
    assert page.status_code == 404
    assert "Musterfrau" not in page.content.decode()
    for name in ("start_clearing", "admit", "dispute", "decide_dispute", "close"):
        url = f"/faelle/{referred_case.pk}/schritt/{name}/"
        assert client.get(url).status_code == 404
        assert client.post(url, {"version": referred_case.version}).status_code == 404
    assert _state(referred_case) == CaseState.REFERRED


def test_case_page_requires_login(client, referred_case):
    response = client.get(f"/faelle/{referred_case.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/anmelden/")


def test_bl_sees_case_without_actions(client, bl, referred_case):
    client.force_login(bl)
    body = client.get(f"/faelle/{referred_case.pk}/").content.decode()
    assert "Maria Musterfrau" in body
    assert "Für Ihre Rolle gibt es an diesem Fall keine Schritte." in body


def test_bad_input_in_transition_forms_never_500(client, fm, clearing_case):
    client.force_login(fm)
    future = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    url = f"/faelle/{clearing_case.pk}/schritt/reject/"
    v = clearing_case.version
    attempts = [
        (
            {"version": v, "reason_code": "R01", "justification": "x", "date": future},
            400,
            "Das Datum darf nicht in der Zukunft liegen.",
        ),
        (
            {"version": v, "reason_code": "R77", "justification": "x"},
            400,
            "Bitte eine gültige Auswahl treffen. R77 ist keine gültige Auswahl.",
        ),
        ({"version": v, "reason_code": "R01", "justification": "x" * 20_000}, 400, "höchstens 10000 Zeichen"),
        (
            {"version": v, "reason_code": "R01", "justification": "x", "date": "2026-13-45"},
            400,
            "Bitte ein gültiges Datum eingeben.",
        ),
        (
            {"version": v, "reason_code": "R01", "justification": "x", "date": "2026-11-01"},
            400,
            "Das Datum darf nicht vor dem vorherigen Schritt (03.11.2026) liegen.",
        ),
        (
            {"version": "abc", "reason_code": "R01", "justification": "x"},
            400,
            "Bitte eine ganze Zahl eingeben.",
        ),
        ({"reason_code": "R01", "justification": "x"}, 400, "Dieses Feld ist zwingend erforderlich."),
    ]
    for data, status, message in attempts:
        response = client.post(url, data)
        assert response.status_code == status, message
        assert message in response.content.decode(), message
    case = Case.objects.get(pk=clearing_case.pk)
    assert (case.state, case.version) == (CaseState.CLEARING, clearing_case.version)


def test_close_bad_input_never_500(client, fm, pap, active_case):
    client.force_login(fm)
    base = {
        "version": active_case.version,
        "exit_reason": "B01",
        "handover_talk_on": "2026-11-17",
        "handover_pap": pap.pk,
        "handover_note": "Info",
        "medical_service_involved": "0",
        "health_need": "0",
        "needs_reduced": "0",
        "social_participation_progress": "0",
    }
    url = f"/faelle/{active_case.pk}/schritt/close/"
    for override, message in [
        ({"exit_reason": "B77"}, "B77 ist keine gültige Auswahl."),
        ({"needs_reduced": "500"}, "kleiner oder gleich 99"),
        ({"handover_pap": fm.pk}, "Bitte eine gültige Auswahl treffen."),
        ({"handover_talk_on": "2026-11-01"}, "Das Übergabegespräch kann nicht vor der Übernahme liegen."),
        (
            {"exit_reason": "B99", "justification": ""},
            "Für diesen Beendigungsgrund ist eine Begründung Pflicht.",
        ),
        ({"medical_service_involved": "vielleicht"}, "vielleicht ist keine gültige Auswahl."),
        # DOMAIN EXIT-1: the handover note is required, the talk lies on or before the exit date
        ({"handover_note": ""}, "Dieses Feld ist zwingend erforderlich."),
        ({"date": "2026-11-16"}, "Das Übergabegespräch muss am oder vor dem Abgangsdatum liegen"),
    ]:
        response = client.post(url, {**base, **override})
        assert response.status_code == 400, message
        assert message in response.content.decode(), message
    assert _state(active_case) == CaseState.ACTIVE
    assert OutcomeRecord.objects.count() == 0


def _case_page_queries(client, user, case):
    client.force_login(user)
    client.get(f"/faelle/{case.pk}/")  # warm caches
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/faelle/{case.pk}/").status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["fm", "tl", "pap"])
def test_case_page_query_count_is_constant(client, request, persona, active_case, fm):
    user = request.getfixturevalue(persona)
    one = _case_page_queries(client, user, active_case)
    for day in range(9):
        CaseEvent.objects.create(
            case=active_case,
            name="admit",
            from_state="clearing",
            to_state="active",
            effective_on=D(2026, 11, 11 + day),
            actor=fm,
        )
    ten = _case_page_queries(client, user, active_case)
    assert ten == one, (one, ten)


def test_case_page_read_is_logged(client, fm, referred_case):
    # DOMAIN DP-2: the read of the case page is logged with who, what and the client.
    from audit.models import AccessLog

    client.force_login(fm)
    client.get(f"/faelle/{referred_case.pk}/")
    entry = AccessLog.objects.get(action="case.view")
    assert (entry.user, entry.object_type, entry.object_id, entry.client_id) == (
        fm,
        "case",
        referred_case.pk,
        referred_case.client_id,
    )


def test_out_of_scope_read_is_not_logged_as_view(client, other_fm, referred_case):
    from audit.models import AccessLog

    client.force_login(other_fm)
    client.get(f"/faelle/{referred_case.pk}/")
    assert AccessLog.objects.filter(action="case.view").count() == 0

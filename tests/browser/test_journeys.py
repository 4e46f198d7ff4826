"""The main journeys in a real browser (headless Debian Chromium), every visited page checked by axe-core
for WCAG 2.1 A/AA violations (zero allowed).

The server is the real app (pytest-django's live server on PostgreSQL); its "today" is the real date, so
the tests compute their dates from `timezone.localdate()` instead of a fixed day."""

from __future__ import annotations

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from cases.choices import CaseState
from cases.models import Case, Client
from cases.services import case_import
from jobs import daily as review_services
from reporting.models import OutcomeRecord
from reviews.models import Review
from tests.conftest import give_needs
from tests.factories import PASSWORD, ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NEEDS_FOR_ACCESS = ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN"]


def iso(day: datetime.date) -> str:
    return day.isoformat()


@pytest.fixture
def sign_in(login):
    def go(page, user):
        return login(page, user, password=PASSWORD)

    return go


def test_journey_referral_to_contact(page, live_server, sign_in, axe_check, shoot, pap, fm, tl):
    """pAp searches, creates and refers a client (live access check turns green) → FM takes the case
    into clearing → admits → assessment, goal, agreement (PDF), contact."""
    url = live_server.url
    today = timezone.localdate()

    # --- pAp: start page, search (nothing found), create the client --------------------------------
    sign_in(page, pap)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Willkommen")
    axe_check(page, "Start pAp")
    page.get_by_role("link", name="Kund*in suchen und zuweisen").click()
    page.get_by_label("Name oder Kundennummer").fill("Lindemann")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_text("Keine Kund*in gefunden.")).to_be_visible()
    axe_check(page, "Kund*innen suchen")
    page.get_by_role("main").get_by_role("link", name="Neue Kund*in anlegen").click()
    axe_check(page, "Neue Kund*in")
    page.get_by_label("Kundennummer").fill("123D456789")
    page.get_by_label("Vorname").fill("Lena")
    page.get_by_label("Nachname").fill("Lindemann")
    page.get_by_label("Geburtsdatum").fill("1985-04-12")
    page.get_by_label("BG-Nummer").fill("12345BG0001")
    page.get_by_role("button", name="Anlegen").click()

    # --- referral form: the live ACC-1 check turns green while needs are ticked --------------------
    expect(page).to_have_url(re.compile(r"/kunden/\d+/zuweisen/$"))
    result = page.locator("#access-check")
    expect(result).to_contain_text("nicht erfüllt")
    axe_check(page, "Zuweisung (Zugang nicht erfüllt)")
    for code in NEEDS_FOR_ACCESS:
        with page.expect_response(re.compile(r"/zugangspruefung/$")):
            page.locator(f"input[name=needs][value={code}]").check()
    expect(result).to_contain_text("Formaler Zugang erfüllt.")
    expect(result.locator(".access-result")).to_have_class(re.compile(r"\baccess-ok\b"))
    axe_check(page, "Zuweisung (Zugang erfüllt)")
    shoot(page, "zuweisung-live-pruefung")
    page.get_by_label("Fallmanager*in").select_option(value=str(fm.pk))
    page.get_by_label("Übergabegespräch am").fill(iso(today))
    page.get_by_label("Gründe für die Zuweisung").fill("Wohnungsverlust droht, Schulden")
    page.get_by_label("Erwartete Integrationsfortschritte").fill("Stabilisierung, dann Qualifizierung")
    page.get_by_role("button", name="Zuweisen").click()
    expect(page.locator(".messages")).to_contain_text("wurde an Anna Berger zugewiesen")
    axe_check(page, "Fall (pAp, zugewiesen)")
    client = Client.objects.get(customer_number="123D456789")
    case = Case.objects.get(client=client)
    assert case.state == CaseState.REFERRED

    # --- FM: start page, clearing, admission -----------------------------------------------------
    sign_in(page, fm)
    axe_check(page, "Start FM")
    # WORK-1: the new referral is an item of her worklist, one click from the case.
    referral = page.locator('tr[data-kind="referral_new"]', has_text="Lindemann, Lena")
    referral.get_by_role("link").click()
    axe_check(page, "Fall (FM, zugewiesen)")
    page.get_by_role("link", name="Clearing beginnen").click()
    form = page.locator(f"#action-form-{case.pk}")
    expect(form.get_by_role("button", name="Clearing beginnen")).to_be_visible()
    axe_check(page, "Clearing beginnen (inline)")
    form.get_by_role("button", name="Clearing beginnen").click()
    expect(page.locator(".messages")).to_contain_text("Die Clearingphase wurde begonnen.")
    axe_check(page, "Fall (Clearing)")
    # without htmx: the transition's own page
    page.goto(f"{url}/faelle/{case.pk}/schritt/admit/")
    axe_check(page, "Übernehmen (Seite)")
    page.get_by_role("button", name="Übernehmen").click()
    expect(page.locator(".messages")).to_contain_text("ins Fallmanagement übernommen")
    case.refresh_from_db()
    assert case.state == CaseState.ACTIVE

    # --- plans: assessment (one life area), goal, agreement + PDF, contact ----------------------------
    axe_check(page, "Fall (aktiv)")
    page.get_by_text("Assessment bearbeiten").click()
    page.get_by_label("Feststellungen: Wohnen").fill("Mietrückstand, Räumungsklage angekündigt")
    page.get_by_label("Ressourcen: Wohnen").fill("Unterstützung durch die Schwester")
    page.get_by_role("button", name="Assessment speichern").click()
    expect(page.locator("#plans-assessment")).to_contain_text("Mietrückstand, Räumungsklage angekündigt")

    page.get_by_text("Ziel hinzufügen").click()
    page.get_by_label("Ziel (konkret und messbar)").fill("Mietschulden mit der Schuldnerberatung regeln")
    page.get_by_label("Zieldatum").fill(iso(today + datetime.timedelta(days=90)))
    page.locator("#plans-goals").get_by_label("Art").select_option("social_participation")
    page.get_by_role("button", name="Ziel speichern").click()
    expect(page.locator("#plans-goals table")).to_contain_text(
        "Mietschulden mit der Schuldnerberatung regeln"
    )

    page.get_by_text("Kooperationsplan abschließen").click()
    agreement = page.locator("#plans-agreement")
    agreement.get_by_label("abgeschlossen am").fill(iso(today))
    agreement.get_by_label("Das macht die Kund*in").fill("Termin bei der Schuldnerberatung vereinbaren")
    agreement.get_by_label("Das macht das Jobcenter").fill("Kostenübernahme der Beratung prüfen")
    agreement.get_by_role("button", name="Abschließen").click()
    pdf_link = agreement.get_by_role("link", name="PDF herunterladen (Textform)")
    expect(pdf_link).to_be_visible()
    with page.expect_download() as info:
        pdf_link.click()
    download = info.value
    pdf_path = download.path()
    with open(pdf_path, "rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF-") and len(data) > 1000
    assert download.suggested_filename.endswith(".pdf")
    pdf_response = page.request.get(url + pdf_link.get_attribute("href"))
    assert pdf_response.headers["content-type"] == "application/pdf"

    contacts = page.locator("#plans-contacts")
    contacts.get_by_label("Datum").fill(iso(today))
    contacts.get_by_label("Art").select_option("office")
    contacts.get_by_label("Notiz").fill("Erstgespräch, Unterlagen mitgebracht")
    contacts.get_by_role("button", name="Kontakt erfassen").click()
    expect(contacts.locator("table")).to_contain_text("Erstgespräch, Unterlagen mitgebracht")
    page.reload()
    axe_check(page, "Fall (aktiv, mit Plan)")
    shoot(page, "fallseite")
    page.goto(url + "/")
    axe_check(page, "Start FM (mit Fall)")
    shoot(page, "start-fallmanagerin")


@pytest.fixture
def long_case(admin_user, fm, site):
    """A case taken over from the legacy system 24 months ago; the daily jobs have created its reviews."""
    today = timezone.localdate()
    client = ClientFactory(site=site, first_name="Kemal", last_name="Aydin")
    give_needs(client, NEEDS_FOR_ACCESS, on=today - relativedelta(months=25))
    case = case_import(
        acting_user=admin_user,
        client=client,
        fallmanager=fm,
        admitted_on=today - relativedelta(months=24),
        today=today,
    )
    review_services.daily_jobs_run(on=today, send_digests=False)
    return case


def test_journey_review_at_24_months_to_closure_and_report(
    page, live_server, sign_in, axe_check, shoot, fm, tl, pap, controlling, long_case
):
    """The FM documents the 24-month review → the TL approves it in her inbox → the FM closes the case
    with the outcome record (EXIT-1..3) → controlling opens the monthly report."""
    url = live_server.url
    today = timezone.localdate()
    review = Review.objects.get(case=long_case, month=24)
    assert review.state == "due"

    # --- FM documents the 24-month review in her inbox ---------------------------------------------
    sign_in(page, fm)
    axe_check(page, "Start FM (Prüfungen fällig)")
    page.goto(f"{url}/pruefungen/")
    axe_check(page, "Fortführungsprüfungen (FM)")
    item = page.locator(f"#review-{review.pk}")
    expect(item).to_contain_text("Prüfung nach 24 Monaten")
    item.get_by_label("Fortführen").check()
    item.get_by_label("Begründung").fill("Wohnung gesichert, Qualifizierung läuft; Abschluss in Sicht.")
    item.get_by_label("Prognose (erwartete Perspektive)").fill("Arbeitsaufnahme in sechs Monaten erwartet.")
    item.get_by_role("button", name="Prüfung dokumentieren").click()
    expect(page.locator(f"#review-{review.pk}")).to_contain_text("Entscheidung der Fallmanager*in")
    review.refresh_from_db()
    assert review.state == "approval_pending"
    axe_check(page, "Fortführungsprüfungen (FM, dokumentiert)")

    # --- TL approves in her inbox ---------------------------------------------------------------------
    sign_in(page, tl)
    axe_check(page, "Start TL")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name=re.compile("Zustimmungen|Prüfungen")
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Zustimmungen und Kenntnisnahmen")
    axe_check(page, "Zustimmungen (TL)")
    shoot(page, "posteingang-teamleitung")
    item = page.locator(f"#review-{review.pk}")
    item.get_by_label("Kommentar").fill("Einverstanden, Qualifizierung abschließen.")
    item.get_by_role("button", name="Fortführung genehmigen").click()
    expect(page.locator(f"#review-{review.pk}")).to_contain_text("Einverstanden, Qualifizierung abschließen.")
    review.refresh_from_db()
    assert review.state == "approved"
    axe_check(page, "Zustimmungen (TL, genehmigt)")

    # --- FM closes the case with the outcome record ---------------------------------------------------
    outcomes_before = OutcomeRecord.objects.count()
    sign_in(page, fm)
    page.goto(f"{url}/faelle/{long_case.pk}/")
    axe_check(page, "Fall (24 Monate)")
    page.get_by_role("link", name="Fall beenden").click()
    form = page.locator(f"#action-form-{long_case.pk}")
    expect(form.get_by_label("Beendigungsgrund")).to_be_visible()
    axe_check(page, "Fall beenden (inline)")
    form.get_by_label("Beendigungsgrund").select_option("B01")
    form.get_by_label("Übergabegespräch mit der übernehmenden pAp am").fill(iso(today))
    form.get_by_label("Übernehmende pAp").select_option(label=pap.get_full_name())
    # EXIT-1: the placement-relevant information for the taking-over pAp.
    form.get_by_label("Übergabevermerk (vermittlungsrelevante Informationen)").fill(
        "Arbeitsvertrag liegt vor; Fahrtkosten sind geklärt."
    )
    form.get_by_label("Zahl der abgebauten Handlungsbedarfe").fill("2")
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="Fall beenden").click()
    expect(page.locator(".messages")).to_contain_text("Der Fall wurde beendet")
    long_case.refresh_from_db()
    assert long_case.state == CaseState.CLOSED and long_case.exit_reason.code == "B01"
    assert OutcomeRecord.objects.count() == outcomes_before + 1
    record = OutcomeRecord.objects.latest("month")
    assert (record.exit_reason_code, record.is_integration, record.needs_reduced) == ("B01", True, 2)
    axe_check(page, "Fall (beendet)")

    # --- controlling opens the monthly report ------------------------------------------------------
    sign_in(page, controlling)
    axe_check(page, "Start Controlling")
    response = page.goto(f"{url}/berichte/monatsbericht/")
    assert response.status == 200
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    axe_check(page, "Monatsbericht")
    shoot(page, "monatsbericht-controlling")


def test_keyboard_skip_link_and_referral_form_reachable_by_tab(page, live_server, sign_in, pap, fm, site):
    """The skip link is the first focusable element and moves the focus to #main; every control of the
    referral form is reachable with Tab, in order, without a mouse."""
    client = ClientFactory(site=site, first_name="Mila", last_name="Novak")
    sign_in(page, pap)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.evaluate("document.activeElement.textContent") == "Zum Inhalt springen"
    assert page.locator(".skip-link").is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    page.goto(f"{live_server.url}/kunden/{client.pk}/zuweisen/")
    controls = page.locator("main form").first.locator("input:not([type=hidden]), select, textarea, button")
    expected = [c.get_attribute("id") or c.inner_text() for c in controls.all()]
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Enter")  # focus on <main>
    seen: list[str] = []
    for _ in range(len(expected) + 10):
        page.keyboard.press("Tab")
        current = page.evaluate(
            "(() => { const e = document.activeElement; if (!e.closest('main form')) return null;"
            " return e.id || e.innerText; })()"
        )
        if current is not None and current not in seen:
            seen.append(current)
        if current == "Zuweisen":
            break
    # radio groups are one Tab stop (arrow keys move inside): the unchecked radios are not visited
    radios_unchecked = [
        c.get_attribute("id")
        for c in controls.all()
        if c.get_attribute("type") == "radio" and not c.is_checked()
    ]
    assert seen == [e for e in expected if e not in radios_unchecked]
    # the focus is visible: the focused control has an outline
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


def test_journey_summons_three_missed_not_reachable_and_exam_prompt(
    page, live_server, sign_in, axe_check, shoot, fm, site
):
    """MIT-1..4 in the browser: the FM plans three Meldeaufforderungen on the case page, records each as
    missed, and sees "nicht erreichbar" and the ÄD/BPS prompt (the client has an open L_PSYCHE need)."""
    from tests.factories import CaseFactory

    today = timezone.localdate()
    client = ClientFactory(site=site, first_name="Paula", last_name="Termin")
    give_needs(client, ["L_PSYCHE"])
    case = CaseFactory(
        client=client,
        fallmanager=fm,
        state=CaseState.ACTIVE,
        admitted_on=today - datetime.timedelta(days=200),
    )
    sign_in(page, fm)
    page.goto(f"{live_server.url}/faelle/{case.pk}/")
    section = page.locator("#duties-appointments")
    expect(section.get_by_role("button", name="Termin planen")).to_be_visible()
    days = [today - datetime.timedelta(days=d) for d in (21, 14, 7)]
    for day in days:
        section.get_by_label("Datum").fill(iso(day))
        section.get_by_label("Uhrzeit").fill("09:00")
        section.get_by_label("Meldeaufforderung (mit Rechtsfolgenbelehrung)").check()
        section.get_by_label("eingeladen am").fill(iso(day - datetime.timedelta(days=7)))
        section.get_by_role("button", name="Termin planen").click()
        expect(section.get_by_text(day.strftime("%d.%m.%Y") + " 09:00")).to_be_visible()
    for day in days:
        row = section.locator("tr", has_text=day.strftime("%d.%m.%Y") + " 09:00")
        row.get_by_label("Ergebnis").select_option("missed")
        row.get_by_role("button", name="Ergebnis speichern").click()
        expect(section.locator("tr", has_text=day.strftime("%d.%m.%Y") + " 09:00")).not_to_contain_text(
            "Ergebnis fehlt"
        )
    expect(section.get_by_text("nicht erreichbar seit " + days[-1].strftime("%d.%m.%Y"))).to_be_visible()
    expect(section.get_by_text("ärztliche oder psychologische Untersuchung (ÄD/BPS)")).to_be_visible()
    axe_check(page, "Fall mit Terminen")
    shoot(page, "duties-case-appointments")

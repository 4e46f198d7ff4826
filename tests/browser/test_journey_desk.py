"""Journey (issue 13 part B): the FM finds a client by a mistyped name in the header search, opens the
case, sees contact data and household, adds a Verlaufsvermerk and uploads a document — every page checked
by axe (0 violations). Screenshots (SAVE_SCREENSHOTS=1): docs/screenshots/search.png, fallseite.png."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from cases.choices import CaseState, HouseholdRole
from records.models import Document, Note
from tests.factories import PASSWORD, CaseFactory, ClientFactory, HouseholdFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture
def etzold(fm, other_fm, site, tmp_path, monkeypatch):
    from django.core.files.storage import FileSystemStorage

    field = Document._meta.get_field("file")
    monkeypatch.setattr(
        field, "storage", FileSystemStorage(location=str(tmp_path / "private"), base_url=None)
    )
    bg = HouseholdFactory(number="95501BG0000777")
    client = ClientFactory(
        site=site, first_name="Maria", last_name="Etzold", household=bg, street="Lindenallee 12",
        postcode="30159", city="Hannover", phone="0511 123456", preferred_language="Türkisch",
        interpreter_needed=True, household_role=HouseholdRole.APPLICANT,
    )  # fmt: skip
    partner = ClientFactory(
        site=site, first_name="Kemal", last_name="Etzold", household=bg,
        birth_date=datetime.date(1978, 1, 2), household_role=HouseholdRole.PARTNER,
    )  # fmt: skip
    ClientFactory(
        site=site, first_name="Lena", last_name="Etzold", household=bg,
        birth_date=datetime.date(2012, 4, 1), household_role=HouseholdRole.CHILD,
    )  # fmt: skip
    CaseFactory(
        client=partner, fallmanager=other_fm, state=CaseState.ACTIVE, admitted_on=datetime.date(2026, 3, 1)
    )
    for i in range(3):
        CaseFactory(client__site=site, client__last_name=f"Etzel{i}", fallmanager=fm, state=CaseState.ACTIVE)
    return CaseFactory(
        client=client, fallmanager=fm, state=CaseState.ACTIVE, admitted_on=datetime.date(2026, 2, 1)
    )


def test_journey_search_typo_note_and_document(
    page, live_server, login, axe_check, shoot, fm, etzold, tmp_path
):
    login(page, fm, password=PASSWORD)
    search = page.get_by_role("search").first
    search.get_by_label("Kund*in suchen").fill("Etsold")
    search.get_by_role("button", name="Suchen").click()
    page.wait_for_url("**/suche/?q=Etsold")
    expect(page.get_by_role("search")).to_have_count(1)  # the header form is not repeated here
    expect(page.get_by_role("link", name="Etzold, Maria")).to_be_visible()
    axe_check(page, "Suche (Tippfehler)")
    shoot(page, "search")

    page.get_by_role("link", name="Etzold, Maria").click()
    page.wait_for_url(f"**/faelle/{etzold.pk}/")
    expect(page.get_by_text("30159 Hannover")).to_be_visible()
    household = page.locator("#client-household")
    expect(household.get_by_text("Kemal")).to_be_visible()  # loaded as its own fragment
    expect(page.locator("#case-records").get_by_text("Noch keine Vermerke.")).to_be_visible()
    axe_check(page, "Fallseite (Kontaktdaten, Bedarfsgemeinschaft)")

    records = page.locator("#case-records")
    records.get_by_label("Vermerk").fill("Hausbesuch: Unterlagen zur Wohnung besprochen.")
    records.get_by_role("button", name="Vermerk speichern").click()
    expect(records.get_by_text("Der Vermerk wurde gespeichert.")).to_be_visible()
    assert Note.objects.filter(case=etzold).count() == 1

    pdf = tmp_path / "mietvertrag.pdf"
    pdf.write_bytes(PDF)
    records = page.locator("#case-records")
    records.get_by_label("Datei (PDF, PNG oder JPEG)").set_input_files(str(pdf))
    records.get_by_label("Titel").fill("Mietvertrag")
    records.get_by_role("button", name="Dokument hochladen").click()
    expect(page.locator("#case-records").get_by_role("link", name="Mietvertrag")).to_be_visible()
    assert Document.objects.filter(case=etzold).count() == 1
    axe_check(page, "Fallseite (Vermerk und Dokument)")
    page.locator("#case-records").scroll_into_view_if_needed()
    shoot(page, "fallseite")

    page.goto(f"{live_server.url}/faelle/?sort=-name")
    expect(page.get_by_role("link", name="Etzold, Maria")).to_be_visible()
    axe_check(page, "Mein Fallbestand (sortiert)")

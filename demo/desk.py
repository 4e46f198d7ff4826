"""Demo data of the working day (issue 13 part B): site letterheads, the clients' contact data and their roles
in the household (the builder makes about a fifth of the households with two or three members, each with
their own FM history — so the household section shows members in FM with their team and members who are
not), a few Verlaufsvermerke (some corrected) and small PDF documents.

Called once from `DemoBuilder.run_hooks` (`desk_demo(builder)`); the notes and documents go through the
services (their rules hold), the contact data of the many clients are one bulk update."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from cases.choices import CaseState, HouseholdRole
from cases.models import Case, Client
from org.choices import Role
from org.models import Site, Staff
from records import services as records

STREETS = [
    "Lindenallee", "Am Küchengarten", "Limmerstraße", "Fössestraße", "Davenstedter Straße", "Podbielskistraße",
    "Vahrenwalder Straße", "Sallstraße", "Hildesheimer Straße", "Göttinger Chaussee", "Bothfelder Straße",
    "Engelbosteler Damm", "Wunstorfer Straße", "Stöckener Straße", "Alte Döhrener Straße", "Kopernikusstraße",
]  # fmt: skip
TOWNS = [("30159", "Hannover"), ("30449", "Hannover"), ("30451", "Hannover"), ("30163", "Hannover"),
         ("30171", "Hannover"), ("30419", "Hannover"), ("30952", "Ronnenberg"), ("30880", "Laatzen")]  # fmt: skip
LANGUAGES = ["Deutsch"] * 14 + ["Türkisch", "Arabisch", "Russisch", "Ukrainisch", "Polnisch", "Farsi"]
NOTES = [
    "Gespräch zur Wohnsituation; Kundin bringt den Mietvertrag zum nächsten Termin mit.",
    "Telefonat mit der Schuldnerberatung: Erstgespräch ist vereinbart, Unterlagen liegen vor.",
    "Hausbesuch: Kinderbetreuung ist ab dem nächsten Monat geklärt; Bewerbungsunterlagen besprochen.",
    "Rückmeldung des Trägers: regelmäßige Teilnahme an der Maßnahme, nächster Schritt Praktikum.",
]

# A small, valid one-page PDF ("Einladung zum Gespräch"), so the demo needs no PDF renderer.
_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 62>>stream\nBT /F1 18 Tf 72 760 Td (Bescheinigung des Traegers) Tj ET\n"
    b"endstream endobj\n5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _site_letterheads(rng) -> None:
    for index, site in enumerate(Site.objects.order_by("pk")):
        postcode, city = TOWNS[index % len(TOWNS)]
        site.street = f"{rng.choice(STREETS)} {rng.randint(1, 120)}"
        site.postcode, site.city = postcode, city
        site.phone = f"0511 {rng.randint(100, 999)} {rng.randint(1000, 9999)}-0"
        site.email = f"jobcenter-{site.name.split()[-1].lower()}@jobcenter.example".replace("ü", "ue")
        site.save(update_fields=["street", "postcode", "city", "phone", "email"])
    fms = list(Staff.objects.filter(role__in=[Role.FALLMANAGER, Role.TEAMLEITUNG, Role.PAP]))
    for staff in fms:
        staff.phone = staff.phone or f"0511 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
        staff.email = staff.email or f"{staff.username}@jobcenter.example"
    Staff.objects.bulk_update(fms, ["phone", "email"], batch_size=500)


def _contact_data(rng, fake) -> int:
    clients = list(Client.objects.order_by("household_id", "birth_date", "pk"))
    seen: dict[int, int] = {}
    for client in clients:
        postcode, city = rng.choice(TOWNS)
        client.street = f"{rng.choice(STREETS)} {rng.randint(1, 180)}"
        client.postcode, client.city = postcode, city
        client.phone = f"0{rng.choice(['151', '160', '176', '511'])} {rng.randint(1000000, 9999999)}"
        if rng.random() < 0.6:
            local = f"{client.first_name}.{client.last_name}".lower()
            for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss"), (" ", "")):
                local = local.replace(a, b)
            client.email = f"{local}@example.org"
        client.preferred_language = rng.choice(LANGUAGES)
        client.interpreter_needed = client.preferred_language != "Deutsch" and rng.random() < 0.5
        position = seen.get(client.household_id, 0)
        seen[client.household_id] = position + 1
        client.household_role = (
            (HouseholdRole.APPLICANT, HouseholdRole.PARTNER)[position]
            if position < 2
            else (HouseholdRole.OTHER)
        )
    fields = ["street", "postcode", "city", "phone", "email", "preferred_language", "interpreter_needed",
              "household_role"]  # fmt: skip
    Client.objects.bulk_update(clients, fields, batch_size=1000)
    return len(clients)


def _notes_and_documents(builder, rng) -> tuple[int, int]:
    today = builder.today
    cases = list(
        Case.objects.filter(state=CaseState.ACTIVE)
        .select_related("client", "fallmanager")
        .order_by("fallmanager_id", "pk")[:24]
    )
    notes = documents = 0
    for index, case in enumerate(cases):
        for offset in sorted(rng.sample(range(1, 60), rng.randint(1, 3)), reverse=True):
            note = records.note_create(
                case=case,
                acting_user=case.fallmanager,
                date=today - datetime.timedelta(days=offset),
                text=rng.choice(NOTES),
                today=today,
            )
            notes += 1
        if index % 6 == 0:
            records.note_correct(
                note=note,
                acting_user=case.fallmanager,
                text="Berichtigung: Der Termin war am Vortag, nicht wie vermerkt.",
                today=today,
            )
            notes += 1
        if index % 3 == 0:
            records.document_upload(
                case=case,
                acting_user=case.fallmanager,
                upload=SimpleUploadedFile("bescheinigung.pdf", _PDF, content_type="application/pdf"),
                title="Teilnahmebescheinigung des Trägers",
                kind="certificate",
                today=today,
            )
            documents += 1
    return notes, documents


def _etzold() -> None:
    """One well-known name to search for with a typo ("Etsold"): the client of the first active case."""
    case = Case.objects.filter(state=CaseState.ACTIVE).select_related("client").order_by("pk").first()
    if case is not None and not Client.objects.filter(last_name="Etzold").exists():
        Client.objects.filter(pk=case.client_id).update(first_name="Maria", last_name="Etzold")


def desk_demo(builder) -> str:
    rng, fake = builder.rng, builder.fake
    _etzold()
    _site_letterheads(rng)
    contacts = _contact_data(rng, fake)
    notes, documents = _notes_and_documents(builder, rng)
    return (
        f"Kontaktdaten und Rollen in der Bedarfsgemeinschaft für {contacts} Kund*innen, "
        f"{notes} Vermerke, {documents} Dokumente"
    )

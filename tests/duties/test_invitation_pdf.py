"""MIT-1: the invitation letter of a summons carries the legal basis and the Rechtsfolgenbelehrung of the
legal period in force on its invitation date (both sides of 2026-07-01), in plain language; no BGBl.
citations. The PDF is generated and its text extracted."""

import datetime
import io
import re

import pytest
from pypdf import PdfReader

from audit.models import AccessLog
from duties import services
from fallmanagement.errors import InvalidInput
from tests.duties.conftest import plan

D = datetime.date


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", text)


def test_mit1_invitation_until_2026_06_30_has_the_buergergeld_instruction(case, fm):
    appointment = plan(case, fm, D(2026, 6, 30), invited_on=D(2026, 6, 16))
    text = pdf_text(services.invitation_document(appointment=appointment, acting_user=fm))
    assert "Meldeaufforderung nach § 59 SGB II i. V. m. § 309 SGB III" in text
    assert "Rechtsfolgenbelehrung" in text
    assert "Bürgergeld gemindert werden (§ 32 SGB II)" in text
    assert "10 Prozent" in text
    assert "Grundsicherungsgeld" not in text and "§ 7b" not in text
    assert "30.06.2026" in text and "10:00 Uhr" in text and case.client.customer_number in text
    assert "BGBl" not in text
    assert AccessLog.objects.filter(
        action="case.export", object_id=case.pk, context__document="invitation_pdf"
    ).exists()


def test_mit1_invitation_from_2026_07_01_has_the_grundsicherungsgeld_instruction(case, fm):
    appointment = plan(case, fm, D(2026, 7, 8), invited_on=D(2026, 7, 1))
    text = pdf_text(services.invitation_document(appointment=appointment, acting_user=fm))
    assert "Meldeaufforderung nach § 59 SGB II i. V. m. § 309 SGB III" in text
    assert "Grundsicherungsgeld gemindert werden (§ 32 SGB II)" in text
    assert "30 Prozent" in text
    assert "nicht erreichbar (§ 7b SGB II)" in text
    assert "Ein erstes Versäumnis hat noch keine Folgen" in text
    assert "Bürgergeld" not in text and "BGBl" not in text


def test_mit1_no_invitation_letter_for_an_ordinary_appointment(case, fm):
    appointment = plan(case, fm, D(2026, 7, 8), summons=False)
    with pytest.raises(InvalidInput):
        services.invitation_document(appointment=appointment, acting_user=fm)


def test_mit1_api_invitation_pdf_and_scope(api, case, fm, other_fm):
    appointment = plan(case, fm, D(2026, 11, 25), invited_on=D(2026, 11, 18))
    api.force_authenticate(fm)
    r = api.get(f"/api/v1/appointments/{appointment.pk}/invitation/")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert "Grundsicherungsgeld" in pdf_text(r.content)
    api.force_authenticate(other_fm)
    assert api.get(f"/api/v1/appointments/{appointment.pk}/invitation/").status_code == 404
    plain = plan(case, fm, D(2026, 11, 26), summons=False, invited_on=D(2026, 11, 18))
    api.force_authenticate(fm)
    r = api.get(f"/api/v1/appointments/{plain.pk}/invitation/")
    assert r.status_code == 400 and r.json()["error"]["code"] == "not_a_summons"


def test_mit7_kooperationsplan_is_handed_over_in_text_form_with_the_benefit_name_of_its_date(case, fm):
    from plans.models import Agreement
    from plans.pdf import agreement_pdf

    def text_for(day):
        agreement = Agreement(
            case=case,
            title="Kooperationsplan (§ 15 SGB II)",
            concluded_on=day,
            review_due_on=day + datetime.timedelta(days=180),
            client_commitments="Ich bewerbe mich.",
            jobcenter_commitments="Wir beraten.",
        )
        return pdf_text(agreement_pdf(agreement=agreement, goals=[]))

    old, new = text_for(D(2026, 6, 30)), text_for(D(2026, 7, 1))
    for text in (old, new):
        assert "in Textform" in text and "Unterschrift" not in text
    assert "Bürgergeld" in old and "Grundsicherungsgeld" not in old
    assert "Grundsicherungsgeld" in new and "persönlich statt" in new and "persönlich statt" not in old
    signed = text_for(D(2023, 6, 30))  # an Eingliederungsvereinbarung keeps its signature lines
    assert "Unterschrift Kundin / Kunde" in signed

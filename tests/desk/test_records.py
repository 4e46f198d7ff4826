"""WORK-5: Verlaufsvermerke with visible corrections, documents (type from content, size limit, private
storage, logged downloads, purge), DP-6 health documents only for the case's FM."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.urls import reverse

from audit.models import AccessLog
from fallmanagement.errors import InvalidInput, NotPermitted
from records import services
from records.models import Document, Note
from records.retention import anonymise
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
    + b"\x00" * 20
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _private_media(monkeypatch, tmp_path):
    """The private storage (settings STORAGES["records"]) in a temporary directory."""
    from django.core.files.storage import FileSystemStorage

    field = Document._meta.get_field("file")
    monkeypatch.setattr(
        field, "storage", FileSystemStorage(location=str(tmp_path / "private"), base_url=None)
    )
    return tmp_path / "private"


def upload(name="Bescheid.pdf", content=PDF, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def test_work5_note_with_date_and_author(fm, etzold_case):
    note = services.note_create(
        case=etzold_case, acting_user=fm, date=TODAY, text="Gespräch zur Wohnsituation.", today=TODAY
    )
    assert note.author == fm and note.date == TODAY


def test_work5_note_not_in_the_future(fm, etzold_case):
    with pytest.raises(InvalidInput):
        services.note_create(
            case=etzold_case, acting_user=fm, date=TODAY + datetime.timedelta(days=1), text="x", today=TODAY
        )


def test_work5_note_only_by_case_fm(tl, other_fm, etzold_case):
    for user in (tl, other_fm):
        with pytest.raises(NotPermitted):
            services.note_create(case=etzold_case, acting_user=user, date=TODAY, text="x", today=TODAY)


def test_work5_correction_is_a_visible_new_entry_by_the_author(fm, etzold_case):
    note = services.note_create(
        case=etzold_case, acting_user=fm, date=TODAY, text="Termin am 3.", today=TODAY
    )
    correction = services.note_correct(note=note, acting_user=fm, text="Termin am 4.", today=TODAY)
    note.refresh_from_db()
    assert note.text == "Termin am 3." and correction.corrects == note


def test_work5_correction_by_someone_else_refused(fm, fm2, etzold_case):
    note = services.note_create(case=etzold_case, acting_user=fm, date=TODAY, text="Original", today=TODAY)
    with pytest.raises(NotPermitted):
        services.note_correct(note=note, acting_user=fm2, text="Anders", today=TODAY)
    assert Note.objects.count() == 1


def test_work5_database_refuses_rewriting_a_note(fm, etzold_case):
    note = services.note_create(case=etzold_case, acting_user=fm, date=TODAY, text="Original", today=TODAY)
    with pytest.raises((InternalError, IntegrityError, ProgrammingError)), transaction.atomic():
        Note.objects.filter(pk=note.pk).update(text="heimlich geändert")
    note.refresh_from_db()
    assert note.text == "Original"


def test_work5_document_type_from_content_and_private_storage(fm, etzold_case, _private_media):
    document = services.document_upload(case=etzold_case, acting_user=fm, upload=upload(), title="Bescheid")
    assert document.content_type == "application/pdf" and document.size == len(PDF)
    path = document.file.path
    assert path.startswith(str(_private_media))
    assert "Bescheid" not in path  # the client's file name is not part of the stored path
    with open(path, "rb") as stored:
        assert stored.read() == PDF


def test_work5_png_accepted_wrong_type_renamed_pdf_refused(fm, etzold_case):
    assert services.document_upload(
        case=etzold_case, acting_user=fm, upload=upload("a.png", PNG, "image/png")
    )
    with pytest.raises(InvalidInput) as err:
        services.document_upload(case=etzold_case, acting_user=fm, upload=upload("virus.pdf", EXE))
    assert err.value.status == 400 and "PDF" in err.value.message
    assert Document.objects.count() == 1


def test_work5_oversized_upload_413(fm, etzold_case, settings):
    settings.FM_UPLOAD_MAX_MB = 1
    big = PDF + b"0" * (1024 * 1024)
    with pytest.raises(services.FileTooLarge) as err:
        services.document_upload(case=etzold_case, acting_user=fm, upload=upload(content=big))
    assert err.value.status == 413 and "1 MB" in err.value.message
    assert not Document.objects.exists()


def test_work5_ui_note_correction_and_upload(client, fm, etzold_case):
    client.force_login(fm)
    response = client.post(
        reverse("records:note-create", args=[etzold_case.pk]),
        {"note-date": "2026-11-19", "note-text": "Hausbesuch, Unterlagen besprochen."},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Der Vermerk wurde gespeichert." in response.content.decode()
    note = Note.objects.get()
    response = client.post(
        reverse("records:note-correct", args=[note.pk]),
        {"correction-text": "Hausbesuch am 18.11."},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert (
        "Hausbesuch, Unterlagen besprochen." in html
        and "Berichtigung vom" in html
        and "Hausbesuch am 18.11." in html
    )
    response = client.post(
        reverse("records:document-upload", args=[etzold_case.pk]),
        {"document-file": upload(), "document-title": "Mietvertrag", "document-kind": "letter"},
        HTTP_HX_REQUEST="true",
    )
    assert "Mietvertrag" in response.content.decode()


def test_work5_ui_refusals_in_german_nothing_stored(client, fm, fm2, etzold_case, settings):
    client.force_login(fm)
    url = reverse("records:document-upload", args=[etzold_case.pk])
    response = client.post(url, {"document-file": upload("x.pdf", EXE), "document-kind": "other"})
    assert response.status_code == 400 and "PDF-, PNG- oder JPEG" in response.content.decode()
    settings.FM_UPLOAD_MAX_MB = 1
    response = client.post(
        url, {"document-file": upload(content=PDF + b"0" * (2 * 1024 * 1024)), "document-kind": "other"}
    )
    assert response.status_code == 413 and "zu groß" in response.content.decode()
    assert not Document.objects.exists()
    note = services.note_create(case=etzold_case, acting_user=fm, date=TODAY, text="Original", today=TODAY)
    client.force_login(fm2)
    response = client.post(reverse("records:note-correct", args=[note.pk]), {"correction-text": "Anders"})
    assert response.status_code == 404  # fm2 does not see the case (no substitution)
    assert Note.objects.count() == 1


def test_work5_download_checks_scope_and_is_logged(client, fm, other_fm, tl, pap, etzold_case):
    document = services.document_upload(case=etzold_case, acting_user=fm, upload=upload(), title="Bescheid")
    url = reverse("records:document-download", args=[document.pk])
    client.force_login(fm)
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert AccessLog.objects.filter(action="document.download", user=fm, object_id=document.pk).count() == 1
    for user in (other_fm, pap):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(tl)
    assert client.get(url).status_code == 200


def test_dp6_work5_health_documents_hidden_from_tl(client, api_as, fm, tl, etzold_case):
    document = services.document_upload(
        case=etzold_case, acting_user=fm, upload=upload(), title="Attest", kind="medical"
    )
    assert document.sensitive
    client.force_login(tl)
    assert client.get(reverse("records:document-download", args=[document.pk])).status_code == 404
    assert "Attest" not in client.get(reverse("records:section", args=[etzold_case.pk])).content.decode()
    response = api_as(tl).get(f"/api/v1/cases/{etzold_case.pk}/documents/")
    assert response.json()["count"] == 0
    client.force_login(fm)
    assert "Attest" in client.get(reverse("records:section", args=[etzold_case.pk])).content.decode()


def test_work5_records_fragment_query_count_pinned(client, fm, etzold_case, django_assert_max_num_queries):
    for i in range(5):
        note = services.note_create(
            case=etzold_case, acting_user=fm, date=TODAY, text=f"Vermerk {i}", today=TODAY
        )
        services.note_correct(note=note, acting_user=fm, text=f"Berichtigt {i}", today=TODAY)
        services.document_upload(case=etzold_case, acting_user=fm, upload=upload(), title=f"Dok {i}")
    client.force_login(fm)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("records:section", args=[etzold_case.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200


def test_work5_purged_with_the_case(fm, etzold_case):
    services.note_create(case=etzold_case, acting_user=fm, date=TODAY, text="Vermerk", today=TODAY)
    document = services.document_upload(case=etzold_case, acting_user=fm, upload=upload())
    path = document.file.path
    anonymise(client_ids=[etzold_case.client_id])
    assert not Note.objects.exists() and not Document.objects.exists()
    import os

    assert not os.path.exists(path)


def test_work5_retention_purge_runs_records_anonymiser():
    from jobs.retention import ANONYMISERS

    assert anonymise in ANONYMISERS


def test_work5_api_notes_corrections_documents(api_as, fm, fm2, etzold_case):
    api = api_as(fm)
    response = api.post(
        f"/api/v1/cases/{etzold_case.pk}/notes/", {"date": "2026-11-19", "text": "Telefonat"}, format="json"
    )
    assert response.status_code == 201, response.content
    note_id = response.json()["id"]
    response = api.post(
        f"/api/v1/notes/{note_id}/corrections/", {"text": "Telefonat am 18.11."}, format="json"
    )
    assert response.status_code == 201 and response.json()["corrects"] == note_id
    assert api.get(f"/api/v1/cases/{etzold_case.pk}/notes/").json()["count"] == 2
    response = api.post(
        f"/api/v1/cases/{etzold_case.pk}/documents/",
        {"file": upload(), "title": "Bescheid"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    document_id = response.json()["id"]
    response = api.get(f"/api/v1/documents/{document_id}/download/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    response = api.post(
        f"/api/v1/cases/{etzold_case.pk}/documents/", {"file": upload("x.pdf", EXE)}, format="multipart"
    )
    assert response.status_code == 400 and response.json()["error"]["code"] == "unsupported_file_type"
    response = api.post(f"/api/v1/cases/{etzold_case.pk}/notes/", {"date": "2026-11-19"}, format="json")
    assert response.status_code == 400


def test_work5_api_correction_by_other_author_403(api_as, fm, tl, etzold_case):
    note = services.note_create(case=etzold_case, acting_user=fm, date=TODAY, text="Original", today=TODAY)
    response = api_as(tl).post(f"/api/v1/notes/{note.pk}/corrections/", {"text": "Anders"}, format="json")
    assert response.status_code == 403 and response.json()["error"]["message"]
    assert Note.objects.count() == 1


def test_work5_api_outside_scope_404(api_as, other_fm, pap, etzold_case):
    for user in (other_fm,):
        assert api_as(user).get(f"/api/v1/cases/{etzold_case.pk}/notes/").status_code == 404
    assert api_as(pap).get(f"/api/v1/cases/{etzold_case.pk}/notes/").status_code == 403


def test_work5_api_oversized_413(api_as, fm, etzold_case, settings):
    settings.FM_UPLOAD_MAX_MB = 1
    big = upload(content=PDF + b"0" * (2 * 1024 * 1024))
    response = api_as(fm).post(
        f"/api/v1/cases/{etzold_case.pk}/documents/", {"file": big}, format="multipart"
    )
    assert response.status_code == 413 and response.json()["error"]["code"] == "file_too_large"
    assert not Document.objects.exists()

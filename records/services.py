"""Writes of notes and documents (WORK-5): one function per action, keyword-only, `acting_user`, atomic.

- `note_create` — the case's FM (or her substitute) records a Verlaufsvermerk (date not in the future).
- `note_correct` — a visible correction: a new note naming the corrected one, by the author of the
  corrected note only (403 otherwise); the corrected note stays unchanged (the database refuses updates).
- `document_upload` — PDF, PNG or JPEG, the type detected from the content (`filetype`), never from the
  name or the browser's claim; at most `FM_UPLOAD_MAX_MB` (default 10) MB (413); stored through the private
  storage `records`; nothing is stored when a check fails (the file is removed again if the row fails)."""

from __future__ import annotations

import datetime
import hashlib
import secrets

import filetype
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from cases.access import is_case_fm
from cases.models import Case
from catalog import clock
from catalog.validators import require_past_or_today, require_text
from fallmanagement.errors import DomainError, InvalidInput, NotPermitted
from org.models import Staff
from records.choices import DocumentKind
from records.models import Document, Note

ALLOWED_TYPES = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg"}
NOTE_MAX = 10_000


class FileTooLarge(DomainError):
    """413: the upload exceeds `FM_UPLOAD_MAX_MB`."""

    status = 413
    code = "file_too_large"


def upload_max_bytes() -> int:
    return int(getattr(settings, "FM_UPLOAD_MAX_MB", 10)) * 1024 * 1024


def request_too_large(content_length) -> bool:
    """Whether a request body is so large that its file cannot be within the limit (checked before the
    body is read; 64 KB for the other fields of the form)."""
    try:
        return int(content_length or 0) > upload_max_bytes() + 64 * 1024
    except (TypeError, ValueError):
        return False


def too_large_error() -> FileTooLarge:
    limit = getattr(settings, "FM_UPLOAD_MAX_MB", 10)
    return FileTooLarge(
        _("Die Datei ist zu groß (höchstens %(n)s MB).") % {"n": limit},
        fields={"file": [_("Höchstens %(n)s MB.") % {"n": limit}]},
    )


def _require_case_fm(case: Case, user, today: datetime.date) -> None:
    if not is_case_fm(case, user, today=today):
        raise NotPermitted(
            _("Vermerke und Dokumente erfasst die zuständige Fallmanager*in oder ihre Vertretung.")
        )


@transaction.atomic
def note_create(
    *,
    case: Case,
    acting_user: Staff,
    date: datetime.date | None,
    text: str,
    today: datetime.date | None = None,
) -> Note:
    today = clock.today(today)
    _require_case_fm(case, acting_user, today)
    date = require_past_or_today(date, "date", _("Das Datum des Vermerks"), today)
    text = require_text(text, "text", _("Der Vermerk"), max_length=NOTE_MAX)
    return Note.objects.create(case=case, date=date, text=text, author=acting_user)


@transaction.atomic
def note_correct(*, note: Note, acting_user: Staff, text: str, today: datetime.date | None = None) -> Note:
    """A visible correction of `note` (dated today); only the author of `note` may correct it."""
    today = clock.today(today)
    if note.author_id != acting_user.pk:
        raise NotPermitted(
            _("Einen Vermerk kann nur berichtigen, wer ihn geschrieben hat."), code="not_author"
        )
    _require_case_fm(note.case, acting_user, today)
    text = require_text(text, "text", _("Die Berichtigung"), max_length=NOTE_MAX)
    return Note.objects.create(case=note.case, date=today, text=text, author=acting_user, corrects=note)


def detect_type(head: bytes) -> str | None:
    """The MIME type read from the first bytes, if it is one we accept."""
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        return None
    return kind.mime


def document_upload(
    *,
    case: Case,
    acting_user: Staff,
    upload,
    title: str = "",
    kind: str = DocumentKind.OTHER,
    today: datetime.date | None = None,
) -> Document:
    """Attach `upload` (a Django `UploadedFile`) to the case after checking role, size and content."""
    today = clock.today(today)
    _require_case_fm(case, acting_user, today)
    if upload is None:
        raise InvalidInput(_("Bitte wählen Sie eine Datei aus."), fields={"file": [_("Fehlt.")]})
    if upload.size > upload_max_bytes():
        raise too_large_error()
    if upload.size == 0:
        raise InvalidInput(_("Die Datei ist leer."), fields={"file": [_("Leere Datei.")]})
    kind = kind or DocumentKind.OTHER
    if kind not in DocumentKind.values:
        raise InvalidInput(_("Unbekannte Art des Dokuments."), fields={"kind": [_("Unbekannte Art.")]})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    mime = detect_type(head)
    if mime is None:
        raise InvalidInput(
            _(
                "Nur PDF-, PNG- oder JPEG-Dateien können angehängt werden; der Inhalt dieser Datei ist keiner davon."
            ),
            fields={"file": [_("Dateityp nicht erlaubt.")]},
            code="unsupported_file_type",
        )
    filename = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:200] or "dokument"
    title = require_text(title or filename, "title", _("Der Titel"), max_length=200)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        case=case,
        title=title,
        kind=kind,
        token=secrets.token_hex(16),
        filename=filename,
        content_type=mime,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=acting_user,
    )
    document.file.save(f"{document.token}.{ALLOWED_TYPES[mime]}", upload, save=False)
    try:
        with transaction.atomic():
            document.save()
    except Exception:
        document.file.storage.delete(document.file.name)
        raise
    return document

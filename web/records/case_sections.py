"""Case page section of notes and documents (WORK-5). It loads as its own fragment once the page is
shown (the case page keeps its query budget; the fragment has its own, pinned in the tests)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from records import selectors
from records.services import upload_max_bytes
from web.records.forms import DocumentForm, NoteForm
from web.sections import CasePage, Section


def records_context(*, case, user, today, note_form=None, document_form=None, error=None, saved=None) -> dict:
    writable = selectors.may_see_sensitive(case, user, today)  # the case's FM or her substitute
    return {
        "case": case,
        "notes": selectors.case_notes(case=case),
        "documents": selectors.case_documents(case=case, user=user, today=today),
        "writable": writable,
        "note_form": note_form or (NoteForm(initial={"date": today}) if writable else None),
        "document_form": document_form or (DocumentForm() if writable else None),
        "max_mb": upload_max_bytes() // (1024 * 1024),
        "user": user,
        "error": error,
        "saved": saved,
    }


def sections(page: CasePage) -> list[Section]:
    if not selectors.may_read_records(page.case, page.user):
        return []
    return [
        Section(
            title=_("Verlaufsvermerke und Dokumente"),
            template="records/lazy.html",
            context={},
            order=12,
        )
    ]

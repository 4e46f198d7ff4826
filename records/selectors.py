"""Scoped reads of notes and documents (WORK-5, DP-1, DP-6). The case comes from `cases.selectors.case_get`
(in the viewer's scope); who of those may read the case documentation: the case's FM (and substitute) and
the TL of her team — not the pAp (DP-1: handover information only). Health documents only for the case's
FM and substitute (DP-6)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from cases.access import is_case_fm
from cases.selectors import case_get
from catalog import clock
from org.choices import Role
from records.choices import SENSITIVE_KINDS
from records.models import Document, Note

READ_ROLES = (Role.FALLMANAGER, Role.TEAMLEITUNG)


def may_read_records(case, user) -> bool:
    """For a case already read through its scope."""
    return bool(user.is_authenticated and user.role in READ_ROLES)


def may_see_sensitive(case, user, today: datetime.date | None = None) -> bool:
    return is_case_fm(case, user, today=today)


@dataclass
class NoteEntry:
    """A note as the case shows it: with the corrections that follow it (oldest first)."""

    note: Note
    corrections: list[Note] = field(default_factory=list)

    @property
    def corrected(self) -> bool:
        return bool(self.corrections)


def case_notes(*, case) -> list[NoteEntry]:
    """Every note of the case, newest first, corrections under the note they correct (one query)."""
    notes = list(
        Note.objects.filter(case=case).select_related("author").order_by("-date", "-created_at", "-pk")
    )
    entries = {n.pk: NoteEntry(note=n) for n in notes if n.corrects_id is None}
    corrections = [n for n in notes if n.corrects_id is not None]
    by_pk = {n.pk: n for n in notes}
    for correction in sorted(corrections, key=lambda n: (n.created_at, n.pk)):
        root = correction
        while root.corrects_id is not None and root.corrects_id in by_pk:
            root = by_pk[root.corrects_id]
        if root.pk in entries:
            entries[root.pk].corrections.append(correction)
    return list(entries.values())


def case_documents(*, case, user, today: datetime.date | None = None) -> list[Document]:
    qs = Document.objects.filter(case=case).select_related("uploaded_by").order_by("-uploaded_at", "-pk")
    if not may_see_sensitive(case, user, today):
        qs = qs.exclude(kind__in=SENSITIVE_KINDS)
    return list(qs)


def note_get(user, pk, *, today: datetime.date | None = None) -> Note | None:
    """The note if its case is in scope and readable by the user, else None (404)."""
    note = Note.objects.filter(pk=pk).only("pk", "case_id").first()
    if note is None:
        return None
    case = case_get(user, note.case_id, today=today)
    if case is None or not may_read_records(case, user):
        return None
    note = Note.objects.select_related("author").get(pk=note.pk)
    note.case = case
    return note


def document_get(user, pk, *, today: datetime.date | None = None) -> Document | None:
    """The document if its case is in scope, readable, and — when sensitive — the user is the case's FM or
    substitute; else None (the caller answers 404, never revealing that it exists)."""
    today = clock.today(today)
    document = Document.objects.filter(pk=pk).first()
    if document is None:
        return None
    case = case_get(user, document.case_id, today=today)
    if case is None or not may_read_records(case, user):
        return None
    if document.sensitive and not may_see_sensitive(case, user, today):
        return None
    document.case = case
    return document

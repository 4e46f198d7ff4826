"""Verlaufsvermerke (case notes) and documents attached to a case (WORK-5).

A note is never rewritten: the database refuses an UPDATE of a note (trigger `note_append_only`); a
correction is a new note that names the note it corrects (`corrects`), written by the same author. Documents
are stored through Django's storage API in the private storage `records` (settings `STORAGES["records"]`,
outside the web root and never served by URL): only `web`/`api` download views that check the scope hand
them out, and every download is logged (DP-2)."""

from __future__ import annotations

import pgtrigger
from django.conf import settings
from django.core.files.storage import storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from records.choices import SENSITIVE_KINDS, DocumentKind


def private_storage():
    return storages["records"]


def document_path(instance: Document, filename: str) -> str:
    # The client's file name never becomes part of the path (it is kept in `filename`).
    return f"cases/{instance.case_id}/{instance.token}"


class Note(models.Model):
    audit_object_type = "note"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="notes")
    date = models.DateField(_("Datum"))
    text = models.TextField(_("Vermerk"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    corrects = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="corrections"
    )

    class Meta:
        verbose_name = _("Verlaufsvermerk")
        verbose_name_plural = _("Verlaufsvermerke")
        ordering = ["-date", "-created_at", "-pk"]
        indexes = [models.Index(fields=["case", "date"], name="note_case_date_idx")]
        triggers = [
            pgtrigger.Protect(name="note_append_only", operation=pgtrigger.Update),
        ]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y} {self.author}"


class Document(models.Model):
    audit_object_type = "document"

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("Titel"), max_length=200)
    kind = models.CharField(_("Art"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER)
    file = models.FileField(storage=private_storage, upload_to=document_path, max_length=200)
    token = models.CharField(max_length=64, unique=True)
    filename = models.CharField(_("Dateiname"), max_length=200)
    content_type = models.CharField(max_length=50)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["case", "uploaded_at"], name="document_case_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def sensitive(self) -> bool:
        """DP-6: health documents only for the case's FM and her substitute."""
        return self.kind in SENSITIVE_KINDS

"""DP-5: notes and documents of clients whose data are purged are deleted — the rows and the stored files
(`jobs.retention.ANONYMISERS`)."""

from __future__ import annotations

from records.models import Document, Note


def anonymise(*, client_ids: list[int]) -> None:
    documents = list(Document.objects.filter(case__client_id__in=client_ids))
    for document in documents:
        document.file.storage.delete(document.file.name)
    Document.objects.filter(pk__in=[d.pk for d in documents]).delete()
    Note.objects.filter(case__client_id__in=client_ids).delete()

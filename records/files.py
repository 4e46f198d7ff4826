"""Handing out a stored document (WORK-5): an attachment download with the detected type, never rendered
inline by the browser. The callers (`web`, `api`) have checked the scope and logged the read."""

from __future__ import annotations

from django.http import FileResponse

from records.models import Document


def download_response(document: Document) -> FileResponse:
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

"""JSON API of notes and documents (API.md "Working day, …": `/cases/{id}/notes/`, `/notes/{id}/corrections/`,
`/cases/{id}/documents/`, `/documents/{id}/download/`). Thin: `records.services` enforce the rules,
`records.selectors` scope the reads (out of scope → 404), every read is logged (DP-2)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from api.cases.serializers import StrictDateField, validated
from api.common import role_permission
from audit.services import record
from cases.selectors import case_get
from catalog import clock
from catalog.validators import parse_id
from fallmanagement.errors import NotFound
from records import selectors, services
from records.choices import DocumentKind
from records.files import download_response
from records.models import Document, Note

ID_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)
RECORD_ROLES = selectors.READ_ROLES


def _not_found() -> NotFound:
    return NotFound(_("Nicht gefunden."))


def _case(request, pk):
    case = case_get(request.user, parse_id(pk), today=clock.request_day(request))
    if case is None or not selectors.may_read_records(case, request.user):
        raise _not_found()
    return case


class NoteSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    author = serializers.IntegerField(source="author_id")
    author_name = serializers.SerializerMethodField()
    corrects = serializers.IntegerField(source="corrects_id", allow_null=True)

    class Meta:
        model = Note
        fields = ["id", "case", "date", "text", "author", "author_name", "created_at", "corrects"]

    def get_author_name(self, note: Note) -> str:
        return note.author.get_full_name() or note.author.username


class CaseNoteCreateSerializer(serializers.Serializer):
    date = StrictDateField()
    text = serializers.CharField(max_length=services.NOTE_MAX)


class NoteCorrectionCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=services.NOTE_MAX)


class DocumentSerializer(serializers.ModelSerializer):
    case = serializers.IntegerField(source="case_id")
    uploaded_by = serializers.IntegerField(source="uploaded_by_id")
    sensitive = serializers.BooleanField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = [
            "id", "case", "title", "kind", "filename", "content_type", "size", "sha256", "uploaded_by",
            "uploaded_at", "sensitive", "download",
        ]  # fmt: skip

    def get_download(self, document: Document) -> str:
        return f"/api/v1/documents/{document.pk}/download/"


class _Base(GenericAPIView):
    def get_permissions(self):
        return [permissions.IsAuthenticated(), role_permission(*RECORD_ROLES)()]


class CaseNotes(_Base):
    """The case's Verlaufsvermerke, newest first (corrections are notes with `corrects`); the FM adds one."""

    audited_action = "note.list"
    serializer_class = NoteSerializer
    parser_classes = [JSONParser]

    @extend_schema(parameters=[ID_PARAM], responses={200: NoteSerializer(many=True)})
    def get(self, request, pk):
        case = _case(request, pk)
        notes = (
            Note.objects.filter(case=case).select_related("author").order_by("-date", "-created_at", "-pk")
        )
        page = self.paginate_queryset(notes)
        record(
            user=request.user,
            action="note.list",
            obj=case,
            context={"via": "api"},
            today=clock.request_day(request),
        )
        return self.get_paginated_response(NoteSerializer(page, many=True).data)

    @extend_schema(parameters=[ID_PARAM], request=CaseNoteCreateSerializer, responses={201: NoteSerializer})
    def post(self, request, pk):
        case = _case(request, pk)
        data = validated(CaseNoteCreateSerializer, request.data)
        note = services.note_create(
            case=case,
            acting_user=request.user,
            date=data["date"],
            text=data["text"],
            today=clock.request_day(request),
        )
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class NoteCorrections(_Base):
    """A visible correction of a note, by its author only (403 otherwise)."""

    audited_action = "note.correct"
    serializer_class = NoteSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        parameters=[ID_PARAM], request=NoteCorrectionCreateSerializer, responses={201: NoteSerializer}
    )
    def post(self, request, pk):
        note = selectors.note_get(request.user, parse_id(pk), today=clock.request_day(request))
        if note is None:
            raise _not_found()
        data = validated(NoteCorrectionCreateSerializer, request.data)
        correction = services.note_correct(
            note=note, acting_user=request.user, text=data["text"], today=clock.request_day(request)
        )
        return Response(NoteSerializer(correction).data, status=status.HTTP_201_CREATED)


class CaseDocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=DocumentKind.choices, required=False, default=DocumentKind.OTHER)


class CaseDocuments(_Base):
    """The case's documents (health documents only for the case's FM and substitute); upload as multipart."""

    audited_action = "document.list"
    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(parameters=[ID_PARAM], responses={200: DocumentSerializer(many=True)})
    def get(self, request, pk):
        case = _case(request, pk)
        today = clock.request_day(request)
        page = self.paginate_queryset(selectors.case_documents(case=case, user=request.user, today=today))
        record(user=request.user, action="document.list", obj=case, context={"via": "api"}, today=today)
        return self.get_paginated_response(DocumentSerializer(page, many=True).data)

    @extend_schema(
        parameters=[ID_PARAM],
        request={"multipart/form-data": CaseDocumentUploadSerializer},
        responses={201: DocumentSerializer},
    )
    def post(self, request, pk):
        if services.request_too_large(request.META.get("CONTENT_LENGTH")):
            raise services.too_large_error()  # before the body is read
        case = _case(request, pk)
        data = validated(CaseDocumentUploadSerializer, request.data)
        document = services.document_upload(
            case=case,
            acting_user=request.user,
            upload=data["file"],
            title=data.get("title", ""),
            kind=data.get("kind") or DocumentKind.OTHER,
            today=clock.request_day(request),
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDownload(_Base):
    """The stored file, for those who may read it (404 otherwise); the download is logged (DP-2)."""

    audited_action = "document.download"

    @extend_schema(parameters=[ID_PARAM], responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        today = clock.request_day(request)
        document = selectors.document_get(request.user, parse_id(pk), today=today)
        if document is None:
            raise _not_found()
        record(
            user=request.user, action="document.download", obj=document, context={"via": "api"}, today=today
        )
        return download_response(document)


__all__ = ["CaseDocuments", "CaseNotes", "DocumentDownload", "NoteCorrections"]

"""Audit API (API.md "Audit and sign-in protection"): the access log for role `datenschutz`, and the
mixin other API views use to log each read of a client or case."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, generics, serializers
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import AccessLog
from audit.selectors import access_log_list
from catalog.validators import parse_id
from jobs.subject_access import subject_access_report
from org.choices import Role


class IsDatenschutz(BasePermission):
    message = _("Nur der Datenschutz darf das Zugriffsprotokoll lesen.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.role == Role.DATENSCHUTZ)


class AccessLogSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="username")
    client = serializers.IntegerField(source="client_id", allow_null=True)

    class Meta:
        model = AccessLog
        fields = ["id", "at", "user", "action", "object_type", "object_id", "client", "capacity"]


def _int_param(request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise exceptions.ValidationError({name: [_("Bitte eine ganze Zahl angeben.")]}) from None
    if not 0 < value < 2**63:
        raise exceptions.ValidationError({name: [_("Ungültige ID.")]})
    return value


class AccessLogListView(generics.ListAPIView):
    """`GET /api/v1/audit/?client={id}` — who read this client's data (DP-2)."""

    serializer_class = AccessLogSerializer
    permission_classes = [IsDatenschutz]

    @extend_schema(
        parameters=[
            OpenApiParameter("client", OpenApiTypes.INT, description="Kund*in-ID"),
            OpenApiParameter("user", OpenApiTypes.INT, description="Mitarbeiter*in-ID"),
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return access_log_list(
            viewer=self.request.user,
            client_id=_int_param(self.request, "client"),
            user_id=_int_param(self.request, "user"),
        )


class IsDatenschutzSubjectAccess(IsDatenschutz):
    message = _("Nur der Datenschutz darf Auskünfte nach Art. 15 DSGVO erstellen.")


class SubjectAccessView(APIView):
    """`GET /api/v1/clients/{id}/subject-access/` (role `datenschutz`): everything held on the person, with
    purposes and recipients (Art. 15 GDPR, § 83 SGB X), as JSON; the request itself is logged (DP-2)."""

    permission_classes = [IsDatenschutzSubjectAccess]

    @extend_schema(
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request, pk):
        client_id = parse_id(pk)
        if client_id is None:
            raise exceptions.NotFound(_("Kund*in nicht gefunden."))
        return Response(subject_access_report(client_id=client_id, acting_user=request.user, fmt="api"))

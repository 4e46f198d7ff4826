"""JSON API of the TL's oversight around the referral (ACC-2, ACC-4) and of the talk about a rejection
(CLR-4) — additions beside API.md. Thin: serializers check the shape, `cases.services` the rules."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.common import role_permission
from audit.decorators import AuditedRetrieveMixin
from cases import services
from cases.models import Case, Client
from cases.selectors import case_get, individual_decisions_for_tl
from catalog import clock
from fallmanagement.errors import InvalidInput, NotFound
from org.choices import Role
from org.models import Staff

ID_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _pk(value) -> int:
    text = str(value)
    if not text.isdigit() or len(text) > 18:
        raise NotFound(_("Nicht gefunden."))
    return int(text)


def _body(request, serializer_class) -> dict:
    if not isinstance(request.data, dict):
        raise InvalidInput(_("Bitte ein JSON-Objekt senden."))
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


class IndividualDecisionOut(serializers.ModelSerializer):
    confirmed = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "client",
            "referred_by",
            "fallmanager",
            "referred_on",
            "individual_decision_reason",
            "teamleitung_consulted",
            "teamleitung_consulted_on",
            "individual_decision_confirmed_on",
            "confirmed",
        ]

    def get_confirmed(self, case: Case) -> bool:
        return case.individual_decision_confirmed_on is not None


class IndividualDecisionList(AuditedRetrieveMixin, GenericAPIView):
    """ACC-2: the TL's individual decisions (unconfirmed first)."""

    audit_action_list = "case.list"
    serializer_class = IndividualDecisionOut

    def get_permissions(self):
        return [permissions.IsAuthenticated(), role_permission(Role.TEAMLEITUNG)()]

    def get(self, request):
        page = self.paginate_queryset(individual_decisions_for_tl(request.user))
        self.audit_objects(request, page)
        return self.get_paginated_response(IndividualDecisionOut(page, many=True).data)


class IndividualDecisionConfirm(GenericAPIView):
    serializer_class = IndividualDecisionOut

    def get_permissions(self):
        return [permissions.IsAuthenticated(), role_permission(Role.TEAMLEITUNG)()]

    @extend_schema(parameters=[ID_PARAM], request=None, responses=IndividualDecisionOut)
    def post(self, request, pk):
        case = individual_decisions_for_tl(request.user).filter(pk=_pk(pk)).first()
        if case is None:
            raise NotFound(_("Nicht gefunden."))
        case = services.individual_decision_confirm(
            case=case, acting_user=request.user, today=clock.request_day()
        )
        return Response(IndividualDecisionOut(case).data)


class RejectionTalkIn(serializers.Serializer):
    talk_on = serializers.DateField(required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=100_000)


class RejectionTalk(GenericAPIView):
    """CLR-4: the FM or the referring pAp records the personal talk about a rejection."""

    serializer_class = RejectionTalkIn

    def get_permissions(self):
        return [permissions.IsAuthenticated(), role_permission(Role.FALLMANAGER, Role.PAP)()]

    @extend_schema(parameters=[ID_PARAM], request=RejectionTalkIn, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk):
        today = clock.request_day()
        case = case_get(request.user, _pk(pk), today=today)
        if case is None:
            raise NotFound(_("Nicht gefunden."))
        data = _body(request, RejectionTalkIn)
        case = services.case_rejection_talk_record(
            case=case, acting_user=request.user, talk_on=data["talk_on"], note=data["note"], today=today
        )
        return Response(
            {"id": case.pk, "rejection_talk_on": case.rejection_talk_on, "note": case.rejection_talk_note}
        )


class ResponsiblePapIn(serializers.Serializer):
    pap = serializers.IntegerField()


class ResponsiblePap(GenericAPIView):
    """ACC-4: a TL of the client's site sets the client's responsible pAp."""

    serializer_class = ResponsiblePapIn

    def get_permissions(self):
        return [permissions.IsAuthenticated(), role_permission(Role.TEAMLEITUNG)()]

    @extend_schema(parameters=[ID_PARAM], request=ResponsiblePapIn, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk):
        from cases.services.oversight import may_set_responsible_pap

        client = Client.objects.filter(pk=_pk(pk)).first()
        if client is None or not may_set_responsible_pap(client, request.user):
            raise NotFound(_("Nicht gefunden."))
        data = _body(request, ResponsiblePapIn)
        pap = Staff.objects.filter(pk=data["pap"]).select_related("team").first()
        client = services.client_responsible_pap_set(
            client=client, pap=pap, acting_user=request.user, today=clock.request_day()
        )
        return Response({"id": client.pk, "responsible_pap": client.responsible_pap_id})

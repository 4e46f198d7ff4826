"""JSON API of the working day around a client (API.md "Working day, household, …"): the household of a
case (HH-1). Scoped like every case read (out of scope → 404) and logged (DP-2)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.common import role_permission
from cases.household import household_log, household_members
from cases.selectors import case_get
from catalog import clock
from catalog.validators import parse_id
from fallmanagement.errors import NotFound
from org.choices import Role

CASE_READ_ROLES = (Role.PAP, Role.FALLMANAGER, Role.TEAMLEITUNG, Role.BEREICHSLEITUNG)
ID_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


class HouseholdMemberSerializer(serializers.Serializer):
    first_name = serializers.CharField(source="client.first_name")
    last_name = serializers.CharField(source="client.last_name")
    birth_date = serializers.DateField(source="client.birth_date")
    age = serializers.IntegerField()
    role = serializers.CharField()
    role_label = serializers.CharField()
    in_case_management = serializers.BooleanField()
    team = serializers.CharField(allow_null=True)


def case_in_scope(request, pk):
    case = case_get(request.user, parse_id(pk), today=clock.request_day(request))
    if case is None:
        raise NotFound(_("Nicht gefunden."))
    return case


class CaseHousehold(GenericAPIView):
    """HH-1: the other members of the case client's household — never their case content."""

    audited_action = "household.view"
    serializer_class = HouseholdMemberSerializer
    pagination_class = None

    def get_permissions(self):
        return [permissions.IsAuthenticated(), role_permission(*CASE_READ_ROLES)()]

    @extend_schema(parameters=[ID_PARAM], responses={200: HouseholdMemberSerializer(many=True)})
    def get(self, request, pk):
        case = case_in_scope(request, pk)
        today = clock.request_day(request)
        members = household_members(case=case, today=today)
        household_log(user=request.user, case=case, members=members, via="api", today=today)
        return Response(HouseholdMemberSerializer(members, many=True).data)

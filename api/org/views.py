"""JSON API: sign-in token and the organisation (API.md "General" and "Organisation"). Thin: shape
validation with serializers, rules in `org.services`, reads through `org.selectors`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.authentication import ExpiringTokenAuthentication
from api.common import role_permission
from audit import accounts, signin
from cases import access
from cases.models import Case
from cases.selectors import staff_caseload
from catalog.validators import parse_id
from fallmanagement.errors import InvalidInput, NotFound, NotPermitted
from org import services
from org.choices import Role
from org.models import Area, Site, Staff, Team
from org.selectors import staff_visible_caseload

IsAdminRole = role_permission(Role.ADMIN)


def _related(model, pk, field: str, label: str):
    """Resolve an id from the request body to an object of master data (unknown → 400 on that field)."""
    obj = model.objects.filter(pk=pk).first() if pk is not None else None
    if obj is None:
        raise InvalidInput(
            _("%(label)s ist unbekannt.") % {"label": label}, fields={field: [_("Unbekannte Id.")]}
        )
    return obj


# --- authentication -------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    otp = serializers.CharField(
        max_length=8,
        required=False,
        allow_blank=True,
        help_text="TOTP-Einmalcode (Pflicht für Rollen mit zweitem Faktor)",
    )


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class TokenView(APIView):
    """`POST /api/v1/auth/token/`: exchange username and password — and for the roles with a second factor
    a TOTP code (`otp`) — for an API token that expires (audit.signin)."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenResponseSerializer}, auth=[])
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        token = signin.token_issue(
            request=request._request,  # the HttpRequest, as django-axes expects
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            otp=data.validated_data.get("otp"),
        )
        return Response({"token": token.key})

    def get_authenticators(self):
        # POST exchanges credentials (no authentication); DELETE revokes the caller's own token.
        if getattr(self, "request", None) is not None and self.request.method == "DELETE":
            return [ExpiringTokenAuthentication()]
        return []

    def get_permissions(self):
        if self.request.method == "DELETE":
            return [permissions.IsAuthenticated()]
        return [permissions.AllowAny()]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request):
        """`DELETE /api/v1/auth/token/`: sign out — the token ends now (issue 15 finding 8)."""
        signin.tokens_revoke(request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- organisation (role admin) --------------------------------------------------------------------


class AreaSerializer(serializers.ModelSerializer):
    class Meta:
        model = Area
        fields = ["id", "name"]
        extra_kwargs = {"name": {"validators": []}}


class SiteSerializer(serializers.ModelSerializer):
    area = serializers.IntegerField(source="area_id", min_value=1)

    class Meta:
        model = Site
        fields = ["id", "name", "area"]
        validators: list = []  # uniqueness is a rule of org.services (German message, 400)


class TeamSerializer(serializers.ModelSerializer):
    site = serializers.IntegerField(source="site_id", min_value=1)
    rucksack_fallmanagement = serializers.BooleanField(required=False, default=False)

    class Meta:
        model = Team
        fields = ["id", "name", "site", "rucksack_fallmanagement"]
        validators: list = []


class StaffSerializer(serializers.ModelSerializer):
    password = serializers.CharField(write_only=True, max_length=4096, trim_whitespace=False)
    role = serializers.ChoiceField(choices=Role.choices)
    team = serializers.IntegerField(source="team_id", min_value=1, required=False, allow_null=True)
    weekly_hours = serializers.DecimalField(
        max_digits=4, decimal_places=1, min_value=1, max_value=60, required=False, coerce_to_string=False
    )
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    username = serializers.CharField(max_length=150)

    class Meta:
        model = Staff
        fields = [
            "id",
            "username",
            "password",
            "first_name",
            "last_name",
            "email",
            "role",
            "team",
            "weekly_hours",
        ]


class AdminListCreate(generics.ListCreateAPIView):
    permission_classes = [permissions.IsAuthenticated, IsAdminRole]


class AreaListCreate(AdminListCreate):
    """Areas (Bereiche); role admin."""

    serializer_class = AreaSerializer
    queryset = Area.objects.order_by("name", "pk")

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        area = services.area_create(acting_user=request.user, name=data.validated_data["name"])
        return Response(AreaSerializer(area).data, status=status.HTTP_201_CREATED)


class SiteListCreate(AdminListCreate):
    """Sites (Standorte); role admin."""

    serializer_class = SiteSerializer
    queryset = Site.objects.order_by("name", "pk")

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        area = _related(Area, data.validated_data["area_id"], "area", _("Der Bereich"))
        site = services.site_create(acting_user=request.user, name=data.validated_data["name"], area=area)
        return Response(SiteSerializer(site).data, status=status.HTTP_201_CREATED)


class TeamListCreate(AdminListCreate):
    """Teams; role admin."""

    serializer_class = TeamSerializer
    queryset = Team.objects.order_by("name", "pk")

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        site = _related(Site, data.validated_data["site_id"], "site", _("Der Standort"))
        team = services.team_create(
            acting_user=request.user,
            name=data.validated_data["name"],
            site=site,
            rucksack_fallmanagement=data.validated_data["rucksack_fallmanagement"],
        )
        return Response(TeamSerializer(team).data, status=status.HTTP_201_CREATED)


class StaffListCreate(AdminListCreate):
    """Staff (Mitarbeitende) with role, team and weekly hours; role admin."""

    serializer_class = StaffSerializer
    queryset = Staff.objects.order_by("last_name", "first_name", "pk")

    def create(self, request, *args, **kwargs):
        data = self.get_serializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        team_id = values.get("team_id")
        team = _related(Team, team_id, "team", _("Das Team")) if team_id is not None else None
        # Four eyes (issue 15 finding 6): a privileged account is created inactive, pending a second admin.
        staff = accounts.account_create(
            acting_user=request.user,
            username=values["username"],
            password=values["password"],
            role=values["role"],
            first_name=values.get("first_name", ""),
            last_name=values.get("last_name", ""),
            email=values.get("email", ""),
            team=team,
            weekly_hours=values.get("weekly_hours", 39),
        )
        body = {**StaffSerializer(staff).data, "pending_confirmation": accounts.is_pending(staff)}
        return Response(body, status=status.HTTP_201_CREATED)


class StaffConfirm(APIView):
    """`POST /api/v1/staff/{id}/confirm/`: a second admin confirms the pending privileged account or role
    change (four eyes, issue 15 finding 6); 403 `four_eyes` for the requester herself."""

    permission_classes = [permissions.IsAuthenticated, IsAdminRole]

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: StaffSerializer},
    )
    def post(self, request, pk):
        staff_pk = parse_id(pk)
        pending = accounts.pending_requests().filter(staff_id=staff_pk).first() if staff_pk else None
        if pending is None:
            raise NotFound(_("Für dieses Konto wartet keine Freigabe."))
        accounts.account_request_confirm(request=pending, acting_user=request.user)
        staff = Staff.objects.get(pk=staff_pk)
        return Response({**StaffSerializer(staff).data, "pending_confirmation": False})


class CaseloadSerializer(serializers.Serializer):
    counted = serializers.IntegerField()
    in_clearing = serializers.IntegerField()
    target = serializers.IntegerField()
    utilization = serializers.FloatField()


class StaffCaseloadView(APIView):
    """CAP-1/2/3: a FM's caseload — for the FM herself, her TL, her BL and admin; others get 404."""

    @extend_schema(
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: CaseloadSerializer},
    )
    def get(self, request, pk):
        staff_pk = parse_id(pk)
        staff = Staff.objects.filter(pk=staff_pk).select_related("team").first() if staff_pk else None
        if staff is None or not staff_visible_caseload(viewer=request.user, staff=staff):
            raise NotFound(_("Nicht gefunden."))
        load = staff_caseload(staff=staff)
        return Response(
            CaseloadSerializer(
                {
                    "counted": load.counted,
                    "in_clearing": load.in_clearing,
                    "target": load.target,
                    "utilization": load.utilization,
                }
            ).data
        )


# --- SUB-3 continued care after a hand-over -------------------------------------------------------------


class ContinuedCareSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case = serializers.IntegerField(source="case_id")
    previous_fallmanager = serializers.IntegerField(source="user_id")
    until = serializers.DateField(source="expires_on")
    active = serializers.BooleanField()
    approved_by_tl_old = serializers.IntegerField(source="approved_by_tl_old_id", allow_null=True)
    approved_by_tl_new = serializers.IntegerField(source="approved_by_tl_new_id", allow_null=True)
    revoked_on = serializers.DateField(allow_null=True)


class ContinuedCareRequestSerializer(serializers.Serializer):
    case = serializers.CharField(max_length=20)
    previous_fallmanager = serializers.CharField(max_length=20)
    until = serializers.DateField()


class ContinuedCareListCreate(APIView):
    """SUB-3: the continued-care agreements the TL takes part in; a TL of either team proposes one."""

    permission_classes = [role_permission(Role.TEAMLEITUNG)]

    @extend_schema(responses={200: ContinuedCareSerializer(many=True)})
    def get(self, request):
        grants = access.continued_care_visible_to(request.user)
        return Response(ContinuedCareSerializer(grants, many=True).data)

    @extend_schema(request=ContinuedCareRequestSerializer, responses={201: ContinuedCareSerializer})
    def post(self, request):
        serializer = ContinuedCareRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case_pk = parse_id(data["case"])
        case = Case.objects.filter(pk=case_pk).first() if case_pk else None
        previous = _related(
            Staff, parse_id(data["previous_fallmanager"]), "previous_fallmanager", _("Die Person")
        )
        if case is None:
            raise NotFound(_("Nicht gefunden."))
        try:
            grant = access.continued_care_grant(
                case=case, previous_fm=previous, acting_user=request.user, until=data["until"]
            )
        except NotPermitted:
            raise NotFound(_("Nicht gefunden.")) from None  # a TL of neither team: outside her scope (DP-1)
        return Response(ContinuedCareSerializer(grant).data, status=status.HTTP_201_CREATED)


class ContinuedCareApprove(APIView):
    """SUB-3: the other TL agrees; the previous FM reads the case until the agreed date."""

    permission_classes = [role_permission(Role.TEAMLEITUNG)]

    @extend_schema(
        request=None,
        parameters=[OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={200: ContinuedCareSerializer},
    )
    def post(self, request, pk):
        grant_pk = parse_id(pk)
        grant = (
            access.continued_care_visible_to(request.user).filter(pk=grant_pk).first() if grant_pk else None
        )
        if grant is None:
            raise NotFound(_("Nicht gefunden."))
        grant = access.continued_care_approve(grant=grant, acting_user=request.user)
        return Response(ContinuedCareSerializer(grant).data)


__all__ = [
    "AreaListCreate",
    "ContinuedCareApprove",
    "ContinuedCareListCreate",
    "IsAdminRole",
    "SiteListCreate",
    "StaffCaseloadView",
    "StaffListCreate",
    "TeamListCreate",
    "TokenView",
    "parse_id",
    "role_permission",
]

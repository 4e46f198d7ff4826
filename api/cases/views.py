"""JSON API for clients and cases (API.md "Clients" and "Cases"). Thin: serializers check the shape,
`cases.services` enforce the rules, `cases.selectors` scope every read (DP-1)."""

from __future__ import annotations

import datetime
import re

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api.cases import serializers as s
from api.common import role_permission
from api.transitions import SERIALIZERS
from audit.decorators import AuditedRetrieveMixin
from audit.models import Capacity
from cases import services, transitions
from cases.access import sensitive_client_ids
from cases.choices import CaseState, NeedStatus
from cases.models import Case, Client, ClientNeed
from cases.search import parse_search, search_queryset, search_transaction
from cases.selectors import case_get, cases_visible_to, client_get, clients_visible_to, handover_note_get
from cases.services.contact import CONTACT_FIELDS
from catalog import clock
from catalog.validators import parse_id
from fallmanagement.errors import InvalidInput, NotFound
from org.choices import Role
from org.models import Site, Staff
from reviews.selectors import with_review_status

# API.md "Clients": pap, fallmanager, teamleitung in scope; everyone else 403 (controlling never reads a
# client). Admin may create a client (a legacy migration imports clients before their running cases).
CLIENT_READ_ROLES = (Role.PAP, Role.FALLMANAGER, Role.TEAMLEITUNG)
CLIENT_CREATE_ROLES = (*CLIENT_READ_ROLES, Role.ADMIN)
# Roles with a case scope (DP-1); controlling, datenschutz and admin never read cases (403).
CASE_READ_ROLES = (Role.PAP, Role.FALLMANAGER, Role.TEAMLEITUNG, Role.BEREICHSLEITUNG)

ID_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _not_found() -> NotFound:
    return NotFound(_("Nicht gefunden."))


# --- access log (DP-2): every read of a client or case through the API is logged -------------------


def _list_capacity(user, obj) -> str:
    """The capacity of a list read, from data already loaded (no query per row)."""
    role = user.role
    if role == Role.FALLMANAGER:
        own = obj.fallmanager_id == user.pk if isinstance(obj, Case) else getattr(obj, "own_case", False)
        return Capacity.OWN_CASE if own else Capacity.SUBSTITUTION
    if role == Role.PAP:
        referred = obj.referred_by_id == user.pk if isinstance(obj, Case) else getattr(obj, "referred", False)
        return Capacity.PAP_REFERRAL if referred else Capacity.PAP_SITE
    return {Role.TEAMLEITUNG: Capacity.TEAMLEITUNG, Role.BEREICHSLEITUNG: Capacity.BEREICHSLEITUNG}.get(
        role, Capacity.OTHER
    )


class _Audited(AuditedRetrieveMixin):
    """The read gate of the clients and cases API (DP-2): list capacities from the loaded rows."""

    audit_context = {"via": "api"}

    def audit_list_capacity(self, user, obj) -> str:
        return _list_capacity(user, obj)


class _ClientPermission(permissions.BasePermission):
    message = _("Ihre Rolle darf keine Kundendaten sehen.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        roles = CLIENT_CREATE_ROLES if request.method == "POST" else CLIENT_READ_ROLES
        return user.role in roles


def _site_for(user, site_id: int | None, *, field: str = "site") -> Site:
    """The site of a client; a pAp may only use the site of her own team."""
    site = Site.objects.filter(pk=site_id).first() if site_id else None
    if site is None:
        raise InvalidInput(_("Der Standort ist unbekannt."), fields={field: [_("Unbekannte Id.")]})
    if user.role == Role.PAP and (user.team is None or user.team.site_id != site.pk):
        raise InvalidInput(
            _("Sie können Kund*innen nur an Ihrem eigenen Standort anlegen."),
            fields={field: [_("Nicht Ihr Standort.")]},
        )
    return site


def _clients_queryset(user, on: datetime.date):
    qs = clients_visible_to(user, today=on)
    if user.role == Role.FALLMANAGER:
        qs = qs.annotate(own_case=Exists(Case.objects.filter(client=OuterRef("pk"), fallmanager=user)))
    if user.role == Role.PAP:
        qs = qs.annotate(referred=Exists(Case.objects.filter(client=OuterRef("pk"), referred_by=user)))
    return (
        qs.select_related("site", "household")
        .prefetch_related(
            Prefetch(
                "needs",
                queryset=ClientNeed.objects.filter(status=NeedStatus.OPEN).select_related("need"),
                to_attr="open_needs",
            )
        )
        .order_by("last_name", "first_name", "pk")
    )


def _sensitive_context(user, clients) -> dict:
    """DP-6: which of these clients' sensitive needs the caller may see (serializer context)."""
    ids = [c.pk for c in clients]
    return {"sensitive_client_ids": sensitive_client_ids(user, ids, today=clock.request_day())}


class ClientListCreate(_Audited, GenericAPIView):
    """Clients in the caller's scope; a pAp creates clients of her site."""

    audit_action_list = "client.list"

    permission_classes = [permissions.IsAuthenticated, _ClientPermission]
    serializer_class = s.ClientSerializer

    def get_queryset(self):
        return _clients_queryset(self.request.user, clock.request_day())

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                OpenApiTypes.STR,
                description="Kundennummer, BG-Nummer (genau), Name (Anfang, ohne Umlaute, kleine Tippfehler) "
                "oder Geburtsdatum (JJJJ-MM-TT oder TT.MM.JJJJ)",
            )
        ],
        responses={200: s.ClientSerializer(many=True)},
    )
    def get(self, request):
        text = request.query_params.get("search")
        if text is None:
            page = self.paginate_queryset(self.get_queryset())
        else:  # WORK-2: the same search as the page header, in the caller's scope
            query = parse_search(text)
            with search_transaction():
                # The household by prefetch, not by join: see cases.search (many matches, one page shown).
                qs = (
                    self.get_queryset()
                    .select_related(None)
                    .select_related("site")
                    .prefetch_related("household")
                )
                page = self.paginate_queryset(search_queryset(qs, query))
        self.audit_objects(request, page)
        context = _sensitive_context(request.user, page)
        return self.get_paginated_response(s.ClientSerializer(page, many=True, context=context).data)

    @extend_schema(request=s.ClientCreateSerializer, responses={201: s.ClientSerializer})
    def post(self, request):
        data = s.validated(s.ClientCreateSerializer, request.data)
        client = services.client_create(
            acting_user=request.user,
            customer_number=data["customer_number"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            birth_date=data["birth_date"],
            household_number=data["household_number"],
            site=_site_for(request.user, data["site"]),
            needs=data["needs"],
            integration_expected_within_12_months=data["integration_expected_within_12_months"],
            today=clock.request_day(),
        )
        context = _sensitive_context(request.user, [client])
        return Response(s.ClientSerializer(client, context=context).data, status=status.HTTP_201_CREATED)


class ClientDetail(_Audited, GenericAPIView):
    """One client in scope (404 otherwise)."""

    audit_action_retrieve = "client.view"

    permission_classes = [permissions.IsAuthenticated, _ClientPermission]
    serializer_class = s.ClientSerializer

    def _get(self, request, pk) -> Client:
        client = client_get(request.user, parse_id(pk), today=clock.request_day())
        if client is None:
            raise _not_found()
        return client

    @extend_schema(parameters=[ID_PARAM], responses={200: s.ClientSerializer})
    def get(self, request, pk):
        client = self._get(request, pk)
        self.audit_object(request, client)
        return Response(s.ClientSerializer(client, context=_sensitive_context(request.user, [client])).data)

    @extend_schema(
        parameters=[ID_PARAM], request=s.ClientUpdateSerializer, responses={200: s.ClientSerializer}
    )
    def patch(self, request, pk):
        client = self._get(request, pk)
        changes = dict(s.validated(s.ClientUpdateSerializer, request.data))
        if "site" in changes:
            changes["site"] = _site_for(request.user, changes["site"])
        contact = {name: changes.pop(name) for name in CONTACT_FIELDS if name in changes}
        with transaction.atomic():  # both or nothing
            client = services.client_update(
                client=client, acting_user=request.user, today=clock.request_day(), **changes
            )
            if contact:  # WORK-4
                client = services.client_contact_update(client=client, acting_user=request.user, **contact)
        shown = client_get(request.user, client.pk, today=clock.request_day()) or client
        return Response(s.ClientSerializer(shown, context=_sensitive_context(request.user, [shown])).data)


# --- cases ----------------------------------------------------------------------------------------


def _cases_queryset(user, on: datetime.date):
    # `with_review_status` prefetches what `case_review_status` reads: one query per page, not per case.
    return with_review_status(
        cases_visible_to(user, today=on)
        .select_related("client", "fallmanager", "rejection_reason", "exit_reason")
        .order_by("-referred_on", "-pk")
    )


def _case_in_scope(request, pk) -> Case:
    case = case_get(request.user, parse_id(pk), today=clock.request_day())
    if case is None:
        raise _not_found()
    return case


def _detail(request, case: Case) -> dict:
    return s.CaseDetailSerializer(case, context={"today": clock.request_day(), "user": request.user}).data


class CaseListCreate(_Audited, GenericAPIView):
    """Cases in the caller's scope (filter `?state=`); a pAp refers a client (ACC-1..3, ACC-5, READ-1/2)."""

    audit_action_list = "case.list"

    serializer_class = s.CaseSerializer

    def get_permissions(self):
        roles = (Role.PAP,) if self.request.method == "POST" else CASE_READ_ROLES
        return [permissions.IsAuthenticated(), role_permission(*roles)()]

    def get_queryset(self):
        return _cases_queryset(self.request.user, clock.request_day())

    @extend_schema(
        parameters=[OpenApiParameter("state", OpenApiTypes.STR, enum=CaseState.values)],
        responses={200: s.CaseSerializer(many=True)},
    )
    def get(self, request):
        qs = self.get_queryset()
        state = request.query_params.get("state")
        if state is not None:
            if state not in CaseState.values:
                raise InvalidInput(
                    _("Unbekannter Status."),
                    fields={"state": [_("Erlaubt: %(v)s") % {"v": ", ".join(CaseState.values)}]},
                )
            qs = qs.filter(state=state)
        page = self.paginate_queryset(qs)
        self.audit_objects(request, page)
        return self.get_paginated_response(
            s.CaseSerializer(page, many=True, context={"today": clock.request_day()}).data
        )

    @extend_schema(request=s.CaseReferSerializer, responses={201: s.CaseDetailSerializer})
    def post(self, request):
        data = s.validated(s.CaseReferSerializer, request.data)
        client = client_get(request.user, data["client"], today=clock.request_day())
        if client is None:
            raise InvalidInput(_("Unbekannte Kund*in."), fields={"client": [_("Unbekannte Kund*in.")]})
        fallmanager = Staff.objects.filter(pk=data["fallmanager"]).first()
        decision = data["individual_decision"]
        case = services.case_refer(
            acting_user=request.user,
            client=client,
            fallmanager=fallmanager,
            reasons=data["reasons"],
            expected_progress=data["expected_progress"],
            handover_talk_on=data["handover_talk_on"],
            handover_kind=data["handover_kind"],
            referred_on=data["referred_on"],
            individual_decision=dict(decision) if decision else None,
            needs=data["needs"],
            today=clock.request_day(),
        )
        return Response(_detail(request, _case_in_scope(request, case.pk)), status=status.HTTP_201_CREATED)


class CaseDetail(_Audited, GenericAPIView):
    """One case in scope (404 otherwise), with the transitions the caller may fire now."""

    audit_action_retrieve = "case.view"

    serializer_class = s.CaseDetailSerializer

    def get_permissions(self):
        return [permissions.IsAuthenticated(), role_permission(*CASE_READ_ROLES)()]

    @extend_schema(parameters=[ID_PARAM], responses={200: s.CaseDetailSerializer})
    def get(self, request, pk):
        case = _case_in_scope(request, pk)
        self.audit_object(request, case)
        return Response(_detail(request, case))


class CaseImport(GenericAPIView):
    """Take over a running case from a legacy system (role admin): active with its admission date."""

    serializer_class = s.CaseImportSerializer

    def get_permissions(self):
        return [permissions.IsAuthenticated(), role_permission(Role.ADMIN)()]

    @extend_schema(request=s.CaseImportSerializer, responses={201: s.CaseSerializer})
    def post(self, request):
        data = s.validated(s.CaseImportSerializer, request.data)
        # Admin has no case scope (DP-1); the import addresses the client by id across the jobcenter.
        client = Client.objects.filter(pk=data["client"], anonymised_on__isnull=True).first()
        if client is None:
            raise InvalidInput(_("Unbekannte Kund*in."), fields={"client": [_("Unbekannte Kund*in.")]})
        fallmanager = Staff.objects.filter(pk=data["fallmanager"]).first()
        if fallmanager is None:
            raise InvalidInput(
                _("Die gewählte Person ist keine aktive Fallmanager*in."),
                fields={"fallmanager": [_("Keine aktive Fallmanager*in.")]},
            )
        case = services.case_import(
            acting_user=request.user,
            client=client,
            fallmanager=fallmanager,
            admitted_on=data["admitted_on"],
            today=clock.request_day(),
        )
        case = Case.objects.select_related("client", "fallmanager").get(pk=case.pk)
        return Response(
            s.CaseSerializer(case, context={"today": clock.request_day()}).data,
            status=status.HTTP_201_CREATED,
        )


# --- transitions ----------------------------------------------------------------------------------

_ETAG_RE = re.compile(r'^\s*(?:W/)?"?(\d{1,9})"?\s*$')


def _expected_version(request, body_version: int | None) -> int | None:
    if body_version is not None:
        return body_version
    header = request.headers.get("If-Match")
    if header is None:
        return None
    match = _ETAG_RE.match(header)
    if not match:
        raise InvalidInput(
            _("Die Version im If-Match-Kopf ist ungültig."), fields={"version": [_("Bitte eine ganze Zahl.")]}
        )
    return int(match.group(1))


class CaseTransition(GenericAPIView):
    """Fire a transition of the case's state machine. The body may carry the `version` the caller saw
    (or the header `If-Match`); a stale version is `409 concurrent_update`."""

    transition: str | None = None
    serializer_class = s.TransitionSerializer

    def post(self, request, pk, name=None):
        name = self.transition or name
        if name not in SERIALIZERS:
            raise _not_found()
        case = _case_in_scope(request, pk)
        data = s.validated(SERIALIZERS[name], request.data)
        version = _expected_version(request, data["version"])
        on = clock.request_day()
        step = transitions.BY_NAME[name]
        done = step.service(
            case=case,
            acting_user=request.user,
            on=data["date"],
            today=on,
            expected_version=version,
            **SERIALIZERS[name].service_kwargs(data),
        )
        return Response(_detail(request, case_get(request.user, done.pk, today=on) or done))


def transition_view(name: str):
    """A view per transition name, so that the schema documents each body."""

    @extend_schema(
        operation_id=f"cases_transitions_{name}",
        parameters=[ID_PARAM],
        request=SERIALIZERS[name],
        responses={200: s.CaseDetailSerializer},
    )
    def post(self, request, pk):
        return CaseTransition.post(self, request, pk)

    view_class = type(
        f"CaseTransition_{name}",
        (CaseTransition,),
        {
            "transition": name,
            "serializer_class": SERIALIZERS[name],
            "post": post,
            "__doc__": CaseTransition.__doc__,
        },
    )
    return view_class.as_view()


unknown_transition_view = extend_schema(exclude=True)(
    type("CaseTransitionUnknown", (CaseTransition,), {"__doc__": CaseTransition.__doc__})
).as_view()


class CaseHandoverNote(_Audited, GenericAPIView):
    """EXIT-1: the taking-over pAp reads the handover note of a closed case (404 for anyone else)."""

    audit_action_retrieve = "case.handover_note.view"

    def get_permissions(self):
        return [permissions.IsAuthenticated(), role_permission(Role.PAP)()]

    @extend_schema(parameters=[ID_PARAM], responses={200: OpenApiTypes.OBJECT})
    def get(self, request, pk):
        note = handover_note_get(request.user, pk)
        if note is None:
            raise _not_found()
        self.audit_object(request, note.case)
        return Response(
            {
                "case": note.case.pk,
                "client_name": note.client_name,
                "customer_number": note.customer_number,
                "closed_on": note.closed_on,
                "exit_reason": note.exit_reason,
                "handover_talk_on": note.talk_on,
                "fallmanager_name": note.fallmanager_name,
                "handover_note": note.note,
            }
        )

"""Wiedervorlagen (WORK-1) in the JSON API:
- `GET/POST /api/v1/cases/{id}/follow-ups/` — `{"due_on": "YYYY-MM-DD", "note"}` → `201 {"id", "case",
  "due_on", "note", "state": "open", …}`; the list holds every follow-up of the case, open first by date;
- `POST /api/v1/follow-ups/{id}/done/` and `/cancel/` → `200` the follow-up; a closed one → `409`.
Out of scope → `404`; not the case's FM (or her substitute) → `403`. Rules: `followups.services`."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import record
from cases.selectors import case_get
from catalog import clock
from fallmanagement.errors import InvalidInput, NotFound
from followups import selectors, services
from followups.models import NOTE_MAX


class FollowUpIn(serializers.Serializer):
    due_on = serializers.DateField()
    note = serializers.CharField(max_length=NOTE_MAX)


def followup_out(f) -> dict:
    return {
        "id": f.pk,
        "case": f.case_id,
        "due_on": f.due_on.isoformat(),
        "note": f.note,
        "state": f.state,
        "created_by": f.created_by_id,
        "closed_on": f.closed_on.isoformat() if f.closed_on else None,
    }


def _case(request, case_id):
    case = case_get(request.user, case_id, today=clock.request_day(request))
    if case is None:
        raise NotFound(_("Nicht gefunden."))
    return case


class CaseFollowUps(APIView):
    permission_classes = [permissions.IsAuthenticated]
    audited_action = "case.view"

    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, case_id):
        case = _case(request, case_id)
        record(user=request.user, action="case.view", obj=case, context={"part": "followups"},
               today=clock.request_day(request))  # fmt: skip
        return Response([followup_out(f) for f in selectors.case_followups(case)])

    @extend_schema(request=FollowUpIn, responses=OpenApiTypes.OBJECT)
    def post(self, request, case_id):
        case = _case(request, case_id)
        if not isinstance(request.data, dict):
            raise InvalidInput(_("Erwartet wird ein JSON-Objekt."))
        serializer = FollowUpIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        followup = services.followup_create(
            case=case, acting_user=request.user, today=clock.request_day(request), **serializer.validated_data
        )
        return Response(followup_out(followup), status=status.HTTP_201_CREATED)


class _FollowUpAction(APIView):
    permission_classes = [permissions.IsAuthenticated]
    service = None

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk):
        followup = selectors.followup_get(request.user, pk, today=clock.request_day(request))
        if followup is None:
            raise NotFound(_("Nicht gefunden."))
        done = type(self).service(
            followup=followup, acting_user=request.user, today=clock.request_day(request)
        )
        return Response(followup_out(done))


class FollowUpDone(_FollowUpAction):
    service = staticmethod(services.followup_done)


class FollowUpCancel(_FollowUpAction):
    service = staticmethod(services.followup_cancel)

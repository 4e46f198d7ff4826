"""`GET /api/v1/worklist/?until=YYYY-MM-DD` (API.md "Working day"; DOMAIN WORK-1): the caller's worklist
as a list sorted by `due_on`, composed by `jobs.worklist` exactly as the start page."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services import record_bulk
from cases.access import scope_memo
from catalog import clock
from fallmanagement.errors import InvalidInput
from jobs import worklist

# How far ahead a caller may look (the work stays bounded; the worklist itself shows 14 days).
MAX_AHEAD_DAYS = 366


def parse_until(raw: str | None, today: datetime.date) -> datetime.date | None:
    if raw is None or raw == "":
        return None
    try:
        until = datetime.date.fromisoformat(raw) if len(raw) == 10 else None
    except ValueError:
        until = None
    if until is None:
        raise InvalidInput(
            _("„until“ muss ein Datum im Format JJJJ-MM-TT sein."), fields={"until": [_("Ungültiges Datum.")]}
        )
    if until < today:
        raise InvalidInput(
            _("„until“ darf nicht vor dem heutigen Tag liegen; Überfälliges ist immer enthalten."),
            fields={"until": [_("Bitte heute oder ein späteres Datum angeben.")]},
        )
    if (until - today).days > MAX_AHEAD_DAYS:
        raise InvalidInput(
            _("„until“ darf höchstens ein Jahr in der Zukunft liegen."),
            fields={"until": [_("Bitte ein früheres Datum angeben.")]},
        )
    return until


class Worklist(APIView):
    permission_classes = [permissions.IsAuthenticated]
    audited_action = "case.list"

    @extend_schema(
        parameters=[OpenApiParameter("until", OpenApiTypes.DATE, required=False)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        today = clock.request_day(request)
        until = parse_until(request.query_params.get("until"), today)
        with scope_memo():  # whose cases she works on: resolved once for all sources
            items = worklist.worklist_for(user=request.user, today=today, until=until)
        refs = worklist.audit_refs(items)
        if refs:
            record_bulk(
                user=request.user,
                action="case.list",
                objs=refs,
                capacity=worklist.audit_capacity(request.user),
                context={"list": "worklist"},
                today=today,
            )
        return Response(
            [
                {
                    "kind": i.kind,
                    "case": i.case_id,
                    "due_on": i.due_on.isoformat(),
                    "overdue": i.overdue(today),
                    "label": i.label,
                }
                for i in items
            ]
        )

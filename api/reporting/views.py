"""JSON API of the reports (API.md "Reports"): anonymous monthly aggregates as JSON, Excel or CSV."""

from __future__ import annotations

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from api.common import role_permission
from audit import services as audit
from catalog import clock
from catalog.validators import parse_month
from fallmanagement.errors import InvalidInput
from reporting import exports
from reporting.selectors import REPORT_ROLES, monthly_trend, report_as_json
from reporting.services import monthly_report_get_or_build

FORMATS = ("json", "xlsx", "csv")


class _QueryFormatIgnored(DefaultContentNegotiation):
    """`?format=xlsx|csv` selects the export here, not a DRF renderer: always negotiate JSON (errors too)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class MonthlyReportView(APIView):
    """REP-1/REP-2 for one completed month; built on the fly (and stored) when no snapshot exists yet."""

    permission_classes = [role_permission(*REPORT_ROLES)]
    content_negotiation_class = _QueryFormatIgnored

    @extend_schema(
        operation_id="reports_monthly",
        parameters=[
            OpenApiParameter(
                "month", OpenApiTypes.STR, required=True, description="JJJJ-MM, ein abgeschlossener Monat"
            ),
            OpenApiParameter(
                "format", OpenApiTypes.STR, enum=list(FORMATS), description="json (Vorgabe), xlsx, csv"
            ),
        ],
        responses={
            200: OpenApiResponse(
                OpenApiTypes.OBJECT, description='{"month", "total": {...}, "areas": [{"area", ...}]}'
            ),
            400: OpenApiResponse(description="Monat fehlt, ist ungültig oder noch nicht abgeschlossen"),
            403: OpenApiResponse(description="Rolle ohne Zugriff auf Berichte"),
        },
    )
    def get(self, request):
        fmt = request.query_params.get("format") or "json"
        if fmt not in FORMATS:
            raise InvalidInput(
                _("Dieses Format wird nicht angeboten."), fields={"format": [_("Erlaubt: json, xlsx, csv.")]}
            )
        month = parse_month(request.query_params.get("month"))
        report = monthly_report_get_or_build(month=month, today=clock.request_day())
        if fmt == "json":
            return Response(report_as_json(report))
        stem = f"fallmanagement-monatsbericht-{report.data['month']}"
        if fmt == "xlsx":
            body = exports.report_xlsx(report.data, monthly_trend(month=report.month))
            response = HttpResponse(body, content_type=exports.XLSX_CONTENT_TYPE)
        else:
            response = HttpResponse(exports.report_csv(report.data), content_type=exports.CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
        # DP-4: every export is logged (anonymous figures: no client, the month as the object).
        audit.record(
            user=request.user,
            action="report.export",
            object_type="monthly_report",
            object_id=report.pk,
            capacity=audit.system_capacity(request.user),
            context={"month": report.data["month"], "format": fmt},
        )
        return response

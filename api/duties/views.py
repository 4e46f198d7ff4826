"""JSON API of the duties app (API.md "Working day, …, appointments, cooperation duties"). Thin: the
serializers check the shape, `duties.services` enforces the rules, `duties.selectors` scopes the reads
(out of scope → 404) and every read of a case's appointments or notices writes the access log (DP-2)."""

from __future__ import annotations

import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.common import Pagination
from audit.decorators import AuditedRetrieveMixin
from catalog import clock
from catalog.validators import MAX_TEXT
from duties import selectors, services
from duties.choices import AppointmentKind, ExamService, NoticeKind, Outcome
from fallmanagement.errors import InvalidInput


def _dict_body(request) -> dict:
    if not isinstance(request.data, dict):
        raise InvalidInput(_("Erwartet wird ein JSON-Objekt."))
    return request.data


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _fmt(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


# --- input (shape only) --------------------------------------------------------------------------------


class AppointmentIn(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=AppointmentKind.choices)
    is_summons = serializers.BooleanField(required=False, default=False)
    invited_on = serializers.DateField(required=False, allow_null=True)
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    purpose = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class OutcomeIn(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    reason = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class NoticeIn(serializers.Serializer):
    kind = serializers.ChoiceField(choices=NoticeKind.choices)
    appointment = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    hearing_on = serializers.DateField(required=False, allow_null=True)
    exam_offered_on = serializers.DateField(required=False, allow_null=True)
    exam_not_offered_reason = serializers.CharField(
        max_length=MAX_TEXT, required=False, allow_blank=True, default=""
    )
    sent_on = serializers.DateField(required=False, allow_null=True)
    obligation = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    act_on = serializers.DateField(required=False, allow_null=True)


class ObligationIn(serializers.Serializer):
    issued_on = serializers.DateField()
    steps = serializers.CharField(max_length=MAX_TEXT)
    agreement = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    hearing_on = serializers.DateField(required=False, allow_null=True)


class ConciliationIn(serializers.Serializer):
    requested_on = serializers.DateField()
    ended_on = serializers.DateField(required=False, allow_null=True)


class ExamIn(serializers.Serializer):
    service = serializers.ChoiceField(choices=ExamService.choices)
    question = serializers.CharField(max_length=MAX_TEXT)
    offered_on = serializers.DateField()
    consent_given_on = serializers.DateField(required=False, allow_null=True)
    commissioned_on = serializers.DateField(required=False, allow_null=True)


class ExamResultIn(serializers.Serializer):
    result_on = serializers.DateField()
    limitations = serializers.CharField(max_length=MAX_TEXT)
    capacity = serializers.CharField(max_length=MAX_TEXT)


class AnswerIn(serializers.Serializer):
    answered_on = serializers.DateField(required=False, allow_null=True)
    reduction_found = serializers.BooleanField()
    reduction_from = serializers.DateField(required=False, allow_null=True)
    reduction_to = serializers.DateField(required=False, allow_null=True)


# --- output --------------------------------------------------------------------------------------------


def appointment_out(a) -> dict:
    return {
        "id": a.pk,
        "case": a.case_id,
        "starts_at": timezone.localtime(a.starts_at).isoformat(),
        "kind": a.kind,
        "is_summons": a.is_summons,
        "invited_on": _fmt(a.invited_on),
        "place": a.place,
        "purpose": a.purpose,
        "note": a.note,
        "outcome": a.outcome or None,
        "reason": a.outcome_reason or None,
        "outcome_recorded_on": _fmt(a.outcome_recorded_on),
        "outcome_due_on": _fmt(a.outcome_due_on),
        "invitation": f"/api/v1/appointments/{a.pk}/invitation/" if a.is_summons else None,
    }


def notice_out(n) -> dict:
    return {
        "id": n.pk,
        "case": n.case_id,
        "kind": n.kind,
        "appointment": n.appointment_id,
        "obligation": n.obligation_id,
        "act_on": _fmt(n.act_on),
        "legal_period": n.legal_period.code,
        "legal_basis": n.legal_basis,
        "hearing_on": _fmt(n.hearing_on),
        "exam_offered_on": _fmt(n.exam_offered_on),
        "exam_not_offered_reason": n.exam_not_offered_reason or None,
        "sent_on": _fmt(n.sent_on),
        "answered_on": _fmt(n.answered_on),
        "reduction_found": n.reduction_found,
        "reduction_from": _fmt(n.reduction_from),
        "reduction_to": _fmt(n.reduction_to),
    }


def exam_out(e) -> dict:
    return {
        "id": e.pk,
        "case": e.case_id,
        "service": e.service,
        "status": e.status,
        "question": e.question,
        "offered_on": _fmt(e.offered_on),
        "consent_given_on": _fmt(e.consent_given_on),
        "commissioned_on": _fmt(e.commissioned_on),
        "result_on": _fmt(e.result_on),
        "limitations": e.limitations or None,
        "capacity": e.capacity or None,
    }


def obligation_out(o) -> dict:
    return {
        "id": o.pk,
        "case": o.case_id,
        "kind": o.kind,
        "legal_period": o.legal_period.code,
        "legal_basis": o.legal_basis,
        "agreement": o.agreement_id,
        "steps": o.steps,
        "issued_on": _fmt(o.issued_on),
        "hearing_on": _fmt(o.hearing_on),
        "conciliation_requested_on": _fmt(o.conciliation_requested_on),
        "conciliation_ended_on": _fmt(o.conciliation_ended_on),
        "conciliation_ends_at_latest_on": _fmt(services.conciliation_ends_on(o)),
        "pdf": f"/api/v1/obligations/{o.pk}/pdf/",
    }


class _DutyView(AuditedRetrieveMixin, APIView):
    audit_context = {"via": "api"}

    def paginate(self, request, items, render) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response([render(item) for item in page])


# --- views ---------------------------------------------------------------------------------------------


@extend_schema(request=AppointmentIn, responses=OpenApiTypes.OBJECT)
class AppointmentListCreate(_DutyView):
    audit_action_retrieve = "case.appointments.view"

    def get(self, request, case_id):
        case = selectors.duty_case_get(request.user, case_id, today=clock.request_day())
        self.audit_object(request, case)
        return self.paginate(request, selectors.appointments_for(case), appointment_out)

    def post(self, request, case_id):
        case = selectors.duty_case_get(request.user, case_id, write=True, today=clock.request_day())
        data = _validated(AppointmentIn, _dict_body(request))
        appointment = services.appointment_create(
            case=case, acting_user=request.user, today=clock.request_day(), **data
        )
        return Response(appointment_out(appointment), status=status.HTTP_201_CREATED)


@extend_schema(request=OutcomeIn, responses=OpenApiTypes.OBJECT)
class AppointmentOutcome(_DutyView):
    def post(self, request, pk):
        appointment = selectors.appointment_get(request.user, pk, write=True, today=clock.request_day())
        data = _validated(OutcomeIn, _dict_body(request))
        appointment = services.appointment_outcome_record(
            appointment=appointment, acting_user=request.user, today=clock.request_day(), **data
        )
        return Response(appointment_out(appointment))


@extend_schema(request=NoticeIn, responses=OpenApiTypes.OBJECT)
class NoticeListCreate(_DutyView):
    audit_action_retrieve = "case.notices.view"

    def get(self, request, case_id):
        case = selectors.duty_case_get(request.user, case_id, today=clock.request_day())
        self.audit_object(request, case)
        return self.paginate(request, selectors.notices_for(case), notice_out)

    def post(self, request, case_id):
        case = selectors.duty_case_get(request.user, case_id, write=True, today=clock.request_day())
        data = dict(_validated(NoticeIn, _dict_body(request)))
        notice = services.notice_create(
            case=case,
            acting_user=request.user,
            appointment_id=data.pop("appointment", None),
            obligation_id=data.pop("obligation", None),
            today=clock.request_day(),
            **data,
        )
        return Response(notice_out(notice), status=status.HTTP_201_CREATED)


@extend_schema(request=AnswerIn, responses=OpenApiTypes.OBJECT)
class NoticeAnswer(_DutyView):
    def post(self, request, pk):
        notice = selectors.notice_get(request.user, pk, write=True, today=clock.request_day())
        data = _validated(AnswerIn, _dict_body(request))
        notice = services.notice_answer_record(
            notice=notice, acting_user=request.user, today=clock.request_day(), **data
        )
        return Response(notice_out(selectors.notices_for(notice.case).get(pk=notice.pk)))


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data, accepted_media_type, renderer_context)


@extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
class InvitationPDF(APIView):
    """MIT-1: the invitation letter; the Rechtsfolgenbelehrung of the legal period of its invitation date."""

    renderer_classes = [JSONRenderer, PDFRenderer]

    def get(self, request, pk):
        appointment = selectors.appointment_get(request.user, pk, today=clock.request_day())
        content = services.invitation_document(
            appointment=appointment, acting_user=request.user, today=clock.request_day()
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="einladung-{appointment.pk}.pdf"'
        return response


@extend_schema(request=ObligationIn, responses=OpenApiTypes.OBJECT)
class ObligationListCreate(_DutyView):
    audit_action_retrieve = "case.obligations.view"

    def get(self, request, case_id):
        case = selectors.duty_case_get(request.user, case_id, today=clock.request_day())
        self.audit_object(request, case)
        return self.paginate(request, selectors.obligations_for(case), obligation_out)

    def post(self, request, case_id):
        case = selectors.duty_case_get(request.user, case_id, write=True, today=clock.request_day())
        data = dict(_validated(ObligationIn, _dict_body(request)))
        obligation = services.obligation_create(
            case=case,
            acting_user=request.user,
            agreement_id=data.pop("agreement", None),
            today=clock.request_day(),
            **data,
        )
        return Response(obligation_out(obligation), status=status.HTTP_201_CREATED)


@extend_schema(request=ConciliationIn, responses=OpenApiTypes.OBJECT)
class ObligationConciliation(_DutyView):
    def post(self, request, pk):
        obligation = selectors.obligation_get(request.user, pk, write=True, today=clock.request_day())
        data = _validated(ConciliationIn, _dict_body(request))
        obligation = services.conciliation_record(
            obligation=obligation, acting_user=request.user, today=clock.request_day(), **data
        )
        return Response(obligation_out(obligation))


@extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
class ObligationPDF(APIView):
    """MIT-5: the draft of the Aufforderung zur Mitwirkung / Verpflichtung."""

    renderer_classes = [JSONRenderer, PDFRenderer]

    def get(self, request, pk):
        obligation = selectors.obligation_get(request.user, pk, today=clock.request_day())
        content = services.obligation_document(
            obligation=obligation, acting_user=request.user, today=clock.request_day()
        )
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{obligation.kind}-{obligation.pk}.pdf"'
        return response


@extend_schema(request=ExamIn, responses=OpenApiTypes.OBJECT)
class ExamListCreate(_DutyView):
    """MIT-6: ÄD/BPS commissions — only the case's FM and her substitute (DP-6)."""

    audit_action_retrieve = "case.exams.view"

    def get(self, request, case_id):
        case = selectors.exam_case_get(request.user, case_id, today=clock.request_day())
        self.audit_object(request, case)
        return self.paginate(request, selectors.exams_for(case), exam_out)

    def post(self, request, case_id):
        case = selectors.exam_case_get(request.user, case_id, write=True, today=clock.request_day())
        data = _validated(ExamIn, _dict_body(request))
        exam = services.exam_commission_create(
            case=case, acting_user=request.user, today=clock.request_day(), **data
        )
        return Response(exam_out(exam), status=status.HTTP_201_CREATED)


@extend_schema(request=ExamResultIn, responses=OpenApiTypes.OBJECT)
class ExamResult(_DutyView):
    def post(self, request, pk):
        exam = selectors.exam_get(request.user, pk, today=clock.request_day())
        data = _validated(ExamResultIn, _dict_body(request))
        exam = services.exam_result_record(
            exam=exam, acting_user=request.user, today=clock.request_day(), **data
        )
        return Response(exam_out(exam))

"""JSON API of the plans app (API.md "Assessment, plan, agreement, services, contacts"). Thin: the
serializers check the shape, `plans.services` enforces the rules, `plans.selectors` scopes the reads."""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from api.common import Pagination
from cases.choices import NeedStatus
from catalog import clock
from catalog.models import LifeArea, Need
from catalog.validators import MAX_TEXT
from fallmanagement.errors import InvalidInput, NotFound
from plans import selectors, services
from plans.choices import ContactKind, GoalKind, GoalStatus, ServiceKind, ServiceStatus
from plans.models import Consent


def _dict_body(request) -> dict:
    if not isinstance(request.data, dict):
        raise InvalidInput(_("Erwartet wird ein JSON-Objekt."))
    return request.data


def _validated(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _fmt(day: datetime.date | None) -> str | None:
    return day.isoformat() if day else None


# --- input serializers (shape only; rules live in plans.services) -----------------------------------


class NeedItemIn(serializers.Serializer):
    code = serializers.CharField(max_length=20)
    priority = serializers.IntegerField(min_value=1, max_value=99, required=False, allow_null=True)


class AreaIn(serializers.Serializer):
    life_area = serializers.ChoiceField(choices=LifeArea.choices)
    findings = serializers.CharField(
        max_length=MAX_TEXT, allow_blank=True, required=False, trim_whitespace=True
    )
    resources = serializers.CharField(
        max_length=MAX_TEXT, allow_blank=True, required=False, trim_whitespace=True
    )
    needs = NeedItemIn(many=True, required=False, max_length=50)


class AssessmentIn(serializers.Serializer):
    areas = AreaIn(many=True, max_length=len(LifeArea.choices))


class GoalIn(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT)
    target_date = serializers.DateField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=GoalKind.choices, required=False, default=GoalKind.INTEGRATION)
    status = serializers.ChoiceField(choices=GoalStatus.choices, required=False, default=GoalStatus.OPEN)
    agreed_on = serializers.DateField(required=False, allow_null=True)


class GoalPatchIn(serializers.Serializer):
    text = serializers.CharField(max_length=MAX_TEXT, required=False)
    target_date = serializers.DateField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=GoalKind.choices, required=False)
    status = serializers.ChoiceField(choices=GoalStatus.choices, required=False)
    date = serializers.DateField(required=False, allow_null=True)
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)


class AgreementIn(serializers.Serializer):
    concluded_on = serializers.DateField()
    client_commitments = serializers.CharField(max_length=MAX_TEXT)
    jobcenter_commitments = serializers.CharField(max_length=MAX_TEXT)
    review_due_on = serializers.DateField(required=False, allow_null=True)


class WaiverIn(serializers.Serializer):
    waived = serializers.BooleanField()
    justification = serializers.CharField(max_length=MAX_TEXT, allow_blank=True, required=False, default="")


class ServiceIn(serializers.Serializer):
    partner = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    kind = serializers.ChoiceField(choices=ServiceKind.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    status = serializers.ChoiceField(
        choices=ServiceStatus.choices, required=False, default=ServiceStatus.PROPOSED
    )
    legal_basis = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    consent = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**62)
    consent_given_on = serializers.DateField(required=False, allow_null=True)
    follow_up_on = serializers.DateField(required=False, allow_null=True)
    outcome = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")
    date = serializers.DateField(required=False, allow_null=True)


class ServicePatchIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=ServiceStatus.choices, required=False)
    follow_up_on = serializers.DateField(required=False, allow_null=True)
    outcome = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    date = serializers.DateField(required=False, allow_null=True)


class ContactIn(serializers.Serializer):
    date = serializers.DateField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=ContactKind.choices)
    note = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True, default="")


class NeedResolveIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=[NeedStatus.REDUCED, NeedStatus.RESOLVED])
    date = serializers.DateField(required=False, allow_null=True)


class ConsentIn(serializers.Serializer):
    partner = serializers.IntegerField(min_value=1, max_value=2**62)
    given_on = serializers.DateField(required=False, allow_null=True)


class RevokeIn(serializers.Serializer):
    date = serializers.DateField(required=False, allow_null=True)


# --- output ------------------------------------------------------------------------------------------


def need_out(cn) -> dict:
    return {
        "code": cn.need.code,
        "label": cn.need.label,
        "life_area": cn.need.life_area,
        "priority": cn.priority,
        "status": cn.status,
        "identified_on": _fmt(cn.identified_on),
        "status_changed_on": _fmt(cn.status_changed_on),
    }


def assessment_out(case, user) -> dict:
    areas = selectors.assessment_for(case, user)
    return {
        "case": case.pk,
        "areas": [
            {
                "life_area": a.life_area,
                "label": a.label,
                "sensitive": a.sensitive,
                "findings": a.findings,
                "resources": a.resources,
                "needs": [need_out(cn) for cn in a.needs],
                "updated_at": a.updated_at.isoformat() if a.updated_at else None,
            }
            for a in areas
        ],
    }


def goal_out(goal) -> dict:
    return {
        "id": goal.pk,
        "case": goal.case_id,
        "text": goal.text,
        "kind": goal.kind,
        "agreed_on": _fmt(goal.agreed_on),
        "target_date": _fmt(goal.target_date),
        "status": goal.status,
        "status_changed_on": _fmt(goal.status_changed_on),
        "history": [
            {"from_status": c.from_status or None, "to_status": c.to_status, "changed_on": _fmt(c.changed_on)}
            for c in goal.status_changes.all()
        ],
    }


def agreement_out(a) -> dict:
    return {
        "id": a.pk,
        "case": a.case_id,
        "waived": a.waived,
        "justification": a.justification,
        "title": a.title,
        "title_note": a.title_note,
        "concluded_on": _fmt(a.concluded_on),
        "review_due_on": _fmt(a.review_due_on),
        "client_commitments": a.client_commitments,
        "jobcenter_commitments": a.jobcenter_commitments,
        "recorded_on": _fmt(a.recorded_on),
        "superseded_on": _fmt(a.superseded_on),
        "is_current": a.is_current,
        "pdf": None if a.waived else f"/api/v1/agreements/{a.pk}/pdf/",
    }


def service_out(r, on: datetime.date) -> dict:
    return {
        "id": r.pk,
        "case": r.case_id,
        "partner": r.partner_id,
        "partner_name": r.partner.name if r.partner else None,
        "kind": r.kind,
        "title": r.title,
        "status": r.status,
        "proposed_on": _fmt(r.proposed_on),
        "status_changed_on": _fmt(r.status_changed_on),
        "follow_up_on": _fmt(r.follow_up_on),
        "follow_up_overdue": selectors.is_follow_up_overdue(r, on),
        "outcome": r.outcome,
        "legal_basis": r.legal_basis,
        "consent": r.consent_id,
        "consent_given_on": _fmt(r.consent.given_on) if r.consent else None,
        "consent_revoked_on": _fmt(r.consent.revoked_on) if r.consent else None,
    }


def contact_out(c) -> dict:
    return {"id": c.pk, "case": c.case_id, "date": _fmt(c.date), "kind": c.kind, "note": c.note}


def consent_out(c) -> dict:
    return {
        "id": c.pk,
        "client": c.client_id,
        "partner": c.partner_id,
        "given_on": _fmt(c.given_on),
        "revoked_on": _fmt(c.revoked_on),
    }


class _PlanView(APIView):
    def paginate(self, request, items, render) -> Response:
        paginator = Pagination()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response([render(item) for item in page])


# --- views -------------------------------------------------------------------------------------------


@extend_schema(request=AssessmentIn, responses=OpenApiTypes.OBJECT)
class AssessmentView(_PlanView):
    def get(self, request, case_id):
        case = selectors.plan_case_get(request.user, case_id, today=clock.request_day())
        return Response(assessment_out(case, request.user))

    def put(self, request, case_id):
        case = selectors.plan_case_get(request.user, case_id, write=True, today=clock.request_day())
        data = _validated(AssessmentIn, _dict_body(request))
        services.assessment_save(
            case=case, acting_user=request.user, areas=data["areas"], today=clock.request_day()
        )
        return Response(assessment_out(case, request.user))


@extend_schema(request=GoalIn, responses=OpenApiTypes.OBJECT)
class GoalListCreate(_PlanView):
    def get(self, request, case_id):
        case = selectors.plan_case_get(request.user, case_id, today=clock.request_day())
        return self.paginate(request, selectors.goals_for(case), goal_out)

    def post(self, request, case_id):
        case = selectors.plan_case_get(request.user, case_id, write=True, today=clock.request_day())
        data = _validated(GoalIn, _dict_body(request))
        goal = services.goal_create(
            case=case,
            acting_user=request.user,
            text=data["text"],
            target_date=data.get("target_date"),
            kind=data["kind"],
            status=data["status"],
            agreed_on=data.get("agreed_on"),
            today=clock.request_day(),
        )
        return Response(goal_out(selectors.goals_for(case).get(pk=goal.pk)), status=status.HTTP_201_CREATED)


@extend_schema(request=GoalPatchIn, responses=OpenApiTypes.OBJECT)
class GoalDetail(_PlanView):
    def get(self, request, pk):
        goal = selectors.goal_get(request.user, pk)
        return Response(goal_out(selectors.goals_for(goal.case).get(pk=goal.pk)))

    def patch(self, request, pk):
        goal = selectors.goal_get(request.user, pk)
        selectors.plan_case_get(request.user, goal.case_id, write=True, today=clock.request_day())
        data = dict(_validated(GoalPatchIn, _dict_body(request)))
        on = data.pop("date", None)
        goal = services.goal_update(
            goal=goal, acting_user=request.user, on=on, today=clock.request_day(), **data
        )
        return Response(goal_out(selectors.goals_for(goal.case).get(pk=goal.pk)))


@extend_schema(request=AgreementIn, responses=OpenApiTypes.OBJECT)
class AgreementListCreate(_PlanView):
    def get(self, request, case_id):
        case = selectors.plan_case_get(request.user, case_id, today=clock.request_day())
        return self.paginate(request, selectors.agreements_for(case), agreement_out)

    def post(self, request, case_id):
        case = selectors.plan_case_get(request.user, case_id, write=True, today=clock.request_day())
        body = _dict_body(request)
        if "waived" in body:
            data = _validated(WaiverIn, body)
            if not data["waived"]:
                raise InvalidInput(
                    _(
                        "„waived“ ist nur mit dem Wert true erlaubt; für eine Vereinbarung bitte die Inhalte senden."
                    ),
                    fields={"waived": [_("Nur true ist erlaubt.")]},
                )
            agreement = services.agreement_waive(
                case=case,
                acting_user=request.user,
                justification=data["justification"],
                today=clock.request_day(),
            )
        else:
            data = _validated(AgreementIn, body)
            agreement = services.agreement_conclude(
                case=case, acting_user=request.user, today=clock.request_day(), **data
            )
        return Response(agreement_out(agreement), status=status.HTTP_201_CREATED)


class PDFRenderer(BaseRenderer):
    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data).encode()


@extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
class AgreementPDF(APIView):
    renderer_classes = [JSONRenderer, PDFRenderer]

    def get(self, request, pk):
        agreement = selectors.agreement_get(request.user, pk)
        if agreement.waived:
            raise InvalidInput(_("Für einen begründeten Verzicht gibt es kein Dokument zur Unterschrift."))
        content = services.agreement_document(agreement=agreement, acting_user=request.user)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="kooperationsplan-{agreement.pk}.pdf"'
        return response


@extend_schema(request=ServiceIn, responses=OpenApiTypes.OBJECT)
class ServiceListCreate(_PlanView):
    def get(self, request, case_id):
        case = selectors.plan_case_get(request.user, case_id, today=clock.request_day())
        on = clock.request_day()
        return self.paginate(request, selectors.services_for(case), lambda r: service_out(r, on))

    def post(self, request, case_id):
        case = selectors.plan_case_get(request.user, case_id, write=True, today=clock.request_day())
        data = dict(_validated(ServiceIn, _dict_body(request)))
        partner_id = data.pop("partner", None)
        partner = services.partner_for_case(case=case, partner_id=partner_id) if partner_id else None
        consent_id = data.pop("consent", None)
        consent = None
        if consent_id:
            consent = Consent.objects.filter(pk=consent_id, client_id=case.client_id).first()
            if consent is None:
                raise InvalidInput(
                    _("Unbekannte Einwilligung."), fields={"consent": [_("Unbekannte Einwilligung.")]}
                )
        if not data.get("title"):
            data["title"] = partner.name if partner else str(ServiceKind(data["kind"]).label)
        on = data.pop("date", None)
        if "follow_up_on" not in data:
            data["follow_up_on"] = services.UNSET
        referral = services.service_referral_create(
            case=case,
            acting_user=request.user,
            partner=partner,
            consent=consent,
            on=on,
            today=clock.request_day(),
            **data,
        )
        referral = selectors.services_for(case).get(pk=referral.pk)
        return Response(service_out(referral, clock.request_day()), status=status.HTTP_201_CREATED)


@extend_schema(request=ServicePatchIn, responses=OpenApiTypes.OBJECT)
class ServiceDetail(_PlanView):
    def get(self, request, pk):
        referral = selectors.service_referral_get(request.user, pk)
        return Response(
            service_out(selectors.services_for(referral.case).get(pk=referral.pk), clock.request_day())
        )

    def patch(self, request, pk):
        referral = selectors.service_referral_get(request.user, pk)
        selectors.plan_case_get(request.user, referral.case_id, write=True, today=clock.request_day())
        data = dict(_validated(ServicePatchIn, _dict_body(request)))
        on = data.pop("date", None)
        referral = services.service_referral_update(
            referral=referral, acting_user=request.user, on=on, today=clock.request_day(), **data
        )
        return Response(
            service_out(selectors.services_for(referral.case).get(pk=referral.pk), clock.request_day())
        )


@extend_schema(request=ContactIn, responses=OpenApiTypes.OBJECT)
class ContactListCreate(_PlanView):
    def get(self, request, case_id):
        on = clock.request_day()
        case = selectors.plan_case_get(request.user, case_id, today=on)
        contacts = selectors.contacts_for(case)
        response = self.paginate(request, contacts, contact_out)
        last = contacts.values_list("date", flat=True).first()
        days = selectors.contact_gap_days(last_contact_on=last, case=case, today=on)
        response.data["last_contact_on"] = _fmt(last)
        response.data["days_since_last_contact"] = days
        response.data["contact_gap"] = days is not None and days > settings.FM["CONTACT_GAP_DAYS"]
        return response

    def post(self, request, case_id):
        case = selectors.plan_case_get(request.user, case_id, write=True, today=clock.request_day())
        data = _validated(ContactIn, _dict_body(request))
        contact = services.contact_create(
            case=case, acting_user=request.user, today=clock.request_day(), **data
        )
        return Response(contact_out(contact), status=status.HTTP_201_CREATED)


@extend_schema(request=NeedResolveIn, responses=OpenApiTypes.OBJECT)
class NeedResolve(_PlanView):
    def post(self, request, case_id, code):
        case = selectors.plan_case_get(request.user, case_id, write=True, today=clock.request_day())
        data = _validated(NeedResolveIn, _dict_body(request))
        if not Need.objects.filter(code=code).exists():
            raise InvalidInput(
                _("Unbekannter Handlungsbedarf „%(code)s“.") % {"code": code[:40]},
                fields={"code": [_("Unbekannter Code.")]},
            )
        cn = services.need_resolve(
            case=case,
            acting_user=request.user,
            code=code,
            status=data["status"],
            on=data.get("date"),
            today=clock.request_day(),
        )
        return Response(need_out(cn))


@extend_schema(request=ConsentIn, responses=OpenApiTypes.OBJECT)
class ConsentListCreate(_PlanView):
    def get(self, request, case_id):
        case = selectors.plan_case_get(request.user, case_id, today=clock.request_day())
        return self.paginate(request, selectors.consents_for(case), consent_out)

    def post(self, request, case_id):
        case = selectors.plan_case_get(request.user, case_id, write=True, today=clock.request_day())
        data = _validated(ConsentIn, _dict_body(request))
        partner = services.partner_for_case(case=case, partner_id=data["partner"])
        consent = services.consent_record(
            case=case,
            acting_user=request.user,
            partner=partner,
            given_on=data.get("given_on"),
            today=clock.request_day(),
        )
        return Response(consent_out(consent), status=status.HTTP_201_CREATED)


@extend_schema(request=RevokeIn, responses=OpenApiTypes.OBJECT)
class ConsentRevoke(_PlanView):
    def post(self, request, case_id, pk):
        case = selectors.plan_case_get(request.user, case_id, write=True, today=clock.request_day())
        data = _validated(RevokeIn, _dict_body(request))
        consent = selectors.consents_for(case).filter(pk=_int_or_none(pk)).first()
        if consent is None:
            raise NotFound(_("Nicht gefunden."))
        consent = services.consent_revoke(
            consent=consent,
            case=case,
            acting_user=request.user,
            on=data.get("date"),
            today=clock.request_day(),
        )
        return Response(consent_out(consent))


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None

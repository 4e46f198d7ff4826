"""JSON API of the reviews app (API.md "Reviews", "Reminders and jobs"). Thin: serializers check the
shape, `reviews.services` enforce the rules, `reviews.selectors` / `cases.selectors` scope reads (DP-1)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from cases.selectors import case_get
from catalog import clock
from fallmanagement.errors import InvalidInput, NotFound, NotPermitted
from org.choices import Role
from reminders.models import Reminder
from reminders.services import reminder_mark_done
from reviews import selectors, services
from reviews.choices import ReviewDecision
from reviews.models import Review

REVIEW_READ_ROLES = (Role.FALLMANAGER, Role.TEAMLEITUNG, Role.BEREICHSLEITUNG)
ID_PARAM = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH)


def _pk(value) -> int:
    text = str(value)
    if not text.isdigit() or len(text) > 18:
        raise NotFound(_("Nicht gefunden."))
    return int(text)


class ReviewOut(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = [
            "id", "case", "month", "due_on", "gate", "state", "decision", "reasons", "prognosis",
            "documented_on", "teamleitung_comment", "teamleitung_on",
        ]  # fmt: skip


class ReviewListOut(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = ["id", "month", "due_on", "gate", "state"]


class DocumentIn(serializers.Serializer):
    reasons = serializers.CharField(required=False, allow_blank=True, max_length=10_000, default="")
    prognosis = serializers.CharField(required=False, allow_blank=True, max_length=10_000, default="")
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)


class AcknowledgeIn(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=10_000, default="")


class DecideIn(serializers.Serializer):
    approve = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, max_length=10_000, default="")


class ReminderOut(serializers.ModelSerializer):
    class Meta:
        model = Reminder
        fields = ["id", "kind", "case", "client", "due_on", "created_on"]


def _body(request, serializer_class) -> dict:
    if not isinstance(request.data, dict):
        raise InvalidInput(_("Bitte ein JSON-Objekt senden."))
    ser = serializer_class(data=request.data)
    ser.is_valid(raise_exception=True)
    return ser.validated_data


class CaseReviews(GenericAPIView):
    """The case's reviews that are due or past, one per review month up to 36 (REV-1..4)."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ReviewListOut

    @extend_schema(parameters=[ID_PARAM], responses=ReviewListOut(many=True))
    def get(self, request, pk):
        if request.user.role not in REVIEW_READ_ROLES:
            raise NotPermitted(_("Ihre Rolle sieht keine Fortführungsprüfungen."))
        on = clock.request_day()
        case = case_get(request.user, _pk(pk), today=on)
        if case is None:
            raise NotFound(_("Nicht gefunden."))
        services.reviews_ensure_for_case(case=case, today=on)
        page = self.paginate_queryset(selectors.case_reviews(case=case, today=on))
        return self.get_paginated_response(ReviewListOut(page, many=True).data)


class _ReviewAction(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ReviewOut
    input_class: type[serializers.Serializer]

    def _review(self, request, pk) -> Review:
        review = selectors.review_get(request.user, _pk(pk), today=clock.request_day())
        if review is None:
            raise NotFound(_("Nicht gefunden."))
        return review


class ReviewDocument(_ReviewAction):
    @extend_schema(parameters=[ID_PARAM], request=DocumentIn, responses=ReviewOut)
    def post(self, request, pk):
        target = self._review(request, pk)  # scope first: outsiders get 404, never a 400 on the body
        data = _body(request, DocumentIn)
        review = services.review_document(
            review=target, acting_user=request.user, today=clock.request_day(), **data
        )
        return Response(ReviewOut(review).data)


class ReviewAcknowledge(_ReviewAction):
    @extend_schema(parameters=[ID_PARAM], request=AcknowledgeIn, responses=ReviewOut)
    def post(self, request, pk):
        target = self._review(request, pk)  # scope first: outsiders get 404, never a 400 on the body
        data = _body(request, AcknowledgeIn)
        review = services.review_acknowledge(
            review=target, acting_user=request.user, today=clock.request_day(), **data
        )
        return Response(ReviewOut(review).data)


class ReviewDecide(_ReviewAction):
    @extend_schema(parameters=[ID_PARAM], request=DecideIn, responses=ReviewOut)
    def post(self, request, pk):
        target = self._review(request, pk)  # scope first: outsiders get 404, never a 400 on the body
        data = _body(request, DecideIn)
        review = services.review_decide(
            review=target, acting_user=request.user, today=clock.request_day(), **data
        )
        return Response(ReviewOut(review).data)


class ReminderList(GenericAPIView):
    """The caller's own open reminders (REV-6), soonest due first."""

    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ReminderOut

    @extend_schema(responses=ReminderOut(many=True))
    def get(self, request):
        page = self.paginate_queryset(selectors.reminders_for(user=request.user))
        return self.get_paginated_response(ReminderOut(page, many=True).data)


class ReminderDone(GenericAPIView):
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = ReminderOut

    @extend_schema(parameters=[ID_PARAM], request=None, responses=ReminderOut)
    def post(self, request, pk):
        reminder = selectors.reminders_for(user=request.user, include_done=True).filter(pk=_pk(pk)).first()
        if reminder is None:
            raise NotFound(_("Nicht gefunden."))
        return Response(ReminderOut(reminder_mark_done(reminder=reminder, acting_user=request.user)).data)

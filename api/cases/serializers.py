"""API shapes for clients and cases (API.md "Clients" and "Cases"). Serializers check the shape of the input
(types, lengths, date format); the rules live in the services, which raise the domain errors."""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cases.choices import CaseState, HandoverKind, HouseholdRole, NeedStatus
from cases.models import Case, Client
from catalog.validators import MAX_TEXT
from fallmanagement.errors import InvalidInput
from org.models import Staff
from reviews.selectors import case_review_status

MAX_ID = 2**63 - 1
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --- strict field types ---------------------------------------------------------------------------


class StrictDateField(serializers.DateField):
    """Only `YYYY-MM-DD` (no `20260105`, no `2026-1-5`, no datetimes)."""

    default_error_messages = {
        "invalid": _("Bitte ein Datum im Format JJJJ-MM-TT angeben."),
    }

    def to_internal_value(self, value):
        if not isinstance(value, str) or not _DATE_RE.match(value):
            self.fail("invalid")
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.fail("invalid")


class StrictBooleanField(serializers.BooleanField):
    """Only the JSON literals `true` and `false`."""

    default_error_messages = {"invalid": _("Bitte true oder false angeben.")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class IdField(serializers.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        return super().to_internal_value(data)


def text_field(*, max_length: int = MAX_TEXT, **kwargs) -> serializers.CharField:
    """Free text; an empty or missing value reaches the service, which names the rule that needs it."""
    kwargs.setdefault("required", False)
    kwargs.setdefault("default", "")
    return serializers.CharField(max_length=max_length, allow_blank=True, **kwargs)


def _dotted(errors, prefix: str = "") -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if isinstance(errors, dict):
        for key, value in errors.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for sub_key, texts in _dotted(value, name).items():
                out.setdefault(sub_key, []).extend(texts)
    elif isinstance(errors, list):
        for item in errors:
            if isinstance(item, dict | list):
                for sub_key, texts in _dotted(item, prefix).items():
                    out.setdefault(sub_key, []).extend(texts)
            else:
                out.setdefault(prefix or "non_field_errors", []).append(str(item))
    else:
        out.setdefault(prefix or "non_field_errors", []).append(str(errors))
    return out


def validated(serializer_class: type[serializers.Serializer], data, **kwargs) -> dict:
    """Run a serializer; on bad shape raise `InvalidInput` with dotted field names (`outcome.health_need`)."""
    serializer = serializer_class(data=data, **kwargs)
    if not serializer.is_valid():
        raise InvalidInput(str(_("Die Eingaben sind ungültig.")), fields=_dotted(serializer.errors))
    return serializer.validated_data


# --- clients --------------------------------------------------------------------------------------


class ClientSerializer(serializers.ModelSerializer):
    household_number = serializers.CharField(source="household.number")
    site = serializers.IntegerField(source="site_id")
    needs = serializers.SerializerMethodField()

    class Meta:
        model = Client
        fields = [
            "id",
            "customer_number",
            "first_name",
            "last_name",
            "birth_date",
            "household_number",
            "site",
            "needs",
            "integration_expected_within_12_months",
            "work_taken_up_on",
            "access_checked_on",
            # WORK-4 contact data
            "street",
            "postcode",
            "city",
            "phone",
            "email",
            "preferred_language",
            "interpreter_needed",
            "household_role",
        ]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_needs(self, client: Client) -> list[str]:
        """Codes of the client's open needs (reduced/resolved ones are history of the plan)."""
        prefetched = getattr(client, "open_needs", None)
        if prefetched is None:
            prefetched = client.needs.filter(status=NeedStatus.OPEN).select_related("need")
        # DP-6: sensitive needs only for the clients the view found the caller may see them of.
        sees = client.pk in self.context.get("sensitive_client_ids", ())
        return sorted(cn.need.code for cn in prefetched if sees or not cn.need.is_sensitive)


class ClientCreateSerializer(serializers.Serializer):
    customer_number = serializers.CharField(max_length=30)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    birth_date = StrictDateField()
    household_number = serializers.CharField(max_length=30)
    site = IdField()
    needs = serializers.ListField(
        child=serializers.CharField(max_length=20), max_length=100, required=False, default=list
    )
    integration_expected_within_12_months = StrictBooleanField(required=False, default=False)


class ClientUpdateSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=100, required=False)
    last_name = serializers.CharField(max_length=100, required=False)
    birth_date = StrictDateField(required=False)
    household_number = serializers.CharField(max_length=30, required=False)
    site = IdField(required=False)
    needs = serializers.ListField(child=serializers.CharField(max_length=20), max_length=100, required=False)
    integration_expected_within_12_months = StrictBooleanField(required=False)
    work_taken_up_on = StrictDateField(required=False, allow_null=True)
    # WORK-4 contact data (checked by cases.services.contact: postcode, phone, e-mail)
    street = serializers.CharField(max_length=120, required=False, allow_blank=True)
    postcode = serializers.CharField(max_length=5, required=False, allow_blank=True)
    city = serializers.CharField(max_length=80, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    email = serializers.CharField(max_length=254, required=False, allow_blank=True)
    preferred_language = serializers.CharField(max_length=40, required=False, allow_blank=True)
    interpreter_needed = StrictBooleanField(required=False)
    household_role = serializers.ChoiceField(choices=HouseholdRole.choices, required=False, allow_blank=True)


# --- cases ----------------------------------------------------------------------------------------


class CaseSerializer(serializers.ModelSerializer):
    """The case as API.md "Cases" fixes it, plus a few helpful extras. Needs `today` in the context."""

    client = serializers.IntegerField(source="client_id")
    client_name = serializers.CharField(source="client.full_name")
    fallmanager = serializers.IntegerField(source="fallmanager_id")
    fallmanager_name = serializers.CharField(source="fallmanager.__str__")
    referred_by = serializers.IntegerField(source="referred_by_id", allow_null=True)
    state = serializers.ChoiceField(choices=CaseState.choices)
    state_label = serializers.CharField(source="get_state_display")
    clearing_due_on = serializers.DateField(allow_null=True)
    months_in_case_management = serializers.SerializerMethodField()
    next_review_due_on = serializers.SerializerMethodField()
    continuation = serializers.SerializerMethodField()
    rejection_reason = serializers.SerializerMethodField()
    exit_reason = serializers.SerializerMethodField()

    class Meta:
        model = Case
        fields = [
            "id",
            "client",
            "fallmanager",
            "state",
            "referred_on",
            "clearing_started_on",
            "clearing_due_on",
            "admitted_on",
            "closed_on",
            "months_in_case_management",
            "next_review_due_on",
            "continuation",
            # extras
            "version",
            "client_name",
            "fallmanager_name",
            "referred_by",
            "state_label",
            "handover_talk_on",
            "decided_on",
            "rejection_reason",
            "forwarded_to",
            "disputed_on",
            "dispute_decided_on",
            "exit_reason",
            "imported",
        ]

    def _today(self) -> datetime.date:
        return self.context["today"]

    def _review_status(self, case: Case):
        cache = self.context.setdefault("_review_status", {})
        if case.pk not in cache:
            cache[case.pk] = case_review_status(case=case, today=self._today())
        return cache[case.pk]

    @extend_schema_field(OpenApiTypes.INT)
    def get_months_in_case_management(self, case: Case) -> int | None:
        return case.months_in_case_management(self._today())

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_next_review_due_on(self, case: Case):
        due, _continuation = self._review_status(case)
        return due.isoformat() if due else None

    @extend_schema_field(
        serializers.ChoiceField(choices=["allowed", "approval_required", "not_allowed"], allow_null=True)
    )
    def get_continuation(self, case: Case):
        return self._review_status(case)[1]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_rejection_reason(self, case: Case):
        return case.rejection_reason.code if case.rejection_reason_id else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_exit_reason(self, case: Case):
        return case.exit_reason.code if case.exit_reason_id else None


class CaseDetailSerializer(CaseSerializer):
    """The detail adds which transitions the caller may fire now (`allowed_transitions`) and the MIT-3
    summons status (`consecutive_missed_summons`, `reachability`; from `duties.selectors`)."""

    allowed_transitions = serializers.SerializerMethodField()
    consecutive_missed_summons = serializers.SerializerMethodField()
    reachability = serializers.SerializerMethodField()

    class Meta(CaseSerializer.Meta):
        fields = [
            *CaseSerializer.Meta.fields,
            "allowed_transitions",
            "consecutive_missed_summons",
            "reachability",
        ]

    def _summons_status(self, case: Case):
        from duties.selectors import summons_status

        cache = self.context.setdefault("_summons_status", {})
        if case.pk not in cache:
            cache[case.pk] = summons_status(case)
        return cache[case.pk]

    @extend_schema_field(OpenApiTypes.INT)
    def get_consecutive_missed_summons(self, case: Case) -> int:
        return self._summons_status(case).consecutive_missed_summons

    @extend_schema_field(serializers.ChoiceField(choices=["reachable", "not_reachable"]))
    def get_reachability(self, case: Case) -> str:
        return str(self._summons_status(case).reachability)

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_allowed_transitions(self, case: Case) -> list[str]:
        from cases.transitions import allowed_names

        return allowed_names(case, self.context["user"])


class IndividualDecisionSerializer(serializers.Serializer):
    reason = text_field()
    teamleitung_consulted_on = StrictDateField(required=False, allow_null=True, default=None)
    # ACC-2: the consulted TL (optional: without it, the one TL of the pAp's team)
    teamleitung = IdField(required=False, allow_null=True, default=None)


class CaseReferSerializer(serializers.Serializer):
    client = IdField()
    fallmanager = IdField()
    reasons = text_field()
    expected_progress = text_field()
    handover_talk_on = StrictDateField(required=False, allow_null=True, default=None)
    handover_kind = serializers.ChoiceField(
        choices=HandoverKind.choices, required=False, default=HandoverKind.PERSONAL
    )
    referred_on = StrictDateField(required=False, allow_null=True, default=None)
    individual_decision = IndividualDecisionSerializer(required=False, allow_null=True, default=None)
    needs = serializers.ListField(
        child=serializers.CharField(max_length=20),
        max_length=100,
        required=False,
        allow_null=True,
        default=None,
    )


class CaseImportSerializer(serializers.Serializer):
    client = IdField()
    fallmanager = IdField()
    admitted_on = StrictDateField()


# --- transitions ----------------------------------------------------------------------------------


class TransitionSerializer(serializers.Serializer):
    """Common to every transition: the effective date (default today) and the version the caller saw."""

    date = StrictDateField(required=False, allow_null=True, default=None)
    version = IdField(required=False, allow_null=True, default=None, max_value=2**31 - 1)

    @classmethod
    def service_kwargs(cls, data: dict) -> dict:
        """The step's own keywords for its service (`cases.transitions`): the body without date/version."""
        return {k: v for k, v in data.items() if k not in ("date", "version")}


class RejectSerializer(TransitionSerializer):
    reason_code = serializers.CharField(max_length=20)
    justification = text_field()


class ReturnToPapSerializer(TransitionSerializer):
    justification = text_field()


class ForwardSerializer(TransitionSerializer):
    to = serializers.CharField(max_length=20)
    justification = text_field()
    detail = text_field(max_length=200)


class DisputeSerializer(TransitionSerializer):
    comment = text_field()


class DecideDisputeSerializer(TransitionSerializer):
    admit = StrictBooleanField()
    comment = text_field()


class OutcomeSerializer(serializers.Serializer):
    """Wirkungsanalyse (EXIT-3); omitted optional figures are prefilled from the case."""

    medical_service_involved = StrictBooleanField()
    health_need = StrictBooleanField(required=False)
    needs_reduced = serializers.IntegerField(min_value=0, max_value=99, required=False)
    social_participation_progress = StrictBooleanField(required=False)


class CloseSerializer(TransitionSerializer):
    exit_reason = serializers.CharField(max_length=20)
    handover_talk_on = StrictDateField(required=False, allow_null=True, default=None)
    handover_pap = IdField(required=False, allow_null=True, default=None)
    outcome = OutcomeSerializer()
    justification = text_field()
    handover_note = text_field()

    @classmethod
    def service_kwargs(cls, data: dict) -> dict:
        pap = data["handover_pap"]
        return {
            "exit_reason_code": data["exit_reason"],
            "handover_talk_on": data["handover_talk_on"],
            "handover_pap": Staff.objects.filter(pk=pap).first() if pap is not None else None,
            "outcome": dict(data["outcome"]),
            "justification": data["justification"],
            "handover_note": data["handover_note"],
        }

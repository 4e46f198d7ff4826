"""Forms of the cases UI. Forms validate shape only; the services enforce the rules and their
`DomainError`s are put back on the form with `add_domain_error`."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.selectors import case_outcome_prefill
from catalog import clock
from catalog.models import ExitReason
from catalog.validators import MAX_TEXT
from org.choices import Role
from org.models import Staff

YES_NO = (("1", _("ja")), ("0", _("nein")))


class DateInput(forms.DateInput):
    """Native date picker; the value travels as ISO date, the page shows dates as d.m.Y."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def text_field(label, *, required=True, help_text="", max_length=MAX_TEXT, rows=4):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def yes_no_field(label, *, help_text=""):
    return forms.TypedChoiceField(
        label=label,
        choices=YES_NO,
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        help_text=help_text,
    )


class TransitionForm(forms.Form):
    """Base of every transition form: the case version (stale tab → conflict) and the effective date."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    date = forms.DateField(
        label=_("Wirksam am"),
        required=False,
        widget=DateInput,
        help_text=_(
            "Standard: heute. Ein Datum in der Vergangenheit ist möglich, eines in der Zukunft nicht."
        ),
    )

    # Service error field → form field (e.g. `outcome.needs_reduced` → `needs_reduced`).
    field_map: dict[str, str] = {}

    def __init__(self, *args, case=None, today: datetime.date | None = None, **kwargs):
        self.case = case
        self.today = today
        super().__init__(*args, **kwargs)
        if case is not None and not self.is_bound:
            self.initial.setdefault("version", case.version)
            self.initial.setdefault("date", today)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"on": data.get("date") or None, "expected_version": data["version"], "today": self.today}


def exit_reason_choices(today: datetime.date):
    choices = [("", _("– bitte wählen –"))]
    for reason in ExitReason.objects.valid_on(today):
        label = reason.label
        if reason.is_integration:
            label = _("%(label)s [Integration]") % {"label": label}
        choices.append((reason.code, label))
    return choices


class CloseForm(TransitionForm):
    """EXIT-1/2/3: exit reason, handover talk with the taking-over pAp, prefilled Wirkungsanalyse."""

    field_map = {
        "outcome.medical_service_involved": "medical_service_involved",
        "outcome.health_need": "health_need",
        "outcome.needs_reduced": "needs_reduced",
        "outcome.social_participation_progress": "social_participation_progress",
    }

    exit_reason = forms.ChoiceField(
        label=_("Beendigungsgrund"),
        help_text=_("Integrationsgründe sind mit [Integration] gekennzeichnet."),
    )
    justification = text_field(
        _("Begründung des Abgangs"), required=False, help_text=_("Pflicht bei „Sonstiges“.")
    )
    handover_talk_on = forms.DateField(
        label=_("Übergabegespräch mit der übernehmenden pAp am"), widget=DateInput, required=False
    )
    handover_pap = forms.ModelChoiceField(
        label=_("Übernehmende pAp"),
        queryset=Staff.objects.none(),
        required=False,
        empty_label=_("– bitte wählen –"),
    )
    handover_note = text_field(
        _("Übergabevermerk (vermittlungsrelevante Informationen)"),
        required=True,
        help_text=_("Die übernehmende pAp kann diesen Vermerk nach dem Abgang lesen."),
    )
    medical_service_involved = yes_no_field(_("Ärztlicher Dienst eingeschaltet"))
    health_need = yes_no_field(_("Gesundheitlicher Handlungsbedarf vorhanden"))
    needs_reduced = forms.IntegerField(
        label=_("Zahl der abgebauten Handlungsbedarfe"), min_value=0, max_value=99
    )
    social_participation_progress = yes_no_field(_("Fortschritt bei der sozialen Teilhabe"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        prefill = (
            case_outcome_prefill(case=self.case) if self.case is not None and not self.is_bound else None
        )
        self.fields["exit_reason"].choices = exit_reason_choices(clock.today(self.today))
        if self.case is not None:
            self.fields["handover_pap"].queryset = Staff.objects.filter(
                role=Role.PAP, is_active=True, team__site_id=self.case.client.site_id
            ).order_by("last_name", "first_name")
        if prefill and not self.is_bound:
            self.initial.setdefault("health_need", "1" if prefill.health_need else "0")
            self.initial.setdefault("needs_reduced", prefill.needs_reduced)
            self.initial.setdefault("medical_service_involved", "0")
            self.initial.setdefault("social_participation_progress", "0")
            if self.case is not None and self.case.referred_by_id:
                self.initial.setdefault("handover_pap", self.case.referred_by_id)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            **super().service_kwargs(),
            "exit_reason_code": data["exit_reason"],
            "justification": data.get("justification") or "",
            "handover_talk_on": data.get("handover_talk_on"),
            "handover_pap": data.get("handover_pap"),
            "handover_note": data.get("handover_note") or "",
            "outcome": {
                "medical_service_involved": data["medical_service_involved"],
                "health_need": data["health_need"],
                "needs_reduced": data["needs_reduced"],
                "social_participation_progress": data["social_participation_progress"],
            },
        }

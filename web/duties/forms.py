"""UI forms of appointments and notices: they check the shape; `duties.services` enforces the rules and
its errors go on the form."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.validators import MAX_TEXT
from duties.choices import AppointmentKind, ExamService, NoticeKind, Outcome
from web.plans.forms import DateInput


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


class AppointmentForm(forms.Form):
    date = forms.DateField(label=_("Datum"), widget=DateInput())
    time = forms.TimeField(label=_("Uhrzeit"), widget=TimeInput(), initial=datetime.time(10, 0))
    kind = forms.ChoiceField(label=_("Art"), choices=AppointmentKind.choices, initial=AppointmentKind.OFFICE)
    is_summons = forms.BooleanField(label=_("Meldeaufforderung (mit Rechtsfolgenbelehrung)"), required=False)
    invited_on = forms.DateField(label=_("eingeladen am"), widget=DateInput(), required=False)
    place = forms.CharField(label=_("Ort"), max_length=200, required=False)
    purpose = forms.CharField(label=_("Anlass"), max_length=300, required=False)

    def payload(self) -> dict:
        d = self.cleaned_data
        starts_at = timezone.make_aware(datetime.datetime.combine(d["date"], d["time"]))
        return {
            "starts_at": starts_at,
            "kind": d["kind"],
            "is_summons": d["is_summons"],
            "invited_on": d.get("invited_on"),
            "place": d.get("place", ""),
            "purpose": d.get("purpose", ""),
        }


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Ergebnis"), choices=Outcome.choices)
    reason = forms.CharField(label=_("wichtiger Grund"), max_length=MAX_TEXT, required=False)


class NoticeForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Meldung"),
        choices=[
            (NoticeKind.MELDEVERSAEUMNIS, NoticeKind.MELDEVERSAEUMNIS.label),
            (NoticeKind.NICHT_ERREICHBAR, NoticeKind.NICHT_ERREICHBAR.label),
        ],
    )
    hearing_on = forms.DateField(label=_("Anhörung am"), widget=DateInput(), required=False)
    exam_offered_on = forms.DateField(
        label=_("Untersuchung (ÄD/BPS) angeboten am"), widget=DateInput(), required=False
    )
    exam_not_offered_reason = forms.CharField(
        label=_("oder: warum keine Untersuchung angeboten wurde"), max_length=MAX_TEXT, required=False
    )


class AnswerForm(forms.Form):
    answered_on = forms.DateField(label=_("Antwort am"), widget=DateInput())
    reduction_found = forms.TypedChoiceField(
        label=_("Minderung festgestellt"),
        choices=[("no", _("nein")), ("yes", _("ja"))],
        coerce=lambda v: v == "yes",
    )
    reduction_from = forms.DateField(label=_("Minderung ab"), widget=DateInput(), required=False)
    reduction_to = forms.DateField(label=_("Minderung bis"), widget=DateInput(), required=False)


class ObligationForm(forms.Form):
    issued_on = forms.DateField(label=_("erlassen am"), widget=DateInput())
    steps = forms.CharField(
        label=_("Schritte, die umzusetzen sind"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    hearing_on = forms.DateField(label=_("Anhörung am"), widget=DateInput(), required=False)


class ExamForm(forms.Form):
    service = forms.ChoiceField(label=_("Dienst"), choices=ExamService.choices)
    question = forms.CharField(label=_("Fragestellung"), max_length=MAX_TEXT)
    offered_on = forms.DateField(label=_("angeboten am"), widget=DateInput())
    consent_given_on = forms.DateField(
        label=_("Schweigepflichtentbindung am"), widget=DateInput(), required=False
    )
    commissioned_on = forms.DateField(label=_("beauftragt am"), widget=DateInput(), required=False)


class ConciliationForm(forms.Form):
    """MIT-5 (until 2026-06-30): the Schlichtungsverfahren — started on the client's request, then ended."""

    requested_on = forms.DateField(label=_("Schlichtung beantragt am"), widget=DateInput())
    ended_on = forms.DateField(label=_("Schlichtung beendet am"), widget=DateInput(), required=False)


class DutyNoticeForm(forms.Form):
    """MIT-5: the notice of a possible Pflichtverletzung to the benefits department."""

    act_on = forms.DateField(label=_("Pflichtverletzung am"), widget=DateInput())
    hearing_on = forms.DateField(label=_("Anhörung am"), widget=DateInput())


class ExamResultForm(forms.Form):
    """MIT-6: the result as work-relevant limitations and the Leistungsbild — no diagnosis."""

    result_on = forms.DateField(label=_("Ergebnis vom"), widget=DateInput())
    limitations = forms.CharField(
        label=_("Arbeitsrelevante Einschränkungen"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    capacity = forms.CharField(
        label=_("Leistungsbild"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )

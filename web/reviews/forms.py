"""Forms check the shape; `reviews.services` enforce the rules and their errors are shown on the form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.choices import ReviewDecision


class DocumentForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Entscheidung"), choices=ReviewDecision.choices, widget=forms.RadioSelect, initial="continue"
    )
    reasons = forms.CharField(
        label=_("Begründung"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    prognosis = forms.CharField(
        label=_("Prognose (erwartete Perspektive)"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class TeamleitungForm(forms.Form):
    ACTIONS = ("acknowledge", "approve", "decline")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS], widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Kommentar"), max_length=10_000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AccessCheckForm(forms.Form):
    on = forms.DateField(label=_("Geprüft am"), widget=forms.DateInput(attrs={"type": "date"}))
    result = forms.CharField(
        label=_("Ergebnis der Prüfung"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 2})
    )

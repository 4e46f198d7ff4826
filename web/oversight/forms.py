"""Forms of the TL's oversight (ACC-4) and of the talk about a rejection (CLR-4)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.validators import MAX_TEXT
from org.choices import Role
from org.models import Staff


class DateInput(forms.DateInput):
    input_type = "date"


class RejectionTalkForm(forms.Form):
    talk_on = forms.DateField(label=_("Gespräch am"), widget=DateInput)
    note = forms.CharField(
        label=_("Ergebnis des Gesprächs"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Gründe der Ablehnung, wie sie mit der pAp erörtert wurden, und ob Einigkeit besteht."),
    )


class ResponsiblePapForm(forms.Form):
    pap = forms.ModelChoiceField(label=_("Zuständige pAp"), queryset=Staff.objects.none(), empty_label=None)

    def __init__(self, *args, site_id: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pap"].queryset = Staff.objects.filter(
            role=Role.PAP, is_active=True, team__site_id=site_id
        ).order_by("last_name", "first_name")

"""Forms for the substitution and handover pages (SUB-1, SUB-3). Shape only; rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from org.choices import Role
from org.models import Staff


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class FMChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.get_full_name() or obj.username} ({obj.team})"


class SubstitutionForm(forms.Form):
    absent = FMChoiceField(label=_("Abwesende Fallmanager*in"), queryset=Staff.objects.none())
    substitute = FMChoiceField(label=_("Vertretung"), queryset=Staff.objects.none())
    starts_on = forms.DateField(label=_("von"), widget=DateInput())
    ends_on = forms.DateField(label=_("bis einschließlich"), widget=DateInput())

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        fms = Staff.objects.filter(role=Role.FALLMANAGER, is_active=True, team__in=teams).select_related(
            "team"
        )
        self.fields["absent"].queryset = fms
        # SUB-1: the substitute may come from another team of the same site (its TL agrees as well)
        self.fields["substitute"].queryset = Staff.objects.filter(
            role=Role.FALLMANAGER, is_active=True, team__site__in=teams.values("site")
        ).select_related("team")


class TransferForm(forms.Form):
    to_fallmanager = FMChoiceField(label=_("Neue Fallmanager*in"), queryset=Staff.objects.none())
    on = forms.DateField(label=_("Abgabe am"), widget=DateInput())
    three_way_talk = forms.BooleanField(label=_("Dreiergespräch geführt (optional)"), required=False)
    continued_care_until = forms.DateField(
        label=_("Weiterbetreuung durch die bisherige Fallmanager*in bis (optional, höchstens 92 Tage)"),
        required=False,
        widget=DateInput(),
        help_text=_("Wirksam erst, wenn auch die andere Teamleitung zustimmt."),
    )

    def __init__(self, *args, exclude_pk, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_fallmanager"].queryset = (
            Staff.objects.filter(role=Role.FALLMANAGER, is_active=True, team__isnull=False)
            .exclude(pk=exclude_pk)
            .select_related("team", "team__site")
            .order_by("team__site__name", "last_name")
        )

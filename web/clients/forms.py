"""Forms of the client area: contact data (WORK-4). Shape only; the checks live in the service."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.choices import HouseholdRole


class ContactForm(forms.Form):
    prefix = "contact"

    street = forms.CharField(label=_("Straße und Hausnummer"), max_length=120, required=False)
    postcode = forms.CharField(
        label=_("Postleitzahl"),
        max_length=5,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    city = forms.CharField(label=_("Ort"), max_length=80, required=False)
    phone = forms.CharField(
        label=_("Telefon"), max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    email = forms.CharField(
        label=_("E-Mail"), max_length=254, required=False, widget=forms.TextInput(attrs={"type": "email"})
    )
    preferred_language = forms.CharField(label=_("Bevorzugte Sprache"), max_length=40, required=False)
    interpreter_needed = forms.BooleanField(label=_("Dolmetschung erforderlich"), required=False)
    household_role = forms.ChoiceField(
        label=_("Rolle in der Bedarfsgemeinschaft"),
        choices=[("", "–"), *HouseholdRole.choices],
        required=False,
    )

    # service field → form field (add_domain_error)
    field_map = {
        name: name
        for name in (
            "street",
            "postcode",
            "city",
            "phone",
            "email",
            "preferred_language",
            "interpreter_needed",
            "household_role",
        )
    }

    @classmethod
    def for_client(cls, client, data=None):
        initial = {name: getattr(client, name) for name in cls.field_map}
        return cls(data, initial=initial)

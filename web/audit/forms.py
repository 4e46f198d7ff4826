from django import forms
from django.utils.translation import gettext_lazy as _


class AccessLogFilterForm(forms.Form):
    q = forms.CharField(label=_("Kundennummer oder Name"), required=False, max_length=100, strip=True)
    client = forms.IntegerField(label=_("Kund*in-ID"), required=False, min_value=1, max_value=2**62)
    user = forms.IntegerField(label=_("Mitarbeiter*in-ID"), required=False, min_value=1, max_value=2**62)
    date_from = forms.DateField(
        label=_("von"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(label=_("bis"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("Das Ende liegt vor dem Beginn."))
        if start and start.year < 2000 or end and end.year > 2100:
            self.add_error("date_from", _("Bitte einen Zeitraum zwischen 2000 und 2100 angeben."))
        return data

    def has_filter(self) -> bool:
        return any(self.cleaned_data.get(k) for k in ("q", "client", "user"))


class OTPTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Einmalcode aus Ihrer Authenticator-App"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class EnrolmentCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Einrichtungscode"),
        help_text=_("Den Code erhalten Sie von der Administration, z. B. ABCD-EFGH-JKLM."),
        min_length=12,
        max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

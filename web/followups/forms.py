from django import forms
from django.utils.translation import gettext_lazy as _

from followups.models import NOTE_MAX
from web.cases.forms import DateInput


class FollowUpForm(forms.Form):
    due_on = forms.DateField(label=_("Wiedervorlage am"), widget=DateInput())
    note = forms.CharField(
        label=_("Was ist zu tun?"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )

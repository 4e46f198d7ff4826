"""Forms of notes and documents (WORK-5): shape only; the rules are in `records.services`."""

from django import forms
from django.utils.translation import gettext_lazy as _

from records.choices import DocumentKind
from records.services import NOTE_MAX


class NoteForm(forms.Form):
    prefix = "note"
    date = forms.DateField(
        label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    text = forms.CharField(label=_("Vermerk"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 3}))
    field_map = {"date": "date", "text": "text"}


class CorrectionForm(forms.Form):
    prefix = "correction"
    text = forms.CharField(
        label=_("Berichtigung"), max_length=NOTE_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )
    field_map = {"text": "text"}


class DocumentForm(forms.Form):
    prefix = "document"
    file = forms.FileField(
        label=_("Datei (PDF, PNG oder JPEG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
    title = forms.CharField(label=_("Titel"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Art"), choices=DocumentKind.choices, initial=DocumentKind.OTHER)
    field_map = {"file": "file", "title": "title", "kind": "kind"}

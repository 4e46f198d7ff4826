"""The plan sections' field markup: the control inside its label, no duplicate ids, errors announced."""

from django import forms
from django.template import Context, Template


class _Form(forms.Form):
    note = forms.CharField(
        label="Notiz <b>", help_text="kurz & knapp", widget=forms.Textarea(attrs={"rows": 2})
    )
    on = forms.DateField(label="am", required=False)


def render(field) -> str:
    return Template("{% load plans_fields %}{% plans_field f %}").render(Context({"f": field}))


def test_field_sits_in_its_label_without_id_and_escapes_texts():
    html = render(_Form()["note"])
    assert html.startswith(
        '<div class="plans-field">\n  <label>Notiz &lt;b&gt; <span aria-hidden="true">*</span>'
    )
    assert '<span class="help">kurz &amp; knapp</span>' in html
    assert '<textarea name="note" cols="40" rows="2" required>\n</textarea></label>' in html
    assert ' id="' not in html and "aria-describedby" not in html


def test_field_errors_are_listed_for_screen_readers():
    form = _Form({"note": "", "on": "kaputt"})
    assert not form.is_valid()
    html = render(form["on"])
    assert f'<ul class="errorlist" role="alert"><li>{form.errors["on"][0]}</li></ul>' in html
    assert "<span aria-hidden" not in html  # not required

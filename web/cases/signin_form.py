"""The sign-in form: an over-long or malformed user name is a form error, not a 500 (issue 15 finding
10). Django's AuthenticationForm authenticates even when the user-name field failed its own checks,
so a 300-character name reached the lockout log (django-axes, 255 characters) and broke the insert."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext as _


class SignInForm(AuthenticationForm):
    def clean_username(self):
        # AuthenticationForm sets the field's max_length after the field built its validators: check here.
        username = self.cleaned_data.get("username") or ""
        limit = self.fields["username"].max_length or 150
        if len(username) > limit:
            raise forms.ValidationError(
                _("Der Benutzername ist zu lang (höchstens %(n)s Zeichen).") % {"n": limit}, code="max_length"
            )
        return username

    def clean(self):
        if self.errors:  # the fields' own checks failed (length, NUL): nothing to authenticate
            return self.cleaned_data
        return super().clean()

"""Domain errors raised by services; the API and the UI both render them (API.md "Errors")."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django import forms


class DomainError(Exception):
    """A rule or state refuses the action. `code` is the machine code of API.md, `message` German."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}

    def as_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


class InvalidInput(DomainError):
    """400: the input is malformed or breaks a rule about input (`access_criteria_not_met`, …)."""

    status = 400


class Conflict(DomainError):
    """409: the current state forbids the action (`transition_not_allowed`, `concurrent_update`, …)."""

    status = 409
    code = "transition_not_allowed"


class NotPermitted(DomainError):
    """403: the role may never do this."""

    status = 403
    code = "permission_denied"


class NotFound(DomainError):
    """404: does not exist or is outside the caller's scope."""

    status = 404
    code = "not_found"


def add_domain_error(form: forms.Form, error: DomainError, field_map: dict[str, str] | None = None) -> None:
    """Show a service's refusal on a form (the one helper of every page): the message on top, the
    per-field messages at their visible fields, the others on top as well.

    `field_map` translates service field names (e.g. `individual_decision.reason`) to form field names."""
    field_map = field_map or {}
    form.add_error(None, error.message)
    for name, messages in (error.fields or {}).items():
        target = field_map.get(name, name)
        for message in messages:
            if target in form.fields and not form.fields[target].widget.is_hidden:
                form.add_error(target, message)
            elif message != error.message:
                form.add_error(None, message)

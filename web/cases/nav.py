"""Navigation entries of the cases app by role (docs/architecture.md)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from org.choices import Role


def items(user) -> list[dict]:
    if user.role == Role.FALLMANAGER:
        return [{"label": _("Meine Fälle"), "url": reverse("case-list"), "order": 10}]
    if user.role == Role.PAP:
        return [{"label": _("Meine Zuweisungen"), "url": reverse("case-list"), "order": 20}]
    if user.role == Role.TEAMLEITUNG:
        return [{"label": _("Team"), "url": reverse("case-list"), "order": 20}]
    return []

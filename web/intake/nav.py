"""Navigation entries of the intake app by role (docs/architecture.md)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from org.choices import Role


def items(user) -> list[dict]:
    if user.role == Role.PAP:
        return [{"label": _("Kund*innen suchen"), "url": reverse("client-search"), "order": 10}]
    if user.role == Role.TEAMLEITUNG:
        return [{"label": _("Widersprüche"), "url": reverse("dispute-list"), "order": 10}]
    return []

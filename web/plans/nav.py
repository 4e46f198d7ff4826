"""Navigation of the plans app: the partner directory."""

from django.urls import reverse
from django.utils.translation import gettext as _

from org.choices import Role


def items(user) -> list[dict]:
    if user.role in (Role.FALLMANAGER, Role.TEAMLEITUNG, Role.BEREICHSLEITUNG, Role.PAP):
        return [{"label": _("Netzwerkpartner"), "url": reverse("plans:partners"), "order": 60}]
    return []

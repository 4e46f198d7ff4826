"""Navigation of the duties app: the FM's calendar."""

from django.urls import reverse
from django.utils.translation import gettext as _

from org.choices import Role


def items(user) -> list[dict]:
    if user.role == Role.FALLMANAGER:
        return [{"label": _("Kalender"), "url": reverse("duties:calendar"), "order": 25}]
    return []

"""Navigation entries of the TL's oversight (ACC-2) and quality view."""

from django.urls import reverse
from django.utils.translation import gettext as _

from org.choices import Role


def items(user) -> list[dict]:
    if user.role != Role.TEAMLEITUNG:
        return []
    return [
        {
            "label": _("Einzelfallentscheidungen"),
            "url": reverse("oversight:individual-decisions"),
            "order": 27,
        },
    ]

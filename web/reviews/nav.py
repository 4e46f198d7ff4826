"""Navigation entries of the reviews app by role."""

from django.urls import reverse
from django.utils.translation import gettext as _

from org.choices import Role


def items(user) -> list[dict]:
    out = []
    if user.role == Role.FALLMANAGER:
        out.append({"label": _("Fortführungsprüfungen"), "url": reverse("reviews:inbox"), "order": 30})
    if user.role == Role.TEAMLEITUNG:
        out.append({"label": _("Zustimmungen"), "url": reverse("reviews:inbox"), "order": 25})
    out.append({"label": _("Erinnerungen"), "url": reverse("reviews:reminders"), "order": 90})
    return out

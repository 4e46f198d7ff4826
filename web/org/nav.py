from django.urls import reverse
from django.utils.translation import gettext as _

from org.choices import Role


def items(user) -> list[dict]:
    if user.role != Role.TEAMLEITUNG:
        return []
    return [{"label": _("Vertretungen"), "url": reverse("org:substitutions"), "order": 60}]

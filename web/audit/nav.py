from django.urls import reverse
from django.utils.translation import gettext as _

from org.choices import Role


def items(user) -> list[dict]:
    if user.role == Role.ADMIN:
        return [{"label": _("Konten und zweiter Faktor"), "url": reverse("audit:accounts"), "order": 82}]
    if user.role != Role.DATENSCHUTZ:
        return []
    return [
        {"label": _("Zugriffsprotokoll"), "url": reverse("audit:access-log"), "order": 80},
        {"label": _("Löschläufe"), "url": reverse("audit:purge-runs"), "order": 81},
        {"label": _("Auskunft"), "url": reverse("audit:subject-access"), "order": 82},
    ]

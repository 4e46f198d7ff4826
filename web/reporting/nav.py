"""Navigation entries of the reporting app by role (docs/architecture.md)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from reporting.selectors import DASHBOARD_ROLES, REPORT_ROLES


def items(user) -> list[dict]:
    out = []
    if user.role in DASHBOARD_ROLES:
        out.append({"label": _("Steuerung"), "url": reverse("reporting:dashboard"), "order": 40})
        out.append({"label": _("Qualität"), "url": reverse("reporting:quality"), "order": 41})
    if user.role in REPORT_ROLES:
        out.append({"label": _("Monatsbericht"), "url": reverse("reporting:monthly"), "order": 50})
    return out

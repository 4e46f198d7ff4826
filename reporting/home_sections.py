"""Start page sections of the reporting app (docs/architecture.md "UI composition hooks")."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from org.choices import Role
from reporting.selectors import (
    DASHBOARD_ROLES,
    last_complete_month,
    leadership_dashboard,
    monthly_report_find,
)


def sections(*, user, today: datetime.date, shared: dict | None = None) -> list[dict]:
    if user.role in DASHBOARD_ROLES:
        # The TL's caseload section (cases) already read her FMs with their caseload: reuse them.
        fms = (shared or {}).get("tl_fms")
        board = leadership_dashboard(user=user, today=today, fms=fms)
        if shared is not None:
            shared["leadership_dashboard"] = board  # e.g. for the reviews section's TL counts
        return [
            {
                "title": _("Steuerung auf einen Blick"),
                "template": "reporting/sections/home_lead.html",
                "order": 30,
                "context": {"board": board, "dashboard_url": reverse("reporting:dashboard")},
            }
        ]
    if user.role == Role.CONTROLLING:
        month = last_complete_month(today)
        return [
            {
                "title": _("Monatsbericht"),
                "template": "reporting/sections/home_controlling.html",
                "order": 10,
                "context": {
                    "month": month,
                    "report": monthly_report_find(month=month),
                    "report_url": reverse("reporting:monthly"),
                },
            }
        ]
    return []

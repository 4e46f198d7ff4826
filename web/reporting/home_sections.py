"""Start page sections of the reporting app (composed in `web.pages`)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from org.choices import Role
from reporting.selectors import (
    DASHBOARD_ROLES,
    last_complete_month,
    leadership_dashboard,
    monthly_report_find,
)
from web.sections import Section, StartPage


def sections(page: StartPage) -> list[Section]:
    user, today = page.user, page.today
    if user.role in DASHBOARD_ROLES:
        # The TL's caseload section (cases) already read her FMs with their caseload: reuse them.
        board = leadership_dashboard(user=user, today=today, fms=page.tl_fms)
        page.leadership_dashboard = board
        return [
            Section(
                title=_("Steuerung auf einen Blick"),
                template="reporting/sections/home_lead.html",
                order=30,
                context={"board": board, "dashboard_url": reverse("reporting:dashboard")},
            )
        ]
    if user.role == Role.CONTROLLING:
        month = last_complete_month(today)
        return [
            Section(
                title=_("Monatsbericht"),
                template="reporting/sections/home_controlling.html",
                order=10,
                context={
                    "month": month,
                    "report": monthly_report_find(month=month),
                    "report_url": reverse("reporting:monthly"),
                },
            )
        ]
    return []

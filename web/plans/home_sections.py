"""Start page: "Kontaktlücken" (PLAN-5) for FM and TL."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _

from audit import gate
from cases import access
from org.choices import Role
from plans import selectors
from web.sections import Section, StartPage


def sections(page: StartPage) -> list[Section]:
    user, today = page.user, page.today
    if not selectors.sees_contact_gaps(user):
        return []
    if user.role == Role.FALLMANAGER and page.worklist is not None:
        return []  # her contact gaps are items of the worklist ("Heute") above
    rows, total = selectors.contact_gap_cases(user, today=today)
    cases = [row["case"] for row in rows]
    gate.shown(cases, user=user, action="case.list", capacity=access.row_capacity(user))  # DP-2
    return [
        Section(
            title=_("Kontaktlücken"),
            template="plans/home_contact_gaps.html",
            context={
                "rows": rows,
                "total": total,
                "gap_days": settings.FM["CONTACT_GAP_DAYS"],
                "show_fm": user.role != "fallmanager",
            },
            order=40,
        )
    ]

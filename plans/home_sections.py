"""Start page: "Kontaktlücken" (PLAN-5) for FM and TL."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from plans import selectors


def sections(*, user, today: datetime.date) -> list[dict]:
    if not selectors.sees_contact_gaps(user):
        return []
    rows, total = selectors.contact_gap_cases(user, today=today)
    return [
        {
            "title": _("Kontaktlücken"),
            "template": "plans/home_contact_gaps.html",
            "context": {
                "rows": rows,
                "total": total,
                "gap_days": settings.FM["CONTACT_GAP_DAYS"],
                "show_fm": user.role != "fallmanager",
            },
            "order": 40,
        }
    ]

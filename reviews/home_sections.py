"""Start page sections of the reviews app: FM — reviews due/overdue and open reminders; TL — what waits
for her decision and cases beyond 24 months (REV-5); everyone else — open reminders."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from org.choices import Role
from reviews import selectors


def sections(*, user, today: datetime.date) -> list[dict]:
    context: dict = {"reminder_count": selectors.open_reminder_count(user=user), "today": today}
    if user.role == Role.FALLMANAGER:
        due = list(selectors.reviews_due_for_fm(user=user, today=today)[:50])
        context.update(
            {
                "reviews_due": due,
                "overdue_count": sum(1 for r in due if r.due_on < today),
                "is_fm": True,
            }
        )
    elif user.role == Role.TEAMLEITUNG:
        context.update(
            {
                "pending_count": selectors.reviews_waiting_for_teamleitung(user=user, today=today).count(),
                "long_count": selectors.cases_beyond_months(user=user, today=today).count(),
                "is_tl": True,
            }
        )
    elif not context["reminder_count"]:
        return []
    return [
        {
            "title": _("Prüfungen und Erinnerungen"),
            "template": "reviews/home_section.html",
            "context": context,
            "order": 20,
        }
    ]

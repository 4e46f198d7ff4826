"""Case page section "Wiedervorlagen" (WORK-1): the open follow-ups with done/cancel, the last closed ones,
and for the case's FM (or her substitute) a compact htmx form. One query."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from cases.access import is_case_fm
from cases.choices import OPEN_STATES
from followups import selectors
from org.choices import Role
from web.followups.forms import FollowUpForm
from web.sections import CasePage, Section

READ_ROLES = (Role.FALLMANAGER, Role.TEAMLEITUNG)


def followups_context(
    case, user, today: datetime.date, *, form=None, saved: str = "", error: str = ""
) -> dict:
    opened, closed = selectors.split_open_closed(list(selectors.case_followups(case)))
    can_write = case.state in OPEN_STATES and is_case_fm(case, user, today=today)
    default_day = today + datetime.timedelta(days=7)
    return {
        "case": case,
        "today": today,
        "open": opened,
        "closed": closed,
        "can_write": can_write,
        "form": (form or FollowUpForm(initial={"due_on": default_day})) if can_write else None,
        "saved": saved,
        "error": error,
    }


def sections(page: CasePage) -> list[Section]:
    if page.user.role not in READ_ROLES:
        return []
    return [
        Section(
            title=_("Wiedervorlagen"),
            template="followups/section.html",
            context=followups_context(page.case, page.user, page.today),
            order=36,
        )
    ]

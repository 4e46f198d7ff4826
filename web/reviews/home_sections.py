"""Start page sections of the reviews app: FM — reviews due/overdue and open reminders; TL — what waits
for her decision and cases beyond 24 months (REV-5); everyone else — open reminders."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from cases.choices import CaseState
from catalog import periods
from org.choices import Role
from reviews import selectors
from reviews.choices import ReviewState
from web.sections import Section, StartPage

DUE_LIMIT = 50


def _due_from_open_cases(cases, today: datetime.date) -> list[dict]:
    """The FM's undocumented reviews due within the lead time, from the open cases the caseload section
    already read with their review rows (`page.fm_open_cases`: `cases.selectors.OpenCaseRow`s) —
    what `reviews_due_for_fm` returns."""
    horizon = periods.reminder_horizon(today)
    due = [
        {
            "case_id": case.pk,
            "name": f"{case.client_last_name}, {case.client_first_name}",
            "month": row.month,
            "due_on": row.due_on,
            "pk": row.id,
        }
        for case in cases
        if case.state == CaseState.ACTIVE
        for row in getattr(case, "_review_rows", None) or ()
        if row.state == ReviewState.DUE and row.due_on <= horizon
    ]
    due.sort(key=lambda r: (r["due_on"], r["pk"]))
    return due[:DUE_LIMIT]


def sections(page: StartPage) -> list[Section]:
    user, today = page.user, page.today
    if user.role in (Role.FALLMANAGER, Role.TEAMLEITUNG) and page.worklist is not None:
        # The worklist ("Heute") above lists her reviews and approvals and counts her reminders; the
        # TL's figures (waiting for her, beyond 24 months) are on the leadership dashboard section.
        return []
    context: dict = {"reminder_count": selectors.open_reminder_count(user=user), "today": today}
    if user.role == Role.FALLMANAGER:
        open_cases = page.fm_open_cases
        if open_cases is not None:
            due = _due_from_open_cases(open_cases, today)
        else:
            due = [
                {
                    "case_id": r.case_id,
                    "name": f"{r.case.client.last_name}, {r.case.client.first_name}",
                    "month": r.month,
                    "due_on": r.due_on,
                    "pk": r.pk,
                }
                for r in selectors.reviews_due_for_fm(user=user, today=today)[:DUE_LIMIT]
            ]
        context.update(
            {
                "reviews_due": due,
                "overdue_count": sum(1 for r in due if r["due_on"] < today),
                "is_fm": True,
            }
        )
    elif user.role == Role.TEAMLEITUNG:
        counts = selectors.teamleitung_counts(user=user, today=today)
        context.update({"pending_count": counts["pending"], "long_count": counts["long"], "is_tl": True})
    elif not context["reminder_count"]:
        return []
    return [
        Section(
            title=_("Prüfungen und Erinnerungen"),
            template="reviews/home_section.html",
            context=context,
            order=20,
        )
    ]

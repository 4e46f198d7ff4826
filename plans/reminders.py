"""The reminder kind of the plans app, declared for the engine (`reminders.engine`) and composed in
`jobs.daily`: PLAN-3 (the agreement is reviewed at the latest by its review date). A new agreement counts
as a changed case for the incremental daily job."""

# ruff: noqa: S608 - SQL from constants only
from __future__ import annotations

from reminders.choices import ReminderKind
from reminders.engine import CaseReminderSource

CHANGED_CASES_SQL = ("SELECT a.case_id FROM plans_agreement a WHERE a.created_at >= %(changed_since)s",)


def case_reminders() -> tuple[CaseReminderSource, ...]:
    return (
        # PLAN-3: the current agreement (not waived, not superseded) is reviewed at the latest by review_due_on.
        CaseReminderSource(
            ReminderKind.AGREEMENT_REVIEW_DUE,
            "PLAN-3",
            """
            SELECT c.id AS case_id, c.client_id, c.fallmanager_id, a.review_due_on AS due_on, false AS notify_tl
            FROM plans_agreement a JOIN cases_case c ON c.id = a.case_id
            WHERE a.waived = false AND a.superseded_on IS NULL AND a.review_due_on <= %(horizon)s
              AND c.state = 'active' AND {cond}
            """,
            window="a.review_due_on >= %(review_since)s",
            changed="a.case_id IN (SELECT id FROM _dj_cases)",
            recipients="the case's FM",
        ),
    )

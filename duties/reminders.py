"""The reminder kind of the duties app, declared for the engine (`reminders.engine`) and composed in
`jobs.daily`: MIT-2 (an appointment's outcome still missing 3 working days after it; the due day is
stored on the appointment, computed with the public holidays when it is planned). A new or changed
appointment counts as a changed case for the incremental daily job."""

# ruff: noqa: S608 - SQL from constants only
from __future__ import annotations

from reminders.choices import ReminderKind
from reminders.engine import CaseReminderSource

CHANGED_CASES_SQL = ("SELECT a.case_id FROM duties_appointment a WHERE a.updated_at >= %(changed_since)s",)


def case_reminders() -> tuple[CaseReminderSource, ...]:
    return (
        # MIT-2: the outcome of a held appointment is missing on its due day (3 working days later).
        CaseReminderSource(
            ReminderKind.APPOINTMENT_OUTCOME_DUE,
            "MIT-2",
            """
            SELECT c.id AS case_id, c.client_id, c.fallmanager_id, a.outcome_due_on AS due_on, false AS notify_tl
            FROM duties_appointment a JOIN cases_case c ON c.id = a.case_id
            WHERE a.outcome = '' AND a.outcome_due_on <= %(on)s
              AND c.state IN ('clearing', 'active') AND {cond}
            """,
            window="a.outcome_due_on >= %(overdue_from)s",
            changed="a.case_id IN (SELECT id FROM _dj_cases)",
            recipients="the case's FM",
        ),
    )

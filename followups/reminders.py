"""The reminder kind of Wiedervorlagen, declared for the engine (`reminders.engine`) and composed in
`jobs.daily`: REV-6 for follow-ups (WORK-1) — to the case's FM from 14 days before the date until the
follow-up is done or cancelled. A changed follow-up counts as a changed case for the incremental job."""

# ruff: noqa: S608 - SQL from constants only
from __future__ import annotations

from cases.choices import OPEN_STATES
from reminders.choices import ReminderKind
from reminders.engine import CHANGED_CASES, CaseReminderSource

CHANGED_CASES_SQL = ("SELECT f.case_id FROM followups_followup f WHERE f.updated_at >= %(changed_since)s",)


def case_reminders() -> tuple[CaseReminderSource, ...]:
    open_states = ", ".join(f"'{s.value}'" for s in OPEN_STATES)
    return (
        CaseReminderSource(
            ReminderKind.FOLLOWUP_DUE,
            "WORK-1",
            f"""
            SELECT DISTINCT c.id AS case_id, c.client_id, c.fallmanager_id, f.due_on, false AS notify_tl
            FROM followups_followup f JOIN cases_case c ON c.id = f.case_id
            WHERE f.state = 'open' AND f.due_on <= %(horizon)s AND c.state IN ({open_states}) AND {{cond}}
            """,
            window="f.due_on >= %(review_since)s",
            changed=f"f.case_id IN {CHANGED_CASES}",
            recipients="the case's FM",
        ),
    )

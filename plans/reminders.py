"""The reminder kind of the plans app, declared for the engine (`reminders.engine`) and composed in
`jobs.daily`: PLAN-3 (the agreement is reviewed at the latest by its review date). A new agreement counts
as a changed case for the incremental daily job."""

# ruff: noqa: S608 - SQL from constants only
from __future__ import annotations

from catalog import periods
from reminders.choices import ReminderKind
from reminders.engine import CaseReminderSource

CHANGED_CASES_SQL = ("SELECT a.case_id FROM plans_agreement a WHERE a.created_at >= %(changed_since)s",)


# An imported case: 4 weeks after the import (its agreement is recorded here from then on).
_missing_due = periods.agreement_missing_due_on_sql("GREATEST(c.admitted_on, c.imported_on)")
_waived_due = periods.waived_agreement_recheck_on_sql("a.recorded_on", "%(horizon)s::date")


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
        # PLAN-3, REV-6: … and again once the review date passed (still the current agreement).
        CaseReminderSource(
            ReminderKind.AGREEMENT_REVIEW_OVERDUE,
            "PLAN-3",
            """
            SELECT c.id AS case_id, c.client_id, c.fallmanager_id, a.review_due_on AS due_on, false AS notify_tl
            FROM plans_agreement a JOIN cases_case c ON c.id = a.case_id
            WHERE a.waived = false AND a.superseded_on IS NULL AND a.review_due_on < %(on)s
              AND c.state = 'active' AND {cond}
            """,
            window="a.review_due_on >= %(overdue_from)s",
            changed="a.case_id IN (SELECT id FROM _dj_cases)",
            recipients="the case's FM",
        ),
        # PLAN-3: an active case with neither an agreement nor a justified waiver 4 weeks after admission.
        CaseReminderSource(
            ReminderKind.AGREEMENT_MISSING,
            "PLAN-3",
            f"""
            SELECT c.id AS case_id, c.client_id, c.fallmanager_id, {_missing_due} AS due_on,
                   false AS notify_tl
            FROM cases_case c
            WHERE c.state = 'active' AND c.admitted_on IS NOT NULL AND {_missing_due} <= %(horizon)s
              AND NOT EXISTS (SELECT 1 FROM plans_agreement a WHERE a.case_id = c.id)
              AND {{cond}}
            """,
            window=f"""(c.admitted_on >= %(overdue_from)s::date - {periods.AGREEMENT_MISSING_DAYS}
                        OR c.imported_on >= %(overdue_from)s::date - {periods.AGREEMENT_MISSING_DAYS})""",
            recipients="the case's FM",
        ),
        # PLAN-3: a waiver keeps "conclude an agreement" a recurring to-do — one reminder a month.
        CaseReminderSource(
            ReminderKind.AGREEMENT_WAIVED,
            "PLAN-3",
            f"""
            SELECT * FROM (
                SELECT c.id AS case_id, c.client_id, c.fallmanager_id, {_waived_due} AS due_on,
                       false AS notify_tl
                FROM plans_agreement a JOIN cases_case c ON c.id = a.case_id
                WHERE a.waived AND a.superseded_on IS NULL AND c.state = 'active' AND {{cond}}
            ) w WHERE w.due_on IS NOT NULL
            """,
            window=f"{_waived_due} >= %(overdue_from)s",
            changed="a.case_id IN (SELECT id FROM _dj_cases)",
            recipients="the case's FM",
        ),
    )

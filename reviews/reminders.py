"""The reminder kinds of the continuation reviews, declared for the engine (`reminders.engine`) and composed
in `jobs.daily`: REV-6 (a review due, overdue) and REV-4 (the maximum duration reached); the review rows
themselves (REV-1) are the engine's preparation; new review rows count as a changed case."""

# ruff: noqa: S608 - SQL from constants and settings integers only
from __future__ import annotations

from catalog import periods
from reminders.choices import ReminderKind
from reminders.engine import JOB_ROWS_AT, CaseReminderSource
from reviews.services import review_rows_insert_sql, reviews_mark_missed_sql

# A review row written by the application since the last run (a late admission entry, a case listed with
# `reviews_ensure_for_case`) — not the rows the job itself made (they carry the job's transaction time).
CHANGED_CASES_SQL = (
    f"""SELECT r.case_id FROM reviews_review r
        WHERE r.created_at >= %(changed_since)s AND r.created_at NOT IN {JOB_ROWS_AT}""",
)


def review_rows_create(cursor, params: dict, *, everything: bool) -> dict[str, int]:
    """REV-1: the review rows due by the horizon — in the window (or all active cases in a first run) and
    for every changed case; then REV-7: a review left undocumented when the next one fell due is marked
    missed (all cases: the partial index on undocumented reviews keeps it small). Three statements."""
    cursor.execute(review_rows_insert_sql(everything=everything), {**params, "since": params["review_since"]})
    created = cursor.rowcount
    cursor.execute(review_rows_insert_sql(changed_cases=True), params)
    created += cursor.rowcount
    cursor.execute(reviews_mark_missed_sql(), params)
    return {"reviews": created, "reviews_missed": cursor.rowcount}


def case_reminders() -> tuple[CaseReminderSource, ...]:
    review_select = f"""
        SELECT c.id AS case_id, c.client_id, c.fallmanager_id, r.due_on,
               {periods.teamleitung_takes_part_sql("r.month")} AS notify_tl
        FROM reviews_review r JOIN cases_case c ON c.id = r.case_id
        WHERE r.state = 'due' AND c.state = 'active' AND {{due}} AND {{{{cond}}}}
    """
    max_due = periods.max_duration_reached_on_sql("c.admitted_on")
    max_months = periods.months(periods.Period.MAX_DURATION)
    _lower, upper = periods.months_before_bound_sql("%(on)s::date", max_months)
    overdue_lower, _upper = periods.months_before_bound_sql("%(overdue_from)s::date", max_months)
    changed_reviews = "r.case_id IN (SELECT id FROM _dj_cases)"
    return (
        # REV-6: from 14 days before the due date until it … (REV-3: from 24 months the TL as well)
        CaseReminderSource(
            ReminderKind.REVIEW_DUE,
            "REV-6",
            review_select.format(due="r.due_on >= %(on)s AND r.due_on <= %(horizon)s"),
            window="r.due_on >= %(due_from)s",
            changed=changed_reviews,
        ),
        # … and from the day after it while the review is not documented.
        CaseReminderSource(
            ReminderKind.REVIEW_OVERDUE,
            "REV-6",
            review_select.format(due="r.due_on < %(on)s"),
            window="r.due_on >= %(overdue_from)s",
            changed=changed_reviews,
        ),
        # REV-4: an active case at 36 months or more is escalated to FM and TL.
        CaseReminderSource(
            ReminderKind.MAX_DURATION_REACHED,
            "REV-4",
            f"""
            SELECT c.id AS case_id, c.client_id, c.fallmanager_id, {max_due} AS due_on, true AS notify_tl
            FROM cases_case c
            WHERE c.state = 'active' AND c.admitted_on IS NOT NULL
              AND c.admitted_on <= {upper}
              AND {max_due} <= %(on)s AND {{cond}}
            """,
            window=f"c.admitted_on >= {overdue_lower} AND {max_due} >= %(overdue_from)s",
            recipients="the case's FM and the TLs of her team",
        ),
    )

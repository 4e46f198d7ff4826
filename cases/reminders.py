"""The reminder kinds whose rule belongs to the case lifecycle, declared for the engine (`reminders.engine`)
and composed in `jobs.daily`: CLR-2 (the end of clearing) and ACC-4 (the periodic access check of clients
not in FM); plus what counts as a changed case or client for the incremental daily job."""

# ruff: noqa: S608 - SQL from constants and settings integers only
from __future__ import annotations

from django.conf import settings

from cases.choices import OPEN_STATES
from catalog import periods
from catalog.models import ACCESS_KEY_GROUPS
from reminders.choices import ReminderKind
from reminders.engine import (
    CHANGED_CASES,
    SITES_WITH_CHANGED_PAPS,
    STAFF_WITH_CHANGED_TEAM_LEADS,
    CaseReminderSource,
    ClientReminderSource,
)

# Changed since the last run: the case itself, and the open cases of an FM whose set of TLs changed (the
# TLs are recipients of some kinds — without this, only a full run would give a new TL her reminders).
CHANGED_CASES_SQL = (
    "SELECT c.id FROM cases_case c WHERE c.updated_at >= %(changed_since)s",
    f"""SELECT c.id FROM cases_case c
        WHERE %(changed_since)s IS NOT NULL AND c.state IN ('active', 'clearing')
          AND c.fallmanager_id IN {STAFF_WITH_CHANGED_TEAM_LEADS}""",
)

# ACC-4 candidates besides the date window: the client or a need changed, a case of the client changed,
# the site's pAps changed. (Filled after the changed cases.)
CHANGED_CLIENTS_SQL = (
    "SELECT cl.id FROM cases_client cl WHERE cl.updated_at >= %(changed_since)s",
    "SELECT cn.client_id FROM cases_clientneed cn WHERE cn.updated_at >= %(changed_since)s",
    f"SELECT c.client_id FROM cases_case c WHERE c.id IN {CHANGED_CASES}",
    f"""SELECT cl.id FROM cases_client cl
        WHERE %(changed_since)s IS NOT NULL AND cl.site_id IN {SITES_WITH_CHANGED_PAPS}""",
)


def case_reminders() -> tuple[CaseReminderSource, ...]:
    """CLR-2: clearing ends at the latest 2 calendar months after it started — a reminder to the FM from
    14 days before; once overdue, to the FM and the TL."""
    clearing_due = periods.clearing_ends_on_sql("c.clearing_started_on")
    lower, _upper = periods.months_before_bound_sql(
        "%(due_from)s::date", periods.months(periods.Period.CLEARING)
    )
    overdue_lower, _upper = periods.months_before_bound_sql(
        "%(overdue_from)s::date", periods.months(periods.Period.CLEARING)
    )
    select = """
        SELECT c.id AS case_id, c.client_id, c.fallmanager_id, {due_on} AS due_on, {notify} AS notify_tl
        FROM cases_case c
        WHERE c.state = 'clearing' AND c.clearing_started_on IS NOT NULL AND {due} AND {{cond}}
    """
    return (
        CaseReminderSource(
            ReminderKind.CLEARING_DUE,
            "CLR-2",
            select.format(
                due_on=clearing_due, notify="false", due=f"{clearing_due} BETWEEN %(on)s AND %(horizon)s"
            ),
            # Sargable superset on the clearing start (±3 days of month-end clamping), then the exact rule.
            window=f"c.clearing_started_on >= {lower} AND {clearing_due} >= %(due_from)s",
            recipients="the case's FM",
        ),
        CaseReminderSource(
            ReminderKind.CLEARING_OVERDUE,
            "CLR-2",
            select.format(due_on=clearing_due, notify="true", due=f"{clearing_due} < %(on)s"),
            window=f"c.clearing_started_on >= {overdue_lower} AND {clearing_due} >= %(overdue_from)s",
            recipients="the case's FM and the TLs of her team",
        ),
    )


def _access_check_eligible(incremental: bool, *, overdue: bool = False) -> str:
    """ACC-4: clients who meet the need/forecast part of ACC-1 and have no open case are checked every 6
    months by their responsible pAp (none set: the pAps of their site); due = last check (or creation) +
    6 months.

    Incremental (there was an earlier run): only the *candidates* — clients whose due date entered the
    window since the last run (range scans on `access_checked_on`, resp. `created_at` for clients never
    checked; ±3 days cover month-end clamping) and the changed clients. A first or full run evaluates
    every client."""
    open_states = ", ".join(f"'{s.value}'" for s in OPEN_STATES)
    key_groups = ", ".join(f"'{g.value}'" for g in ACCESS_KEY_GROUPS)
    months = f"make_interval(months => {periods.months(periods.Period.ACCESS_CHECK)})"
    min_needs = int(settings.FM["ACCESS_MIN_NEEDS"])
    candidates = ""
    # ACC-4 due: from the lead window on; REV-6 overdue: once the due date passed.
    since, until = ("%(overdue_from)s", "%(on)s") if overdue else ("%(review_since)s", "%(horizon)s")
    if incremental:
        candidates = f"""
              AND cn.client_id IN (
                  SELECT cl.id FROM cases_client cl
                  WHERE cl.access_checked_on >= ({since}::date - {months} - interval '3 days')::date
                    AND cl.access_checked_on <= ({until}::date - {months} + interval '3 days')::date
                  UNION ALL
                  SELECT cl.id FROM cases_client cl
                  WHERE cl.access_checked_on IS NULL
                    AND cl.created_at >= ({since}::date - {months} - interval '4 days') AT TIME ZONE %(tz)s
                    AND cl.created_at < ({until}::date - {months} + interval '4 days') AT TIME ZONE %(tz)s
                  UNION ALL
                  SELECT id FROM _dj_clients
              )"""
    due_on = periods.access_check_due_on_sql(
        "COALESCE(cl.access_checked_on, (cl.created_at AT TIME ZONE %(tz)s)::date)"
    )
    return f"""needy AS (
            SELECT cn.client_id
            FROM cases_clientneed cn JOIN catalog_need n ON n.id = cn.need_id
            WHERE cn.status = 'open' AND n.active AND n.key_group IN ({key_groups}){candidates}
            GROUP BY cn.client_id
            HAVING count(*) >= {min_needs}
        ), eligible AS (
            SELECT d.client_id, d.site_id, d.due_on, d.pap_id
            FROM (
                SELECT cl.id AS client_id, cl.site_id, cl.responsible_pap_id AS pap_id,
                       {due_on}
                       AS due_on
                FROM cases_client cl JOIN needy ON needy.client_id = cl.id
                WHERE cl.integration_expected_within_12_months = false AND cl.anonymised_on IS NULL
            ) d
            WHERE {"d.due_on < %(on)s" if overdue else "d.due_on <= %(horizon)s"}
              AND NOT EXISTS (
                  SELECT 1 FROM cases_case c WHERE c.client_id = d.client_id AND c.state IN ({open_states})
              )
        )"""


def _access_check_overdue_eligible(incremental: bool) -> str:
    return _access_check_eligible(incremental, overdue=True)


def client_reminders() -> tuple[ClientReminderSource, ...]:
    return (
        ClientReminderSource(ReminderKind.ACCESS_CHECK_DUE, "ACC-4", _access_check_eligible),
        # REV-6: again once the check is overdue (to the same recipients).
        ClientReminderSource(ReminderKind.ACCESS_CHECK_OVERDUE, "ACC-4", _access_check_overdue_eligible),
    )


def clearing_outcome_reminders() -> tuple[CaseReminderSource, ...]:
    """CLR-4: the referring pAp is informed of every clearing outcome (admission, rejection, return,
    forwarding, and the TL's decision on a dispute) — a worklist item of hers, due on the day of the
    outcome. The engine sends a case reminder to the row's `fallmanager_id`: here the referring pAp
    (`notify_tl` false). Outcomes older than 30 days are history, not a to-do (a first run stays small)."""
    due = "COALESCE(c.dispute_decided_on, c.decided_on)"
    return (
        CaseReminderSource(
            ReminderKind.CLEARING_OUTCOME,
            "CLR-4",
            f"""
            SELECT c.id AS case_id, c.client_id, c.referred_by_id AS fallmanager_id, {due} AS due_on,
                   false AS notify_tl
            FROM cases_case c
            WHERE c.referred_by_id IS NOT NULL AND c.decided_on IS NOT NULL
              AND c.state IN ('active', 'rejected', 'returned', 'forwarded', 'closed')
              AND {due} <= %(on)s AND {due} >= %(on)s::date - 30 AND {{cond}}
            """,
            window=f"c.decided_on >= %(overdue_from)s::date - 30 AND {due} >= %(overdue_from)s",
            recipients="the referring pAp",
        ),
    )

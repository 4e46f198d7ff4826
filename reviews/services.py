"""Writes of the reviews app: the review gates (REV-1..4), the daily jobs (reviews and reminders,
REV-6, CLR-2, PLAN-3, ACC-4), the e-mail digest and the periodic access check record (ACC-4).

Concurrency: review actions lock the review row (`select_for_update`) before checking its state;
"only once" is a unique constraint (review per case and month, reminder per due date and recipient,
digest per person and day), and the daily job inserts set-based with `ON CONFLICT DO NOTHING`, so
re-runs, retries and concurrent runs create nothing twice."""

# The daily job's SQL is composed from constants only (settings integers, enum codes, the plans table
# name from the model registry); every value from outside goes in as a query parameter.
# ruff: noqa: S608
from __future__ import annotations

import datetime
import functools
import logging

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.template.loader import get_template
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from cases.access import is_case_fm, is_case_tl
from cases.choices import OPEN_STATES, CaseState
from cases.models import Case
from catalog import clock, periods
from catalog.models import ACCESS_KEY_GROUPS
from catalog.validators import parse_month, previous_month, require_date, require_text
from fallmanagement.errors import Conflict, InvalidInput, NotPermitted
from org.choices import Role
from org.models import Staff
from reviews.choices import ReminderKind, ReviewDecision, ReviewGate, ReviewState
from reviews.models import DailyJobRun, Reminder, Review

logger = logging.getLogger("fallmanagement.reviews")


# --- small helpers ------------------------------------------------------------------------------------------


def _lock_review(review: Review | int) -> Review:
    pk = review.pk if isinstance(review, Review) else review
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("case", "case__fallmanager", "case__client")
        .get(pk=pk)
    )


def enqueue_on_commit(task, **kwargs) -> None:
    """`task.delay_on_commit(**kwargs)`, but a broker that is down or hung never breaks the request:
    the web transaction is already committed when this runs, publishing is bounded by the broker
    timeouts in settings (2 s), and a failure is logged instead of raised. The daily job re-derives
    everything from the database, so nothing is lost for good."""

    def send() -> None:
        try:
            task.apply_async(kwargs=kwargs, retry=False)
        except Exception:  # kombu.OperationalError, redis errors, socket timeouts: all transient here
            logger.exception(
                "Aufgabe %s konnte nicht eingereiht werden (Broker nicht erreichbar).", task.name
            )

    transaction.on_commit(send)


# --- review gates (REV-1..4) -----------------------------------------------------------------------------------


@transaction.atomic
def reviews_ensure_for_case(*, case: Case, today: datetime.date) -> int:
    """Create the missing review rows of one active case up to `today` (one statement). The daily job
    does this for all cases; listing a case's reviews calls it so the list never waits for the job."""
    if case.state != CaseState.ACTIVE or not case.admitted_on:
        return 0
    with connection.cursor() as cursor:
        cursor.execute(_review_insert_sql(single_case=True), {"horizon": today, "case_id": case.pk})
        return cursor.rowcount


@transaction.atomic
def review_document(
    *,
    review: Review,
    acting_user: Staff,
    reasons: str,
    prognosis: str,
    decision: str,
    today: datetime.date | None = None,
) -> Review:
    """REV-1: the case's FM (or her substitute, SUB-1) documents the reasons for continuation and the
    prognosis, or decides to end the case. 12/18 months then wait for the TL's acknowledgement (REV-2),
    24/30 months with "continue" for her approval (REV-3); at 36 months "continue" is refused (REV-4)."""
    today = clock.today(today)
    locked = _lock_review(review)
    if not is_case_fm(locked.case, acting_user):
        raise NotPermitted(
            _("Nur die zuständige Fallmanager*in dokumentiert die Fortführungsprüfung (REV-1).")
        )
    if locked.state != ReviewState.DUE:
        raise Conflict(
            _("Diese Fortführungsprüfung ist bereits dokumentiert (Status: %(state)s).")
            % {"state": locked.get_state_display()},
            code="transition_not_allowed",
        )
    if locked.case.state != CaseState.ACTIVE:
        raise Conflict(_("Der Fall ist nicht (mehr) im Fallmanagement."), code="transition_not_allowed")
    lead = datetime.timedelta(days=periods.reminder_lead_days())
    if locked.due_on > today + lead:
        raise Conflict(
            _("Diese Prüfung ist erst ab %(date)s fällig.")
            % {"date": (locked.due_on - lead).strftime("%d.%m.%Y")},
            code="transition_not_allowed",
        )
    if not isinstance(decision, str) or decision not in ReviewDecision.values:
        raise InvalidInput(
            _("Bitte entscheiden Sie: fortführen oder beenden."),
            fields={"decision": [_("Erlaubt: continue, end.")]},
        )
    if decision == ReviewDecision.CONTINUE and locked.gate == ReviewGate.FINAL:
        raise Conflict(
            _("Nach 36 Monaten ist keine Verlängerung möglich; der Fall ist zu beenden (REV-4)."),
            code="max_duration_reached",
            fields={"decision": [_("Nach 36 Monaten nur „beenden“ möglich.")]},
        )
    if (
        decision == ReviewDecision.CONTINUE
        and Review.objects.filter(case_id=locked.case_id, state=ReviewState.DECLINED).exists()
    ):
        raise Conflict(
            _("Die Teamleitung hat die Fortführung abgelehnt; der Fall ist zu beenden (REV-3)."),
            code="transition_not_allowed",
        )
    continuing = decision == ReviewDecision.CONTINUE
    reasons = require_text(
        reasons,
        "reasons",
        _("Die Begründung der Fortführung") if continuing else _("Die Begründung der Beendigung"),
        required=True,
    )
    prognosis = require_text(prognosis, "prognosis", _("Die Prognose"), required=continuing)
    locked.document(on=today, by=acting_user, reasons=reasons, prognosis=prognosis, decision=decision)
    locked.save(update_fields=["state", "reasons", "prognosis", "decision", "documented_on", "documented_by"])
    if locked.waits_for_teamleitung:
        from reviews.tasks import notify_teamleitung

        enqueue_on_commit(notify_teamleitung, review_id=locked.pk)
    return locked


def _check_teamleitung(review: Review, acting_user: Staff) -> None:
    if not is_case_tl(review.case, acting_user):
        raise NotPermitted(_("Nur die Teamleitung der Fallmanager*in entscheidet hier (REV-2, REV-3)."))


@transaction.atomic
def review_acknowledge(
    *, review: Review, acting_user: Staff, comment: str = "", today: datetime.date | None = None
) -> Review:
    """REV-2: the TL takes note of the continuation decision at 12 and 18 months."""
    today = clock.today(today)
    locked = _lock_review(review)
    _check_teamleitung(locked, acting_user)
    if locked.gate != ReviewGate.INFORM_TEAMLEITUNG or locked.state != ReviewState.DOCUMENTED:
        raise Conflict(
            _("Zur Kenntnisnahme steht nur eine dokumentierte Prüfung nach 12 oder 18 Monaten an (REV-2)."),
            code="transition_not_allowed",
        )
    comment = require_text(comment, "comment", _("Der Kommentar"), required=False)
    locked.acknowledge(on=today, by=acting_user, comment=comment)
    locked.save(update_fields=["state", "teamleitung_comment", "teamleitung_on", "teamleitung_by"])
    return locked


@transaction.atomic
def review_decide(
    *,
    review: Review,
    acting_user: Staff,
    approve: bool,
    comment: str = "",
    today: datetime.date | None = None,
) -> Review:
    """REV-3: the TL approves or declines continuation at 24 and 30 months. Declined → the case must be
    closed (continuation `not_allowed`); a decline needs a reason."""
    today = clock.today(today)
    if not isinstance(approve, bool):
        raise InvalidInput(
            _("Bitte entscheiden Sie: zustimmen oder ablehnen."), fields={"approve": [_("Ja oder nein.")]}
        )
    locked = _lock_review(review)
    _check_teamleitung(locked, acting_user)
    if locked.state != ReviewState.APPROVAL_PENDING:
        if locked.gate == ReviewGate.TEAMLEITUNG_APPROVAL and locked.state == ReviewState.DUE:
            raise Conflict(
                _("Die Fallmanager*in hat diese Prüfung noch nicht dokumentiert."),
                code="transition_not_allowed",
            )
        raise Conflict(
            _("Hier steht keine Zustimmung der Teamleitung aus (Status: %(state)s).")
            % {"state": locked.get_state_display()},
            code="transition_not_allowed",
        )
    comment = require_text(comment, "comment", _("Die Begründung der Ablehnung"), required=not approve)
    if approve:
        locked.approve(on=today, by=acting_user, comment=comment)
    else:
        locked.decline(on=today, by=acting_user, comment=comment)
    locked.save(update_fields=["state", "teamleitung_comment", "teamleitung_on", "teamleitung_by"])
    from reviews.tasks import notify_fallmanager

    enqueue_on_commit(notify_fallmanager, review_id=locked.pk)
    return locked


# --- reminders of one person -------------------------------------------------------------------------------------


@transaction.atomic
def reminder_mark_done(*, reminder: Reminder, acting_user: Staff) -> Reminder:
    """Only the recipient marks her reminder done (others get 404 from the selector already)."""
    locked = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if locked.recipient_id != acting_user.pk:
        raise NotPermitted(_("Das ist nicht Ihre Erinnerung."))
    if locked.done_at is None:
        locked.done_at = timezone.now()
        locked.save(update_fields=["done_at"])
    return locked


# --- the daily jobs (set-based SQL) --------------------------------------------------------------------------------
#
# One INSERT … SELECT … ON CONFLICT DO NOTHING per reminder kind, and two for the review rows: the number
# of statements does not depend on the number of cases. `NOT EXISTS` pre-filters existing rows with an
# anti-join (cheap in bulk); `ON CONFLICT` against the unique constraints keeps concurrent runs correct.
#
# Incremental by default, and still derived from the data: the latest completed run `L` (DailyJobRun with
# `L.on` ≤ `on`) has created everything due as of `L.on` for the data it saw. So a run only needs
#   (a) the *window*: due dates that entered the lead/overdue window since `L.on` (minus an overlap) —
#       index range scans (admission dates, clearing starts, the partial index of undocumented reviews,
#       agreement review dates), never a scan of all cases; and
#   (b) the *changed cases* (temp table `_dj_cases`): cases updated since `L.started_at` (minus an
#       overlap), cases given a review row or an agreement since then (late rows, `reviews_ensure_for_case`),
#       and the open cases of every FM whose set of active TLs changed (ReminderRecipientSnapshot) —
#       for those, every rule is evaluated in full, whatever their dates (a case admitted or imported
#       with an admission date 20 months back gets its overdue reviews at once); likewise for ACC-4 the
#       *changed clients* (`_dj_clients`: client or needs changed, a case of theirs changed, their site's
#       pAps changed — AccessCheckRecipientSnapshot).
# A missed day just widens the window. Without an earlier run, or with `full=True`, the window is
# everything. `tests/reviews` checks after incremental runs that a full run would create nothing more.

# Lower bound of due dates meaning "all of them".
FULL_SCAN = datetime.date(1900, 1, 1)
# Overlap of the date window with the previous run's, in days. Zero: the boundary day itself is always
# re-checked (inclusive bounds); what the previous run could not see (concurrent writes) is covered by
# the changed cases, not by dates. Every extra day costs a full day of due dates at 1,000,000 cases.
WINDOW_OVERLAP_DAYS = 0
# Overlap with the previous run's start for "changed since": covers transactions that were still open
# (not yet visible) when the previous run took its snapshot — a web request or an import lasts seconds to
# minutes — and clock differences between hosts. Every extra hour re-reads that hour's changed cases.
CHANGED_OVERLAP = datetime.timedelta(hours=1)
# Digest e-mails handed to the mail backend at a time.
DIGEST_BATCH = 500
# Work memory for the job's hash joins (per sort/hash node of these statements only).
JOB_WORK_MEM = "64MB"


def _review_insert_sql(
    *, single_case: bool = False, changed_cases: bool = False, everything: bool = False
) -> str:
    """Review rows of active cases whose due date (admission + n calendar months) is on or before the
    horizon — for one case, for the changed cases (`_dj_cases`, all due dates), for all cases with a due
    date from `since` on (the daily window), or for all active cases (`everything`: a first run). In the
    window, the `admitted_on` bounds are sargable supersets (month-end clamping differs by at most 3 days),
    so PostgreSQL range-scans the (state, admitted_on) index once per month; the `(admitted_on + n months)`
    conditions are the exact rule. For everything, one pass over the active cases with a hash anti-join
    against the existing rows is much cheaper than a million index probes."""
    review_due = periods.review_due_on_sql("c.admitted_on", "m.month")
    if everything:
        return f"""
        INSERT INTO reviews_review
            (case_id, month, due_on, gate, state, decision, reasons, prognosis, teamleitung_comment, created_at)
        SELECT c.id, m.month, {review_due}, m.gate, 'due', '', '', '',
               '', now()
        FROM cases_case c CROSS JOIN (VALUES {periods.review_months_values_sql()}) AS m(month, gate)
        WHERE c.state = 'active' AND c.admitted_on IS NOT NULL
          AND {review_due} <= %(horizon)s::date
          AND NOT EXISTS (SELECT 1 FROM reviews_review r WHERE r.case_id = c.id AND r.month = m.month)
        ON CONFLICT (case_id, month) DO NOTHING
        """
    if single_case:
        scope = "AND c.id = %(case_id)s"
    elif changed_cases:
        scope = "AND c.id IN (SELECT id FROM _dj_cases)"
    else:
        scope = f"""
          AND c.admitted_on >= (%(since)s::date - make_interval(months => m.month) - interval '3 days')::date
          AND {review_due} >= %(since)s::date"""
    return f"""
        INSERT INTO reviews_review
            (case_id, month, due_on, gate, state, decision, reasons, prognosis, teamleitung_comment, created_at)
        SELECT c.id, m.month, {review_due}, m.gate, 'due', '', '', '',
               '', now()
        FROM (VALUES {periods.review_months_values_sql()}) AS m(month, gate)
        JOIN cases_case c
          ON c.state = 'active' AND c.admitted_on IS NOT NULL
         AND c.admitted_on <= (%(horizon)s::date - make_interval(months => m.month) + interval '3 days')::date
         AND {review_due} <= %(horizon)s::date
         {scope}
        WHERE NOT EXISTS (SELECT 1 FROM reviews_review r WHERE r.case_id = c.id AND r.month = m.month)
        ON CONFLICT (case_id, month) DO NOTHING
    """


def _case_reminder_sql(source: str) -> str:
    """Fan a source of (case_id, client_id, fallmanager_id, due_on, notify_tl) out to its recipients —
    the FM, plus the active TLs of the FM's team where `notify_tl` — and insert what is missing. The
    anti-join and the conflict target are the unique index (case_id, kind, due_on, recipient_id)."""
    return f"""
        WITH src AS MATERIALIZED ({source}),
        rcp AS (
            SELECT s.case_id, s.client_id, s.due_on, s.fallmanager_id AS recipient_id FROM src s
            UNION
            SELECT s.case_id, s.client_id, s.due_on, tl.staff_id
            FROM src s
            JOIN org_staff f ON f.id = s.fallmanager_id
            JOIN org_team_leads tl ON tl.team_id = f.team_id
            JOIN org_staff t ON t.id = tl.staff_id AND t.is_active
            WHERE s.notify_tl
        )
        INSERT INTO reviews_reminder (recipient_id, kind, case_id, client_id, due_on, created_on, created_at)
        SELECT r.recipient_id, %(kind)s, r.case_id, r.client_id, r.due_on, %(on)s, now()
        FROM rcp r
        WHERE NOT EXISTS (
            SELECT 1 FROM reviews_reminder x
            WHERE x.case_id = r.case_id AND x.kind = %(kind)s AND x.due_on = r.due_on AND x.recipient_id = r.recipient_id
        )
        ON CONFLICT DO NOTHING
    """


_CHANGED = "c.id IN (SELECT id FROM _dj_cases)"


def _sources(agreement_table: str | None) -> dict[str, str]:
    """Per reminder kind: which (case, due date) pairs need one as of `on` — the window part (due dates
    from `due_from` resp. `overdue_from` on, see `_window_params`) UNION the changed cases' part.
    Params: on, horizon, due_from, overdue_from, review_since."""

    clearing = f"make_interval(months => {periods.months(periods.Period.CLEARING)})"
    max_months = f"make_interval(months => {periods.months(periods.Period.MAX_DURATION)})"
    clearing_due = periods.clearing_ends_on_sql("c.clearing_started_on")  # CLR-2
    max_due = periods.max_duration_reached_on_sql("c.admitted_on")  # REV-4
    tl_takes_part = periods.teamleitung_takes_part_sql("r.month")  # REV-3

    def either(template: str, window: str, changed: str = _CHANGED) -> str:
        return f"({template.format(cond=window)}) UNION ({template.format(cond=changed)})"

    review_src = f"""
        SELECT c.id AS case_id, c.client_id, c.fallmanager_id, r.due_on, {tl_takes_part} AS notify_tl
        FROM reviews_review r JOIN cases_case c ON c.id = r.case_id
        WHERE r.state = 'due' AND c.state = 'active' AND {{due}} AND {{{{cond}}}}
    """
    clearing_src = f"""
        SELECT c.id AS case_id, c.client_id, c.fallmanager_id, {clearing_due} AS due_on, {{notify}} AS notify_tl
        FROM cases_case c
        WHERE c.state = 'clearing' AND c.clearing_started_on IS NOT NULL AND {{due}} AND {{{{cond}}}}
    """
    # Sargable supersets for the window on clearing starts / admissions (±3 days of month-end clamping).
    clearing_from = f"c.clearing_started_on >= (%({{p}})s::date - {clearing} - interval '3 days')::date"
    sources = {
        # REV-6: from 14 days before the due date until it …
        ReminderKind.REVIEW_DUE: either(
            review_src.format(due="r.due_on >= %(on)s AND r.due_on <= %(horizon)s"),
            "r.due_on >= %(due_from)s",
            "r.case_id IN (SELECT id FROM _dj_cases)",
        ),
        # … and from the day after it while the review is not documented.
        ReminderKind.REVIEW_OVERDUE: either(
            review_src.format(due="r.due_on < %(on)s"),
            "r.due_on >= %(overdue_from)s",
            "r.case_id IN (SELECT id FROM _dj_cases)",
        ),
        # CLR-2: clearing ends at the latest 2 calendar months after it started; overdue → FM and TL.
        ReminderKind.CLEARING_DUE: either(
            clearing_src.format(notify="false", due=f"{clearing_due} BETWEEN %(on)s AND %(horizon)s"),
            f"{clearing_from.format(p='due_from')} AND {clearing_due} >= %(due_from)s",
        ),
        ReminderKind.CLEARING_OVERDUE: either(
            clearing_src.format(notify="true", due=f"{clearing_due} < %(on)s"),
            f"{clearing_from.format(p='overdue_from')} AND {clearing_due} >= %(overdue_from)s",
        ),
        # REV-4: an active case at 36 months or more is escalated to FM and TL.
        ReminderKind.MAX_DURATION_REACHED: either(
            f"""
            SELECT c.id AS case_id, c.client_id, c.fallmanager_id, {max_due} AS due_on, true AS notify_tl
            FROM cases_case c
            WHERE c.state = 'active' AND c.admitted_on IS NOT NULL
              AND c.admitted_on <= (%(on)s::date - {max_months} + interval '3 days')::date
              AND {max_due} <= %(on)s AND {{cond}}
            """,
            f"c.admitted_on >= (%(overdue_from)s::date - {max_months} - interval '3 days')::date"
            f" AND {max_due} >= %(overdue_from)s",
        ),
    }
    if agreement_table:
        # PLAN-3: the current agreement (not waived, not superseded) is reviewed at the latest by review_due_on.
        sources[ReminderKind.AGREEMENT_REVIEW_DUE] = either(
            f"""
            SELECT c.id AS case_id, c.client_id, c.fallmanager_id, a.review_due_on AS due_on, false AS notify_tl
            FROM {agreement_table} a JOIN cases_case c ON c.id = a.case_id
            WHERE a.waived = false AND a.superseded_on IS NULL AND a.review_due_on <= %(horizon)s
              AND c.state = 'active' AND {{cond}}
            """,
            "a.review_due_on >= %(review_since)s",
            "a.case_id IN (SELECT id FROM _dj_cases)",
        )
    return sources


def _access_check_sql(*, incremental: bool) -> str:
    """ACC-4: clients who meet the need/forecast part of ACC-1 and have no open case are checked every 6
    months by the pAps of their site; due = last check (or creation) + 6 months.

    Incremental (there was an earlier run) like the case reminders: only the *candidates* are evaluated —
    clients whose due date entered the window since the last run (range scans on `access_checked_on`,
    resp. `created_at` for clients never checked; ±3 days cover month-end clamping) and the changed
    clients (`_dj_clients`: the client or a need changed, a case of the client changed, the site's pAps
    changed). A first or full run evaluates every client; the anti-join is a hash join over the partial
    unique index of client reminders."""
    open_states = ", ".join(f"'{s.value}'" for s in OPEN_STATES)
    key_groups = ", ".join(f"'{g.value}'" for g in ACCESS_KEY_GROUPS)
    months = f"make_interval(months => {periods.months(periods.Period.ACCESS_CHECK)})"
    min_needs = int(settings.FM["ACCESS_MIN_NEEDS"])
    candidates = ""
    if incremental:
        candidates = f"""
              AND cn.client_id IN (
                  SELECT cl.id FROM cases_client cl
                  WHERE cl.access_checked_on >= (%(review_since)s::date - {months} - interval '3 days')::date
                    AND cl.access_checked_on <= (%(horizon)s::date - {months} + interval '3 days')::date
                  UNION ALL
                  SELECT cl.id FROM cases_client cl
                  WHERE cl.access_checked_on IS NULL
                    AND cl.created_at >= (%(review_since)s::date - {months} - interval '4 days') AT TIME ZONE %(tz)s
                    AND cl.created_at < (%(horizon)s::date - {months} + interval '4 days') AT TIME ZONE %(tz)s
                  UNION ALL
                  SELECT id FROM _dj_clients
              )"""
    return f"""
        WITH needy AS (
            SELECT cn.client_id
            FROM cases_clientneed cn JOIN catalog_need n ON n.id = cn.need_id
            WHERE cn.status = 'open' AND n.active AND n.key_group IN ({key_groups}){candidates}
            GROUP BY cn.client_id
            HAVING count(*) >= {min_needs}
        ), eligible AS (
            SELECT d.client_id, d.site_id, d.due_on
            FROM (
                SELECT cl.id AS client_id, cl.site_id,
                       {periods.access_check_due_on_sql("COALESCE(cl.access_checked_on, (cl.created_at AT TIME ZONE %(tz)s)::date)")}
                       AS due_on
                FROM cases_client cl JOIN needy ON needy.client_id = cl.id
                WHERE cl.integration_expected_within_12_months = false AND cl.anonymised_on IS NULL
            ) d
            WHERE d.due_on <= %(horizon)s
              AND NOT EXISTS (
                  SELECT 1 FROM cases_case c WHERE c.client_id = d.client_id AND c.state IN ({open_states})
              )
        )
        INSERT INTO reviews_reminder (recipient_id, kind, case_id, client_id, due_on, created_on, created_at)
        SELECT p.id, %(kind)s, NULL, e.client_id, e.due_on, %(on)s, now()
        FROM eligible e
        JOIN org_team t ON t.site_id = e.site_id
        JOIN org_staff p ON p.team_id = t.id AND p.role = 'pap' AND p.is_active
        WHERE NOT EXISTS (
            SELECT 1 FROM reviews_reminder x
            WHERE x.case_id IS NULL AND x.client_id = e.client_id AND x.kind = %(kind)s
              AND x.due_on = e.due_on AND x.recipient_id = p.id
        )
        ON CONFLICT DO NOTHING
    """


def _agreement_table() -> tuple[str | None, bool]:
    """plans.Agreement(case, review_due_on, waived, superseded_on) if the plans app provides it, and
    whether it has `created_at` (new agreements since the last run are re-checked)."""
    if not apps.is_installed("plans"):
        return None, False
    try:
        model = apps.get_model("plans", "Agreement")
    except LookupError:
        return None, False
    names = {f.attname for f in model._meta.concrete_fields}
    if not {"case_id", "review_due_on", "waived", "superseded_on"} <= names:
        return None, False
    return connection.ops.quote_name(model._meta.db_table), "created_at" in names


# Per staff member: her team's active TLs ("3,17"), the recipients added to `notify_tl` reminders.
# Filled once per run into the temp table `_dj_leads` (read by the changed cases and the snapshot).
_TEAM_LEADS_SQL = """
    SELECT f.id AS staff_id, COALESCE(l.team_leads, '') AS team_leads
    FROM org_staff f LEFT JOIN (
        SELECT tl.team_id, string_agg(tl.staff_id::text, ',' ORDER BY tl.staff_id) AS team_leads
        FROM org_team_leads tl JOIN org_staff t ON t.id = tl.staff_id AND t.is_active
        GROUP BY tl.team_id
    ) l ON l.team_id = f.team_id
"""

# Per site: its active pAps ("5,9"), the recipients of ACC-4 reminders (temp table `_dj_paps`).
_SITE_PAPS_SQL = """
    SELECT s.id AS site_id, COALESCE(p.paps, '') AS paps
    FROM org_site s LEFT JOIN (
        SELECT t.site_id, string_agg(p.id::text, ',' ORDER BY p.id) AS paps
        FROM org_staff p JOIN org_team t ON t.id = p.team_id
        WHERE p.role = 'pap' AND p.is_active
        GROUP BY t.site_id
    ) p ON p.site_id = s.id
"""


def _changed_cases_sql(agreement_table: str | None, agreement_created: bool) -> str:
    """Fill `_dj_cases`: cases changed since `changed_since` (NULL in a full run: nothing to add)."""
    agreements = (
        f"UNION SELECT a.case_id FROM {agreement_table} a WHERE a.created_at >= %(changed_since)s"
        if agreement_table and agreement_created
        else ""
    )
    return f"""
        INSERT INTO _dj_cases (id)
        SELECT c.id FROM cases_case c WHERE c.updated_at >= %(changed_since)s
        UNION SELECT r.case_id FROM reviews_review r
        WHERE r.created_at >= %(changed_since)s AND r.created_at NOT IN (
            SELECT j.reviews_at FROM reviews_dailyjobrun j WHERE j.reviews_at >= %(changed_since)s
        )
        {agreements}
        UNION SELECT c.id FROM cases_case c
        WHERE %(changed_since)s IS NOT NULL AND c.state IN ('active', 'clearing') AND c.fallmanager_id IN (
            SELECT cur.staff_id FROM _dj_leads cur
            LEFT JOIN reviews_reminderrecipientsnapshot s ON s.staff_id = cur.staff_id
            WHERE s.team_leads IS DISTINCT FROM cur.team_leads
        )
    """


# Fill `_dj_clients` (ACC-4 candidates besides the date window), after `_dj_cases`.
_CHANGED_CLIENTS_SQL = """
    INSERT INTO _dj_clients (id)
    SELECT cl.id FROM cases_client cl WHERE cl.updated_at >= %(changed_since)s
    UNION SELECT cn.client_id FROM cases_clientneed cn WHERE cn.updated_at >= %(changed_since)s
    UNION SELECT c.client_id FROM cases_case c WHERE c.id IN (SELECT id FROM _dj_cases)
    UNION SELECT cl.id FROM cases_client cl WHERE %(changed_since)s IS NOT NULL AND cl.site_id IN (
        SELECT cur.site_id FROM _dj_paps cur
        LEFT JOIN reviews_accesscheckrecipientsnapshot s ON s.site_id = cur.site_id
        WHERE s.paps IS DISTINCT FROM cur.paps
    )
"""


# Remember the TL sets and the pAp sets the reminders were made for — only in the newest run (a run for
# an earlier date must not hide a change from the next regular run). Only differing rows are written.
_SNAPSHOT_SQL = (
    """
    INSERT INTO reviews_reminderrecipientsnapshot (staff_id, team_leads)
    SELECT cur.staff_id, cur.team_leads FROM _dj_leads cur
    LEFT JOIN reviews_reminderrecipientsnapshot s ON s.staff_id = cur.staff_id
    WHERE s.team_leads IS DISTINCT FROM cur.team_leads
      AND NOT EXISTS (SELECT 1 FROM reviews_dailyjobrun j WHERE j."on" > %(on)s)
    ON CONFLICT (staff_id) DO UPDATE SET team_leads = EXCLUDED.team_leads
    """,
    """
    INSERT INTO reviews_accesscheckrecipientsnapshot (site_id, paps)
    SELECT cur.site_id, cur.paps FROM _dj_paps cur
    LEFT JOIN reviews_accesscheckrecipientsnapshot s ON s.site_id = cur.site_id
    WHERE s.paps IS DISTINCT FROM cur.paps
      AND NOT EXISTS (SELECT 1 FROM reviews_dailyjobrun j WHERE j."on" > %(on)s)
    ON CONFLICT (site_id) DO UPDATE SET paps = EXCLUDED.paps
    """,
)


def _window_params(*, on: datetime.date, horizon: datetime.date, full: bool) -> dict:
    """The date window and the "changed since" instant from the latest completed run with `on` ≤ this one
    (see the comment above); everything for a first or `full` run."""
    last = None
    if not full:
        last = (
            DailyJobRun.objects.filter(on__lte=on)
            .order_by("-on", "-started_at")
            .values("on", "started_at")
            .first()
        )
    if last is None:
        return {"review_since": FULL_SCAN, "due_from": on, "overdue_from": FULL_SCAN, "changed_since": None}
    overlap = datetime.timedelta(days=WINDOW_OVERLAP_DAYS)
    last_horizon = periods.reminder_horizon(last["on"])
    return {
        # Review rows and agreement reminders exist up to the last horizon.
        "review_since": last_horizon - overlap,
        # *_due reminders exist for due dates in [last on, last horizon].
        "due_from": max(on, last_horizon - overlap),
        # *_overdue reminders exist for due dates before the last run's date.
        "overdue_from": last["on"] - overlap,
        "changed_since": last["started_at"] - CHANGED_OVERLAP,
    }


def reviews_and_reminders_create(*, on: datetime.date, full: bool = False) -> dict[str, int]:
    """Create all review rows and reminders due as of `on` (idempotent; a fixed number of statements).
    Incremental from the last completed run unless `full` (see the comment above)."""
    return _reviews_and_reminders_create(on=on, full=full)[0]


@transaction.atomic
def _reviews_and_reminders_create(
    *, on: datetime.date, full: bool
) -> tuple[dict[str, int], datetime.datetime]:
    horizon = periods.reminder_horizon(on)
    params = {
        "on": on,
        "horizon": horizon,
        "tz": settings.TIME_ZONE,
        **_window_params(on=on, horizon=horizon, full=full),
    }
    agreement_table, agreement_created = _agreement_table()
    counts: dict[str, int] = {}
    with connection.cursor() as cursor:
        # Short set-based statements: JIT compilation would cost more than it saves; enough memory for
        # the hash anti-joins of a first (backlog) run.
        cursor.execute("SET LOCAL jit = off")
        cursor.execute(f"SET LOCAL work_mem = '{JOB_WORK_MEM}'")
        # The job's statements probe indexes with few rows each; the working set is cached.
        cursor.execute("SET LOCAL random_page_cost = 1.1")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 2")  # a batch job (pages run without)
        cursor.execute("CREATE TEMP TABLE _dj_cases (id bigint PRIMARY KEY) ON COMMIT DROP")
        cursor.execute("CREATE TEMP TABLE _dj_clients (id bigint PRIMARY KEY) ON COMMIT DROP")
        cursor.execute(f"CREATE TEMP TABLE _dj_leads ON COMMIT DROP AS {_TEAM_LEADS_SQL}")
        cursor.execute(f"CREATE TEMP TABLE _dj_paps ON COMMIT DROP AS {_SITE_PAPS_SQL}")
        cursor.execute("SELECT now()")  # the transaction time: `created_at` of the review rows made here
        reviews_at = cursor.fetchone()[0]
        everything = params["changed_since"] is None
        cursor.execute(_changed_cases_sql(agreement_table, agreement_created), params)
        changed_cases = cursor.rowcount
        cursor.execute(_CHANGED_CLIENTS_SQL, params)  # nothing in a full run: the same statements every run
        logger.info(
            "Tägliche Jobs zum %s: %s geänderte Fälle, %s geänderte Kund*innen seit dem letzten Lauf.",
            on.isoformat(),
            changed_cases,
            cursor.rowcount,
        )
        cursor.execute("ANALYZE _dj_cases, _dj_clients, _dj_leads, _dj_paps")
        cursor.execute(_review_insert_sql(everything=everything), {**params, "since": params["review_since"]})
        counts["reviews"] = cursor.rowcount
        cursor.execute(_review_insert_sql(changed_cases=True), params)
        counts["reviews"] += cursor.rowcount
        for kind, source in _sources(agreement_table).items():
            cursor.execute(_case_reminder_sql(source), {**params, "kind": kind.value})
            counts[kind.value] = cursor.rowcount
        cursor.execute(
            _access_check_sql(incremental=not everything),
            {**params, "kind": ReminderKind.ACCESS_CHECK_DUE.value},
        )
        counts[ReminderKind.ACCESS_CHECK_DUE.value] = cursor.rowcount
        for statement in _SNAPSHOT_SQL:
            cursor.execute(statement, params)
        cursor.execute("DROP TABLE _dj_cases, _dj_clients, _dj_leads, _dj_paps")
    counts.setdefault(ReminderKind.AGREEMENT_REVIEW_DUE.value, 0)
    return counts, reviews_at


@transaction.atomic
def reminder_digests_send(*, on: datetime.date) -> int:
    """One e-mail per person with open reminders, at most once per day (`ReminderDigest` unique per
    person and day). Claim and send in one transaction: if sending fails, the claim is rolled back and
    the next run sends it. One query, whatever the number of people or reminders; people who already
    had today's digest are skipped before any reminder is counted (a re-run reads no reminders). The
    counts come from the open-reminder index alone (it includes `kind`); one row per person comes back.
    If the mail server fails mid-way, the claims roll back and the next run sends to everyone again — a
    repeated reminder is better than a lost one."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL work_mem = '{JOB_WORK_MEM}'")  # the per-person counts are hashed in memory
        cursor.execute(
            """
            WITH todo AS MATERIALIZED (
                SELECT s.id, s.email, s.first_name, s.last_name, s.username FROM org_staff s
                WHERE s.is_active AND s.email <> ''
                  AND NOT EXISTS (
                      SELECT 1 FROM reviews_reminderdigest d WHERE d.recipient_id = s.id AND d.sent_on = %(on)s
                  )
            ), per_kind AS MATERIALIZED (
                SELECT m.recipient_id, m.kind, count(*) AS n
                FROM reviews_reminder m
                WHERE m.done_at IS NULL AND m.recipient_id IN (SELECT id FROM todo)
                GROUP BY m.recipient_id, m.kind
            ), claimed AS (
                INSERT INTO reviews_reminderdigest (recipient_id, sent_on, reminder_count, created_at)
                SELECT recipient_id, %(on)s, sum(n), now() FROM per_kind GROUP BY recipient_id
                ON CONFLICT (recipient_id, sent_on) DO NOTHING
                RETURNING recipient_id
            )
            SELECT t.id, t.email, t.first_name, t.last_name, t.username,
                   array_agg(p.kind ORDER BY p.kind), array_agg(p.n ORDER BY p.kind)
            FROM claimed c JOIN todo t ON t.id = c.recipient_id JOIN per_kind p ON p.recipient_id = c.recipient_id
            GROUP BY t.id, t.email, t.first_name, t.last_name, t.username
            ORDER BY t.id
            """,
            {"on": on},
        )
        rows = cursor.fetchall()  # one row per person (17,000 at national scale), her counts as arrays
    if not rows:
        return 0
    labels = {kind.value: str(kind.label) for kind in ReminderKind}  # translated once, not per row
    body = _digest_body_renderer(on=on)
    subject = _("Fallmanagement: Ihre offenen Erinnerungen am %(date)s") % {"date": on.strftime("%d.%m.%Y")}
    mail = get_connection()
    mail.open()  # one connection to the mail server for all batches
    try:
        # In batches: the messages of 17,000 people are never all in memory at once.
        for start in range(0, len(rows), DIGEST_BATCH):
            messages = [
                EmailMessage(
                    subject=subject,
                    body=body(
                        f"{first_name} {last_name}".strip() or username,
                        sorted(zip((labels[k] for k in kinds), counts, strict=True)),
                    ),
                    to=[email],
                )
                for _id, email, first_name, last_name, username, kinds, counts in rows[
                    start : start + DIGEST_BATCH
                ]
            ]
            mail.send_messages(messages)
    finally:
        mail.close()
    return len(rows)


def _digest_body_renderer(*, on: datetime.date):
    """The digest template rendered once (translations, date) with placeholders; per person only the name
    and the lines "- kind: count" are filled in — the same text as rendering it per person, at a tiny
    fraction of the cost (17,000 digests a day at national scale)."""
    name_mark, line_mark = "\x00name\x00", "\x00line\x00"
    skeleton = get_template("reviews/digest_email.txt").render(
        {"name": name_mark, "kinds": [(line_mark, "")], "on": on}
    )
    line = f"\n- {line_mark}: "
    number = functools.lru_cache(maxsize=4096)(formats.localize)  # counts repeat; localize is slow

    def render(name: str, kinds: list[tuple[str, int]]) -> str:
        lines = "".join(f"\n- {label}: {number(count)}" for label, count in kinds)
        return skeleton.replace(name_mark, name).replace(line, lines)

    return render


def daily_jobs_run(*, on: datetime.date, send_digests: bool = True, full: bool = False) -> dict[str, int]:
    """The daily jobs as of `on` (the Berlin local date): review rows, reminders of every kind, then the
    e-mail digests. Idempotent: a second run for the same date creates nothing. Reviews and reminders
    commit together; the digests commit separately, so a mail server failure loses no reminder.
    `full=True` re-derives everything instead of working from the last run (a safety net after data was
    written around the application, e.g. by a raw SQL import that did not set `updated_at`)."""
    require_date(on, "on")
    started = timezone.now()
    counts, reviews_at = _reviews_and_reminders_create(on=on, full=full)
    counts["digests"] = reminder_digests_send(on=on) if send_digests else 0
    # Explicit grants (continued care, case conferences) end with their period (DP-1, SUB-3).
    from cases.access import grants_expire

    counts["grants_expired"] = grants_expire(on=on)
    DailyJobRun.objects.create(
        on=on, started_at=started, finished_at=timezone.now(), counts=counts, reviews_at=reviews_at
    )
    logger.info("Tägliche Jobs zum %s: %s", on.isoformat(), counts)
    return counts


def review_waiting_recipients(*, review: Review) -> list:
    """Active TLs of the review's FM's team (for the notification on commit)."""
    team_id = review.case.fallmanager.team_id
    if team_id is None:
        return []
    from org.models import Staff

    return list(
        Staff.objects.filter(led_teams=team_id, role=Role.TEAMLEITUNG, is_active=True).exclude(email="")
    )


def review_notify_teamleitung(*, review_id: int) -> int:
    """E-mail the TLs that a review waits for their acknowledgement or approval (idempotent enough: it is
    only a notice; the TL inbox is the source of truth)."""
    review = Review.objects.select_related("case", "case__fallmanager").filter(pk=review_id).first()
    if review is None or not review.waits_for_teamleitung:
        return 0
    recipients = review_waiting_recipients(review=review)
    if not recipients:
        return 0
    subject = (
        _("Zustimmung zur Fortführung erbeten (Fall %(id)s)")
        if review.state == ReviewState.APPROVAL_PENDING
        else _("Fortführungsentscheidung zur Kenntnis (Fall %(id)s)")
    ) % {"id": review.case_id}
    body = _(
        "Eine Fortführungsprüfung nach %(month)s Monaten wartet in Ihrem Eingang auf Sie. "
        "Namen und Inhalte sehen Sie nach der Anmeldung im Fallmanagement."
    ) % {"month": review.month}
    return get_connection().send_messages(
        [EmailMessage(subject=subject, body=body, to=[s.email]) for s in recipients]
    )


def review_notify_fallmanager(*, review_id: int) -> int:
    """E-mail the FM the TL's decision on a continuation (no personal data in the mail)."""
    review = Review.objects.select_related("case", "case__fallmanager").filter(pk=review_id).first()
    if review is None or review.state not in (ReviewState.APPROVED, ReviewState.DECLINED):
        return 0
    fm = review.case.fallmanager
    if not fm.email:
        return 0
    subject = _("Entscheidung der Teamleitung zur Fortführung (Fall %(id)s): %(state)s") % {
        "id": review.case_id,
        "state": review.get_state_display(),
    }
    return get_connection().send_messages(
        [EmailMessage(subject=subject, body=_("Details sehen Sie im Fallmanagement."), to=[fm.email])]
    )


def monthly_report_run(*, month: str | None = None, today: datetime.date | None = None) -> str:
    """REP-1: build the monthly report through `reporting.services.monthly_report_build` (shared by the
    beat task and `build_monthly_report`). Returns the month built (ISO date of its first day)."""
    today = clock.today(today)
    first = parse_month(month, default=previous_month(today))
    from reporting.services import monthly_report_build

    monthly_report_build(month=first, today=today)
    return first.isoformat()


__all__ = [
    "daily_jobs_run",
    "enqueue_on_commit",
    "monthly_report_run",
    "reminder_digests_send",
    "reminder_mark_done",
    "review_acknowledge",
    "review_decide",
    "review_document",
    "reviews_and_reminders_create",
    "reviews_ensure_for_case",
]

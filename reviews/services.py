"""Writes of the reviews app: the review gates (REV-1..4), the review rows (for one case and for the daily
job, whose reminder kinds are declared in `reviews.reminders`) and the notices to TL and FM.

Concurrency: review actions lock the review row (`select_for_update`) before checking its state;
"only once" is a unique constraint (review per case and month, reminder per due date and recipient,
digest per person and day), and the daily job inserts set-based with `ON CONFLICT DO NOTHING`, so
re-runs, retries and concurrent runs create nothing twice."""

# The review rows SQL is composed from constants only (settings integers, enum codes); every value from
# outside goes in as a query parameter.
# ruff: noqa: S608
from __future__ import annotations

import datetime
import logging

from django.core.mail import EmailMessage, get_connection
from django.db import connection, transaction
from django.utils.translation import gettext as _

from cases.access import is_case_fm, is_case_tl
from cases.choices import CaseState
from cases.models import Case
from catalog import clock, periods
from catalog.validators import require_text
from fallmanagement.errors import Conflict, InvalidInput, NotPermitted
from org.choices import Role
from org.models import Staff
from reviews.choices import ReviewDecision, ReviewGate, ReviewState
from reviews.models import Review

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
        cursor.execute(review_rows_insert_sql(single_case=True), {"horizon": today, "case_id": case.pk})
        created = cursor.rowcount
        if created:  # REV-7: a review that fell due now leaves its undocumented predecessor missed
            cursor.execute(reviews_mark_missed_sql(single_case=True), {"on": today, "case_id": case.pk})
        return created


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
        raise NotPermitted(_("Nur die zuständige Fallmanager*in dokumentiert die Fortführungsprüfung."))
    if locked.state == ReviewState.MISSED:
        raise Conflict(
            _(
                "Diese Fortführungsprüfung ist versäumt: Die nächste Prüfung ist bereits fällig und wird "
                "jetzt dokumentiert (Handlungsleitlinie IV.4)."
            ),
            code="transition_not_allowed",
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
            _("Nach 36 Monaten ist keine Verlängerung möglich; der Fall ist zu beenden."),
            code="max_duration_reached",
            fields={"decision": [_("Nach 36 Monaten nur „beenden“ möglich.")]},
        )
    if (
        decision == ReviewDecision.CONTINUE
        and Review.objects.filter(case_id=locked.case_id, state=ReviewState.DECLINED).exists()
    ):
        raise Conflict(
            _("Die Teamleitung hat die Fortführung abgelehnt; der Fall ist zu beenden."),
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
        raise NotPermitted(_("Nur die Teamleitung der Fallmanager*in entscheidet hier."))


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
            _("Zur Kenntnisnahme steht nur eine dokumentierte Prüfung nach 12 oder 18 Monaten an."),
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


# --- the review rows (REV-1), for one case and for the daily job (`reviews.reminders`) ---------------------


def review_rows_insert_sql(
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
    # REV-7: a review that fell due before the case was imported counts as documented in the legacy system
    # (with the TL's acknowledgement or approval where its gate needs one).
    legacy = f"(c.imported_on IS NOT NULL AND {review_due} < c.imported_on)"
    state = f"""CASE WHEN {legacy} THEN (CASE m.gate
                    WHEN '{ReviewGate.INFORM_TEAMLEITUNG}' THEN '{ReviewState.ACKNOWLEDGED}'
                    WHEN '{ReviewGate.TEAMLEITUNG_APPROVAL}' THEN '{ReviewState.APPROVED}'
                    ELSE '{ReviewState.DOCUMENTED}' END)
                ELSE '{ReviewState.DUE}' END"""
    decision = f"""CASE WHEN {legacy} AND m.gate <> '{ReviewGate.FINAL}' THEN '{ReviewDecision.CONTINUE}'
                   ELSE '' END"""
    if everything:
        return f"""
        INSERT INTO reviews_review
            (case_id, month, due_on, gate, state, decision, reasons, prognosis, teamleitung_comment, created_at,
             legacy)
        SELECT c.id, m.month, {review_due}, m.gate, {state}, {decision}, '', '',
               '', now(), {legacy}
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
            (case_id, month, due_on, gate, state, decision, reasons, prognosis, teamleitung_comment, created_at,
             legacy)
        SELECT c.id, m.month, {review_due}, m.gate, {state}, {decision}, '', '',
               '', now(), {legacy}
        FROM (VALUES {periods.review_months_values_sql()}) AS m(month, gate)
        JOIN cases_case c
          ON c.state = 'active' AND c.admitted_on IS NOT NULL
         AND c.admitted_on <= (%(horizon)s::date - make_interval(months => m.month) + interval '3 days')::date
         AND {review_due} <= %(horizon)s::date
         {scope}
        WHERE NOT EXISTS (SELECT 1 FROM reviews_review r WHERE r.case_id = c.id AND r.month = m.month)
        ON CONFLICT (case_id, month) DO NOTHING
    """


def reviews_mark_missed_sql(*, single_case: bool = False, changed_cases: bool = False) -> str:
    """REV-7: one open review per case. A review still `due` once a later review of its case fell due (on or
    before `%(on)s`) is marked missed — kept in the history, no longer a to-do; its open review reminders
    are done with it. One statement (a data-modifying CTE)."""
    if single_case:
        scope = "AND r.case_id = %(case_id)s"
    elif changed_cases:
        scope = "AND r.case_id IN (SELECT id FROM _dj_cases)"
    else:
        scope = ""
    return f"""
        WITH missed AS (
            UPDATE reviews_review r SET state = '{ReviewState.MISSED}', missed_on = %(on)s::date
            WHERE r.state = '{ReviewState.DUE}' {scope}
              AND EXISTS (SELECT 1 FROM reviews_review n
                          WHERE n.case_id = r.case_id AND n.month > r.month AND n.due_on <= %(on)s::date)
            RETURNING r.case_id, r.due_on
        )
        UPDATE reviews_reminder m SET done_at = now()
        FROM missed
        WHERE m.case_id = missed.case_id AND m.due_on = missed.due_on AND m.done_at IS NULL
          AND m.kind IN ('review_due', 'review_overdue')
    """


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


__all__ = [
    "enqueue_on_commit",
    "review_acknowledge",
    "review_decide",
    "review_document",
    "reviews_ensure_for_case",
]

"""Reads of the reviews app: the review status of a case (API "Cases": `next_review_due_on`,
`continuation`), the inboxes of FM and TL, and the reminders of a user. All scoped through
`cases.selectors.cases_visible_to` (DP-1)."""

from __future__ import annotations

import datetime
from collections import namedtuple

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects

from cases.choices import CaseState
from cases.selectors import cases_visible_to
from catalog import periods
from org.choices import Role
from reminders.models import Reminder
from reviews.choices import Continuation, ReviewDecision, ReviewGate, ReviewState
from reviews.models import Review, waits_for_teamleitung_q

# Columns `case_review_status` reads; the bulk selector loads only these.
_STATUS_FIELDS = ("id", "case_id", "month", "due_on", "gate", "state", "decision")


# --- the review calendar (REV-1..4) --------------------------------------------------------------------


# --- case status -----------------------------------------------------------------------------------------


def with_review_status(queryset: QuerySet) -> QuerySet:
    """Prefetch what `case_review_status` needs, for lists: one extra query for the whole page,
    however many cases it shows (the cases API and pages call this on their list querysets)."""
    return queryset.prefetch_related(
        Prefetch("reviews", queryset=Review.objects.only(*_STATUS_FIELDS).order_by("month"))
    )


# A review as `case_review_status` reads it, without a model instance (lists of 150 cases × 6 reviews).
ReviewRow = namedtuple("ReviewRow", _STATUS_FIELDS)


def attach_review_rows(cases: list) -> list:
    """For pages that list cases: one query for the review rows of all active `cases` (plain tuples, no
    model instances — a tenth of the cost of a prefetch), kept on each case for `case_review_status`."""
    by_case: dict[int, list[ReviewRow]] = {case.pk: [] for case in cases}
    active = [case.pk for case in cases if case.state == CaseState.ACTIVE and case.admitted_on]
    if active:
        rows = Review.objects.filter(case_id__in=active).order_by("month").values_list(*_STATUS_FIELDS)
        for row in rows:
            by_case[row[1]].append(ReviewRow(*row))
    for case in cases:
        case._review_rows = by_case[case.pk]
    return cases


def _reviews_by_month(case) -> dict[int, Review | ReviewRow]:
    rows = getattr(case, "_review_rows", None)
    if rows is None:
        cache = getattr(case, "_prefetched_objects_cache", None) or {}
        rows = cache["reviews"] if "reviews" in cache else case.reviews.only(*_STATUS_FIELDS)
    return {r.month: r for r in rows}


def case_review_status(*, case, today: datetime.date) -> tuple[datetime.date | None, str | None]:
    """(next_review_due_on, continuation) of a case, as API.md "Cases" shows them.

    Only active cases with an admission date have a status; others return (None, None) without a query.
    If the case's reviews were prefetched (`with_review_status(queryset)`, or any
    `prefetch_related("reviews")`, found in `case._prefetched_objects_cache`) no query is issued;
    otherwise exactly one. Missing review rows (the daily job has not run yet) count as undocumented,
    so the answer never depends on when the job ran.

    - `next_review_due_on`: due date of the case's one open review (REV-7): the latest review month that
      fell due, if not documented — in the past when that review is overdue — else the next month not yet
      documented; None when none is left.
    - `continuation`: `not_allowed` from 36 months on (REV-4), after a declined continuation (REV-3) or
      when the FM documented the decision to end; `approval_required` while a reached 24/30-month review
      is not approved (REV-3); otherwise `allowed`.
    """
    if case.state != CaseState.ACTIVE or not case.admitted_on:
        return None, None
    reviews = _reviews_by_month(case)
    months = periods.review_months()
    reached = [m for m in months if periods.review_due_on(case.admitted_on, m) <= today]
    # REV-7: one open review per case — the latest one that fell due (earlier undocumented ones are
    # missed, whether or not the daily job marked them yet), else the next upcoming one not documented.
    candidates = [m for m in months if not reached or m >= reached[-1]]
    next_due = None
    for month in candidates:
        review = reviews.get(month)
        if review is None or review.state == ReviewState.DUE:
            next_due = periods.review_due_on(case.admitted_on, month)
            break
    if any(r.state == ReviewState.DECLINED or r.decision == ReviewDecision.END for r in reviews.values()):
        return next_due, Continuation.NOT_ALLOWED
    if periods.max_duration_reached_on(case.admitted_on) <= today:
        return next_due, Continuation.NOT_ALLOWED
    # REV-3: the latest 24/30-month review that fell due must be approved (a missed earlier one is
    # superseded by its successor).
    approval = [m for m in reached if periods.review_gate(m) == ReviewGate.TEAMLEITUNG_APPROVAL]
    if approval:
        review = reviews.get(approval[-1])
        if review is None or review.state != ReviewState.APPROVED:
            return next_due, Continuation.APPROVAL_REQUIRED
    return next_due, Continuation.ALLOWED


# --- reviews -----------------------------------------------------------------------------------------------


def reviews_visible_to(user, *, today: datetime.date | None = None) -> QuerySet[Review]:
    return Review.objects.filter(case__in=cases_visible_to(user, today=today).values("pk"))


def review_get(user, pk, *, today: datetime.date | None = None) -> Review | None:
    """The review if it exists and its case is in the user's scope, else None (→ 404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        reviews_visible_to(user, today=today)
        .select_related("case", "case__client", "case__fallmanager", "case__fallmanager__team")
        .filter(pk=pk)
        .first()
    )


def case_reviews(*, case, today: datetime.date, include_upcoming: bool = False) -> list[Review]:
    """The case's reviews that are due or past (`due_on <= today`), oldest first (API "Reviews")."""
    qs = case.reviews.select_related("documented_by", "teamleitung_by").order_by("month")
    if not include_upcoming:
        qs = qs.filter(due_on__lte=today)
    return list(qs)


def case_reviews_all(*, case) -> list[Review]:
    """All the case's review rows (upcoming too), oldest first, with who documented and decided: one
    query. They are kept on the case object as `prefetch_related("reviews")` would keep them, so that
    `case_review_status` on the same object reads no more. Every call reads afresh."""
    cache = getattr(case, "_prefetched_objects_cache", None)
    if cache:
        cache.pop("reviews", None)
    prefetch_related_objects(
        [case],
        Prefetch(
            "reviews",
            queryset=Review.objects.select_related("documented_by", "teamleitung_by").order_by("month"),
        ),
    )
    return list(case.reviews.all())


def case_review_rows_missing(*, case, reviews: list[Review], today: datetime.date) -> bool:
    """Whether an active case lacks a review row that is due by `today` (the daily job has not run yet
    for it, e.g. on the day of a late admission entry)."""
    if case.state != CaseState.ACTIVE or not case.admitted_on:
        return False
    return not set(periods.review_months_due(case.admitted_on, today)) <= {r.month for r in reviews}


def reviews_due_for_fm(*, user, today: datetime.date) -> QuerySet[Review]:
    """The FM's undocumented reviews that are due (or due within the reminder lead time) on active cases."""
    horizon = periods.reminder_horizon(today)
    if not user.has_role(Role.FALLMANAGER):
        return Review.objects.none()
    # REV-7: one open review per case — a due review whose successor already fell due is missed, even
    # before the daily job marked it.
    superseded = Review.objects.filter(
        case_id=OuterRef("case_id"), month__gt=OuterRef("month"), due_on__lte=today
    )
    return (
        reviews_visible_to(user, today=today)
        .filter(state=ReviewState.DUE, due_on__lte=horizon, case__state=CaseState.ACTIVE)
        .exclude(Exists(superseded))
        .select_related("case", "case__client")
        .order_by("due_on", "pk")
    )


def reviews_waiting_for_teamleitung(*, user, today: datetime.date | None = None) -> QuerySet[Review]:
    """TL inbox: 12/18-month decisions to acknowledge (REV-2) and 24/30-month continuations to approve
    (REV-3), across all teams the TL leads."""
    if not user.has_role(Role.TEAMLEITUNG):
        return Review.objects.none()
    return (
        reviews_visible_to(user, today=today)
        .filter(waits_for_teamleitung_q())
        .select_related("case", "case__client", "case__fallmanager", "documented_by")
        .order_by("documented_on", "pk")
    )


def cases_beyond_months(*, user, today: datetime.date, months: int | None = None) -> QuerySet:
    """Active cases in scope longer than `months` (default 24: REV-5) in FM, longest first."""
    limit = periods.long_case_limit(today, months)
    return (
        cases_visible_to(user, today=today)
        .filter(state=CaseState.ACTIVE, admitted_on__lt=limit)
        .select_related("client", "fallmanager")
        .order_by("admitted_on", "pk")
    )


def teamleitung_counts(*, user, today: datetime.date) -> dict[str, int]:
    """The TL start page's two figures in one query: the reviews waiting for her (the rows of
    `reviews_waiting_for_teamleitung`) and her active cases beyond 24 months (`cases_beyond_months`)."""
    if not user.has_role(Role.TEAMLEITUNG):
        return {"pending": 0, "long": 0}
    limit = periods.long_case_limit(today)
    waiting = waits_for_teamleitung_q("reviews__")
    return cases_visible_to(user, today=today).aggregate(
        pending=Count("reviews", filter=waiting),
        long=Count("pk", distinct=True, filter=Q(state=CaseState.ACTIVE, admitted_on__lt=limit)),
    )


# What the REV-5 table of the TL inbox reads (hundreds of rows for a TL of 12 FMs).
LONG_CASE_FIELDS = (
    "id", "state", "admitted_on", "closed_on", "client_id", "client__first_name", "client__last_name",
    "fallmanager_id", "fallmanager__username", "fallmanager__first_name", "fallmanager__last_name",
)  # fmt: skip


# --- reminders ------------------------------------------------------------------------------------------------


def reminders_for(*, user, include_done: bool = False) -> QuerySet[Reminder]:
    """The user's own reminders (everyone sees only their own), soonest due first."""
    if not user.is_authenticated:
        return Reminder.objects.none()
    # A case that left the user's scope (transfer, substitution ended) no longer shows (DP-1).
    in_scope = cases_visible_to(user).values("pk")
    qs = Reminder.objects.filter(Q(case__isnull=True) | Q(case__in=in_scope), recipient=user)
    if not include_done:
        qs = qs.filter(done_at__isnull=True)
    return qs.select_related("case", "client").order_by("due_on", "pk")


def open_reminder_count(*, user) -> int:
    """THE count of open reminders — the digest's definition (the recipient's open rows). The daily job
    settles the reminders of done to-dos and of cases that left the recipient (`reminders.engine`), so
    this is also the number of rows the reminders page lists."""
    return Reminder.objects.filter(recipient=user, done_at__isnull=True).count()

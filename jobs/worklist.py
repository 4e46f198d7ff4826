"""The "Heute" worklist (WORK-1), composed here — above the domain apps whose to-dos it lists, below the
two fronts (`web` start page, `api` `GET /api/v1/worklist/`) that both call `worklist_for`.

Each domain app hands its items through `worklist_items(*, user, today, until)` (the protocol of
`reminders.worklist`). ADDING A SOURCE = ONE LINE in `SOURCES` below. Every source runs a fixed number
of queries however many cases there are (`tests/worklist` pins the total)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from audit.models import Capacity
from cases import worklist as cases_worklist
from catalog import clock, periods
from duties import worklist as duties_worklist
from followups import worklist as followups_worklist
from org.choices import Role
from plans import worklist as plans_worklist
from reminders.worklist import WorklistItem
from reviews import worklist as reviews_worklist

Source = Callable[..., list[WorklistItem]]

SOURCES: tuple[Source, ...] = (
    reviews_worklist.worklist_items,  # REV-1/2/3/4/6: reviews, TL approvals, maximum duration
    cases_worklist.worklist_items,  # CLR-2 clearing ends, CLR-4 disputes (TL)
    plans_worklist.worklist_items,  # PLAN-3 agreement reviews, PLAN-5 contact gaps
    followups_worklist.worklist_items,  # WORK-1 Wiedervorlagen
    duties_worklist.worklist_items,  # MIT-1 appointments, MIT-2 missing outcomes
)

# Kinds that are no reminder (REV-6 knows no such kind): shown on the worklist, not counted as reminders.
NOT_REMINDED = frozenset(
    {"contact_gap", "dispute_open", "review_approval", "review_acknowledge", "referral_new"}
)


def default_until(today: datetime.date) -> datetime.date:
    """Overdue, today and the next 14 days: the reminders' lead time (REV-6)."""
    return periods.reminder_horizon(today)


def worklist_for(
    *, user, today: datetime.date | None = None, until: datetime.date | None = None
) -> list[WorklistItem]:
    """The user's worklist: every source's items up to `until`, sorted by date (then client, then label)."""
    today = clock.today(today)
    until = default_until(today) if until is None else until
    if not user.is_authenticated:
        return []
    items = [item for source in SOURCES for item in source(user=user, today=today, until=until)]
    items.sort(key=lambda i: (i.due_on, i.client_name, i.label, i.case_id or 0))
    return items


@dataclass(frozen=True, slots=True)
class CaseRef:
    """What the access log needs of a case shown on the worklist (DP-2), without loading the case."""

    pk: int
    audit_client_id: int | None
    audit_object_type: str = "case"


def audit_refs(items: list[WorklistItem]) -> list[CaseRef]:
    """One ref per case shown (a case with three to-dos is one read)."""
    seen: dict[int, CaseRef] = {}
    for item in items:
        if item.case_id is not None and item.case_id not in seen:
            seen[item.case_id] = CaseRef(pk=item.case_id, audit_client_id=item.client_id)
    return list(seen.values())


def audit_capacity(user) -> str:
    """Every item is about the FM's own cases or the cases of the TL's teams (see the sources)."""
    return Capacity.TEAMLEITUNG if user.role == Role.TEAMLEITUNG else Capacity.OWN_CASE

"""Scoped reads of Wiedervorlagen (DP-1: only follow-ups of cases in the viewer's scope)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet

from cases.selectors import cases_visible_to
from followups.choices import FollowUpState
from followups.models import FollowUp

RECENT_CLOSED = 5


def followups_visible_to(user, *, today: datetime.date | None = None) -> QuerySet[FollowUp]:
    return FollowUp.objects.filter(case__in=cases_visible_to(user, today=today).values("pk"))


def followup_get(user, pk, *, today: datetime.date | None = None) -> FollowUp | None:
    """The follow-up if it exists and its case is in scope, else None (the caller answers 404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return (
        followups_visible_to(user, today=today)
        .select_related("case", "case__fallmanager")
        .filter(pk=pk)
        .first()
    )


def case_followups(case) -> QuerySet[FollowUp]:
    """All follow-ups of a case, open ones first by date, then the closed ones, newest first."""
    return (
        FollowUp.objects.filter(case=case).select_related("created_by", "closed_by").order_by("due_on", "pk")
    )


def split_open_closed(followups: list[FollowUp]) -> tuple[list[FollowUp], list[FollowUp]]:
    opened = [f for f in followups if f.state == FollowUpState.OPEN]
    closed = sorted((f for f in followups if f.state != FollowUpState.OPEN), key=lambda f: -f.pk)
    return opened, closed[:RECENT_CLOSED]

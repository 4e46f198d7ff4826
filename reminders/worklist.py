"""The worklist protocol (WORK-1): what each domain app hands the "Heute" page, the API and the digest.

Each domain app with to-dos exposes `worklist_items(*, user, today, until) -> list[WorklistItem]` (scoped
through `cases.access`, a fixed number of queries however many cases); the fronts compose them explicitly
and sort by `due_on`. This module sits low (in `reminders`) so every domain app can import the type."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class WorklistItem:
    kind: str  # machine code, e.g. "review_due", "appointment_outcome_missing" (never shown)
    case_id: int | None  # None for items about a client without a case (periodic access check)
    client_name: str
    customer_number: str
    due_on: datetime.date
    label: str  # German, what is to be done ("Fortführungsprüfung nach 12 Monaten dokumentieren")
    url: str  # where it is done
    client_id: int | None = None  # for the access log (DP-2: the worklist shows whose to-dos these are)

    def overdue(self, today: datetime.date) -> bool:
        return self.due_on < today

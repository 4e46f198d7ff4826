"""The client's Bedarfsgemeinschaft as a case shows it (HH-1): the *other* members with name, birth date,
age, role in the household, whether they are in FM now and with which team — never their case content.

`household_members(case=…)` reads them in one query (the open case and its team by subquery); the
caller has read the case through its scope (`case_get`), which is what entitles it to see the household.
`household_log(...)` writes one access-log row per member shown (DP-2), with the capacity of the case."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import OuterRef, Subquery

from audit.services import record_bulk
from cases.access import case_capacity
from cases.choices import OPEN_STATES, HouseholdRole
from cases.models import Case, Client
from catalog import clock


@dataclass(frozen=True)
class HouseholdMember:
    client: Client
    age: int
    role: str
    role_label: str
    in_case_management: bool
    team: str | None  # the team of the member's FM while the member is in FM


def _age(birth_date: datetime.date, today: datetime.date) -> int:
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def household_members(*, case: Case, today: datetime.date | None = None) -> list[HouseholdMember]:
    """The other members of the case client's household, oldest first (one query)."""
    today = clock.today(today)
    open_case = Case.objects.filter(client=OuterRef("pk"), state__in=OPEN_STATES).order_by("-pk")
    rows = (
        Client.objects.filter(household_id=case.client.household_id, anonymised_on__isnull=True)
        .exclude(pk=case.client_id)
        .annotate(
            open_case_id=Subquery(open_case.values("pk")[:1]),
            open_case_team=Subquery(open_case.values("fallmanager__team__name")[:1]),
        )
        .only("pk", "first_name", "last_name", "birth_date", "household_role", "household_id")
        .order_by("birth_date", "last_name", "first_name", "pk")
    )
    labels = dict(HouseholdRole.choices)
    return [
        HouseholdMember(
            client=row,
            age=_age(row.birth_date, today),
            role=row.household_role,
            role_label=str(labels.get(row.household_role, "")),
            in_case_management=row.open_case_id is not None,
            team=row.open_case_team if row.open_case_id is not None else None,
        )
        for row in rows
    ]


def household_log(*, user, case: Case, members: list[HouseholdMember], via: str, today=None) -> None:
    """DP-2: the members shown, one INSERT; the capacity is that of the case being read."""
    if not members:
        return
    record_bulk(
        user=user,
        action="household.view",
        objs=[m.client for m in members],
        capacity=case_capacity(user, case, today=today),
        context={"via": via, "case": case.pk},
        today=today,
    )

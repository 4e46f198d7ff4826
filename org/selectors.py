"""Reads on the organisation."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from cases.choices import CaseState
from org.choices import Role
from org.models import Staff


@dataclass(frozen=True)
class Caseload:
    counted: int
    in_clearing: int
    target: int

    @property
    def utilization(self) -> float:
        return round(self.counted / self.target, 2) if self.target else 0.0

    @property
    def over_target(self) -> bool:
        return self.counted > self.target


def staff_caseload(*, staff: Staff) -> Caseload:
    """CAP-1/2: counted = active cases (clearing, disputed and closed do not count); target by hours."""
    agg = staff.fm_cases.aggregate(
        counted=Count("pk", filter=Q(state=CaseState.ACTIVE)),
        in_clearing=Count("pk", filter=Q(state=CaseState.CLEARING)),
    )
    return Caseload(counted=agg["counted"], in_clearing=agg["in_clearing"], target=staff.caseload_target)


def fallmanagers_with_caseload(*, queryset=None):
    """FMs annotated with counted/in_clearing in one query (dashboards: CAP-3)."""
    qs = queryset if queryset is not None else Staff.objects.filter(role=Role.FALLMANAGER, is_active=True)
    return qs.annotate(
        counted=Count("fm_cases", filter=Q(fm_cases__state=CaseState.ACTIVE)),
        in_clearing=Count("fm_cases", filter=Q(fm_cases__state=CaseState.CLEARING)),
    ).select_related("team", "team__site")


def staff_visible_caseload(*, viewer: Staff, staff: Staff) -> bool:
    """Who may see a FM's caseload figures: the FM, their TL, their BL, admin (API.md)."""
    if viewer.pk == staff.pk or viewer.role == Role.ADMIN:
        return True
    if staff.team_id is None:
        return False
    if viewer.role == Role.TEAMLEITUNG:
        return viewer.led_teams.filter(pk=staff.team_id).exists()
    if viewer.role == Role.BEREICHSLEITUNG:
        return viewer.led_areas.filter(sites__teams=staff.team_id).exists()
    return False

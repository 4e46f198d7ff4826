"""Reads on the organisation (no cases: the caseload figures of CAP-1..3 are `cases.selectors`)."""

from __future__ import annotations

from org.choices import Role
from org.models import Staff


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


def leads_team(user, team_id: int | None) -> bool:
    """Whether `user` is a Teamleitung of team `team_id` (SUB-1..3 and the team pages)."""
    return (
        team_id is not None
        and user.is_authenticated
        and user.role == Role.TEAMLEITUNG
        and user.led_teams.filter(pk=team_id).exists()
    )

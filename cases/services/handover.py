"""Handover (SUB-2, SUB-3): an FM changes team (at the same site she keeps her cases; to another site only
without open cases), and the TL hands a case to another FM (Fallabgabe), moving the client's site with it.
Continued care after a transfer is an explicit grant: `cases.access.continued_care_grant`."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from cases.choices import OPEN_STATES
from cases.models import Case
from cases.services.clients import client_site_move
from cases.services.transitions import lock_case, record_event
from catalog import clock
from fallmanagement.errors import Conflict, InvalidInput, NotPermitted
from org.choices import Role
from org.models import Site, Staff, Team
from org.selectors import leads_team
from org.services import require_active_fm


@transaction.atomic
def staff_change_team(
    *, acting_user: Staff, staff: Staff, team: Team, today: datetime.date | None = None
) -> Staff:
    """SUB-2: an FM moves to another team at the same site and keeps her cases (the new team's TL sees
    them from now on). A move to another site is refused while she still has open cases: they are
    handed over first (SUB-3)."""
    if not (
        acting_user.has_role(Role.ADMIN)
        or leads_team(acting_user, staff.team_id)
        or leads_team(acting_user, team.pk)
    ):
        raise NotPermitted(_("Nur die Administration oder eine beteiligte Teamleitung kann das Team ändern."))
    staff = Staff.objects.select_for_update(of=("self",)).select_related("team").get(pk=staff.pk)
    if staff.team_id == team.pk:
        return staff
    same_site = staff.team is not None and staff.team.site_id == team.site_id
    if not same_site and staff.role == Role.FALLMANAGER:
        open_cases = Case.objects.filter(fallmanager=staff, state__in=OPEN_STATES).count()
        if open_cases:
            raise Conflict(
                _(
                    "Wechsel an einen anderen Standort: Bitte zuerst die %(n)s offenen Fälle an "
                    "Fallmanager*innen des bisherigen Standorts abgeben."
                )
                % {"n": open_cases},
                code="open_cases_at_site",
            )
    staff.team = team
    staff.save(update_fields=["team"])
    return staff


@transaction.atomic
def case_transfer(
    *,
    case: Case,
    acting_user: Staff,
    to_fallmanager: Staff,
    on: datetime.date | None = None,
    three_way_talk: bool = False,
    today: datetime.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """SUB-3 (Fallabgabe): the TL of the current FM's team hands an open case to another FM; if that FM
    works at another site, the client's site moves with it. The previous FM loses access at once —
    unless both TLs agree to a time-boxed continued care (`continued_care_grant`)."""
    today = clock.today(today)
    on = on or today
    locked = lock_case(case, expected_version=expected_version)
    previous_fm = locked.fallmanager
    if not leads_team(acting_user, previous_fm.team_id):
        raise NotPermitted(_("Nur die Teamleitung der bisherigen Fallmanager*in kann den Fall abgeben."))
    if locked.state not in OPEN_STATES:
        raise Conflict(_("Nur offene Fälle können abgegeben werden."), code="transition_not_allowed")
    require_active_fm(to_fallmanager, "to_fallmanager")
    if to_fallmanager.pk == previous_fm.pk:
        raise InvalidInput(
            _("Der Fall liegt bereits bei dieser Fallmanager*in."),
            fields={"to_fallmanager": [_("Bitte eine andere Person wählen.")]},
        )
    if to_fallmanager.team_id is None:
        raise InvalidInput(
            _("Die Fallmanager*in gehört keinem Team an."), fields={"to_fallmanager": [_("Kein Team.")]}
        )
    if on > today:
        raise InvalidInput(
            _("Das Datum der Abgabe darf nicht in der Zukunft liegen."), fields={"on": [_("In der Zukunft.")]}
        )
    to_site_id = Team.objects.values_list("site_id", flat=True).get(pk=to_fallmanager.team_id)
    from_site_id = locked.client.site_id
    locked.fallmanager = to_fallmanager
    locked.version += 1
    locked.save(update_fields=["fallmanager", "version", "updated_at"])
    if to_site_id != from_site_id:
        # The handover is the rule that moves a client to another site (SUB-3), not a data edit.
        client_site_move(client=locked.client, site=Site.objects.get(pk=to_site_id))
    record_event(
        case=locked,
        name="transfer",
        from_state=locked.state,
        actor=acting_user,
        on=on,
        payload={
            "from_fallmanager": previous_fm.pk,
            "to_fallmanager": to_fallmanager.pk,
            "from_site": from_site_id,
            "to_site": to_site_id,
            "three_way_talk": bool(three_way_talk),
        },
    )
    return locked

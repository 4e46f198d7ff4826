"""Substitution and handover (DOMAIN SUB-1..3): who works a case while its FM is away, a team change
within the site, and the transfer of a case to an FM of another site with optional continued care."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cases.choices import OPEN_STATES
from cases.models import Case
from cases.services import record_event
from catalog import clock
from fallmanagement.errors import Conflict, InvalidInput, NotFound, NotPermitted
from org.choices import Role
from org.models import Staff, Substitution, Team
from org.selectors import leads_team

MAX_SUBSTITUTION_DAYS = 366


def _require_active_fm(person, field: str) -> None:
    if person is None or person.role != Role.FALLMANAGER or not person.is_active:
        raise InvalidInput(
            _("Bitte eine aktive Fallmanager*in wählen."), fields={field: [_("Keine aktive Fallmanager*in.")]}
        )


# --- SUB-1 substitution ----------------------------------------------------------------------------------


def substitutions_visible_to(user, *, today: datetime.date | None = None) -> QuerySet[Substitution]:
    """The substitutions a TL manages (her teams' FMs), current and future first; an FM sees her own."""
    today = clock.today(today)
    qs = Substitution.objects.select_related("absent", "substitute", "set_by", "absent__team")
    if user.role == Role.TEAMLEITUNG:
        qs = qs.filter(absent__team__in=user.led_teams.values("pk"))
    elif user.role == Role.FALLMANAGER:
        qs = qs.filter(Q(absent=user) | Q(substitute=user))
    else:
        return qs.none()
    return qs.filter(ends_on__gte=today - datetime.timedelta(days=90)).order_by("starts_on", "pk")


@transaction.atomic
def substitution_set(
    *,
    acting_user: Staff,
    absent: Staff,
    substitute: Staff,
    starts_on: datetime.date,
    ends_on: datetime.date,
    today: datetime.date | None = None,
) -> Substitution:
    """SUB-1: the TL of the absent FM's team names a substitute from her teams for a period."""
    today = clock.today(today)
    if not leads_team(acting_user, absent.team_id if absent else None):
        raise NotPermitted(
            _("Nur die Teamleitung der abwesenden Fallmanager*in kann die Vertretung regeln (SUB-1).")
        )
    _require_active_fm(absent, "absent")
    _require_active_fm(substitute, "substitute")
    if substitute.pk == absent.pk:
        raise InvalidInput(
            _("Eine Fallmanager*in kann sich nicht selbst vertreten."),
            fields={"substitute": [_("Bitte eine andere Person wählen.")]},
        )
    if not leads_team(acting_user, substitute.team_id):
        raise InvalidInput(
            _("Die Vertretung muss einem Ihrer Teams angehören."),
            fields={"substitute": [_("Nicht in Ihren Teams.")]},
        )
    if starts_on is None or ends_on is None or ends_on < starts_on:
        raise InvalidInput(
            _("Der Zeitraum ist ungültig."), fields={"ends_on": [_("Das Ende liegt vor dem Beginn.")]}
        )
    if ends_on < today:
        raise InvalidInput(
            _("Eine Vertretung in der Vergangenheit kann nicht mehr eingetragen werden."),
            fields={"ends_on": [_("Das Ende liegt in der Vergangenheit.")]},
        )
    if (ends_on - starts_on).days >= MAX_SUBSTITUTION_DAYS:
        raise InvalidInput(
            _("Eine Vertretung dauert höchstens ein Jahr."), fields={"ends_on": [_("Zeitraum zu lang.")]}
        )
    # Lock the absent FM's row so two TLs cannot create overlapping periods at once.
    Staff.objects.select_for_update().get(pk=absent.pk)
    if Substitution.objects.filter(absent=absent, starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
        raise Conflict(
            _("Für diesen Zeitraum ist bereits eine Vertretung eingetragen."), code="substitution_overlaps"
        )
    return Substitution.objects.create(
        absent=absent, substitute=substitute, starts_on=starts_on, ends_on=ends_on, set_by=acting_user
    )


@transaction.atomic
def substitution_end(
    *,
    acting_user: Staff,
    substitution: Substitution,
    on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Substitution | None:
    """End a substitution early (the FM is back): `on` is the last day of access; yesterday ends it
    at once. A period that would not have begun by then is deleted. Returns the shortened
    substitution, or None when deleted."""
    today = clock.today(today)
    on = on or today
    sub = Substitution.objects.select_for_update().select_related("absent").filter(pk=substitution.pk).first()
    if sub is None:
        raise NotFound(_("Vertretung nicht gefunden."))
    if not leads_team(acting_user, sub.absent.team_id):
        raise NotPermitted(
            _("Nur die Teamleitung der abwesenden Fallmanager*in kann die Vertretung regeln (SUB-1).")
        )
    if on < today - datetime.timedelta(days=1):
        raise InvalidInput(
            _("Eine Vertretung kann nicht rückwirkend beendet werden."),
            fields={"on": [_("Liegt in der Vergangenheit.")]},
        )
    if sub.starts_on > on:
        sub.delete()
        return None
    if on >= sub.ends_on:
        raise Conflict(_("Die Vertretung endet ohnehin bis zu diesem Tag."), code="substitution_not_running")
    sub.ends_on = on
    sub.save(update_fields=["ends_on"])
    return sub


# --- SUB-2 team change at the same site ----------------------------------------------------------------


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
                    "Fallmanager*innen des bisherigen Standorts abgeben (SUB-3)."
                )
                % {"n": open_cases},
                code="open_cases_at_site",
            )
    staff.team = team
    staff.save(update_fields=["team"])
    return staff


# --- SUB-3 transfer and continued care ----------------------------------------------------------------


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
    from cases.services import lock_case

    today = clock.today(today)
    on = on or today
    locked = lock_case(case, expected_version=expected_version)
    previous_fm = locked.fallmanager
    if not leads_team(acting_user, previous_fm.team_id):
        raise NotPermitted(
            _("Nur die Teamleitung der bisherigen Fallmanager*in kann den Fall abgeben (SUB-3).")
        )
    if locked.state not in OPEN_STATES:
        raise Conflict(_("Nur offene Fälle können abgegeben werden."), code="transition_not_allowed")
    _require_active_fm(to_fallmanager, "to_fallmanager")
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
        from cases.services import client_update
        from org.models import Site

        client_update(
            client=locked.client, acting_user=acting_user, site=Site.objects.get(pk=to_site_id), today=today
        )
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

"""Substitution (DOMAIN SUB-1): who works a case while its FM is away. The team change and the transfer of
cases (SUB-2, SUB-3) are `cases.services.handover`, continued care is `cases.access`."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from catalog import clock
from fallmanagement.errors import Conflict, InvalidInput, NotFound, NotPermitted
from org.choices import Role
from org.models import Staff, Substitution
from org.selectors import leads_team
from org.services import require_active_fm

MAX_SUBSTITUTION_DAYS = 366


# --- SUB-1 substitution ----------------------------------------------------------------------------------


def substitutions_visible_to(user, *, today: datetime.date | None = None) -> QuerySet[Substitution]:
    """The substitutions a TL manages (her teams' FMs), current and future first; an FM sees her own."""
    today = clock.today(today)
    qs = Substitution.objects.select_related("absent", "substitute", "set_by", "absent__team")
    if user.role == Role.TEAMLEITUNG:
        led = user.led_teams.values("pk")
        # her teams' absences, and cross-team substitutions by FMs of her teams (SUB-1: she agrees)
        qs = qs.filter(Q(absent__team__in=led) | Q(substitute__team__in=led))
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
        raise NotPermitted(_("Nur die Teamleitung der abwesenden Fallmanager*in kann die Vertretung regeln."))
    require_active_fm(absent, "absent")
    require_active_fm(substitute, "substitute")
    if substitute.pk == absent.pk:
        raise InvalidInput(
            _("Eine Fallmanager*in kann sich nicht selbst vertreten."),
            fields={"substitute": [_("Bitte eine andere Person wählen.")]},
        )
    # SUB-1: across teams only at the same site (Handlungsleitlinie IV.5), then with the agreement of the
    # substitute's TL as well — until she agrees the substitution is pending and gives no access.
    own_team = leads_team(acting_user, substitute.team_id)
    if not own_team and (
        substitute.team_id is None or absent.team is None or substitute.team.site_id != absent.team.site_id
    ):
        raise InvalidInput(
            _(
                "Die Vertretung erfolgt innerhalb des Standorts: Bitte eine Fallmanager*in Ihrer Teams oder "
                "eines anderen Teams dieses Standorts wählen (Handlungsleitlinie IV.5)."
            ),
            fields={"substitute": [_("Nicht an diesem Standort.")]},
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
        absent=absent,
        substitute=substitute,
        starts_on=starts_on,
        ends_on=ends_on,
        set_by=acting_user,
        pending=not own_team,
        approved_by=acting_user if own_team else None,
    )


def substitution_waits_for(substitution: Substitution, user) -> bool:
    """SUB-1: a cross-team substitution waits for the TL of the substitute's team."""
    return substitution.pending and leads_team(user, substitution.substitute.team_id)


@transaction.atomic
def substitution_approve(
    *, acting_user: Staff, substitution: Substitution, today: datetime.date | None = None
) -> Substitution:
    """SUB-1: the substitute's TL agrees to a substitution across teams of the site; it is in force then."""
    sub = (
        Substitution.objects.select_for_update()
        .select_related("substitute")
        .filter(pk=substitution.pk)
        .first()
    )
    if sub is None:
        raise NotFound(_("Vertretung nicht gefunden."))
    if not leads_team(acting_user, sub.substitute.team_id):
        raise NotPermitted(
            _(
                "Nur die Teamleitung der vertretenden Fallmanager*in stimmt einer teamübergreifenden Vertretung zu."
            )
        )
    if not sub.pending:
        raise Conflict(_("Dieser Vertretung ist bereits zugestimmt."), code="substitution_not_pending")
    sub.pending = False
    sub.approved_by = acting_user
    sub.save(update_fields=["pending", "approved_by"])
    return sub


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
        raise NotPermitted(_("Nur die Teamleitung der abwesenden Fallmanager*in kann die Vertretung regeln."))
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

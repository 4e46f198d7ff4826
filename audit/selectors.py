"""Reads for the audit app: explicit grants in the case scope, the capacity of an access, the access
log for the data-protection officer, and the retention candidates (DP-1, DP-2, DP-5)."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Max, Q, QuerySet
from django.db.models.functions import Coalesce

from audit.models import AccessLog, Capacity, CaseGrant
from cases.choices import OPEN_STATES
from cases.models import Case, Client
from catalog import clock
from org.choices import Role
from org.models import Substitution


def active_grants(user, today: datetime.date) -> QuerySet[CaseGrant]:
    return CaseGrant.objects.filter(
        user=user, active=True, revoked_on__isnull=True, starts_on__lte=today, expires_on__gte=today
    )


def extra_case_grants_q(user, today: datetime.date | None = None, prefix: str = "") -> Q | None:
    """The cases a user may additionally read through an explicit, unexpired grant (continued care
    after a move with both TLs' agreement, or a case conference). None when there is nothing to add.

    To be OR-ed into `cases.selectors._scope_q` (see the note in the report)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.role not in (Role.FALLMANAGER, Role.TEAMLEITUNG):
        return None
    today = clock.today(today)
    # Resolved to a short list first: `pk = ANY(array)` OR-ed with the role scope stays index-backed,
    # whereas an OR with a subquery makes PostgreSQL scan all cases.
    case_ids = list(active_grants(user, today).values_list("case_id", flat=True))
    if not case_ids:
        return None
    return Q(**{f"{prefix}pk__in": case_ids})


def case_capacity(user, case: Case, *, today: datetime.date | None = None) -> str:
    """Why `user` may read `case` — the capacity written to the access log."""
    today = clock.today(today)
    role = getattr(user, "role", None)
    if role == Role.FALLMANAGER:
        if case.fallmanager_id == user.pk:
            return Capacity.OWN_CASE
        if Substitution.objects.filter(
            absent_id=case.fallmanager_id, substitute=user, starts_on__lte=today, ends_on__gte=today
        ).exists():
            return Capacity.SUBSTITUTION
        if active_grants(user, today).filter(case=case).exists():
            return Capacity.GRANT
        return Capacity.OTHER
    if role == Role.TEAMLEITUNG:
        if (
            active_grants(user, today).filter(case=case).exists()
            and not user.led_teams.filter(members=case.fallmanager_id).exists()
        ):
            return Capacity.GRANT
        return Capacity.TEAMLEITUNG
    if role == Role.BEREICHSLEITUNG:
        return Capacity.BEREICHSLEITUNG
    if role == Role.PAP:
        return Capacity.PAP_REFERRAL if case.referred_by_id == user.pk else Capacity.PAP_SITE
    if role == Role.DATENSCHUTZ:
        return Capacity.DATENSCHUTZ
    return Capacity.OTHER


def client_capacity(user, client: Client, *, today: datetime.date | None = None) -> str:
    """Capacity for reading a client: that of the client's newest case in the user's scope."""
    today = clock.today(today)
    role = getattr(user, "role", None)
    if role == Role.PAP:
        referred = Case.objects.filter(client=client, referred_by=user).exists()
        return Capacity.PAP_REFERRAL if referred else Capacity.PAP_SITE
    case = Case.objects.filter(client=client).order_by("-pk").first()
    if case is None:
        return {
            Role.TEAMLEITUNG: Capacity.TEAMLEITUNG,
            Role.BEREICHSLEITUNG: Capacity.BEREICHSLEITUNG,
            Role.DATENSCHUTZ: Capacity.DATENSCHUTZ,
        }.get(role, Capacity.OTHER)
    return case_capacity(user, case, today=today)


def access_log_list(
    *, viewer, client_id: int | None = None, user_id: int | None = None
) -> QuerySet[AccessLog]:
    """The access log, readable only by the data-protection role (callers check the role)."""
    qs = AccessLog.objects.select_related("user").order_by("-at", "-pk")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    return qs


def retention_cutoff(today: datetime.date) -> datetime.date:
    return today - relativedelta(years=settings.FM["RETENTION_YEARS"])


def purge_candidates(*, today: datetime.date) -> QuerySet[Client]:
    """DP-5: clients not yet anonymised, with no open case, whose last case ended before the cutoff.

    A case "ended" on its exit date, or — for rejected, forwarded or returned referrals — on the date
    of the clearing result or the dispute decision."""
    cutoff = retention_cutoff(today)
    open_clients = Case.objects.filter(state__in=OPEN_STATES).values("client_id")
    return (
        Client.objects.filter(anonymised_on__isnull=True, cases__isnull=False)
        .exclude(pk__in=open_clients)
        .annotate(
            last_ended_on=Max(
                Coalesce(
                    "cases__closed_on", "cases__dispute_decided_on", "cases__decided_on", "cases__referred_on"
                )
            )
        )
        .filter(last_ended_on__lt=cutoff)
        .order_by("pk")
    )

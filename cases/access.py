"""Who may see and act on a case — the one access module (DP-1, SUB-1..3, CLR-4).

- Predicates (also the `permission=` of the case's transitions, each with the German `.message` the UI
  shows): `is_case_fm`, `is_case_tl`, `is_referring_pap`.
- The read scope: `case_scope_q(user, today)` — the Q every scoped selector filters cases with
  (`cases.selectors.cases_visible_to`, `clients_visible_to`, `case_get`); `scope_memo()` resolves it once
  per page.
- Explicit per-object grants (continued care after a move SUB-3, a case conference, later a datenschutz
  inspection) are django-guardian object permissions `cases.view_case` on the case, held in guardian's
  direct-foreign-key table `CaseUserObjectPermission` with the grant's period. The scope reads them there
  and only there (`granted_cases_q`); the `CaseGrant` record (who proposed, who approved, the period,
  revoked) documents the agreement and is never read by the scope. `grants_expire` (daily job) removes the
  guardian permission of grants whose period ended; until it runs the period on the permission row keeps
  the scope exact to the day.
- The capacity written to the access log: `capacity_for(user, obj)`.

Substitution (SUB-1) stays date-based on `org.Substitution`: no rows to create or expire.
"""

from __future__ import annotations

import contextvars
import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Max, Min, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.models import Capacity

# `cases.models` imports this module for the transitions' `permission=`: the models are read at call time
# (`case_models.Case`), so the circular import within the app is safe.
from cases import models as case_models
from cases.choices import OPEN_STATES
from catalog import clock
from fallmanagement.errors import Conflict, InvalidInput, NotPermitted
from org.choices import Role
from org.models import Staff, Substitution
from org.selectors import leads_team

if TYPE_CHECKING:
    from cases.models import Case, CaseGrant, Client

VIEW_CASE = "cases.view_case"
CASE_CONFERENCE_MAX_DAYS = 14
CONTINUED_CARE_MAX_DAYS = 92


# --- predicates ----------------------------------------------------------------------------------------


def is_case_fm(case: Case, user, *, today: datetime.date | None = None) -> bool:
    """The case's FM, or her substitute while the substitution runs (SUB-1)."""
    if not (user.is_authenticated and user.role == Role.FALLMANAGER):
        return False
    if case.fallmanager_id == user.pk:
        return True
    today = clock.today(today)
    return Substitution.objects.filter(
        absent_id=case.fallmanager_id,
        substitute=user,
        starts_on__lte=today,
        ends_on__gte=today,
        pending=False,
    ).exists()


def is_referring_pap(case: Case, user) -> bool:
    return user.is_authenticated and user.role == Role.PAP and case.referred_by_id == user.pk


def is_case_tl(case: Case, user) -> bool:
    """A Teamleitung of the FM's team (REV-3, CLR-4)."""
    return (
        user.is_authenticated
        and user.role == Role.TEAMLEITUNG
        and case.fallmanager.team_id is not None
        and user.led_teams.filter(pk=case.fallmanager.team_id).exists()
    )


is_case_fm.message = gettext_lazy("Nur die zuständige Fallmanager*in kann diesen Schritt ausführen.")
is_referring_pap.message = gettext_lazy("Nur die zuweisende pAp kann der Ablehnung widersprechen.")
is_case_tl.message = gettext_lazy("Nur die Teamleitung der Fallmanager*in entscheidet über den Widerspruch.")


# --- the read scope (DP-1) -----------------------------------------------------------------------------

# Within one page view the scope cannot change, but every section's selector asks for it again. A page
# view wraps its work in `scope_memo()`; inside it the scope is resolved once per (user, day, prefix).
_SCOPE_MEMO: contextvars.ContextVar[dict | None] = contextvars.ContextVar("fm_scope_memo", default=None)


@contextmanager
def scope_memo() -> Iterator[None]:
    """Resolve the viewer's case scope at most once while the block runs (one page view)."""
    token = _SCOPE_MEMO.set({})
    try:
        yield
    finally:
        _SCOPE_MEMO.reset(token)


def case_scope_q(user, today: datetime.date, prefix: str = "") -> Q | None:
    """The Q that limits cases to the user's scope; None means nothing is visible."""
    memo = _SCOPE_MEMO.get()
    if memo is None:
        return _scope_q_resolve(user, today, prefix)
    key = (getattr(user, "pk", None), getattr(user, "role", None), today, prefix)
    if key not in memo:
        memo[key] = _scope_q_resolve(user, today, prefix)
    return memo[key]


def worked_fallmanager_ids(user, today: datetime.date) -> list[int]:
    """Whose cases the user works on today: an FM her own and, while a substitution runs, those of the
    FMs she covers for (SUB-1); a TL the FMs of the teams she leads. Resolved once per page view inside
    `scope_memo()` (the scope below reuses it); the worklist sources (WORK-1) filter by these ids."""
    memo = _SCOPE_MEMO.get()
    key = ("worked", getattr(user, "pk", None), getattr(user, "role", None), today)
    if memo is not None and key in memo:
        return memo[key]
    ids: list[int] = []
    if user.is_authenticated and user.is_active:
        if user.role == Role.FALLMANAGER:
            # A substitution across teams waits for the second TL's agreement (SUB-1): no access until then.
            covered = Substitution.objects.filter(
                substitute=user, starts_on__lte=today, ends_on__gte=today, pending=False
            )
            ids = [user.pk, *covered.values_list("absent_id", flat=True)]
        elif user.role == Role.TEAMLEITUNG:
            ids = list(Staff.objects.filter(team__in=user.led_teams.all()).values_list("pk", flat=True))
    if memo is not None:
        memo[key] = ids
    return ids


def _scope_q_resolve(user, today: datetime.date, prefix: str = "") -> Q | None:
    """Ids are resolved to short lists first: `fallmanager_id = ANY(list)` stays index-backed, whereas an
    OR with a subquery makes PostgreSQL scan every case (tests/security/test_query_plan.py)."""
    p = prefix
    if not user.is_authenticated or not user.is_active:
        return None
    q: Q | None = None
    if user.role in (Role.FALLMANAGER, Role.TEAMLEITUNG):
        # FM: own cases and, while a substitution runs, those of the FMs she covers for (SUB-1);
        # TL: the cases of the FMs of her teams.
        q = Q(**{f"{p}fallmanager__in": worked_fallmanager_ids(user, today)})
    elif user.role == Role.BEREICHSLEITUNG:
        members = Staff.objects.filter(team__site__area__in=user.led_areas.all())
        q = Q(**{f"{p}fallmanager__in": list(members.values_list("pk", flat=True))})
    elif user.role == Role.PAP:
        q = Q(**{f"{p}referred_by": user})
    if q is None:
        return None
    grants = granted_cases_q(user, today, prefix=p)
    return q | grants if grants is not None else q


# Roles that explicit grants are given to today (continued care and case conferences go to FMs and TLs);
# a datenschutz inspection grant adds its role here and a `GrantReason`.
GRANTEE_ROLES = (Role.FALLMANAGER, Role.TEAMLEITUNG)


def _permissions_in_force(user, today: datetime.date) -> QuerySet:
    """The user's guardian object permissions `cases.view_case` whose period includes `today`."""
    return case_models.CaseUserObjectPermission.objects.filter(
        user=user,
        permission__codename="view_case",
        permission__content_type__app_label="cases",
    ).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
    )


def granted_cases_q(user, today: datetime.date | None = None, prefix: str = "") -> Q | None:
    """The cases a user may additionally read through an explicit grant (a guardian object permission in
    force today). None when there is nothing to add. OR-ed into `case_scope_q`."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.role not in GRANTEE_ROLES:
        return None
    today = clock.today(today)
    # Resolved to a short list first: `pk = ANY(array)` OR-ed with the role scope stays index-backed,
    # whereas an OR with a subquery makes PostgreSQL scan all cases.
    case_ids = list(_permissions_in_force(user, today).values_list("content_object_id", flat=True))
    if not case_ids:
        return None
    return Q(**{f"{prefix}pk__in": case_ids})


def has_case_grant(user, case: Case, today: datetime.date | None = None) -> bool:
    return _permissions_in_force(user, clock.today(today)).filter(content_object_id=case.pk).exists()


# --- capacity of an access (DP-2) ---------------------------------------------------------------------


def case_capacity(user, case: Case, *, today: datetime.date | None = None) -> str:
    """Why `user` may read `case` — the capacity written to the access log."""
    today = clock.today(today)
    role = getattr(user, "role", None)
    if role == Role.FALLMANAGER:
        if case.fallmanager_id == user.pk:
            return Capacity.OWN_CASE
        if Substitution.objects.filter(
            absent_id=case.fallmanager_id,
            substitute=user,
            starts_on__lte=today,
            ends_on__gte=today,
            pending=False,
        ).exists():
            return Capacity.SUBSTITUTION
        if has_case_grant(user, case, today):
            return Capacity.GRANT
        return Capacity.OTHER
    if role == Role.TEAMLEITUNG:
        if (
            has_case_grant(user, case, today)
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
        referred = case_models.Case.objects.filter(client=client, referred_by=user).exists()
        return Capacity.PAP_REFERRAL if referred else Capacity.PAP_SITE
    case = case_models.Case.objects.filter(client=client).order_by("-pk").first()
    if case is None:
        return {
            Role.TEAMLEITUNG: Capacity.TEAMLEITUNG,
            Role.BEREICHSLEITUNG: Capacity.BEREICHSLEITUNG,
            Role.DATENSCHUTZ: Capacity.DATENSCHUTZ,
        }.get(role, Capacity.OTHER)
    return case_capacity(user, case, today=today)


def capacity_for(user, obj, *, today: datetime.date | None = None) -> str:
    """The capacity of reading `obj`: a case, a client, or anything with a `case` or `client`. Installed
    as the audit log's capacity resolver (`cases.apps.CasesConfig.ready`)."""
    if isinstance(obj, case_models.Case):
        return case_capacity(user, obj, today=today)
    if isinstance(obj, case_models.Client):
        return client_capacity(user, obj, today=today)
    case = getattr(obj, "case", None)
    if isinstance(case, case_models.Case):
        return case_capacity(user, case, today=today)
    client = getattr(obj, "client", None)
    if isinstance(client, case_models.Client):
        return client_capacity(user, client, today=today)
    return Capacity.OTHER


# --- explicit grants: guardian object permissions with a period ----------------------------------------


def _view_case_permission() -> Permission:
    return Permission.objects.get(content_type__app_label="cases", codename="view_case")


def _permission_sync(*, case_id: int, user_id: int, today: datetime.date) -> None:
    """Make the guardian permission of (user, case) match the grants in force from `today` on: their
    earliest start and latest end; no grant left → no permission."""
    span = case_models.CaseGrant.objects.filter(
        case_id=case_id, user_id=user_id, active=True, revoked_on__isnull=True, expires_on__gte=today
    ).aggregate(start=Min("starts_on"), end=Max("expires_on"))
    rows = case_models.CaseUserObjectPermission.objects.filter(
        user_id=user_id, content_object_id=case_id, permission__codename="view_case"
    )
    if span["end"] is None:
        rows.delete()
        return
    updated = rows.update(valid_from=span["start"], valid_until=span["end"])
    if not updated:
        case_models.CaseUserObjectPermission.objects.create(
            user_id=user_id,
            content_object_id=case_id,
            permission=_view_case_permission(),
            valid_from=span["start"],
            valid_until=span["end"],
        )


def grant_activate(grant: CaseGrant, *, today: datetime.date | None = None) -> None:
    grant.active = True
    grant.save(update_fields=["active"])
    _permission_sync(case_id=grant.case_id, user_id=grant.user_id, today=clock.today(today))


def _grant_revoke(grant: CaseGrant, on: datetime.date) -> None:
    grant.active = False
    grant.revoked_on = on
    grant.save(update_fields=["active", "revoked_on"])
    _permission_sync(case_id=grant.case_id, user_id=grant.user_id, today=on)


@transaction.atomic
def case_conference_grant(
    *, case: Case, user: Staff, acting_user: Staff, until: datetime.date, today: datetime.date | None = None
) -> CaseGrant:
    """Share a case with a colleague (FM or TL) for a case conference, at most 14 days (DP-1).

    Only the case's FM or the TL of her team may share it."""
    today = clock.today(today)
    case = case_models.Case.objects.select_related("fallmanager").get(pk=case.pk)
    is_fm = acting_user.role == Role.FALLMANAGER and case.fallmanager_id == acting_user.pk
    is_tl = (
        acting_user.role == Role.TEAMLEITUNG
        and acting_user.led_teams.filter(pk=case.fallmanager.team_id).exists()
    )
    if not (is_fm or is_tl):
        raise NotPermitted(
            _("Nur die zuständige Fallmanager*in oder ihre Teamleitung kann den Fall freigeben.")
        )
    if (
        user.role not in (Role.FALLMANAGER, Role.TEAMLEITUNG)
        or not user.is_active
        or user.pk == case.fallmanager_id
    ):
        raise InvalidInput(
            _("Freigeben lässt sich der Fall nur für eine andere aktive Fallmanager*in oder Teamleitung."),
            fields={"user": [_("Nicht zulässig.")]},
        )
    if until < today or until > today + datetime.timedelta(days=CASE_CONFERENCE_MAX_DAYS):
        raise InvalidInput(
            _("Eine Freigabe zur Fallkonferenz gilt höchstens %(n)s Tage.") % {"n": CASE_CONFERENCE_MAX_DAYS},
            fields={
                "until": [_("Bitte ein Datum in den nächsten %(n)s Tagen.") % {"n": CASE_CONFERENCE_MAX_DAYS}]
            },
        )
    grant = case_models.CaseGrant.objects.create(
        case=case,
        user=user,
        reason=case_models.GrantReason.CASE_CONFERENCE,
        starts_on=today,
        expires_on=until,
        granted_by=acting_user,
    )
    grant_activate(grant, today=today)
    return grant


@transaction.atomic
def grants_expire(*, on: datetime.date) -> int:
    """Daily job: revoke every grant whose period has ended, and with it the guardian permission."""
    expired = list(
        case_models.CaseGrant.objects.select_for_update().filter(revoked_on__isnull=True, expires_on__lt=on)
    )
    for grant in expired:
        _grant_revoke(grant, on)
    return len(expired)


@transaction.atomic
def grant_revoke(*, grant: CaseGrant, acting_user: Staff, on: datetime.date | None = None) -> CaseGrant:
    """End a grant early: the person who granted it, or a TL who approved it."""
    on = clock.today(on)
    grant = case_models.CaseGrant.objects.select_for_update().select_related("case", "user").get(pk=grant.pk)
    if acting_user.pk not in (grant.granted_by_id, grant.approved_by_tl_old_id, grant.approved_by_tl_new_id):
        raise NotPermitted(_("Diese Freigabe können Sie nicht widerrufen."))
    if grant.revoked_on is not None:
        raise Conflict(_("Die Freigabe ist bereits beendet."))
    _grant_revoke(grant, on)
    return grant


# --- SUB-3 continued care: the previous FM keeps reading after a transfer, with both TLs' agreement ------


def continued_care_visible_to(user, *, today: datetime.date | None = None) -> QuerySet[CaseGrant]:
    """SUB-3 agreements a TL takes part in: the previous FM or the case's current FM is in one of her teams.
    Current and waiting ones (not revoked, not expired), soonest end first."""
    today = clock.today(today)
    if user.role != Role.TEAMLEITUNG:
        return case_models.CaseGrant.objects.none()
    teams = user.led_teams.values("pk")
    return (
        case_models.CaseGrant.objects.filter(
            reason=case_models.GrantReason.CONTINUED_CARE, revoked_on__isnull=True, expires_on__gte=today
        )
        .filter(Q(user__team__in=teams) | Q(case__fallmanager__team__in=teams))
        .select_related("case__client", "case__fallmanager__team", "user__team", "granted_by")
        .order_by("expires_on", "pk")
    )


def continued_care_waits_for(grant: CaseGrant, user) -> bool:
    """Whether `user` is the other TL whose agreement a waiting SUB-3 grant needs."""
    if grant.active or user.pk in (grant.approved_by_tl_old_id, grant.approved_by_tl_new_id):
        return False
    if grant.approved_by_tl_old_id is None and leads_team(user, grant.user.team_id):
        return True
    return grant.approved_by_tl_new_id is None and leads_team(user, grant.case.fallmanager.team_id)


@transaction.atomic
def continued_care_grant(
    *,
    case: Case,
    previous_fm: Staff,
    acting_user: Staff,
    until: datetime.date,
    today: datetime.date | None = None,
) -> CaseGrant:
    """SUB-3: one of the two TLs (of the previous FM, of the new FM) proposes that the previous FM keeps
    reading the case until `until` (≤ 92 days). It takes effect only when the other TL approves
    (`continued_care_approve`)."""
    today = clock.today(today)
    case = case_models.Case.objects.select_related("fallmanager").get(pk=case.pk)
    tl_old = leads_team(acting_user, previous_fm.team_id)
    tl_new = leads_team(acting_user, case.fallmanager.team_id)
    if not (tl_old or tl_new):
        raise NotPermitted(
            _(
                "Nur die Teamleitungen der bisherigen und der neuen Fallmanager*in können die Weiterbetreuung vereinbaren."
            )
        )
    if (
        previous_fm.pk == case.fallmanager_id
        or not case.events.filter(name="transfer", payload__from_fallmanager=previous_fm.pk).exists()
    ):
        raise InvalidInput(
            _("Weiterbetreuung gibt es nur für die bisherige Fallmanager*in nach einer Abgabe."),
            fields={"previous_fm": [_("Nicht die bisherige Fallmanager*in dieses Falls.")]},
        )
    if case.state not in OPEN_STATES:
        raise Conflict(_("Der Fall ist nicht mehr offen."), code="transition_not_allowed")
    if until is None or until < today or until > today + datetime.timedelta(days=CONTINUED_CARE_MAX_DAYS):
        raise InvalidInput(
            _("Die Weiterbetreuung ist auf höchstens %(n)s Tage befristet.") % {"n": CONTINUED_CARE_MAX_DAYS},
            fields={
                "until": [_("Bitte ein Datum in den nächsten %(n)s Tagen.") % {"n": CONTINUED_CARE_MAX_DAYS}]
            },
        )
    return case_models.CaseGrant.objects.create(
        case=case,
        user=previous_fm,
        reason=case_models.GrantReason.CONTINUED_CARE,
        starts_on=today,
        expires_on=until,
        granted_by=acting_user,
        approved_by_tl_old=acting_user if tl_old else None,
        approved_by_tl_new=acting_user if tl_new and not tl_old else None,
    )


@transaction.atomic
def continued_care_approve(
    *, grant: CaseGrant, acting_user: Staff, today: datetime.date | None = None
) -> CaseGrant:
    """The second TL agrees; from now on the previous FM reads the case until the grant expires."""
    today = clock.today(today)
    grant = (
        case_models.CaseGrant.objects.select_for_update()
        .select_related("case__fallmanager", "user")
        .get(pk=grant.pk)
    )
    if grant.reason != case_models.GrantReason.CONTINUED_CARE or grant.revoked_on is not None or grant.active:
        raise Conflict(_("Diese Vereinbarung wartet nicht auf Zustimmung."), code="transition_not_allowed")
    if grant.expires_on < today:
        raise Conflict(_("Der vereinbarte Zeitraum ist bereits abgelaufen."), code="transition_not_allowed")
    if acting_user.pk in (grant.approved_by_tl_old_id, grant.approved_by_tl_new_id):
        raise NotPermitted(
            _("Die Zustimmung muss von der jeweils anderen Teamleitung kommen."), code="four_eyes"
        )
    if grant.approved_by_tl_old_id is None and leads_team(acting_user, grant.user.team_id):
        grant.approved_by_tl_old = acting_user
    elif grant.approved_by_tl_new_id is None and leads_team(acting_user, grant.case.fallmanager.team_id):
        grant.approved_by_tl_new = acting_user
    else:
        raise NotPermitted(_("Sie sind nicht die andere beteiligte Teamleitung."))
    grant.save(update_fields=["approved_by_tl_old", "approved_by_tl_new"])
    grant_activate(grant, today=today)
    return grant


def row_capacity(user, *, today: datetime.date | None = None):
    """The capacity of the rows of a list page (DP-2), without a query per row: a function of a row
    that carries `fallmanager_id` (and `referred_by_id` for the pAp's lists)."""
    role = getattr(user, "role", None)
    fixed = {
        Role.TEAMLEITUNG: Capacity.TEAMLEITUNG,
        Role.BEREICHSLEITUNG: Capacity.BEREICHSLEITUNG,
        Role.DATENSCHUTZ: Capacity.DATENSCHUTZ,
    }.get(role)
    if fixed is not None:
        return fixed
    if role == Role.PAP:
        return lambda row: (
            Capacity.PAP_REFERRAL if getattr(row, "referred_by_id", None) == user.pk else Capacity.PAP_SITE
        )
    if role == Role.FALLMANAGER:
        absent: set[int] | None = None

        def fm_capacity(row) -> str:
            nonlocal absent
            if getattr(row, "fallmanager_id", None) == user.pk:
                return Capacity.OWN_CASE
            if absent is None:
                day = clock.today(today)
                absent = set(
                    Substitution.objects.filter(
                        substitute=user, starts_on__lte=day, ends_on__gte=day
                    ).values_list("absent_id", flat=True)
                )
            return Capacity.SUBSTITUTION if row.fallmanager_id in absent else Capacity.GRANT

        return fm_capacity
    return Capacity.OTHER


# --- field-level rules on a client's data (DP-1, DP-6; issue 15 findings 4 and 7) ------------------


def _substituted_fm_ids(user, today: datetime.date) -> list[int]:
    return list(
        Substitution.objects.filter(
            substitute=user, starts_on__lte=today, ends_on__gte=today, pending=False
        ).values_list("absent_id", flat=True)
    )


def sensitive_client_ids(user, client_ids, *, today: datetime.date | None = None) -> set[int]:
    """Of `client_ids`, the clients whose sensitive needs (DP-6: health, criminal matters) `user` may
    see: the FM — or the FM's substitute — of the client's open case or, without one, of the latest
    case; the pAp only for clients never referred (she records the needs before the first referral).
    Nobody else: not the TL, the BL, a grantee, the pAp after the referral. At most two queries."""
    if not user.is_authenticated or user.role not in (Role.FALLMANAGER, Role.PAP):
        return set()
    ids = list(client_ids)
    if not ids:
        return set()
    if user.role == Role.PAP:
        referred = set(case_models.Case.objects.filter(client_id__in=ids).values_list("client_id", flat=True))
        return {pk for pk in ids if pk not in referred}
    fms = {user.pk, *_substituted_fm_ids(user, clock.today(today))}
    latest = (
        case_models.Case.objects.filter(client_id__in=ids)
        .order_by("client_id", "-referred_on", "-pk")
        .distinct("client_id")
        .values_list("client_id", "fallmanager_id")
    )
    return {client_id for client_id, fm_id in latest if fm_id in fms}


def client_data_editor(user, client, *, today: datetime.date | None = None) -> bool:
    """Who edits a client's personal data and needs (finding 4): before admission only the pAp who
    referred the open case; once admitted the case's FM (or substitute); without an open case the pAp of
    the client's site (the scope check is the caller's). Nobody else — no TL, no other pAp."""
    open_case = (
        case_models.Case.objects.filter(client=client, state__in=OPEN_STATES)
        .order_by("-referred_on", "-pk")
        .first()
    )
    if open_case is None:
        return user.is_authenticated and user.role == Role.PAP
    if open_case.state == "active":
        return is_case_fm(open_case, user, today=today)
    return is_referring_pap(open_case, user)

"""Four eyes on privileged accounts (issue 15 finding 6).

- `account_create`: creates the account through `org.services.staff_create` (ORG-1..3); with a privileged
  role (`PRIVILEGED_ROLES`) the account stays inactive and an `AccountRequest` waits for a second admin.
- `account_role_change`: a change *to* a privileged role (or to superuser) is only requested; the account
  keeps its old role until confirmed. Other changes apply at once.
- `account_request_confirm`: a second admin — not the requester, not the account itself — confirms;
  the account becomes active / gets the role (a TL leads her team, a BL her area).
- The creator of an account never issues its second-factor enrolment code (`audit.signin`), so the person
  who knows the initial password cannot complete the sign-in alone.
- `distinct_origin(a, b)`: the purge's four eyes — two datenschutz accounts count as two people only if
  they were not both requested by the same admin within the retention period.

The Django admin's Staff pages (`audit.admin`), the API (`POST /api/v1/staff/`, `…/confirm/`) and the page
"Konten und zweiter Faktor" call these services."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import AccountRequest
from fallmanagement.errors import Conflict, NotFound, NotPermitted
from org import services as org_services
from org.choices import Role

PRIVILEGED_ROLES = frozenset({Role.ADMIN, Role.DATENSCHUTZ, Role.TEAMLEITUNG, Role.BEREICHSLEITUNG})


def _require_admin(user) -> None:
    if not (user is not None and user.is_authenticated and user.is_active and user.role == Role.ADMIN):
        raise NotPermitted(_("Nur die Administration kann Konten anlegen und freigeben."))


def _log(user, action: str, staff, **context) -> None:
    audit.record(
        user=user,
        action=action,
        object_type="org.staff",
        object_id=staff.pk,
        capacity=audit.system_capacity(user),
        context=context,
    )


@transaction.atomic
def account_create(
    *,
    acting_user,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    team=None,
    weekly_hours=Decimal("39.0"),
):
    """Create a staff account; a privileged one is inactive until a second admin confirms it."""
    staff = org_services.staff_create(
        acting_user=acting_user,
        username=username,
        password=password,
        role=role,
        first_name=first_name,
        last_name=last_name,
        email=email,
        team=team,
        weekly_hours=weekly_hours,
    )
    if role in PRIVILEGED_ROLES:
        get_user_model().objects.filter(pk=staff.pk).update(is_active=False)
        staff.is_active = False
        AccountRequest.objects.create(
            staff=staff,
            kind=AccountRequest.Kind.CREATE,
            role=role,
            team_id=staff.team_id,
            requested_by=acting_user,
        )
    _log(acting_user, "staff.create", staff, role=role, pending=role in PRIVILEGED_ROLES)
    return staff


def is_pending(staff) -> bool:
    return AccountRequest.objects.filter(staff=staff, confirmed_at__isnull=True).exists()


@transaction.atomic
def account_role_change(*, staff, role: str, acting_user, team=None, superuser: bool | None = None):
    """Change the role. To a privileged role (or to superuser): requested, pending a second admin."""
    _require_admin(acting_user)
    elevates = (role in PRIVILEGED_ROLES and role != staff.role) or (superuser and not staff.is_superuser)
    if not elevates:
        get_user_model().objects.filter(pk=staff.pk).update(role=role, **({"team": team} if team else {}))
        staff.refresh_from_db()
        _log(acting_user, "staff.role_change", staff, role=role)
        return None
    if is_pending(staff):
        raise Conflict(_("Für dieses Konto wartet bereits eine Freigabe."), code="approval_pending")
    request = AccountRequest.objects.create(
        staff=staff,
        kind=AccountRequest.Kind.ELEVATE,
        role=role,
        team_id=team.pk if team is not None else staff.team_id,
        requested_by=acting_user,
    )
    _log(acting_user, "staff.role_request", staff, role=role)
    return request


@transaction.atomic
def account_request_confirm(*, request: AccountRequest, acting_user) -> AccountRequest:
    """Four eyes: a second admin confirms; then the account is active / has the role."""
    _require_admin(acting_user)
    request = AccountRequest.objects.select_for_update().filter(pk=request.pk).first()
    if request is None:
        raise NotFound(_("Freigabe nicht gefunden."))
    if request.confirmed_at is not None:
        raise Conflict(_("Diese Freigabe wurde bereits bestätigt."), code="already_confirmed")
    if acting_user.pk in (request.requested_by_id, request.staff_id):
        raise NotPermitted(
            _("Vier-Augen-Prinzip: Eine zweite Person aus der Administration muss das Konto freigeben."),
            code="four_eyes",
        )
    from org.models import Team

    staff = get_user_model().objects.select_for_update().get(pk=request.staff_id)
    staff.role = request.role
    staff.is_active = True
    if request.role == Role.ADMIN:
        staff.is_staff = staff.is_superuser = True
    if request.team_id:
        staff.team_id = request.team_id
    staff.save(update_fields=["role", "is_active", "is_staff", "is_superuser", "team"])
    team = Team.objects.filter(pk=request.team_id).select_related("site__area").first()
    if staff.role == Role.TEAMLEITUNG and team is not None:
        team.leads.add(staff)
    if staff.role == Role.BEREICHSLEITUNG and team is not None:
        team.site.area.leads.add(staff)
    request.confirmed_by = acting_user
    request.confirmed_at = timezone.now()
    request.save(update_fields=["confirmed_by", "confirmed_at"])
    _log(acting_user, "staff.confirm", staff, role=request.role, requested_by=request.requested_by_id)
    return request


def pending_requests():
    return AccountRequest.objects.filter(confirmed_at__isnull=True).select_related("staff", "requested_by")


def requested_by_of(staff) -> int | None:
    """The admin who requested this account's current privileges (latest confirmed request)."""
    row = (
        AccountRequest.objects.filter(staff=staff, confirmed_at__isnull=False)
        .order_by("-confirmed_at")
        .values_list("requested_by_id", flat=True)
        .first()
    )
    return row


def requested_pending_by(staff) -> int | None:
    return (
        AccountRequest.objects.filter(staff=staff, confirmed_at__isnull=True)
        .values_list("requested_by_id", flat=True)
        .first()
    )


def distinct_origin(first, second, *, today: datetime.date, years: int) -> bool:
    """Purge four eyes: False if both accounts were requested by the same admin within `years`."""
    start = today - datetime.timedelta(days=365 * years + years // 4)
    since = timezone.make_aware(datetime.datetime.combine(start, datetime.time()))
    origins = {}
    for person in (first, second):
        origins[person.pk] = set(
            AccountRequest.objects.filter(
                staff=person, requested_at__gte=since, requested_by__isnull=False
            ).values_list("requested_by_id", flat=True)
        )
    return not (origins[first.pk] & origins[second.pk])

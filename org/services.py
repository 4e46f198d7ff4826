"""Writes on the organisation (DOMAIN ORG-1..3): areas, sites, teams and staff. Role `admin` only."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from fallmanagement.errors import InvalidInput, NotPermitted
from org.choices import Role
from org.models import Area, Site, Staff, Team

# ORG-1: every staff member belongs to one team — except the roles outside the team structure.
ROLES_WITH_TEAM = (Role.FALLMANAGER, Role.TEAMLEITUNG, Role.BEREICHSLEITUNG, Role.PAP)
NAME_MAX = 120


def _require_admin(acting_user: Staff) -> None:
    if not acting_user.has_role(Role.ADMIN):
        raise NotPermitted(_("Nur die Administration pflegt die Organisation."))


def _require_name(name: str | None, *, field: str = "name", max_length: int = NAME_MAX) -> str:
    text = (name or "").strip()
    if not text:
        raise InvalidInput(
            _("Der Name ist erforderlich."), fields={field: [_("Dieses Feld ist erforderlich.")]}
        )
    if len(text) > max_length:
        raise InvalidInput(
            _("Der Name ist zu lang."), fields={field: [_("Höchstens %(n)s Zeichen.") % {"n": max_length}]}
        )
    return text


def _duplicate(field: str = "name") -> InvalidInput:
    return InvalidInput(_("Dieser Name ist bereits vergeben."), fields={field: [_("Bereits vergeben.")]})


@transaction.atomic
def area_create(*, acting_user: Staff, name: str) -> Area:
    """ORG-1: a Bereich."""
    _require_admin(acting_user)
    name = _require_name(name)
    if Area.objects.filter(name__iexact=name).exists():
        raise _duplicate()
    try:
        with transaction.atomic():
            return Area.objects.create(name=name)
    except IntegrityError:
        raise _duplicate() from None


@transaction.atomic
def site_create(*, acting_user: Staff, name: str, area: Area) -> Site:
    """ORG-1: a Standort within a Bereich; names are unique per area."""
    _require_admin(acting_user)
    name = _require_name(name)
    if Site.objects.filter(area=area, name__iexact=name).exists():
        raise _duplicate()
    try:
        with transaction.atomic():
            return Site.objects.create(name=name, area=area)
    except IntegrityError:
        raise _duplicate() from None


@transaction.atomic
def team_create(*, acting_user: Staff, name: str, site: Site, rucksack_fallmanagement: bool = False) -> Team:
    """ORG-1/ORG-3: a team at a site, optionally carrying the "Rucksack Fallmanagement"."""
    _require_admin(acting_user)
    name = _require_name(name)
    if Team.objects.filter(site=site, name__iexact=name).exists():
        raise _duplicate()
    try:
        with transaction.atomic():
            return Team.objects.create(
                name=name, site=site, rucksack_fallmanagement=bool(rucksack_fallmanagement)
            )
    except IntegrityError:
        raise _duplicate() from None


def _weekly_hours(value) -> Decimal:
    try:
        hours = Decimal(str(value))
    except (InvalidOperation, ValueError):
        hours = None
    if hours is None or not hours.is_finite() or not Decimal("1") <= hours <= Decimal("60"):
        raise InvalidInput(
            _("Die Wochenstunden sind ungültig."),
            fields={"weekly_hours": [_("Bitte eine Zahl von 1 bis 60 angeben.")]},
        )
    if hours != hours.quantize(Decimal("0.1")):
        raise InvalidInput(
            _("Die Wochenstunden sind ungültig."),
            fields={"weekly_hours": [_("Höchstens eine Nachkommastelle.")]},
        )
    return hours


@transaction.atomic
def staff_create(
    *,
    acting_user: Staff,
    username: str,
    password: str,
    role: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    team: Team | None = None,
    weekly_hours=Decimal("39.0"),
) -> Staff:
    """ORG-1/2/3: a staff member with one role, a team (required for FM, TL, BL and pAp) and weekly hours.

    A Teamleitung leads the team given; a Bereichsleitung leads the area of that team. A staff member with
    role `admin` may use the Django admin for master data."""
    _require_admin(acting_user)
    if role not in Role.values:
        raise InvalidInput(
            _("Unbekannte Rolle."), fields={"role": [_("Erlaubt: %(v)s") % {"v": ", ".join(Role.values)}]}
        )
    if role in ROLES_WITH_TEAM and team is None:
        raise InvalidInput(
            _("Für diese Rolle ist ein Team erforderlich (ORG-1)."),
            fields={"team": [_("Dieses Feld ist erforderlich.")]},
        )
    username = _require_name(username, field="username", max_length=150)
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise InvalidInput(
            _("Der Benutzername ist ungültig."), fields={"username": list(exc.messages)}
        ) from None
    if Staff.objects.filter(username__iexact=username).exists():
        raise InvalidInput(
            _("Der Benutzername ist bereits vergeben."), fields={"username": [_("Bereits vergeben.")]}
        )
    hours = _weekly_hours(weekly_hours)
    staff = Staff(
        username=username,
        first_name=(first_name or "").strip()[:150],
        last_name=(last_name or "").strip()[:150],
        email=(email or "").strip(),
        role=role,
        team=team,
        weekly_hours=hours,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    try:
        validate_password(password or "", user=staff)
    except ValidationError as exc:
        raise InvalidInput(
            _("Das Passwort ist zu schwach."), fields={"password": list(exc.messages)}
        ) from None
    staff.set_password(password)
    try:
        with transaction.atomic():
            staff.save()
    except IntegrityError:
        raise InvalidInput(
            _("Der Benutzername ist bereits vergeben."), fields={"username": [_("Bereits vergeben.")]}
        ) from None
    if role == Role.TEAMLEITUNG and team is not None:
        team.leads.add(staff)
    if role == Role.BEREICHSLEITUNG and team is not None:
        team.site.area.leads.add(staff)
    return staff


def require_active_fm(person, field: str) -> None:
    """The chosen person must be an active Fallmanager*in (substitution, transfer)."""
    if person is None or person.role != Role.FALLMANAGER or not person.is_active:
        raise InvalidInput(
            _("Bitte eine aktive Fallmanager*in wählen."), fields={field: [_("Keine aktive Fallmanager*in.")]}
        )

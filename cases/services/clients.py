"""Clients: create, update, their open needs (ACC-1 input), and the pAp's periodic access check (ACC-4)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from cases.choices import OPEN_STATES, NeedStatus
from cases.models import Case, Client, ClientNeed, Household
from catalog import clock, periods
from catalog.models import Need
from catalog.validators import require_date, require_past_or_today, require_text
from fallmanagement.errors import Conflict, InvalidInput, NotPermitted
from org.choices import Role
from org.models import Site, Staff
from reminders.choices import ReminderKind
from reminders.models import Reminder


def _needs_from_codes(codes: Iterable[str], on: datetime.date) -> list[Need]:
    codes = list(dict.fromkeys(codes))
    needs = list(Need.objects.valid_on(on).filter(code__in=codes))
    unknown = sorted(set(codes) - {n.code for n in needs})
    if unknown:
        raise InvalidInput(
            _("Unbekannte Handlungsbedarfe: %(codes)s") % {"codes": ", ".join(unknown)},
            fields={"needs": [_("Unbekannter Code: %(c)s") % {"c": c} for c in unknown]},
        )
    return needs


def client_set_needs(
    *, client: Client, codes: Iterable[str], on: datetime.date, keep_sensitive: bool = False
) -> None:
    """Make the client's open needs match `codes`; needs already reduced/resolved keep their history.
    `keep_sensitive`: the actor cannot see the sensitive needs (DP-6), so she cannot delete them either."""
    wanted = {n.code: n for n in _needs_from_codes(codes, on)}
    existing = {cn.need.code: cn for cn in client.needs.select_related("need")}
    for code, need in wanted.items():
        if code not in existing:
            ClientNeed.objects.create(client=client, need=need, identified_on=on)
    for code, cn in existing.items():
        if code not in wanted and cn.status == NeedStatus.OPEN:
            if keep_sensitive and cn.need.is_sensitive:
                continue
            cn.delete()


def _valid_birth_date(value: datetime.date | None, today: datetime.date) -> datetime.date:
    require_past_or_today(value, "birth_date", _("Das Geburtsdatum"), today)
    if value.year < 1900:
        raise InvalidInput(
            _("Das Geburtsdatum ist nicht plausibel."), fields={"birth_date": [_("Vor 1900.")]}
        )
    return value


@transaction.atomic
def client_create(
    *,
    acting_user: Staff,
    customer_number: str,
    first_name: str,
    last_name: str,
    birth_date: datetime.date,
    household_number: str,
    site: Site,
    needs: Iterable[str] = (),
    integration_expected_within_12_months: bool = False,
    today: datetime.date | None = None,
) -> Client:
    today = clock.today(today)
    if not acting_user.has_role(Role.PAP, Role.FALLMANAGER, Role.TEAMLEITUNG, Role.ADMIN):
        raise NotPermitted(_("Ihre Rolle darf keine Kund*innen anlegen."))
    _valid_birth_date(birth_date, today)
    customer_number = require_text(customer_number, "customer_number", _("Die Kundennummer"), max_length=30)
    if Client.objects.filter(customer_number=customer_number).exists():
        raise InvalidInput(
            _("Die Kundennummer ist bereits vergeben."),
            fields={"customer_number": [_("Die Kundennummer ist bereits vergeben.")]},
        )
    household, _created = Household.objects.get_or_create(
        number=require_text(household_number, "household_number", _("Die BG-Nummer"), max_length=30)
    )
    try:
        with transaction.atomic():
            client = Client.objects.create(
                customer_number=customer_number,
                first_name=require_text(first_name, "first_name", _("Der Vorname"), max_length=100),
                last_name=require_text(last_name, "last_name", _("Der Nachname"), max_length=100),
                birth_date=birth_date,
                household=household,
                site=site,
                integration_expected_within_12_months=integration_expected_within_12_months,
                created_by=acting_user,
            )
    except IntegrityError:
        raise InvalidInput(
            _("Die Kundennummer ist bereits vergeben."),
            fields={"customer_number": [_("Die Kundennummer ist bereits vergeben.")]},
        ) from None
    client_set_needs(client=client, codes=needs, on=today)
    return client


@transaction.atomic
def client_update(
    *, client: Client, acting_user: Staff, today: datetime.date | None = None, **changes
) -> Client:
    today = clock.today(today)
    if not acting_user.has_role(Role.PAP, Role.FALLMANAGER, Role.TEAMLEITUNG):
        raise NotPermitted(_("Ihre Rolle darf Kund*innendaten nicht ändern."))
    client = Client.objects.select_for_update().get(pk=client.pk)
    if not access.client_data_editor(acting_user, client, today=today):
        raise NotPermitted(
            _(
                "Diese Kundendaten ändert vor der Übernahme die zuweisende pAp, danach die zuständige "
                "Fallmanager*in."
            )
        )
    fields: list[str] = []
    for name, label in (("first_name", _("Der Vorname")), ("last_name", _("Der Nachname"))):
        if name in changes:
            setattr(client, name, require_text(changes[name], name, label, max_length=100))
            fields.append(name)
    if "birth_date" in changes:
        client.birth_date = _valid_birth_date(changes["birth_date"], today)
        fields.append("birth_date")
    if "site" in changes:
        new_site = changes["site"]
        # SUB-3: a client with an open FM episode moves to another site only through the transfer to an FM
        # of the new site (Fallabgabe), never by a silent change of the field.
        if (
            new_site is not None
            and new_site.pk != client.site_id
            and Case.objects.filter(client=client, state__in=OPEN_STATES)
            .exclude(fallmanager__team__site_id=new_site.pk)
            .exists()
        ):
            raise Conflict(
                _(
                    "Die Kund*in ist im Fallmanagement: Bei einem Umzug an einen anderen Standort geht die "
                    "Zuständigkeit durch eine Fallabgabe an eine Fallmanager*in des neuen Standorts über "
                    "(Handlungsleitlinie IV.6 b)."
                ),
                code="transfer_required",
                fields={"site": [_("Bitte die Fallabgabe an den neuen Standort veranlassen.")]},
            )
        client.site = new_site
        fields.append("site")
    if "household_number" in changes:
        client.household, _created = Household.objects.get_or_create(
            number=require_text(
                changes["household_number"], "household_number", _("Die BG-Nummer"), max_length=30
            )
        )
        fields.append("household")
    for name in ("integration_expected_within_12_months",):
        if name in changes:
            setattr(client, name, bool(changes[name]))
            fields.append(name)
    if "work_taken_up_on" in changes:
        value = changes["work_taken_up_on"]
        client.work_taken_up_on = (
            require_past_or_today(value, "work_taken_up_on", _("Die Arbeitsaufnahme"), today)
            if value
            else None
        )
        fields.append("work_taken_up_on")
    if fields:
        client.save(update_fields=[*fields, "updated_at"])
    if "needs" in changes:
        sees = client.pk in access.sensitive_client_ids(acting_user, [client.pk], today=today)
        client_set_needs(client=client, codes=changes["needs"], on=today, keep_sensitive=not sees)
    return client


def client_site_move(*, client: Client, site) -> None:
    """The client's site changes with a handover to an FM of another site (SUB-3) — called by that
    service after its own checks; not an edit of the client's data (no field rule of DP-1 applies)."""
    client.site = site
    client.save(update_fields=["site", "updated_at"])


@transaction.atomic
def client_access_check_record(
    *, client: Client, acting_user: Staff, result: str, on: datetime.date
) -> Client:
    """ACC-4: the pAp documents the periodic check whether to refer (again); the next one is due 6 months
    later (the daily job derives it from `access_checked_on`). Open access-check reminders of this client
    are done."""
    if not acting_user.has_role(Role.PAP):
        raise NotPermitted(_("Die regelmäßige Zugangsprüfung dokumentiert die pAp."))
    require_date(on, "on")
    if on > clock.today():
        raise InvalidInput(
            _("Das Datum der Prüfung darf nicht in der Zukunft liegen."),
            fields={"on": [_("Liegt in der Zukunft.")]},
        )
    result = require_text(result, "result", _("Das Ergebnis der Zugangsprüfung"), required=True)
    locked = Client.objects.select_for_update().get(pk=client.pk)
    locked.access_checked_on = on
    locked.access_check_result = result
    locked.save(update_fields=["access_checked_on", "access_check_result", "updated_at"])
    Reminder.objects.filter(
        client=locked,
        case__isnull=True,
        kind=ReminderKind.ACCESS_CHECK_DUE,
        done_at__isnull=True,
        due_on__lte=periods.reminder_horizon(on),
    ).update(done_at=timezone.now())
    return locked

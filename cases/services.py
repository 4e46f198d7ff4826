"""Writes on clients and cases. Every rule-bearing action is one function, one transaction."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cases.choices import OPEN_STATES, CaseState, NeedStatus
from cases.models import Case, CaseEvent, Client, ClientNeed, Household
from cases.permissions import transition_blockers
from catalog import clock
from catalog.models import ExitReason, Need
from catalog.validators import MAX_TEXT, require_past_or_today, require_text
from fallmanagement.errors import Conflict, InvalidInput, NotPermitted
from org.choices import Role
from org.models import Site, Staff

# --- helpers shared by the transition services ------------------------------------------------------


def effective_date(case: Case, on: datetime.date | None, today: datetime.date) -> datetime.date:
    """The date a step takes effect: may be in the past (recorded afterwards), never in the future
    and never before the previous step."""
    on = on or today
    require_past_or_today(on, "date", _("Das Datum"), today)
    previous = case.events.order_by("-effective_on").values_list("effective_on", flat=True).first()
    if previous and on < previous:
        raise InvalidInput(
            _("Das Datum darf nicht vor dem vorherigen Schritt (%(prev)s) liegen.")
            % {"prev": previous.strftime("%d.%m.%Y")},
            fields={"date": [_("Liegt vor dem vorherigen Schritt.")]},
        )
    return on


def lock_case(case: Case | int, *, expected_version: int | None = None) -> Case:
    """Lock the row for the read-modify-write of a transition; a stale version is a conflict."""
    pk = case.pk if isinstance(case, Case) else case
    locked = Case.objects.select_for_update(of=("self",)).select_related("client", "fallmanager").get(pk=pk)
    if expected_version is not None and locked.version != expected_version:
        raise Conflict(
            _("Der Fall wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu."),
            code="concurrent_update",
        )
    return locked


def check_transition(case: Case, method_name: str, user) -> None:
    blockers = transition_blockers(case, method_name, user)
    if not blockers:
        return
    first = blockers[0]
    if first.kind == "permission":
        raise NotPermitted(first.message)
    raise Conflict(" ".join(b.message for b in blockers), code="transition_not_allowed")


def record_event(
    *, case: Case, name: str, from_state: str, actor, on: datetime.date, payload: dict | None = None
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        name=name,
        from_state=from_state,
        to_state=case.state,
        effective_on=on,
        actor=actor,
        payload=payload or {},
    )


def apply_transition(
    *,
    case: Case,
    method_name: str,
    acting_user: Staff,
    on: datetime.date | None,
    today: datetime.date | None,
    expected_version: int | None,
    validate: Callable[[Case, datetime.date, datetime.date], dict] | None = None,
    event_name: str | None = None,
    payload: dict | None = None,
) -> Case:
    """Lock, check permission/state/guards, validate input, transition, save, and log — in that order.

    `validate(case, on, today)` returns the keyword arguments of the transition method."""
    today = clock.today(today)
    locked = lock_case(case, expected_version=expected_version)
    check_transition(locked, method_name, acting_user)
    on = effective_date(locked, on, today)
    kwargs = validate(locked, on, today) if validate else {}
    from_state = locked.state
    before = {f.attname: getattr(locked, f.attname) for f in Case._meta.concrete_fields}
    getattr(locked, method_name)(on=on, **kwargs)
    locked.version += 1
    changed = [name for name, value in before.items() if getattr(locked, name) != value]
    locked.save(update_fields=[*changed, "updated_at"])
    record_event(
        case=locked,
        name=event_name or method_name,
        from_state=from_state,
        actor=acting_user,
        on=on,
        payload=payload,
    )
    return locked


# --- clients ---------------------------------------------------------------------------------------


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


def client_set_needs(*, client: Client, codes: Iterable[str], on: datetime.date) -> None:
    """Make the client's open needs match `codes`; needs already reduced/resolved keep their history."""
    wanted = {n.code: n for n in _needs_from_codes(codes, on)}
    existing = {cn.need.code: cn for cn in client.needs.select_related("need")}
    for code, need in wanted.items():
        if code not in existing:
            ClientNeed.objects.create(client=client, need=need, identified_on=on)
    for code, cn in existing.items():
        if code not in wanted and cn.status == NeedStatus.OPEN:
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
    fields: list[str] = []
    for name, label in (("first_name", _("Der Vorname")), ("last_name", _("Der Nachname"))):
        if name in changes:
            setattr(client, name, require_text(changes[name], name, label, max_length=100))
            fields.append(name)
    if "birth_date" in changes:
        client.birth_date = _valid_birth_date(changes["birth_date"], today)
        fields.append("birth_date")
    if "site" in changes:
        client.site = changes["site"]
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
        client_set_needs(client=client, codes=changes["needs"], on=today)
    return client


# --- cases: import and exit --------------------------------------------------------------------------


@transaction.atomic
def case_import(
    *, acting_user: Staff, client: Client, fallmanager, admitted_on: datetime.date, today=None
) -> Case:
    """Take over a running case from a legacy system: active with its original admission date."""
    today = clock.today(today)
    if not acting_user.has_role(Role.ADMIN):
        raise NotPermitted(_("Nur die Administration kann Fälle aus dem Altverfahren übernehmen."))
    require_past_or_today(admitted_on, "admitted_on", _("Das Übernahmedatum"), today)
    if fallmanager is None or fallmanager.role != Role.FALLMANAGER or not fallmanager.is_active:
        raise InvalidInput(
            _("Die gewählte Person ist keine aktive Fallmanager*in."),
            fields={"fallmanager": [_("Keine aktive Fallmanager*in.")]},
        )
    Client.objects.select_for_update().get(pk=client.pk)
    if Case.objects.filter(client=client, state__in=OPEN_STATES).exists():
        raise Conflict(
            _("Für diese Kund*in besteht bereits ein offener Fall (ACC-5)."), code="open_case_exists"
        )
    case = Case.objects.create(
        client=client,
        fallmanager=fallmanager,
        state=CaseState.ACTIVE,
        referred_on=admitted_on,
        admitted_on=admitted_on,
        imported=True,
        meets_formal_access=True,
    )
    record_event(case=case, name="import", from_state="", actor=acting_user, on=admitted_on, payload={})
    return case


def _outcome_prefill(case: Case) -> dict:
    needs = list(case.client.needs.select_related("need"))
    start = case.admitted_on
    at_start = [n for n in needs if start is None or n.identified_on <= start]
    reduced = [
        n
        for n in needs
        if n.status != NeedStatus.OPEN
        and n.status_changed_on
        and (start is None or n.status_changed_on >= start)
    ]
    return {
        "needs_at_start": len(at_start),
        "needs_reduced": len(reduced),
        "health_need": any(n.need.is_sensitive for n in needs),
    }


def case_outcome_prefill(*, case: Case) -> dict:
    """What the Wirkungsanalyse form shows prefilled, so the FM confirms rather than types (EXIT-3)."""
    return _outcome_prefill(case)


@transaction.atomic
def case_close(
    *,
    case: Case,
    acting_user: Staff,
    exit_reason_code: str,
    handover_talk_on: datetime.date | None,
    handover_pap,
    outcome: dict,
    justification: str = "",
    on: datetime.date | None = None,
    today: datetime.date | None = None,
    expected_version: int | None = None,
) -> Case:
    """EXIT-1/2/3: only the FM closes, after the handover talk with the taking-over pAp, with an exit
    reason from the catalogue; the anonymous outcome record is written in the same transaction."""
    from reporting.services import outcome_record_create

    def validate(locked: Case, on: datetime.date, today: datetime.date) -> dict:
        reason = ExitReason.objects.filter(code=exit_reason_code, active=True).first()
        if reason is None:
            raise InvalidInput(
                _("Unbekannter Beendigungsgrund."), fields={"exit_reason": [_("Unbekannter Code.")]}
            )
        text = (justification or "").strip()
        if reason.requires_justification and not text:
            raise InvalidInput(
                _("Für diesen Beendigungsgrund ist eine Begründung Pflicht."),
                fields={"justification": [_("Dieses Feld ist erforderlich.")]},
            )
        talk = require_past_or_today(
            handover_talk_on, "handover_talk_on", _("Das Übergabegespräch (EXIT-1)"), today
        )
        if locked.admitted_on and talk < locked.admitted_on:
            raise InvalidInput(
                _("Das Übergabegespräch kann nicht vor der Übernahme liegen."),
                fields={"handover_talk_on": [_("Liegt vor der Übernahme.")]},
            )
        if handover_pap is None or handover_pap.role != Role.PAP or not handover_pap.is_active:
            raise InvalidInput(
                _("Bitte die übernehmende pAp angeben (EXIT-1)."),
                fields={"handover_pap": [_("Keine aktive pAp.")]},
            )
        return {
            "exit_reason": reason,
            "justification": text[:MAX_TEXT],
            "handover_talk_on": talk,
            "handover_pap": handover_pap,
        }

    closed = apply_transition(
        case=case,
        method_name="close",
        acting_user=acting_user,
        on=on,
        today=today,
        expected_version=expected_version,
        validate=validate,
        payload={"exit_reason": exit_reason_code},
    )
    outcome_record_create(case=closed, outcome=outcome)
    return closed

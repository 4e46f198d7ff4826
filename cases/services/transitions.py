"""The transition machinery every lifecycle step goes through: lock the case row, check permission, state
and guards (`cases.permissions.transition_blockers`), validate the effective date and the input, fire the
django-fsm-2 transition, bump `version`, save with `update_fields`, write the `CaseEvent`. The table of
the steps themselves (name → method, service, label, roles, texts) is `cases.transitions`."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent
from cases.permissions import transition_blockers
from catalog import clock
from catalog.validators import require_past_or_today
from fallmanagement.errors import Conflict, InvalidInput, NotPermitted
from org.models import Staff


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

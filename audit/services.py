"""Writes of the audit app: access log entries (DP-2, DP-4), explicit case grants with expiry (DP-1,
SUB-3) and the four-eyes retention purge (DP-5)."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from importlib import import_module
from importlib.util import find_spec

import pgtrigger
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from audit import models as audit_models
from audit.models import HISTORY_MODELS, AccessLog, CaseGrant, GrantReason, PurgeRun
from audit.selectors import case_capacity, client_capacity, purge_candidates, retention_cutoff
from cases.models import Case, CaseEvent, Client, ClientNeed, Household
from catalog import clock
from fallmanagement.errors import Conflict, InvalidInput, NotFound, NotPermitted
from org.choices import Role
from org.models import Staff

logger = logging.getLogger("fallmanagement.audit")

VIEW_CASE_PERM = "cases.view_case"
CASE_CONFERENCE_MAX_DAYS = 14
ANONYMISED_NAME = "Anonymisiert"
# Apps that keep free text about a client offer `<app>/retention.py` with `anonymise(client_ids=...)`.
_RETENTION_APPS = ["cases", "intake", "reviews", "plans", "reporting", "org"]
_CASE_TEXT_FIELDS = [
    "reasons",
    "expected_progress",
    "individual_decision_reason",
    "decision_justification",
    "forwarded_to_detail",
    "dispute_comment",
    "dispute_decision_comment",
    "exit_justification",
]


# --- access log -------------------------------------------------------------------------------------


def _object_ref(obj) -> tuple[str, int | None, int | None]:
    """(object_type, object_id, client_id) of a case, a client or any object with `case`/`client`."""
    if isinstance(obj, Case):
        return "case", obj.pk, obj.client_id
    if isinstance(obj, Client):
        return "client", obj.pk, obj.pk
    object_type = obj._meta.label_lower if hasattr(obj, "_meta") else type(obj).__name__.lower()
    client_id = getattr(obj, "client_id", None)
    case = getattr(obj, "case", None)
    if client_id is None and isinstance(case, Case):
        client_id = case.client_id
    return object_type, getattr(obj, "pk", None), client_id


def _capacity_for(user, obj, today: datetime.date) -> str:
    if isinstance(obj, Case):
        return case_capacity(user, obj, today=today)
    if isinstance(obj, Client):
        return client_capacity(user, obj, today=today)
    case = getattr(obj, "case", None)
    if isinstance(case, Case):
        return case_capacity(user, case, today=today)
    return (
        client_capacity(user, obj.client, today=today)
        if isinstance(getattr(obj, "client", None), Client)
        else "other"
    )


def access_log_record(
    *,
    user,
    action: str,
    obj,
    client_id: int | None = None,
    capacity: str | None = None,
    context: dict | None = None,
    today: datetime.date | None = None,
) -> AccessLog:
    """Write one access row: `user` did `action` (dotted code, e.g. "case.view") on `obj`."""
    today = clock.today(today)
    object_type, object_id, derived_client = _object_ref(obj)
    return AccessLog.objects.create(
        user=user,
        username=user.get_username(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_id=client_id if client_id is not None else derived_client,
        capacity=capacity or _capacity_for(user, obj, today),
        context=context or {},
    )


def access_log_record_bulk(
    *, user, action: str, objs: Iterable, capacity: str | None = None, context: dict | None = None, today=None
) -> int:
    """One row per object in a single INSERT (exports of n cases write n rows, DP-4)."""
    today = clock.today(today)
    now = timezone.now()
    rows = []
    for obj in objs:
        object_type, object_id, client_id = _object_ref(obj)
        rows.append(
            AccessLog(
                at=now,
                user=user,
                username=user.get_username(),
                action=action,
                object_type=object_type,
                object_id=object_id,
                client_id=client_id,
                capacity=capacity or _capacity_for(user, obj, today),
                context=context or {},
            )
        )
    AccessLog.objects.bulk_create(rows)
    return len(rows)


def _system_log(
    *, user, action: str, client_id: int | None, object_type: str, object_id, context: dict
) -> None:
    AccessLog.objects.create(
        user=user,
        username=user.get_username(),
        action=action,
        object_type=object_type,
        object_id=object_id,
        client_id=client_id,
        capacity="datenschutz" if user.role == Role.DATENSCHUTZ else "other",
        context=context,
    )


# --- explicit grants (guardian rows with an expiry) ----------------------------------------------------


def grant_activate(grant: CaseGrant) -> None:
    grant.active = True
    grant.save(update_fields=["active"])
    assign_perm(VIEW_CASE_PERM, grant.user, grant.case)


def _grant_revoke(grant: CaseGrant, on: datetime.date) -> None:
    grant.active = False
    grant.revoked_on = on
    grant.save(update_fields=["active", "revoked_on"])
    still_granted = CaseGrant.objects.filter(
        case_id=grant.case_id, user_id=grant.user_id, active=True, revoked_on__isnull=True
    ).exclude(pk=grant.pk)
    if not still_granted.exists():
        remove_perm(VIEW_CASE_PERM, grant.user, grant.case)


@transaction.atomic
def case_conference_grant(
    *, case: Case, user, acting_user: Staff, until: datetime.date, today: datetime.date | None = None
) -> CaseGrant:
    """Share a case with a colleague (FM or TL) for a case conference, at most 14 days (DP-1).

    Only the case's FM or the TL of her team may share it."""
    today = clock.today(today)
    case = Case.objects.select_related("fallmanager").get(pk=case.pk)
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
    grant = CaseGrant.objects.create(
        case=case,
        user=user,
        reason=GrantReason.CASE_CONFERENCE,
        starts_on=today,
        expires_on=until,
        granted_by=acting_user,
    )
    grant_activate(grant)
    return grant


@transaction.atomic
def grants_expire(*, on: datetime.date) -> int:
    """Daily job: revoke every grant whose period has ended (and the guardian row with it)."""
    expired = list(
        CaseGrant.objects.select_for_update()
        .select_related("case", "user")
        .filter(revoked_on__isnull=True, expires_on__lt=on)
    )
    for grant in expired:
        _grant_revoke(grant, on)
    return len(expired)


@transaction.atomic
def grant_revoke(*, grant: CaseGrant, acting_user: Staff, on: datetime.date | None = None) -> CaseGrant:
    """End a grant early: the person who granted it, or a TL who approved it."""
    on = clock.today(on)
    grant = CaseGrant.objects.select_for_update().select_related("case", "user").get(pk=grant.pk)
    if acting_user.pk not in (grant.granted_by_id, grant.approved_by_tl_old_id, grant.approved_by_tl_new_id):
        raise NotPermitted(_("Diese Freigabe können Sie nicht widerrufen."))
    if grant.revoked_on is not None:
        raise Conflict(_("Die Freigabe ist bereits beendet."))
    _grant_revoke(grant, on)
    return grant


# --- retention (DP-5) ---------------------------------------------------------------------------------


def _require_datenschutz(user) -> None:
    if not (user.is_authenticated and user.role == Role.DATENSCHUTZ and user.is_active):
        raise NotPermitted(_("Nur der Datenschutz kann Löschläufe vorbereiten und bestätigen."))


@transaction.atomic
def purge_prepare(*, acting_user: Staff, today: datetime.date | None = None) -> PurgeRun:
    """List the clients due for anonymisation; nothing is changed until another person confirms."""
    _require_datenschutz(acting_user)
    today = clock.today(today)
    ids = list(purge_candidates(today=today).values_list("pk", flat=True))
    run = PurgeRun.objects.create(
        prepared_by=acting_user, prepared_on=today, cutoff_on=retention_cutoff(today), client_ids=ids
    )
    _system_log(
        user=acting_user,
        action="purge.prepare",
        client_id=None,
        object_type="audit.purgerun",
        object_id=run.pk,
        context={"clients": len(ids), "cutoff_on": run.cutoff_on.isoformat()},
    )
    return run


def _anonymise_clients(client_ids: list[int], *, today: datetime.date) -> None:
    clients = list(Client.objects.select_for_update().filter(pk__in=client_ids, anonymised_on__isnull=True))
    ids = [c.pk for c in clients]
    if not ids:
        return
    case_ids = list(Case.objects.filter(client_id__in=ids).values_list("pk", flat=True))
    household_ids = {c.household_id for c in clients}
    # Shred the change history of these persons first: it holds their names (STYLE 5, DP-5).
    history = {model: getattr(audit_models, name) for model, name in HISTORY_MODELS.items()}
    triggers = [f"audit.{name}:append_only" for name in HISTORY_MODELS.values()]
    with pgtrigger.ignore(*triggers):
        history[Client].objects.filter(pgh_obj_id__in=ids).delete()
        history[ClientNeed].objects.filter(client_id__in=ids).delete()
        history[Case].objects.filter(pgh_obj_id__in=case_ids).delete()
        history[CaseEvent].objects.filter(case_id__in=case_ids).delete()
    for client in clients:
        client.first_name = ANONYMISED_NAME
        client.last_name = ANONYMISED_NAME
        client.customer_number = f"ANON-{client.pk}"
        client.birth_date = client.birth_date.replace(month=1, day=1)
        client.access_check_result = ""
        client.anonymised_on = today
    Client.objects.bulk_update(
        clients,
        ["first_name", "last_name", "customer_number", "birth_date", "access_check_result", "anonymised_on"],
    )
    Case.objects.filter(pk__in=case_ids).update(**dict.fromkeys(_CASE_TEXT_FIELDS, ""))
    CaseEvent.objects.filter(case_id__in=case_ids).update(payload={})
    # A household number identifies the family: replace it once no member keeps personal data.
    for household in Household.objects.filter(pk__in=household_ids).exclude(
        members__anonymised_on__isnull=True
    ):
        household.number = f"ANON-BG-{household.pk}"
        household.save(update_fields=["number"])
    for app in _RETENTION_APPS:
        if find_spec(f"{app}.retention") is not None:
            import_module(f"{app}.retention").anonymise(client_ids=ids)


@transaction.atomic
def purge_confirm(*, run: PurgeRun, acting_user: Staff, today: datetime.date | None = None) -> PurgeRun:
    """Four eyes: a second datenschutz user confirms; then the listed clients are anonymised. Clients
    who got a new case since the list was prepared are skipped. The anonymous outcome records remain."""
    _require_datenschutz(acting_user)
    today = clock.today(today)
    run = PurgeRun.objects.select_for_update().filter(pk=run.pk).first()
    if run is None:
        raise NotFound(_("Löschlauf nicht gefunden."))
    if run.is_confirmed:
        raise Conflict(_("Dieser Löschlauf wurde bereits bestätigt."), code="already_confirmed")
    if run.prepared_by_id == acting_user.pk:
        raise NotPermitted(
            _("Vier-Augen-Prinzip: Wer die Liste erstellt hat, kann sie nicht selbst bestätigen."),
            code="four_eyes",
        )
    if today - run.prepared_on > datetime.timedelta(days=30):
        raise Conflict(
            _("Die Liste ist älter als 30 Tage. Bitte erstellen Sie eine neue."), code="stale_purge_list"
        )
    still_due = set(purge_candidates(today=today).filter(pk__in=run.client_ids).values_list("pk", flat=True))
    ids = [pk for pk in run.client_ids if pk in still_due]
    _anonymise_clients(ids, today=today)
    run.confirmed_by = acting_user
    run.confirmed_on = today
    run.anonymised_count = len(ids)
    run.save(update_fields=["confirmed_by", "confirmed_on", "anonymised_count"])
    _system_log(
        user=acting_user,
        action="purge.confirm",
        client_id=None,
        object_type="audit.purgerun",
        object_id=run.pk,
        context={"anonymised": len(ids), "skipped": len(run.client_ids) - len(ids)},
    )
    AccessLog.objects.bulk_create(
        AccessLog(
            user=acting_user,
            username=acting_user.get_username(),
            action="client.anonymise",
            object_type="client",
            object_id=pk,
            client_id=pk,
            capacity="datenschutz",
            context={"purge_run": run.pk},
        )
        for pk in ids
    )
    logger.info("purge run %s confirmed: %s clients anonymised", run.pk, len(ids))
    return run

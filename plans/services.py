"""Writes of the plans app (DOMAIN PLAN-1..6, DP-6). One function per rule-bearing action."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from audit import services as audit
from cases.choices import CaseState, NeedStatus
from cases.models import Case, ClientNeed
from cases.services import lock_case
from catalog import clock, periods
from catalog.models import LifeArea, Need
from catalog.validators import optional_text, reject_diagnosis, require_past_or_today, require_text
from fallmanagement.errors import InvalidInput, NotPermitted
from org.models import Staff
from plans.choices import (
    OPEN_SERVICE_STATES,
    SERVICE_STEPS,
    ContactKind,
    GoalKind,
    GoalStatus,
    ServiceKind,
    ServiceStatus,
)
from plans.models import (
    Agreement,
    AgreementTitle,
    AssessmentEntry,
    Consent,
    Contact,
    Goal,
    GoalStatusChange,
    Partner,
    ServiceReferral,
)
from plans.permissions import can_write_plan

UNSET = object()
WORKING_STATES = (CaseState.CLEARING, CaseState.ACTIVE)
WAIVER_MIN_LENGTH = 30
MAX_PLAN_YEARS = 5
DEFAULT_FOLLOW_UP_DAYS = 28
FALLBACK_TITLE = "Kooperationsplan (§ 15 SGB II)"


# --- guards ------------------------------------------------------------------------------------------


def _require_writer(case: Case, user) -> None:
    if not can_write_plan(case, user):
        raise NotPermitted(
            _("Nur die zuständige Fallmanager*in (oder ihre Vertretung) kann den Plan bearbeiten.")
        )


def _require_state(case: Case, states=WORKING_STATES) -> None:
    if case.state not in states:
        if CaseState.CLEARING in states:
            message = _(
                "Der Fall ist nicht (mehr) in Bearbeitung (Status „%(state)s“); Änderungen am Plan sind nicht möglich."
            )
        else:
            message = _(
                "Eine Vereinbarung kann nur für einen laufenden Fall im Fallmanagement (Status „Im Fallmanagement“) erfasst werden; der Fall hat den Status „%(state)s“."
            )
        raise InvalidInput(message % {"state": case.get_state_display()}, code="case_not_active")


def _choice(value, choices, field: str, label: str) -> str:
    if value not in choices.values:
        raise InvalidInput(
            _("%(label)s ist ungültig.") % {"label": label},
            fields={field: [_("Erlaubt sind: %(values)s.") % {"values": ", ".join(choices.values)}]},
        )
    return value


def _not_before(
    value: datetime.date, limit: datetime.date | None, field: str, label: str, limit_label: str
) -> None:
    if limit and value < limit:
        raise InvalidInput(
            _("%(label)s darf nicht vor %(limit_label)s (%(limit)s) liegen.")
            % {"label": label, "limit_label": limit_label, "limit": limit.strftime("%d.%m.%Y")},
            fields={field: [_("Liegt vor dem %(limit)s.") % {"limit": limit.strftime("%d.%m.%Y")}]},
        )


def _case_start(case: Case) -> datetime.date | None:
    """The earliest day plan entries may carry: the referral (or the admission of an imported case)."""
    days = [d for d in (case.referred_on, case.clearing_started_on, case.admitted_on) if d]
    return min(days) if days else None


# --- assessment (PLAN-1, DP-6) ---------------------------------------------------------------------


# Public for other apps that record health-related results (duties: the ÄD/BPS result, MIT-6).
check_no_diagnosis = reject_diagnosis


@transaction.atomic
def assessment_save(
    *, case: Case, acting_user: Staff, areas: Iterable[dict], today: datetime.date | None = None
) -> None:
    """PLAN-1: save findings, resources and needs (with priority) per life area.

    `areas` is a list of `{"life_area", "findings"?, "resources"?, "needs"?: [{"code", "priority"?}]}`.
    Only the areas given are changed. Needs are added or re-prioritised; a need is never deleted here:
    it is closed as reduced/resolved (PLAN-6) so that "needs at admission" stays true."""
    today = clock.today(today)
    _require_writer(case, acting_user)
    case = lock_case(case)
    _require_state(case)
    areas = list(areas)
    seen_areas: set[str] = set()
    wanted_needs: dict[str, int | None] = {}
    need_area: dict[str, str] = {}
    cleaned: list[dict] = []
    for index, area in enumerate(areas):
        if not isinstance(area, dict):
            raise InvalidInput(_("Ungültiger Lebensbereich."), fields={f"areas[{index}]": [_("Ungültig.")]})
        life_area = _choice(
            area.get("life_area"), LifeArea, f"areas[{index}].life_area", _("Der Lebensbereich")
        )
        if life_area in seen_areas:
            raise InvalidInput(
                _("Jeder Lebensbereich darf nur einmal vorkommen."),
                fields={f"areas[{index}].life_area": [_("Doppelt.")]},
            )
        seen_areas.add(life_area)
        entry = {"life_area": life_area}
        for name, label in (("findings", _("Die Feststellungen")), ("resources", _("Die Ressourcen"))):
            if name in area:
                entry[name] = optional_text(area.get(name), f"areas[{index}].{name}", label)
                # DP-6: no diagnosis in any assessment text (the health area's above all).
                reject_diagnosis(entry[name], f"areas[{index}].{name}")
        cleaned.append(entry)
        for n_index, item in enumerate(area.get("needs") or []):
            field = f"areas[{index}].needs[{n_index}]"
            code = item.get("code") if isinstance(item, dict) else None
            if not isinstance(code, str) or not code:
                raise InvalidInput(
                    _("Bitte einen Handlungsbedarf angeben."), fields={field: [_("Code fehlt.")]}
                )
            if code in wanted_needs:
                raise InvalidInput(
                    _("Der Handlungsbedarf %(code)s kommt doppelt vor.") % {"code": code},
                    fields={field: [_("Doppelt.")]},
                )
            priority = item.get("priority")
            if priority is not None and (
                isinstance(priority, bool) or not isinstance(priority, int) or not 1 <= priority <= 99
            ):
                raise InvalidInput(
                    _("Die Priorität muss eine ganze Zahl von 1 bis 99 sein."),
                    fields={f"{field}.priority": [_("Ganze Zahl von 1 bis 99.")]},
                )
            wanted_needs[code] = priority
            need_area[code] = life_area
    needs = {n.code: n for n in Need.objects.filter(code__in=list(wanted_needs), active=True)}
    unknown = sorted(set(wanted_needs) - set(needs))
    if unknown:
        raise InvalidInput(
            _("Unbekannte Handlungsbedarfe: %(codes)s") % {"codes": ", ".join(unknown)},
            fields={"needs": [_("Unbekannter Code: %(c)s") % {"c": c} for c in unknown]},
        )
    wrong = sorted(code for code, need in needs.items() if need.life_area != need_area[code])
    if wrong:
        raise InvalidInput(
            _("Handlungsbedarfe gehören zu einem anderen Lebensbereich: %(codes)s")
            % {"codes": ", ".join(wrong)},
            fields={"needs": [_("Falscher Lebensbereich: %(c)s") % {"c": c} for c in wrong]},
        )
    existing = {e.life_area: e for e in AssessmentEntry.objects.filter(case=case)}
    for entry in cleaned:
        row = existing.get(entry["life_area"])
        if row is None:
            AssessmentEntry.objects.create(
                case=case,
                life_area=entry["life_area"],
                findings=entry.get("findings", ""),
                resources=entry.get("resources", ""),
                updated_by=acting_user,
            )
            continue
        changed = [
            name for name in ("findings", "resources") if name in entry and getattr(row, name) != entry[name]
        ]
        for name in changed:
            setattr(row, name, entry[name])
        if changed:
            row.updated_by = acting_user
            row.save(update_fields=[*changed, "updated_by", "updated_at"])
    client_needs = {
        cn.need_id: cn for cn in ClientNeed.objects.filter(client=case.client, need__in=needs.values())
    }
    for code, need in needs.items():
        current = client_needs.get(need.pk)
        priority = wanted_needs[code]
        if current is None:
            ClientNeed.objects.create(client=case.client, need=need, identified_on=today, priority=priority)
        elif current.priority != priority:
            current.priority = priority
            current.save(update_fields=["priority", "updated_at"])


@transaction.atomic
def need_resolve(
    *,
    case: Case,
    acting_user: Staff,
    code: str,
    status: str,
    on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> ClientNeed:
    """PLAN-6: mark a need reduced or resolved with a date (counts as progress in reports)."""
    today = clock.today(today)
    _require_writer(case, acting_user)
    _require_state(case)
    if status not in (NeedStatus.REDUCED, NeedStatus.RESOLVED):
        raise InvalidInput(
            _("Der Status muss „reduced“ (verringert) oder „resolved“ (erledigt) sein."),
            fields={"status": [_("Erlaubt sind: reduced, resolved.")]},
        )
    on = require_past_or_today(on or today, "date", _("Das Datum"), today)
    client_need = (
        ClientNeed.objects.select_for_update()
        .select_related("need")
        .filter(client=case.client, need__code=code)
        .first()
    )
    if client_need is None:
        raise InvalidInput(
            _("Die Kund*in hat keinen Handlungsbedarf mit dem Code „%(code)s“.") % {"code": code[:40]},
            fields={"code": [_("Unbekannter Handlungsbedarf.")]},
        )
    _not_before(on, client_need.identified_on, "date", _("Das Datum"), _("der Feststellung"))
    _not_before(on, client_need.status_changed_on, "date", _("Das Datum"), _("der letzten Änderung"))
    if client_need.status == NeedStatus.RESOLVED or client_need.status == status:
        raise InvalidInput(
            _("Der Handlungsbedarf hat bereits den Status „%(s)s“.")
            % {"s": client_need.get_status_display()},
            fields={"status": [_("Keine Änderung möglich.")]},
        )
    client_need.status = status
    client_need.status_changed_on = on
    client_need.save(update_fields=["status", "status_changed_on", "updated_at"])
    return client_need


# --- goals (PLAN-2) ---------------------------------------------------------------------------------


def _check_target_date(
    target_date, *, agreed_on: datetime.date, today: datetime.date, must_be_future: bool
) -> datetime.date:
    if target_date is None:
        raise InvalidInput(
            _("Ein SMARTes Ziel braucht ein Zieldatum."),
            fields={"target_date": [_("Bitte ein Zieldatum angeben.")]},
        )
    if must_be_future and target_date < today:
        raise InvalidInput(
            _("Das Zieldatum eines offenen Ziels darf nicht in der Vergangenheit liegen."),
            fields={"target_date": [_("Liegt in der Vergangenheit.")]},
        )
    _not_before(target_date, agreed_on, "target_date", _("Das Zieldatum"), _("der Vereinbarung des Ziels"))
    if target_date > agreed_on + relativedelta(years=MAX_PLAN_YEARS):
        raise InvalidInput(
            _("Das Zieldatum liegt zu weit in der Zukunft (höchstens %(n)s Jahre).") % {"n": MAX_PLAN_YEARS},
            fields={"target_date": [_("Zu weit in der Zukunft.")]},
        )
    return target_date


@transaction.atomic
def goal_create(
    *,
    case: Case,
    acting_user: Staff,
    text: str,
    target_date: datetime.date | None,
    kind: str = GoalKind.INTEGRATION,
    status: str = GoalStatus.OPEN,
    agreed_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Goal:
    """PLAN-2: a SMART goal. `agreed_on` defaults to today (past allowed, never future). An open goal's
    target date must not lie in the past; documenting a past goal is possible by giving its final status
    (achieved/partly/dropped), then a past target date is accepted."""
    today = clock.today(today)
    _require_writer(case, acting_user)
    _require_state(case)
    text = require_text(text, "text", _("Das Ziel"))
    kind = _choice(kind, GoalKind, "kind", _("Die Art des Ziels"))
    status = _choice(status, GoalStatus, "status", _("Der Status"))
    agreed_on = require_past_or_today(agreed_on or today, "agreed_on", _("Das Vereinbarungsdatum"), today)
    _not_before(agreed_on, _case_start(case), "agreed_on", _("Das Vereinbarungsdatum"), _("der Zuweisung"))
    target_date = _check_target_date(
        target_date, agreed_on=agreed_on, today=today, must_be_future=status == GoalStatus.OPEN
    )
    goal = Goal.objects.create(
        case=case,
        text=text,
        kind=kind,
        agreed_on=agreed_on,
        target_date=target_date,
        status=status,
        status_changed_on=agreed_on,
        created_by=acting_user,
    )
    GoalStatusChange.objects.create(
        goal=goal, from_status="", to_status=status, changed_on=agreed_on, by=acting_user
    )
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    acting_user: Staff,
    text=UNSET,
    target_date=UNSET,
    kind=UNSET,
    status=UNSET,
    note: str = "",
    on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Goal:
    """Change a goal; a status change is recorded with its date in the goal's status history."""
    today = clock.today(today)
    goal = Goal.objects.select_for_update().select_related("case", "case__client").get(pk=goal.pk)
    _require_writer(goal.case, acting_user)
    _require_state(goal.case)
    fields: list[str] = []
    if text is not UNSET:
        goal.text = require_text(text, "text", _("Das Ziel"))
        fields.append("text")
    if kind is not UNSET:
        goal.kind = _choice(kind, GoalKind, "kind", _("Die Art des Ziels"))
        fields.append("kind")
    new_status = goal.status
    if status is not UNSET:
        new_status = _choice(status, GoalStatus, "status", _("Der Status"))
    if target_date is not UNSET:
        goal.target_date = _check_target_date(
            target_date,
            agreed_on=goal.agreed_on,
            today=today,
            must_be_future=new_status == GoalStatus.OPEN and target_date != goal.target_date,
        )
        fields.append("target_date")
    if new_status != goal.status:
        on = require_past_or_today(on or today, "date", _("Das Datum der Statusänderung"), today)
        _not_before(
            on, goal.status_changed_on or goal.agreed_on, "date", _("Das Datum"), _("der letzten Änderung")
        )
        GoalStatusChange.objects.create(
            goal=goal,
            from_status=goal.status,
            to_status=new_status,
            changed_on=on,
            note=optional_text(note, "note", _("Die Anmerkung")),
            by=acting_user,
        )
        goal.status = new_status
        goal.status_changed_on = on
        fields += ["status", "status_changed_on"]
    if fields:
        goal.save(update_fields=fields)
    return goal


# --- agreement (PLAN-3) -----------------------------------------------------------------------------


def agreement_title_for(day: datetime.date) -> tuple[str, str]:
    """The document title (and note) valid on `day` (CATALOG.md "Agreement document by legal period")."""
    row = (
        AgreementTitle.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .order_by("-valid_from")
        .first()
    )
    if row is None:
        return FALLBACK_TITLE, ""
    return row.title, row.note


def _supersede_current(case: Case, on: datetime.date) -> Agreement | None:
    current = Agreement.objects.select_for_update().filter(case=case, superseded_on__isnull=True).first()
    if current is not None:
        current.superseded_on = on
        current.save(update_fields=["superseded_on"])
    return current


@transaction.atomic
def agreement_conclude(
    *,
    case: Case,
    acting_user: Staff,
    concluded_on: datetime.date | None,
    client_commitments: str,
    jobcenter_commitments: str,
    review_due_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Agreement:
    """PLAN-3: conclude the agreement; it supersedes the previous agreement (or waiver). It is to be
    reviewed at the latest `AGREEMENT_REVIEW_MONTHS` (6) months later; an earlier date may be set."""
    today = clock.today(today)
    _require_writer(case, acting_user)
    case = lock_case(case)
    _require_state(case, states=(CaseState.ACTIVE,))
    concluded_on = require_past_or_today(concluded_on, "concluded_on", _("Das Abschlussdatum"), today)
    _not_before(concluded_on, _case_start(case), "concluded_on", _("Das Abschlussdatum"), _("der Zuweisung"))
    client_commitments = require_text(client_commitments, "client_commitments", _("Die Schritte der Kund*in"))
    jobcenter_commitments = require_text(
        jobcenter_commitments, "jobcenter_commitments", _("Die Leistungen des Jobcenters")
    )
    latest = periods.agreement_review_latest(concluded_on)
    if review_due_on is None:
        review_due_on = latest
    elif not concluded_on < review_due_on <= latest:
        raise InvalidInput(
            _("Die Überprüfung ist spätestens %(n)s Monate nach Abschluss fällig (bis %(latest)s).")
            % {"n": periods.months(periods.Period.AGREEMENT_REVIEW), "latest": latest.strftime("%d.%m.%Y")},
            fields={
                "review_due_on": [
                    _("Nach dem Abschluss und spätestens am %(d)s.") % {"d": latest.strftime("%d.%m.%Y")}
                ]
            },
        )
    previous = Agreement.objects.filter(case=case, superseded_on__isnull=True, waived=False).first()
    if previous is not None and previous.concluded_on and concluded_on < previous.concluded_on:
        raise InvalidInput(
            _("Die neue Vereinbarung kann nicht vor der geltenden (%(d)s) abgeschlossen sein.")
            % {"d": previous.concluded_on.strftime("%d.%m.%Y")},
            fields={"concluded_on": [_("Liegt vor der geltenden Vereinbarung.")]},
        )
    title, note = agreement_title_for(concluded_on)
    _supersede_current(case, concluded_on)
    return Agreement.objects.create(
        case=case,
        waived=False,
        title=title,
        title_note=note,
        concluded_on=concluded_on,
        review_due_on=review_due_on,
        client_commitments=client_commitments,
        jobcenter_commitments=jobcenter_commitments,
        recorded_on=today,
        created_by=acting_user,
    )


@transaction.atomic
def agreement_waive(
    *, case: Case, acting_user: Staff, justification: str, today: datetime.date | None = None
) -> Agreement:
    """PLAN-3: document in detail why no agreement is concluded (yet). Concluding one stays a to-do
    ("Kooperationsplan noch abschließen") until an agreement supersedes the waiver."""
    today = clock.today(today)
    _require_writer(case, acting_user)
    case = lock_case(case)
    _require_state(case, states=(CaseState.ACTIVE,))
    justification = require_text(justification, "justification", _("Die Begründung"))
    if len(justification) < WAIVER_MIN_LENGTH:
        raise InvalidInput(
            _("Bitte begründen Sie ausführlich, warum (noch) keine Vereinbarung abgeschlossen wird."),
            fields={"justification": [_("Mindestens %(n)s Zeichen.") % {"n": WAIVER_MIN_LENGTH}]},
        )
    if Agreement.objects.filter(case=case, superseded_on__isnull=True, waived=False).exists():
        raise InvalidInput(
            _("Es gilt bereits eine abgeschlossene Vereinbarung; ein Verzicht ist nicht möglich."),
            fields={"waived": [_("Es besteht eine geltende Vereinbarung.")]},
        )
    _supersede_current(case, today)
    return Agreement.objects.create(
        case=case, waived=True, justification=justification, recorded_on=today, created_by=acting_user
    )


# --- partners, consent and service steering (PLAN-4, DP-6 § 67b SGB X) -------------------------------


def partner_for_case(*, case: Case, partner_id) -> Partner:
    """An active partner of the case's area; anything else is an unknown partner (400)."""
    try:
        pk = int(partner_id)
    except (TypeError, ValueError):
        pk = None
    partner = (
        Partner.objects.filter(pk=pk, active=True, area_id=case.client.site.area_id).first() if pk else None
    )
    if partner is None:
        raise InvalidInput(
            _("Unbekannter Netzwerkpartner (nicht im Bereich der Kund*in oder nicht aktiv)."),
            fields={"partner": [_("Unbekannter Partner.")]},
        )
    return partner


def _sharing_basis(
    *, case: Case, partner: Partner | None, legal_basis: str, consent: Consent | None, on: datetime.date
) -> Consent | None:
    """DP-6 / § 67b SGB X: data go to an external partner only with a legal basis or a valid consent.
    Returns the consent relied upon (None when a legal basis or no sharing applies)."""
    if partner is None or not partner.external or legal_basis:
        return None
    if consent is None:
        consent = (
            Consent.objects.filter(client=case.client, partner=partner).order_by("-given_on", "-pk").first()
        )
    if consent is not None and (consent.client_id != case.client_id or consent.partner_id != partner.pk):
        raise InvalidInput(
            _("Die Einwilligung gehört nicht zu dieser Kund*in und diesem Partner."),
            fields={"consent": [_("Unpassende Einwilligung.")]},
        )
    if consent is not None and consent.revoked_on is not None and consent.revoked_on <= on:
        raise InvalidInput(
            _(
                "Die Einwilligung wurde am %(d)s widerrufen: Daten dürfen nicht mehr an „%(p)s“ übermittelt werden (§ 67b SGB X)."
            )
            % {"d": consent.revoked_on.strftime("%d.%m.%Y"), "p": partner.name},
            code="consent_revoked",
            fields={"consent": [_("Einwilligung widerrufen.")]},
        )
    if consent is None or consent.given_on > on:
        raise InvalidInput(
            _(
                "Für die Weitergabe von Daten an „%(p)s“ ist eine Rechtsgrundlage oder eine erfasste Einwilligung der Kund*in erforderlich (§ 67b SGB X)."
            )
            % {"p": partner.name},
            code="consent_required",
            fields={"legal_basis": [_("Rechtsgrundlage oder Einwilligung angeben.")]},
        )
    return consent


@transaction.atomic
def consent_record(
    *,
    case: Case,
    acting_user: Staff,
    partner: Partner,
    given_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Consent:
    """Record the client's consent (Schweigepflichtentbindung) for one partner."""
    today = clock.today(today)
    _require_writer(case, acting_user)
    _require_state(case)
    given_on = require_past_or_today(
        given_on or today, "consent_given_on", _("Das Datum der Einwilligung"), today
    )
    if partner.area_id != case.client.site.area_id:
        raise InvalidInput(_("Unbekannter Netzwerkpartner."), fields={"partner": [_("Unbekannter Partner.")]})
    return Consent.objects.create(
        client=case.client, partner=partner, given_on=given_on, recorded_by=acting_user
    )


@transaction.atomic
def consent_revoke(
    *,
    consent: Consent,
    acting_user: Staff,
    case: Case,
    on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Consent:
    """The client revokes her consent: no further sharing; open referrals relying on it are revoked."""
    today = clock.today(today)
    _require_writer(case, acting_user)
    consent = Consent.objects.select_for_update().get(pk=consent.pk, client=case.client)
    if consent.revoked_on is not None:
        raise InvalidInput(
            _("Die Einwilligung ist bereits widerrufen."), fields={"consent": [_("Bereits widerrufen.")]}
        )
    on = require_past_or_today(on or today, "date", _("Das Datum des Widerrufs"), today)
    _not_before(on, consent.given_on, "date", _("Der Widerruf"), _("der Einwilligung"))
    consent.revoked_on = on
    consent.save(update_fields=["revoked_on"])
    ServiceReferral.objects.filter(consent=consent, legal_basis="", status__in=OPEN_SERVICE_STATES).update(
        status=ServiceStatus.REVOKED, status_changed_on=on, follow_up_on=None
    )
    return consent


def _check_follow_up(follow_up_on, start: datetime.date) -> datetime.date | None:
    if follow_up_on is None:
        return None
    _not_before(follow_up_on, start, "follow_up_on", _("Das Nachhalte-Datum"), _("dem Vorschlag"))
    if follow_up_on > start + relativedelta(years=2):
        raise InvalidInput(
            _("Das Nachhalte-Datum liegt zu weit in der Zukunft (höchstens 2 Jahre)."),
            fields={"follow_up_on": [_("Zu weit in der Zukunft.")]},
        )
    return follow_up_on


def _service_outcome(outcome, kind: str) -> str:
    """The outcome text; for flanking help (§ 16a SGB II: addiction, psychosocial and debt counselling) it
    belongs to the health area and passes the diagnosis guard (DP-6)."""
    text = optional_text(outcome, "outcome", _("Der Verlauf"))
    if kind == ServiceKind.FLANKING:
        reject_diagnosis(text, "outcome")
    return text


@transaction.atomic
def service_referral_create(
    *,
    case: Case,
    acting_user: Staff,
    kind: str,
    title: str,
    partner: Partner | None = None,
    status: str = ServiceStatus.PROPOSED,
    legal_basis: str = "",
    consent: Consent | None = None,
    consent_given_on: datetime.date | None = None,
    follow_up_on=UNSET,
    outcome: str = "",
    on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> ServiceReferral:
    """PLAN-4: refer the client to a measure or partner. Sharing with an external partner needs a legal
    basis or the client's consent (given now with `consent_given_on`, or recorded before)."""
    today = clock.today(today)
    _require_writer(case, acting_user)
    _require_state(case)
    kind = _choice(kind, ServiceKind, "kind", _("Die Art der Leistung"))
    title = require_text(title, "title", _("Die Bezeichnung der Leistung"), max_length=200)
    if status not in (ServiceStatus.PROPOSED, ServiceStatus.STARTED):
        raise InvalidInput(
            _("Eine neue Leistung beginnt als „vorgeschlagen“ oder „begonnen“."),
            fields={"status": [_("Erlaubt sind: proposed, started.")]},
        )
    on = require_past_or_today(on or today, "date", _("Das Datum"), today)
    _not_before(on, _case_start(case), "date", _("Das Datum"), _("der Zuweisung"))
    legal_basis = optional_text(legal_basis, "legal_basis", _("Die Rechtsgrundlage"), max_length=300)
    if partner is not None and partner.area_id != case.client.site.area_id:
        raise InvalidInput(_("Unbekannter Netzwerkpartner."), fields={"partner": [_("Unbekannter Partner.")]})
    if consent_given_on is not None:
        if partner is None:
            raise InvalidInput(
                _("Eine Einwilligung gilt für einen bestimmten Partner."),
                fields={"partner": [_("Partner fehlt.")]},
            )
        consent = consent_record(
            case=case, acting_user=acting_user, partner=partner, given_on=consent_given_on, today=today
        )
    consent = _sharing_basis(case=case, partner=partner, legal_basis=legal_basis, consent=consent, on=on)
    if follow_up_on is UNSET:
        follow_up_on = on + datetime.timedelta(days=DEFAULT_FOLLOW_UP_DAYS)
    return ServiceReferral.objects.create(
        case=case,
        partner=partner,
        kind=kind,
        title=title,
        status=status,
        proposed_on=on,
        status_changed_on=on,
        follow_up_on=_check_follow_up(follow_up_on, on),
        outcome=_service_outcome(outcome, kind),
        legal_basis=legal_basis,
        consent=consent,
        created_by=acting_user,
    )


@transaction.atomic
def service_referral_update(
    *,
    referral: ServiceReferral,
    acting_user: Staff,
    status=UNSET,
    follow_up_on=UNSET,
    outcome=UNSET,
    on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> ServiceReferral:
    """PLAN-4: advance the status (proposed → started → finished; dropped/revoked end it), set the
    follow-up date, record the outcome. Advancing a referral to an external partner shares data and
    is refused without a legal basis or with a revoked consent."""
    today = clock.today(today)
    referral = (
        ServiceReferral.objects.select_for_update(of=("self",))
        .select_related("case", "case__client", "case__client__site", "partner", "consent")
        .get(pk=referral.pk)
    )
    case = referral.case
    _require_writer(case, acting_user)
    _require_state(case)
    fields: list[str] = []
    if status is not UNSET and status != referral.status:
        status = _choice(status, ServiceStatus, "status", _("Der Status"))
        if status not in SERVICE_STEPS[referral.status]:
            raise InvalidInput(
                _("Von „%(a)s“ nach „%(b)s“ ist kein zulässiger Schritt.")
                % {"a": referral.get_status_display(), "b": ServiceStatus(status).label},
                code="transition_not_allowed",
                fields={"status": [_("Unzulässiger Statuswechsel.")]},
            )
        on = require_past_or_today(on or today, "date", _("Das Datum"), today)
        _not_before(on, referral.status_changed_on, "date", _("Das Datum"), _("der letzten Änderung"))
        if status == ServiceStatus.STARTED:
            _sharing_basis(
                case=case,
                partner=referral.partner,
                legal_basis=referral.legal_basis,
                consent=referral.consent,
                on=on,
            )
        referral.status = status
        referral.status_changed_on = on
        fields += ["status", "status_changed_on"]
        if status not in OPEN_SERVICE_STATES:
            referral.follow_up_on = None
            fields.append("follow_up_on")
    if follow_up_on is not UNSET:
        if referral.status not in OPEN_SERVICE_STATES and follow_up_on is not None:
            raise InvalidInput(
                _("Eine abgeschlossene Leistung wird nicht mehr nachgehalten."),
                fields={"follow_up_on": [_("Leistung ist abgeschlossen.")]},
            )
        referral.follow_up_on = _check_follow_up(follow_up_on, referral.proposed_on)
        if "follow_up_on" not in fields:
            fields.append("follow_up_on")
    if outcome is not UNSET:
        referral.outcome = _service_outcome(outcome, referral.kind)
        fields.append("outcome")
    if fields:
        referral.save(update_fields=fields)
    return referral


# --- contacts (PLAN-5) ------------------------------------------------------------------------------


@transaction.atomic
def contact_create(
    *,
    case: Case,
    acting_user: Staff,
    kind: str,
    note: str = "",
    date: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Contact:
    """PLAN-5: record a contact with date (default today, never in the future) and kind."""
    today = clock.today(today)
    _require_writer(case, acting_user)
    _require_state(case)
    kind = _choice(kind, ContactKind, "kind", _("Die Art des Kontakts"))
    date = require_past_or_today(date or today, "date", _("Das Datum des Kontakts"), today)
    _not_before(date, _case_start(case), "date", _("Das Datum des Kontakts"), _("der Zuweisung"))
    return Contact.objects.create(
        case=case,
        date=date,
        kind=kind,
        note=optional_text(note, "note", _("Die Notiz")),
        created_by=acting_user,
    )


def agreement_document(*, agreement, acting_user: Staff) -> bytes:
    """The agreement as a PDF for signature; an export of personal data, so it is logged (DP-4)."""
    from plans.pdf import agreement_pdf
    from plans.selectors import goals_for

    content = agreement_pdf(agreement=agreement, goals=list(goals_for(agreement.case)))
    audit.record(
        user=acting_user, action="case.export", obj=agreement.case, context={"document": "agreement_pdf"}
    )
    return content

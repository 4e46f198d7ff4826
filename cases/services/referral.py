"""Referral by the pAp (ACC-1..3, ACC-5, READ-1, READ-2) and the takeover of running cases from the
legacy system."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from cases.choices import OPEN_STATES, CaseState, HandoverKind
from cases.models import Case, Client
from cases.services.clients import client_set_needs, client_update
from cases.services.transitions import record_event
from catalog import clock, periods
from catalog.models import ACCESS_KEY_GROUPS, Need
from catalog.validators import MAX_TEXT, require_past_or_today, require_text
from fallmanagement.errors import Conflict, InvalidInput, NotPermitted
from org.choices import Role
from org.models import Staff

# --- access criteria (ACC-1, ACC-2) -------------------------------------------------------------------


@dataclass
class AccessCheck:
    counting_needs: list[str] = field(default_factory=list)
    integration_expected_within_12_months: bool = False
    min_needs: int = 3

    @property
    def enough_needs(self) -> bool:
        return len(self.counting_needs) >= self.min_needs

    @property
    def meets_formal_access(self) -> bool:
        """ACC-1 (need and forecast part); the pAp's expectation of progress is checked on referral."""
        return self.enough_needs and not self.integration_expected_within_12_months

    @property
    def messages(self) -> list[str]:
        out = []
        n = len(self.counting_needs)
        if self.enough_needs:
            out.append(
                _(
                    "%(n)s Handlungsbedarfe in den Schlüsselgruppen Leistungsfähigkeit/Rahmenbedingungen (mindestens %(min)s) – erfüllt."
                )
                % {"n": n, "min": self.min_needs}
            )
        else:
            out.append(
                _(
                    "Nur %(n)s Handlungsbedarf(e) in den Schlüsselgruppen Leistungsfähigkeit/Rahmenbedingungen; mindestens %(min)s nötig."
                )
                % {"n": n, "min": self.min_needs}
            )
        if self.integration_expected_within_12_months:
            out.append(
                _(
                    "Laut Profiling ist eine Integration innerhalb von 12 Monaten zu erwarten (Zugangsvoraussetzungen nicht erfüllt)."
                )
            )
        else:
            out.append(_("Laut Profiling keine Integration innerhalb von 12 Monaten zu erwarten – erfüllt."))
        if not self.meets_formal_access:
            out.append(
                _(
                    "Ohne formalen Zugang ist eine Einzelfallentscheidung mit Begründung und Datum der Rücksprache mit der Teamleitung nötig."
                )
            )
        return out


def access_check(*, need_codes: Iterable[str], integration_expected_within_12_months: bool) -> AccessCheck:
    """Evaluate ACC-1 for a set of need codes (used live by the referral form and by the referral)."""
    codes = set(need_codes)
    counting = sorted(
        Need.objects.filter(code__in=codes, active=True, key_group__in=ACCESS_KEY_GROUPS).values_list(
            "code", flat=True
        )
    )
    return AccessCheck(
        counting_needs=counting,
        integration_expected_within_12_months=integration_expected_within_12_months,
        min_needs=settings.FM["ACCESS_MIN_NEEDS"],
    )


def client_access_check(*, client: Client) -> AccessCheck:
    codes = client.needs.filter(status="open").values_list("need__code", flat=True)
    return access_check(
        need_codes=codes, integration_expected_within_12_months=client.integration_expected_within_12_months
    )


# --- referral (ACC-1..3, ACC-5, READ-1, READ-2) -------------------------------------------------------


def readmission_blocked_until(*, client: Client) -> datetime.date | None:
    """READ-1: a new referral at the earliest 6 months after the last FM episode ended.

    READ-2: only a work uptake in between shortens the lock — an exit whose reason is employment counts as
    one on the exit date, and so does a work uptake recorded on the client on or after the exit date. An
    individual decision (ACC-2) does not shorten it, so
    after an exit for reaching the maximum duration (REV-4) nothing but a work uptake does."""
    last = (
        client.cases.filter(state=CaseState.CLOSED, closed_on__isnull=False)
        .order_by("-closed_on", "-pk")
        .values_list("closed_on", "exit_reason__is_employment")
        .first()
    )
    if not last:
        return None
    last_closed, exit_was_employment = last
    if exit_was_employment:
        return None
    if client.work_taken_up_on and client.work_taken_up_on >= last_closed:
        return None
    return periods.readmission_locked_until(last_closed)


@dataclass(frozen=True)
class ReferralPrecheck:
    """What the referral page tells the pAp as soon as she has chosen the client, before she fills in the
    form: an open case (ACC-5: no referral at all), the readmission lock (READ-1/READ-2) and the access
    criteria from the client's recorded needs (ACC-1)."""

    open_case_id: int | None
    blocked_until: datetime.date | None
    access: AccessCheck

    @property
    def blocked(self) -> bool:
        return self.open_case_id is not None

    @property
    def messages(self) -> list[str]:
        out = []
        if self.open_case_id is not None:
            out.append(
                _(
                    "Für diese Kund*in besteht bereits ein offener Fall im Fallmanagement; eine Zuweisung ist nicht möglich."
                )
            )
        if self.blocked_until is not None:
            out.append(
                _(
                    "Eine erneute Zuweisung ist frühestens ab %(date)s möglich – außer nach einer Arbeitsaufnahme oder per Einzelfallentscheidung."
                )
                % {"date": self.blocked_until.strftime("%d.%m.%Y")}
            )
        return out


def referral_precheck(*, client: Client, today: datetime.date) -> ReferralPrecheck:
    """ACC-5, READ-1/2 and ACC-1 for a client, read-only and before any input (three queries)."""
    open_case = client.cases.filter(state__in=OPEN_STATES).values_list("pk", flat=True).first()
    until = readmission_blocked_until(client=client)
    return ReferralPrecheck(
        open_case_id=open_case,
        blocked_until=until if until and today < until else None,
        access=client_access_check(client=client),
    )


def _consulted_teamleitung(value, pap: Staff) -> tuple[Staff | None, str | None]:
    """ACC-2: the TL consulted about an individual decision — given (an id or a Staff) it must be an active
    TL of the referring pAp's site; not given, the one active TL of the pAp's team is taken (the API
    contract does not name the field); with none or several, the pAp must name her."""
    if value in (None, ""):
        candidates = list(
            Staff.objects.filter(role=Role.TEAMLEITUNG, is_active=True, led_teams=pap.team_id)[:2]
        )
        if len(candidates) == 1:
            return candidates[0], None
        return None, _("Bitte die Teamleitung angeben, mit der Sie Rücksprache gehalten haben.")
    pk = value.pk if isinstance(value, Staff) else value
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None, _("Ungültige Auswahl.")
    site_id = pap.team.site_id if pap.team_id else None
    tl = (
        Staff.objects.filter(pk=pk, role=Role.TEAMLEITUNG, is_active=True, led_teams__site_id=site_id)
        .distinct()
        .first()
    )
    if tl is None:
        return None, _("Keine aktive Teamleitung Ihres Standorts.")
    return tl, None


def client_responsible_pap_assign(*, client: Client, pap: Staff | None) -> None:
    """ACC-4: record the client's responsible pAp (referral, return, exit handover). Sets `updated_at`,
    so the daily job re-checks the client's access-check reminder."""
    if pap is None or client.responsible_pap_id == pap.pk:
        return
    from django.utils import timezone

    Client.objects.filter(pk=client.pk).update(responsible_pap=pap, updated_at=timezone.now())
    client.responsible_pap = pap


@transaction.atomic
def case_refer(
    *,
    acting_user: Staff,
    client: Client,
    fallmanager,
    reasons: str,
    expected_progress: str,
    handover_talk_on: datetime.date | None,
    handover_kind: str = HandoverKind.PERSONAL,
    referred_on: datetime.date | None = None,
    individual_decision: dict | None = None,
    needs: Iterable[str] | None = None,
    integration_expected_within_12_months: bool | None = None,
    today: datetime.date | None = None,
) -> Case:
    """The pAp refers a client to a FM. The referral reaches the FM in state `referred`.

    `integration_expected_within_12_months` (the profiling forecast of ACC-1), when given and different
    from the client's, is updated first — in the same transaction, so a refused referral changes nothing."""
    today = clock.today(today)
    if not acting_user.has_role(Role.PAP):
        raise NotPermitted(_("Nur persönliche Ansprechpartner*innen (pAp) können zuweisen."))
    if (
        integration_expected_within_12_months is not None
        and integration_expected_within_12_months != client.integration_expected_within_12_months
    ):
        client_update(
            client=client,
            acting_user=acting_user,
            today=today,
            integration_expected_within_12_months=integration_expected_within_12_months,
        )
    # Serialise referrals of the same client: the checks below then read a stable picture.
    client = Client.objects.select_for_update().get(pk=client.pk)

    if fallmanager is None or fallmanager.role != Role.FALLMANAGER or not fallmanager.is_active:
        raise InvalidInput(
            _("Bitte eine aktive Fallmanager*in wählen."),
            fields={"fallmanager": [_("Keine aktive Fallmanager*in.")]},
        )
    # ACC-3: handover talk with reasons and expected goals before the referral reaches the FM.
    reasons = require_text(reasons, "reasons", _("Die Gründe für die Zuweisung"))
    expected_progress = require_text(
        expected_progress, "expected_progress", _("Die erwarteten Integrationsfortschritte")
    )
    talk = require_past_or_today(handover_talk_on, "handover_talk_on", _("Das Übergabegespräch"), today)
    if handover_kind not in HandoverKind.values:
        raise InvalidInput(
            _("Unbekannte Art des Übergabegesprächs."), fields={"handover_kind": [_("Ungültig.")]}
        )
    referred_on = require_past_or_today(referred_on or today, "referred_on", _("Das Zuweisungsdatum"), today)
    if referred_on < talk:
        raise InvalidInput(
            _("Die Zuweisung kann nicht vor dem Übergabegespräch liegen."),
            fields={"referred_on": [_("Liegt vor dem Übergabegespräch.")]},
        )

    if client.cases.filter(state__in=OPEN_STATES).exists():
        raise Conflict(
            _("Für diese Kund*in besteht bereits ein offener Fall im Fallmanagement."),
            code="open_case_exists",
        )
    if needs is not None:
        # DP-6: a pAp referring again does not see the sensitive needs the FM recorded: they stay.
        client_set_needs(client=client, codes=needs, on=referred_on, keep_sensitive=client.cases.exists())
    check = client_access_check(client=client)

    # ACC-2: without formal access, an individual decision with reason and TL consultation date.
    decision_reason, consulted_on = "", None
    if individual_decision:
        if not isinstance(individual_decision, dict):
            raise InvalidInput(
                _("Ungültige Einzelfallentscheidung."), fields={"individual_decision": [_("Ungültig.")]}
            )
        decision_reason = (individual_decision.get("reason") or "").strip()
        consulted_on = individual_decision.get("teamleitung_consulted_on")
        errors = {}
        consulted_tl, tl_error = _consulted_teamleitung(individual_decision.get("teamleitung"), acting_user)
        if tl_error:
            errors["individual_decision.teamleitung"] = [tl_error]
        if not decision_reason:
            errors["individual_decision.reason"] = [_("Die Begründung ist erforderlich.")]
        elif len(decision_reason) > MAX_TEXT:
            errors["individual_decision.reason"] = [_("Höchstens %(n)s Zeichen.") % {"n": MAX_TEXT}]
        if not consulted_on:
            errors["individual_decision.teamleitung_consulted_on"] = [
                _("Das Datum der Rücksprache mit der Teamleitung ist erforderlich.")
            ]
        elif consulted_on > today:
            errors["individual_decision.teamleitung_consulted_on"] = [_("Das Datum liegt in der Zukunft.")]
        if errors:
            raise InvalidInput(
                _(
                    "Die Einzelfallentscheidung braucht eine Begründung und das Datum der Rücksprache mit der Teamleitung."
                ),
                code="access_criteria_not_met",
                fields=errors,
            )
    if not check.meets_formal_access and not decision_reason:
        raise InvalidInput(
            " ".join(check.messages),
            code="access_criteria_not_met",
            fields={
                "individual_decision": [_("Ohne formalen Zugang ist eine Einzelfallentscheidung nötig.")]
            },
        )

    # READ-1/2: readmission lock (ACC-5 was checked above, before any write).
    blocked_until = readmission_blocked_until(client=client)
    if blocked_until and referred_on < blocked_until:
        raise Conflict(
            _(
                "Eine erneute Zuweisung ist frühestens ab %(date)s möglich: Nach dem Ende einer Betreuung im "
                "Fallmanagement ist eine erneute Aufnahme frühestens nach 6 Monaten möglich, früher nur nach "
                "einer zwischenzeitlichen Arbeitsaufnahme – eine Einzelfallentscheidung verkürzt diese Frist "
                "nicht (Handlungsleitlinie IV.4)."
            )
            % {"date": blocked_until.strftime("%d.%m.%Y")},
            code="readmission_blocked",
        )

    try:
        with transaction.atomic():
            case = Case.objects.create(
                client=client,
                fallmanager=fallmanager,
                referred_by=acting_user,
                referred_on=referred_on,
                handover_talk_on=talk,
                handover_kind=handover_kind,
                reasons=reasons,
                expected_progress=expected_progress,
                meets_formal_access=check.meets_formal_access,
                individual_decision_reason=decision_reason,
                teamleitung_consulted_on=consulted_on,
                teamleitung_consulted=consulted_tl if decision_reason else None,
            )
    except IntegrityError:
        raise Conflict(
            _("Für diese Kund*in besteht bereits ein offener Fall im Fallmanagement."),
            code="open_case_exists",
        ) from None
    # ACC-4: the referring pAp is the client's responsible pAp from now on.
    client_responsible_pap_assign(client=client, pap=acting_user)
    record_event(
        case=case,
        name="refer",
        from_state="",
        actor=acting_user,
        on=referred_on,
        payload={
            "meets_formal_access": check.meets_formal_access,
            "counting_needs": check.counting_needs,
            "individual_decision": bool(decision_reason),
        },
    )
    return case


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
        raise Conflict(_("Für diese Kund*in besteht bereits ein offener Fall."), code="open_case_exists")
    case = Case.objects.create(
        client=client,
        fallmanager=fallmanager,
        state=CaseState.ACTIVE,
        referred_on=admitted_on,
        admitted_on=admitted_on,
        imported=True,
        imported_on=today,
        meets_formal_access=True,
    )
    record_event(case=case, name="import", from_state="", actor=acting_user, on=admitted_on, payload={})
    return case

"""The TL's oversight and the pAp's follow-up around the referral (ACC-2, ACC-4, CLR-4):

- `individual_decision_confirm` — the consulted TL confirms an individual decision (ACC-2);
- `client_responsible_pap_set` — the TL changes a client's responsible pAp (ACC-4; referral, return and
  exit set it through `referral.client_responsible_pap_assign`);
- `case_rejection_talk_record` — the FM or the pAp records the personal talk about a rejection (CLR-4)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from cases.choices import CaseState
from cases.models import Case, Client
from cases.services.referral import client_responsible_pap_assign
from cases.services.transitions import record_event
from catalog import clock
from catalog.validators import require_past_or_today, require_text
from fallmanagement.errors import Conflict, InvalidInput, NotFound, NotPermitted
from org.choices import Role
from org.models import Staff


def may_confirm_individual_decision(case: Case, user) -> bool:
    """ACC-2: the TL who was consulted; for a decision recorded without her name, a TL of the referring
    pAp's team."""
    if not (getattr(user, "is_authenticated", False) and user.role == Role.TEAMLEITUNG and user.is_active):
        return False
    if case.teamleitung_consulted_id:
        return case.teamleitung_consulted_id == user.pk
    team_id = case.referred_by.team_id if case.referred_by_id else None
    return team_id is not None and user.led_teams.filter(pk=team_id).exists()


@transaction.atomic
def individual_decision_confirm(
    *, case: Case, acting_user: Staff, today: datetime.date | None = None
) -> Case:
    """ACC-2: the consulted TL confirms the individual decision of a referral (once)."""
    today = clock.today(today)
    locked = Case.objects.select_for_update(of=("self",)).select_related("referred_by").get(pk=case.pk)
    if not locked.individual_decision_reason:
        raise NotFound(_("Nicht gefunden."))
    if not may_confirm_individual_decision(locked, acting_user):
        raise NotPermitted(
            _(
                "Nur die Teamleitung, mit der Rücksprache gehalten wurde, bestätigt die "
                "Einzelfallentscheidung (Handlungsleitlinie III.2)."
            )
        )
    if locked.individual_decision_confirmed_on:
        raise Conflict(
            _("Die Einzelfallentscheidung wurde bereits am %(d)s bestätigt.")
            % {"d": locked.individual_decision_confirmed_on.strftime("%d.%m.%Y")},
            code="transition_not_allowed",
        )
    locked.individual_decision_confirmed_on = today
    locked.individual_decision_confirmed_by = acting_user
    locked.save(
        update_fields=["individual_decision_confirmed_on", "individual_decision_confirmed_by", "updated_at"]
    )
    from audit.services import record

    record(user=acting_user, action="case.individual_decision.confirm", obj=locked, today=today)
    return locked


def may_set_responsible_pap(client: Client, user) -> bool:
    """ACC-4: which TL changes a client's responsible pAp — the TL of the current responsible pAp's team,
    or of the FM of the client's latest case; for a client with neither, a TL of the client's site."""
    if not (getattr(user, "is_authenticated", False) and user.role == Role.TEAMLEITUNG and user.is_active):
        return False
    teams = set(user.led_teams.values_list("pk", flat=True))
    pap_team = (
        Staff.objects.filter(pk=client.responsible_pap_id).values_list("team_id", flat=True).first()
        if client.responsible_pap_id
        else None
    )
    fm_team = (
        Case.objects.filter(client_id=client.pk)
        .order_by("-pk")
        .values_list("fallmanager__team_id", flat=True)
        .first()
    )
    if pap_team is None and fm_team is None:
        return user.led_teams.filter(site_id=client.site_id).exists()
    return pap_team in teams or fm_team in teams


@transaction.atomic
def client_responsible_pap_set(
    *, client: Client, pap: Staff | None, acting_user: Staff, today: datetime.date | None = None
) -> Client:
    """ACC-4: the TL (`may_set_responsible_pap`) changes the client's responsible pAp (an active pAp of the
    client's site)."""
    today = clock.today(today)
    locked = Client.objects.select_for_update().get(pk=client.pk)
    if not may_set_responsible_pap(locked, acting_user):
        raise NotPermitted(
            _("Nur die Teamleitung der zuständigen pAp oder Fallmanager*in kann die zuständige pAp ändern.")
        )
    if (
        pap is None
        or pap.role != Role.PAP
        or not pap.is_active
        or not pap.team_id
        or pap.team.site_id != locked.site_id
    ):
        raise InvalidInput(
            _("Bitte eine aktive pAp des Standorts der Kund*in wählen."),
            fields={"pap": [_("Keine aktive pAp dieses Standorts.")]},
        )
    client_responsible_pap_assign(client=locked, pap=pap)
    from audit.services import record

    record(
        user=acting_user,
        action="client.responsible_pap.change",
        obj=locked,
        context={"pap": pap.pk},
        today=today,
    )
    return locked


@transaction.atomic
def case_rejection_talk_record(
    *,
    case: Case,
    acting_user: Staff,
    talk_on: datetime.date | None,
    note: str,
    today: datetime.date | None = None,
) -> Case:
    """CLR-4: after a rejection the FM and the referring pAp discuss the reasons in a personal talk; either
    of them records it (date and result), on or after the rejection and not in the future."""
    from cases.access import is_case_fm, is_referring_pap

    today = clock.today(today)
    locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    if not (is_case_fm(locked, acting_user, today=today) or is_referring_pap(locked, acting_user)):
        raise NotPermitted(_("Nur die Fallmanager*in oder die zuweisende pAp erfasst dieses Gespräch."))
    if locked.rejection_reason_id is None or locked.state not in (
        CaseState.REJECTED,
        CaseState.DISPUTED,
        CaseState.ACTIVE,
    ):
        raise Conflict(
            _("Ein Gespräch über die Ablehnung gibt es nur nach einer Ablehnung."),
            code="transition_not_allowed",
        )
    talk = require_past_or_today(talk_on, "talk_on", _("Das Gespräch"), today)
    if locked.decided_on and talk < locked.decided_on:
        raise InvalidInput(
            _(
                "Bei Nichtaufnahme werden die Gründe in einem persönlichen Gespräch erörtert: Das Gespräch "
                "liegt am oder nach dem Tag der Ablehnung (Handlungsleitlinie IV.2)."
            ),
            fields={"talk_on": [_("Liegt vor der Ablehnung.")]},
        )
    note = require_text(note, "note", _("Das Ergebnis des Gesprächs"))
    locked.rejection_talk_on = talk
    locked.rejection_talk_note = note
    locked.rejection_talk_by = acting_user
    locked.save(update_fields=["rejection_talk_on", "rejection_talk_note", "rejection_talk_by", "updated_at"])
    record_event(case=locked, name="rejection_talk", from_state=locked.state, actor=acting_user, on=talk)
    return locked

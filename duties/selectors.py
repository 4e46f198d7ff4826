"""Scoped reads of the duties app (DP-1: out of scope → 404) and the MIT-3 evaluation of a case's
missed summonses, by the legal period of each missed appointment's date."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from cases.choices import NeedStatus
from cases.models import Case, ClientNeed
from cases.selectors import case_get, cases_visible_to
from catalog import periods
from catalog.models import MissedSummonsRule
from duties.choices import PERSONAL_APPEARANCE_KINDS, Outcome, Reachability
from duties.models import Appointment, ExamCommission, Notice, Obligation
from duties.permissions import can_read_duties, can_see_health_hints, can_write_duties
from fallmanagement.errors import NotFound, NotPermitted

# MIT-4: open needs that make a client "possibly mentally ill" for the ÄD/BPS examination offer.
VULNERABLE_NEEDS = ("L_PSYCHE", "L_SUCHT", "R_PSYCHOSOZIAL")


def duty_case_get(user, pk, *, write: bool = False, today: datetime.date | None = None) -> Case:
    """The case for reads/writes of appointments and notices: out of scope → NotFound (404); a role that
    never sees them → NotPermitted (403); writes only by the case's FM or her substitute."""
    case = case_get(user, pk, today=today)
    if case is None:
        raise NotFound(_("Nicht gefunden."))
    if not can_read_duties(case, user):
        raise NotPermitted(_("Termine und Meldungen sind für Ihre Rolle nicht einsehbar."))
    if write and not can_write_duties(case, user, today=today):
        raise NotPermitted(
            _("Nur die zuständige Fallmanager*in (oder ihre Vertretung) kann hier etwas erfassen.")
        )
    return case


def _object_get(user, qs: QuerySet, pk, *, today=None):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Nicht gefunden.")) from None
    obj = (
        qs.filter(pk=pk, case__in=cases_visible_to(user, today=today).values("pk"))
        .select_related("case")
        .first()
    )
    if obj is None:
        raise NotFound(_("Nicht gefunden."))
    return obj


def appointment_get(user, pk, *, write: bool = False, today=None) -> Appointment:
    appointment = _object_get(user, Appointment.objects.all(), pk, today=today)
    appointment.case = duty_case_get(user, appointment.case_id, write=write, today=today)
    return appointment


def notice_get(user, pk, *, write: bool = False, today=None) -> Notice:
    notice = _object_get(user, Notice.objects.all(), pk, today=today)
    notice.case = duty_case_get(user, notice.case_id, write=write, today=today)
    return notice


def appointments_for(case: Case) -> QuerySet[Appointment]:
    return Appointment.objects.filter(case=case).order_by("starts_at", "pk")


def notices_for(case: Case) -> QuerySet[Notice]:
    return (
        Notice.objects.filter(case=case)
        .select_related("appointment", "legal_period")
        .order_by("sent_on", "pk")
    )


def is_vulnerable(case: Case) -> bool:
    """MIT-4: the client has an open L_PSYCHE, L_SUCHT or R_PSYCHOSOZIAL need."""
    return ClientNeed.objects.filter(
        client_id=case.client_id, need__code__in=VULNERABLE_NEEDS, status=NeedStatus.OPEN
    ).exists()


# --- MIT-3: consecutive missed summonses, by the law of each missed appointment's date ----------------------


@dataclass
class MissedRun:
    """The run of missed summonses (without important reason) ending at one appointment, since the last
    personal appearance; `counted` are those under a law that counts repetitions (from 2026-07-01)."""

    appointments: list[Appointment] = field(default_factory=list)
    counted_appointments: list[Appointment] = field(default_factory=list)

    @property
    def counted(self) -> int:
        return len(self.counted_appointments)


def missed_run_until(
    appointments: list[Appointment], target: Appointment | None = None, *, table: list | None = None
) -> MissedRun:
    """The run of missed summonses up to and including `target` (or up to the last appointment with an
    outcome). A personal appearance (attended in the jobcenter) resets the run; other outcomes neither
    count nor reset. Appointments are in `starts_at` order."""
    table = periods.legal_period_table() if table is None else table
    run = MissedRun()
    for appointment in appointments:
        if appointment.outcome == Outcome.ATTENDED and appointment.kind in PERSONAL_APPEARANCE_KINDS:
            run = MissedRun()
        elif appointment.is_summons and appointment.outcome == Outcome.MISSED:
            run.appointments.append(appointment)
            if (
                periods.legal_period_on(appointment.day, table=table).missed_summons_rule
                == MissedSummonsRule.REPEATED
            ):
                run.counted_appointments.append(appointment)
        if target is not None and appointment.pk == target.pk:
            break
    return run


@dataclass(frozen=True)
class SummonsStatus:
    consecutive_missed_summons: int
    reachability: str
    not_reachable_since: datetime.date | None
    # The count under the current law that the next missed summons would reach (for the case-page prompt).
    counted: int
    not_reachable_after: int | None
    table: list = field(default_factory=list, repr=False, compare=False)  # the legal periods read


def summons_status(case: Case, *, appointments: list[Appointment] | None = None) -> SummonsStatus:
    """MIT-3 for the case as of now: how many summonses in a row were missed, and whether the client is
    "nicht erreichbar" (the law of the last missed appointment's date says after how many)."""
    appointments = list(appointments_for(case)) if appointments is None else appointments
    table = periods.legal_period_table()
    run = missed_run_until(appointments, table=table)
    reach, since, limit = Reachability.REACHABLE, None, None
    if run.appointments:
        last = run.appointments[-1]
        limit = periods.legal_period_on(last.day, table=table).not_reachable_after
        if limit and run.counted >= limit:
            reach = Reachability.NOT_REACHABLE
            since = run.counted_appointments[limit - 1].day  # the missed summons that reached the limit
    return SummonsStatus(
        consecutive_missed_summons=len(run.appointments),
        reachability=reach,
        not_reachable_since=since,
        counted=run.counted,
        not_reachable_after=limit,
        table=table,
    )


def exam_offer_recorded(case: Case, *, on: datetime.date | None = None) -> bool:
    """MIT-4: an ÄD/BPS examination was offered (on or before `on`, the day of the notice), or the reason
    why not was recorded on an earlier notice of the case."""
    offered = ExamCommission.objects.filter(case=case)
    if on is not None:
        offered = offered.filter(offered_on__lte=on)
    if offered.exists():
        return True
    return (
        Notice.objects.filter(case=case)
        .exclude(exam_offered_on__isnull=True, exam_not_offered_reason="")
        .exists()
    )


def exams_for(case: Case) -> QuerySet[ExamCommission]:
    return ExamCommission.objects.filter(case=case).order_by("offered_on", "pk")


def exam_case_get(user, pk, *, write: bool = False, today=None) -> Case:
    """MIT-6/DP-6: ÄD/BPS commissions only for the case's FM and her substitute (403 for the TL)."""
    case = duty_case_get(user, pk, write=write, today=today)
    if not can_see_health_hints(case, user, today=today):
        raise NotPermitted(
            _("Untersuchungsaufträge sieht nur die zuständige Fallmanager*in (oder ihre Vertretung).")
        )
    return case


def exam_get(user, pk, *, today=None) -> ExamCommission:
    exam = _object_get(user, ExamCommission.objects.all(), pk, today=today)
    exam.case = exam_case_get(user, exam.case_id, write=True, today=today)
    return exam


def obligations_for(case: Case) -> QuerySet[Obligation]:
    return (
        Obligation.objects.filter(case=case)
        .select_related("legal_period", "agreement")
        .order_by("issued_on", "pk")
    )


def obligation_get(user, pk, *, write: bool = False, today=None) -> Obligation:
    obligation = _object_get(
        user, Obligation.objects.select_related("legal_period", "agreement"), pk, today=today
    )
    obligation.case = duty_case_get(user, obligation.case_id, write=write, today=today)
    return obligation


# --- the TL's view (team level only, DP-7) ------------------------------------------------------------------


@dataclass(frozen=True)
class TeamDuties:
    team: object
    open_notices: int
    obligations: int  # Aufforderungen / Verpflichtungen issued in the last half year
    not_reachable: int


def team_duties(user, *, today: datetime.date) -> list[TeamDuties]:
    """Per team the TL leads: open notices (no answer yet), obligations of the last 183 days and clients
    "nicht erreichbar" — counts per team, never per FM (DP-7). Four queries however many cases."""
    from django.db.models import Count

    from cases.choices import CaseState
    from org.models import Team

    teams = list(Team.objects.filter(leads=user).order_by("name"))
    if not teams:
        return []
    ids = [t.pk for t in teams]
    notices = dict(
        Notice.objects.filter(case__fallmanager__team_id__in=ids, answered_on__isnull=True)
        .values_list("case__fallmanager__team_id")
        .annotate(n=Count("pk"))
    )
    obligations = dict(
        Obligation.objects.filter(
            case__fallmanager__team_id__in=ids, issued_on__gte=today - datetime.timedelta(days=183)
        )
        .values_list("case__fallmanager__team_id")
        .annotate(n=Count("pk"))
    )
    rows = (
        Appointment.objects.filter(
            case__fallmanager__team_id__in=ids, case__state__in=(CaseState.CLEARING, CaseState.ACTIVE)
        )
        .filter(
            Q(is_summons=True, outcome=Outcome.MISSED)
            | Q(outcome=Outcome.ATTENDED, kind__in=PERSONAL_APPEARANCE_KINDS)
        )
        .select_related("case__fallmanager")
        .order_by("case_id", "starts_at", "pk")
    )
    table = periods.legal_period_table()
    by_case: dict[int, list[Appointment]] = {}
    team_of: dict[int, int] = {}
    for a in rows:
        by_case.setdefault(a.case_id, []).append(a)
        team_of[a.case_id] = a.case.fallmanager.team_id
    unreachable: dict[int, int] = {}
    for case_id, appointments in by_case.items():
        run = missed_run_until(appointments, table=table)
        if not run.appointments:
            continue
        limit = periods.legal_period_on(run.appointments[-1].day, table=table).not_reachable_after
        if limit and run.counted >= limit:
            unreachable[team_of[case_id]] = unreachable.get(team_of[case_id], 0) + 1
    return [
        TeamDuties(t, notices.get(t.pk, 0), obligations.get(t.pk, 0), unreachable.get(t.pk, 0)) for t in teams
    ]

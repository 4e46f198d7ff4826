"""Writes of the duties app (DOMAIN MIT-1..4). One function per rule-bearing action; the law of a date
comes from `catalog.periods.legal_period_on` (the legal-period table), never from a literal day."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from cases.choices import CaseState
from cases.models import Case
from catalog import clock, periods
from catalog.models import CooperationInstrument, MissedSummonsRule
from catalog.validators import optional_text, require_date, require_past_or_today, require_text
from duties import selectors
from duties.choices import AppointmentKind, ExamService, ExamStatus, NoticeKind, Outcome
from duties.models import Appointment, CalendarFeed, ExamCommission, Notice, Obligation
from duties.permissions import can_see_health_hints, can_write_duties
from fallmanagement.errors import Conflict, InvalidInput, NotFound, NotPermitted
from org.models import Staff
from plans.services import check_no_diagnosis

WORKING_STATES = (CaseState.CLEARING, CaseState.ACTIVE)
OUTCOME_DUE_WORKING_DAYS = 3  # MIT-2
MAX_PLAN_AHEAD_DAYS = 366  # an appointment lies at most a year ahead
MAX_RECORD_BACK_DAYS = 366  # or was held at most a year ago


def _fmt(day: datetime.date) -> str:
    return day.strftime("%d.%m.%Y")


def _require_writer(case: Case, user, today) -> None:
    if not can_write_duties(case, user, today=today):
        raise NotPermitted(
            _("Nur die zuständige Fallmanager*in (oder ihre Vertretung) kann hier etwas erfassen.")
        )


def _require_working(case: Case) -> None:
    if case.state not in WORKING_STATES:
        raise InvalidInput(
            _(
                "Der Fall ist nicht in Bearbeitung (Status „%(state)s“); Termine und Meldungen sind nicht möglich."
            )
            % {"state": case.get_state_display()},
            code="case_not_active",
        )


def _choice(value, choices, field: str, label: str) -> str:
    if value not in choices.values:
        raise InvalidInput(
            _("%(label)s ist ungültig.") % {"label": label},
            fields={field: [_("Erlaubt sind: %(values)s.") % {"values": ", ".join(choices.values)}]},
        )
    return value


def _aware(value, field: str) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        raise InvalidInput(
            _("Bitte Datum und Uhrzeit angeben."), fields={field: [_("Ungültiger Zeitpunkt.")]}
        )
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


# --- MIT-1: appointments -------------------------------------------------------------------------------


def summons_period_check(*, invited_on: datetime.date, day: datetime.date) -> None:
    """A Meldeaufforderung carries the Rechtsfolgenbelehrung of its invitation date; if the law of the
    appointment day says something else (a switch-over lies between), the letter would instruct the
    client wrongly: refused, the FM invites again after the switch-over (or sets the day before it)."""
    table = periods.legal_period_table()
    invited, held = (
        periods.legal_period_on(invited_on, table=table),
        periods.legal_period_on(day, table=table),
    )
    if invited.summons_instruction != held.summons_instruction:
        raise InvalidInput(
            _(
                "Einladung und Termin liegen in verschiedenen Rechtsständen (Wechsel zum %(switch)s): die "
                "Rechtsfolgenbelehrung des Einladungsdatums gälte am Termin nicht mehr. Bitte laden Sie ab dem "
                "%(switch)s ein oder legen Sie den Termin vor den Wechsel."
            )
            % {"switch": _fmt(held.valid_from)},
            code="summons_straddles_legal_periods",
            fields={"invited_on": [_("Anderer Rechtsstand als der Termin.")]},
        )


@transaction.atomic
def appointment_create(
    *,
    case: Case,
    acting_user: Staff,
    starts_at: datetime.datetime,
    kind: str,
    is_summons: bool = False,
    invited_on: datetime.date | None = None,
    place: str = "",
    purpose: str = "",
    note: str = "",
    today: datetime.date | None = None,
) -> Appointment:
    """MIT-1: plan an appointment (future dates allowed; a past one may be recorded afterwards). A
    summons needs its invitation date (default: today), on or before the appointment day."""
    today = clock.today(today)
    _require_writer(case, acting_user, today)
    _require_working(case)
    starts_at = _aware(starts_at, "starts_at")
    kind = _choice(kind, AppointmentKind, "kind", _("Die Art des Termins"))
    day = timezone.localtime(starts_at).date()
    if day > today + datetime.timedelta(days=MAX_PLAN_AHEAD_DAYS):
        raise InvalidInput(
            _("Ein Termin kann höchstens ein Jahr im Voraus geplant werden."),
            fields={"starts_at": [_("Liegt zu weit in der Zukunft.")]},
        )
    if day < today - datetime.timedelta(days=MAX_RECORD_BACK_DAYS):
        raise InvalidInput(
            _("Ein Termin kann höchstens ein Jahr rückwirkend erfasst werden."),
            fields={"starts_at": [_("Liegt zu weit zurück.")]},
        )
    invited_on = require_past_or_today(invited_on or today, "invited_on", _("Das Einladungsdatum"), today)
    if invited_on > day:
        raise InvalidInput(
            _("Das Einladungsdatum darf nicht nach dem Termin liegen."),
            fields={"invited_on": [_("Liegt nach dem Termin.")]},
        )
    if not isinstance(is_summons, bool):
        raise InvalidInput(_("Meldeaufforderung: ja oder nein."), fields={"is_summons": [_("Ungültig.")]})
    if is_summons:
        if kind not in (AppointmentKind.OFFICE, AppointmentKind.HOME_VISIT):
            raise InvalidInput(
                _(
                    "Eine Meldeaufforderung lädt zu einem persönlichen Termin ein (im Jobcenter oder Hausbesuch)."
                ),
                fields={"kind": [_("Bei einer Meldeaufforderung nicht möglich.")]},
            )
        summons_period_check(invited_on=invited_on, day=day)
        periods.legal_period_on(day)  # a day the table does not cover → 400
    appointment = Appointment.objects.create(
        case=case,
        starts_at=starts_at,
        kind=kind,
        is_summons=is_summons,
        invited_on=invited_on,
        place=optional_text(place, "place", _("Der Ort"), max_length=200),
        purpose=optional_text(purpose, "purpose", _("Der Anlass"), max_length=300),
        note=optional_text(note, "note", _("Die Notiz")),
        outcome_due_on=periods.working_days_after(day, OUTCOME_DUE_WORKING_DAYS),
        created_by=acting_user,
    )
    audit.record(
        user=acting_user,
        action="appointment.create",
        obj=appointment,
        context={"case": case.pk, "is_summons": is_summons},
        today=today,
    )
    return appointment


# --- MIT-2: outcomes -----------------------------------------------------------------------------------


@transaction.atomic
def appointment_outcome_record(
    *,
    appointment: Appointment,
    acting_user: Staff,
    outcome: str,
    reason: str = "",
    now: datetime.datetime | None = None,
    today: datetime.date | None = None,
) -> Appointment:
    """MIT-2: attended, cancelled in advance, missed with an important reason (text required), missed.
    Not before the appointment began; not changed any more once a notice was sent for it."""
    now = now or timezone.now()
    today = clock.today(today)
    appointment = Appointment.objects.select_for_update().select_related("case").get(pk=appointment.pk)
    _require_writer(appointment.case, acting_user, today)
    outcome = _choice(outcome, Outcome, "outcome", _("Das Ergebnis"))
    if appointment.starts_at > now:
        raise InvalidInput(
            _("Das Ergebnis kann erst erfasst werden, wenn der Termin stattgefunden hat (%(at)s).")
            % {"at": timezone.localtime(appointment.starts_at).strftime("%d.%m.%Y %H:%M")},
            code="appointment_not_held_yet",
            fields={"outcome": [_("Der Termin liegt noch in der Zukunft.")]},
        )
    if outcome == Outcome.MISSED_WITH_REASON:
        reason = require_text(reason, "reason", _("Der wichtige Grund"))
    else:
        reason = ""
    if appointment.notices.exists():
        raise Conflict(
            _(
                "Zu diesem Termin wurde bereits eine Meldung an die Leistungsabteilung erfasst; das Ergebnis bleibt."
            ),
            code="notice_exists",
        )
    previous = appointment.outcome
    appointment.outcome = outcome
    appointment.outcome_reason = reason
    appointment.outcome_recorded_on = today
    appointment.outcome_recorded_by = acting_user
    appointment.save(
        update_fields=[
            "outcome",
            "outcome_reason",
            "outcome_recorded_on",
            "outcome_recorded_by",
            "updated_at",
        ]
    )
    audit.record(
        user=acting_user,
        action="appointment.outcome",
        obj=appointment,
        context={"outcome": outcome, "previous": previous},
        today=today,
    )
    return appointment


# --- MIT-3, MIT-4: notices to the benefits department ---------------------------------------------------


def notice_possibility(
    *, appointments: list[Appointment], appointment: Appointment, kind: str, table: list | None = None
) -> str:
    """The legal basis of a notice of `kind` for the missed summons `appointment` (one of the case's
    `appointments`, in order), by the legal period of its date (MIT-3); Conflict `notice_not_possible`
    with the German reason where the law of that period gives no consequence."""
    table = periods.legal_period_table() if table is None else table
    period = periods.legal_period_on(appointment.day, table=table)
    run = selectors.missed_run_until(appointments, appointment, table=table)
    if kind == NoticeKind.MELDEVERSAEUMNIS:
        if period.missed_summons_rule == MissedSummonsRule.EACH:
            return period.missed_summons_legal_basis
        if run.counted >= 2:
            return period.missed_summons_legal_basis
        raise Conflict(
            _(
                "Keine Meldung möglich: Nach dem Recht ab dem %(since)s hat ein erstes Meldeversäumnis keine "
                "Rechtsfolge; erst ein wiederholtes wird gemeldet."
            )
            % {"since": _fmt(period.valid_from)},
            code="notice_not_possible",
        )
    # NICHT_ERREICHBAR
    limit = period.not_reachable_after
    if not limit:
        raise Conflict(
            _(
                "Keine Meldung möglich: Am %(day)s kannte das Recht die Feststellung „nicht erreichbar“ noch nicht."
            )
            % {"day": _fmt(appointment.day)},
            code="notice_not_possible",
        )
    if run.counted < limit:
        raise Conflict(
            _(
                "Keine Meldung möglich: „Nicht erreichbar“ setzt %(limit)s Meldeversäumnisse in Folge voraus; "
                "bis zu diesem Termin sind es %(n)s."
            )
            % {"limit": limit, "n": run.counted},
            code="notice_not_possible",
        )
    return period.not_reachable_legal_basis


def _exam_condition(
    *, case: Case, period, exam_offered_on, exam_not_offered_reason: str, sent_on: datetime.date
) -> None:
    """MIT-4: from 2026-07-01 (the period says so) a client with an open L_PSYCHE, L_SUCHT or
    R_PSYCHOSOZIAL need is first offered a medical or psychological examination (ÄD/BPS) — or the FM
    records why not."""
    if exam_offered_on is not None and exam_offered_on > sent_on:
        raise InvalidInput(
            _("Das Untersuchungsangebot muss vor der Meldung liegen."),
            fields={"exam_offered_on": [_("Liegt nach der Meldung.")]},
        )
    if not period.vulnerable_exam_required or not selectors.is_vulnerable(case):
        return
    if (
        exam_offered_on is None
        and not exam_not_offered_reason
        and not selectors.exam_offer_recorded(case, on=sent_on)
    ):
        raise Conflict(
            _(
                "Keine Meldung möglich: Bei Hinweisen auf eine psychische Belastung oder Sucht muss zuerst eine "
                "ärztliche oder psychologische Untersuchung (ÄD/BPS) angeboten werden — oder Sie halten fest, "
                "warum das nicht geschehen ist."
            ),
            code="notice_not_possible",
            fields={"exam_offered_on": [_("Angebot oder Begründung fehlt.")]},
        )


@transaction.atomic
def notice_create(
    *,
    case: Case,
    acting_user: Staff,
    kind: str,
    appointment_id: int | None = None,
    hearing_on: datetime.date | None = None,
    exam_offered_on: datetime.date | None = None,
    exam_not_offered_reason: str = "",
    sent_on: datetime.date | None = None,
    obligation_id: int | None = None,
    act_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Notice:
    """MIT-3/MIT-4: record a notice to the benefits department about a missed summons, after the
    hearing (§ 24 SGB X). The legal period of the missed appointment's date decides whether it is
    possible and its legal basis."""
    today = clock.today(today)
    _require_writer(case, acting_user, today)
    kind = _choice(kind, NoticeKind, "kind", _("Die Art der Meldung"))
    if kind == NoticeKind.PFLICHTVERLETZUNG:
        return _duty_violation_notice(
            case=case,
            acting_user=acting_user,
            obligation_id=obligation_id,
            act_on=act_on,
            hearing_on=hearing_on,
            sent_on=sent_on,
            today=today,
        )
    if appointment_id is None:
        raise InvalidInput(
            _("Bitte den versäumten Termin angeben."),
            fields={"appointment": [_("Dieses Feld ist erforderlich.")]},
        )
    # Lock the case's appointments: two notices for the same run cannot be decided on a stale count.
    appointments = list(Appointment.objects.select_for_update().filter(case=case).order_by("starts_at", "pk"))
    appointment = next((a for a in appointments if a.pk == appointment_id), None)
    if appointment is None:
        raise NotFound(
            _("Termin nicht gefunden."), fields={"appointment": [_("Gehört nicht zu diesem Fall.")]}
        )
    if not appointment.is_summons:
        raise InvalidInput(
            _("Eine Meldung ist nur zu einer Meldeaufforderung möglich; dieser Termin war keine."),
            code="not_a_summons",
            fields={"appointment": [_("Keine Meldeaufforderung.")]},
        )
    if appointment.outcome != Outcome.MISSED:
        raise InvalidInput(
            _("Eine Meldung ist nur zu einem Termin möglich, der ohne wichtigen Grund versäumt wurde."),
            code="not_missed",
            fields={"appointment": [_("Ergebnis ist nicht „versäumt ohne wichtigen Grund“.")]},
        )
    sent_on = require_past_or_today(sent_on or today, "sent_on", _("Das Meldedatum"), today)
    hearing_on = require_past_or_today(hearing_on, "hearing_on", _("Die Anhörung"), today)
    if hearing_on < appointment.day:
        raise InvalidInput(
            _("Die Anhörung muss nach dem versäumten Termin (%(day)s) liegen.")
            % {"day": _fmt(appointment.day)},
            fields={"hearing_on": [_("Liegt vor dem Termin.")]},
        )
    if hearing_on > sent_on:
        raise InvalidInput(
            _("Vor der Meldung muss die Anhörung stattgefunden haben."),
            code="hearing_required",
            fields={"hearing_on": [_("Liegt nach der Meldung.")]},
        )
    if exam_offered_on is not None:
        require_date(exam_offered_on, "exam_offered_on")
    exam_not_offered_reason = optional_text(
        exam_not_offered_reason, "exam_not_offered_reason", _("Die Begründung")
    )
    table = periods.legal_period_table()
    period = periods.legal_period_on(appointment.day, table=table)
    # The same evaluation as the case page's, on the rows locked above.
    legal_basis = notice_possibility(
        appointments=appointments, appointment=appointment, kind=kind, table=table
    )
    _exam_condition(
        case=case,
        period=period,
        exam_offered_on=exam_offered_on,
        exam_not_offered_reason=exam_not_offered_reason,
        sent_on=sent_on,
    )
    if Notice.objects.filter(appointment=appointment, kind=kind).exists():
        raise Conflict(_("Zu diesem Termin gibt es diese Meldung bereits."), code="notice_exists")
    try:
        with transaction.atomic():
            notice = Notice.objects.create(
                case=case,
                kind=kind,
                appointment=appointment,
                act_on=appointment.day,
                legal_period=period,
                legal_basis=legal_basis,
                hearing_on=hearing_on,
                exam_offered_on=exam_offered_on,
                exam_not_offered_reason=exam_not_offered_reason,
                sent_on=sent_on,
                created_by=acting_user,
            )
    except IntegrityError:
        raise Conflict(_("Zu diesem Termin gibt es diese Meldung bereits."), code="notice_exists") from None
    audit.record(
        user=acting_user,
        action="notice.create",
        obj=notice,
        context={"kind": kind, "legal_basis": legal_basis, "period": period.code},
        today=today,
    )
    return notice


@transaction.atomic
def notice_answer_record(
    *,
    notice: Notice,
    acting_user: Staff,
    answered_on: datetime.date | None,
    reduction_found: bool,
    reduction_from: datetime.date | None = None,
    reduction_to: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Notice:
    """MIT-3/MIT-5: the benefits department's answer — reduction found yes/no and its period. Never an
    amount: the benefits department computes it in its own system."""
    today = clock.today(today)
    notice = Notice.objects.select_for_update().select_related("case").get(pk=notice.pk)
    _require_writer(notice.case, acting_user, today)
    if notice.answered_on is not None:
        raise Conflict(_("Die Antwort der Leistungsabteilung ist bereits erfasst."), code="notice_answered")
    answered_on = require_past_or_today(answered_on, "answered_on", _("Das Antwortdatum"), today)
    if answered_on < notice.sent_on:
        raise InvalidInput(
            _("Die Antwort kann nicht vor der Meldung (%(day)s) liegen.") % {"day": _fmt(notice.sent_on)},
            fields={"answered_on": [_("Liegt vor der Meldung.")]},
        )
    if not isinstance(reduction_found, bool):
        raise InvalidInput(
            _("Minderung festgestellt: ja oder nein."), fields={"reduction_found": [_("Ungültig.")]}
        )
    if reduction_found:
        if reduction_from is None or reduction_to is None:
            raise InvalidInput(
                _("Bitte den Zeitraum der Minderung angeben."),
                fields={
                    name: [_("Dieses Feld ist erforderlich.")]
                    for name, value in (("reduction_from", reduction_from), ("reduction_to", reduction_to))
                    if value is None
                },
            )
        require_date(reduction_from, "reduction_from")
        require_date(reduction_to, "reduction_to")
        if reduction_to < reduction_from:
            raise InvalidInput(
                _("Das Ende der Minderung liegt vor ihrem Beginn."),
                fields={"reduction_to": [_("Vor dem Beginn.")]},
            )
    elif reduction_from is not None or reduction_to is not None:
        raise InvalidInput(
            _("Ohne festgestellte Minderung gibt es keinen Zeitraum."),
            fields={"reduction_from": [_("Bitte leer lassen.")]},
        )
    notice.answered_on = answered_on
    notice.reduction_found = reduction_found
    notice.reduction_from = reduction_from
    notice.reduction_to = reduction_to
    notice.save(update_fields=["answered_on", "reduction_found", "reduction_from", "reduction_to"])
    audit.record(
        user=acting_user,
        action="notice.answer",
        obj=notice,
        context={"reduction_found": reduction_found},
        today=today,
    )
    return notice


def invitation_document(
    *, appointment: Appointment, acting_user: Staff, today: datetime.date | None = None
) -> bytes:
    """MIT-1: the invitation letter of a summons as a PDF; an export of personal data, so it is logged
    (DP-4). Only a Meldeaufforderung has one."""
    from duties.pdf import invitation_pdf

    if not appointment.is_summons:
        raise InvalidInput(_("Nur eine Meldeaufforderung hat ein Einladungsschreiben."), code="not_a_summons")
    content = invitation_pdf(appointment)
    audit.record(
        user=acting_user,
        action="case.export",
        obj=appointment.case,
        context={"document": "invitation_pdf", "appointment": appointment.pk},
        today=today,
    )
    return content


# --- MIT-5: Aufforderung zur Mitwirkung / Verpflichtung ---------------------------------------------------


@transaction.atomic
def obligation_create(
    *,
    case: Case,
    acting_user: Staff,
    issued_on: datetime.date | None,
    steps: str,
    agreement_id: int | None = None,
    hearing_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Obligation:
    """MIT-5: the instrument of the legal period of `issued_on` — an Aufforderung zur Mitwirkung (until
    2026-06-30) or a Verpflichtung by Verwaltungsakt (from 2026-07-01) — for plan steps not carried out.
    It cites the case's current Kooperationsplan (or the one named) and cannot be dated before it."""
    from plans.models import Agreement

    today = clock.today(today)
    _require_writer(case, acting_user, today)
    _require_working(case)
    issued_on = require_past_or_today(issued_on, "issued_on", _("Das Datum des Erlasses"), today)
    steps = require_text(steps, "steps", _("Die Schritte"))
    period = periods.legal_period_on(issued_on)
    if period.cooperation_instrument == CooperationInstrument.NONE:
        raise InvalidInput(
            _("Für den %(day)s bildet die Anwendung kein Instrument ab (historischer Rechtsstand).")
            % {"day": _fmt(issued_on)},
            code="no_cooperation_instrument",
            fields={"issued_on": [_("Zu diesem Datum nicht möglich.")]},
        )
    agreements = Agreement.objects.filter(case=case, waived=False)
    if agreement_id is not None:
        agreement = agreements.filter(pk=agreement_id).first()
        if agreement is None:
            raise InvalidInput(
                _("Der genannte Kooperationsplan gehört nicht zu diesem Fall."),
                fields={"agreement": [_("Unbekannter Kooperationsplan.")]},
            )
    else:
        agreement = agreements.filter(superseded_on__isnull=True).first()
    if agreement is not None and agreement.concluded_on and issued_on < agreement.concluded_on:
        raise InvalidInput(
            _("%(kind)s darf nicht vor dem Kooperationsplan liegen, den sie berücksichtigt (%(day)s).")
            % {
                "kind": CooperationInstrument(period.cooperation_instrument).label,
                "day": _fmt(agreement.concluded_on),
            },
            code="obligation_before_plan",
            fields={"issued_on": [_("Liegt vor dem Kooperationsplan.")]},
        )
    if hearing_on is not None:
        require_date(hearing_on, "hearing_on")
        if hearing_on > issued_on:
            raise InvalidInput(
                _("Die Anhörung muss vor dem Erlass liegen."),
                fields={"hearing_on": [_("Liegt nach dem Erlass.")]},
            )
    obligation = Obligation.objects.create(
        case=case,
        kind=period.cooperation_instrument,
        legal_period=period,
        legal_basis=period.cooperation_legal_basis,
        agreement=agreement,
        steps=steps,
        issued_on=issued_on,
        hearing_on=hearing_on,
        created_by=acting_user,
    )
    audit.record(
        user=acting_user,
        action="obligation.create",
        obj=obligation,
        context={"kind": obligation.kind, "period": period.code},
        today=today,
    )
    return obligation


def conciliation_ends_on(obligation: Obligation) -> datetime.date | None:
    """The latest end of a requested Schlichtungsverfahren (§ 15a a. F.: weeks from the period)."""
    weeks = obligation.legal_period.conciliation_max_weeks
    if not weeks or obligation.conciliation_requested_on is None:
        return None
    return obligation.conciliation_requested_on + datetime.timedelta(weeks=weeks)


def conciliation_open_on(obligation: Obligation, day: datetime.date) -> bool:
    ends = conciliation_ends_on(obligation)
    if ends is None:
        return False
    if obligation.conciliation_ended_on is not None:
        return day < obligation.conciliation_ended_on
    return day < ends


@transaction.atomic
def conciliation_record(
    *,
    obligation: Obligation,
    acting_user: Staff,
    requested_on: datetime.date | None,
    ended_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> Obligation:
    """MIT-5 until 2026-06-30: the client requested a Schlichtungsverfahren; it ends at the latest after
    the period's weeks. The legal period of the obligation decides whether there is one."""
    today = clock.today(today)
    obligation = (
        Obligation.objects.select_for_update().select_related("case", "legal_period").get(pk=obligation.pk)
    )
    _require_writer(obligation.case, acting_user, today)
    weeks = obligation.legal_period.conciliation_max_weeks
    if not weeks:
        raise Conflict(
            _("Für eine Verpflichtung nach dem Recht ab dem %(since)s gibt es kein Schlichtungsverfahren.")
            % {"since": _fmt(obligation.legal_period.valid_from)},
            code="no_conciliation",
        )
    requested_on = require_past_or_today(requested_on, "requested_on", _("Der Antrag auf Schlichtung"), today)
    if requested_on < obligation.issued_on:
        raise InvalidInput(
            _("Die Schlichtung kann nicht vor der Aufforderung beantragt werden."),
            fields={"requested_on": [_("Liegt vor der Aufforderung.")]},
        )
    if ended_on is not None:
        ended_on = require_past_or_today(ended_on, "ended_on", _("Das Ende der Schlichtung"), today)
        latest = requested_on + datetime.timedelta(weeks=weeks)
        if ended_on < requested_on or ended_on > latest:
            raise InvalidInput(
                _("Das Schlichtungsverfahren endet spätestens %(w)s Wochen nach dem Antrag (%(d)s).")
                % {"w": weeks, "d": _fmt(latest)},
                fields={"ended_on": [_("Außerhalb der Frist.")]},
            )
    obligation.conciliation_requested_on = requested_on
    obligation.conciliation_ended_on = ended_on
    obligation.save(update_fields=["conciliation_requested_on", "conciliation_ended_on"])
    audit.record(user=acting_user, action="obligation.conciliation", obj=obligation, today=today)
    return obligation


def _duty_violation_notice(
    *, case: Case, acting_user: Staff, obligation_id, act_on, hearing_on, sent_on, today
) -> Notice:
    """MIT-5: the notice of a possible Pflichtverletzung after an Aufforderung / Verpflichtung; the law
    of the day of the violation gives the legal basis; not while a Schlichtungsverfahren runs."""
    if obligation_id is None:
        raise InvalidInput(
            _("Bitte die Aufforderung oder Verpflichtung angeben."),
            fields={"obligation": [_("Dieses Feld ist erforderlich.")]},
        )
    obligation = (
        Obligation.objects.select_for_update()
        .select_related("legal_period")
        .filter(case=case, pk=obligation_id)
        .first()
    )
    if obligation is None:
        raise NotFound(
            _("Aufforderung/Verpflichtung nicht gefunden."), fields={"obligation": [_("Unbekannt.")]}
        )
    sent_on = require_past_or_today(sent_on or today, "sent_on", _("Das Meldedatum"), today)
    act_on = require_past_or_today(act_on, "act_on", _("Der Tag der Pflichtverletzung"), today)
    if act_on < obligation.issued_on or act_on > sent_on:
        raise InvalidInput(
            _("Die Pflichtverletzung muss zwischen Erlass (%(i)s) und Meldung liegen.")
            % {"i": _fmt(obligation.issued_on)},
            fields={"act_on": [_("Außerhalb des Zeitraums.")]},
        )
    hearing_on = require_past_or_today(hearing_on, "hearing_on", _("Die Anhörung"), today)
    if hearing_on < act_on or hearing_on > sent_on:
        raise InvalidInput(
            _("Die Anhörung liegt zwischen der Pflichtverletzung und der Meldung."),
            code="hearing_required",
            fields={"hearing_on": [_("Außerhalb des Zeitraums.")]},
        )
    if conciliation_open_on(obligation, sent_on):
        raise Conflict(
            _("Keine Meldung möglich, solange das Schlichtungsverfahren läuft (längstens bis %(d)s).")
            % {"d": _fmt(obligation.conciliation_ended_on or conciliation_ends_on(obligation))},
            code="notice_not_possible",
        )
    period = periods.legal_period_on(act_on)
    notice = Notice.objects.create(
        case=case,
        kind=NoticeKind.PFLICHTVERLETZUNG,
        obligation=obligation,
        act_on=act_on,
        legal_period=period,
        legal_basis=period.duty_violation_legal_basis,
        hearing_on=hearing_on,
        sent_on=sent_on,
        created_by=acting_user,
    )
    audit.record(
        user=acting_user,
        action="notice.create",
        obj=notice,
        context={"kind": notice.kind, "legal_basis": notice.legal_basis, "period": period.code},
        today=today,
    )
    return notice


def obligation_document(
    *, obligation: Obligation, acting_user: Staff, today: datetime.date | None = None
) -> bytes:
    """MIT-5: the draft of the Aufforderung / Verpflichtung as a PDF (an export, DP-4)."""
    from duties.pdf import obligation_pdf

    content = obligation_pdf(obligation)
    audit.record(
        user=acting_user,
        action="case.export",
        obj=obligation.case,
        context={"document": "obligation_pdf", "obligation": obligation.pk},
        today=today,
    )
    return content


# --- MIT-6: ÄD/BPS examination ---------------------------------------------------------------------------


def _require_exam_writer(case: Case, user, today) -> None:
    if not can_see_health_hints(case, user, today=today):
        raise NotPermitted(
            _("Untersuchungsaufträge erfasst nur die zuständige Fallmanager*in (oder ihre Vertretung).")
        )


@transaction.atomic
def exam_commission_create(
    *,
    case: Case,
    acting_user: Staff,
    service: str,
    question: str,
    offered_on: datetime.date | None,
    consent_given_on: datetime.date | None = None,
    commissioned_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> ExamCommission:
    """MIT-6: an offered examination (it satisfies MIT-4 from its day); commissioned only with the
    recorded Schweigepflichtentbindung (§ 67b SGB X), given on or before the commission."""
    today = clock.today(today)
    _require_exam_writer(case, acting_user, today)
    _require_working(case)
    service = _choice(service, ExamService, "service", _("Der Dienst"))
    question = require_text(question, "question", _("Die Fragestellung"))
    check_no_diagnosis(question, "question")
    offered_on = require_past_or_today(offered_on, "offered_on", _("Das Angebot"), today)
    status = ExamStatus.OFFERED
    if commissioned_on is not None:
        commissioned_on = require_past_or_today(commissioned_on, "commissioned_on", _("Der Auftrag"), today)
        if consent_given_on is None:
            raise InvalidInput(
                _("Ohne Schweigepflichtentbindung kann die Untersuchung nicht beauftragt werden."),
                code="consent_required",
                fields={"consent_given_on": [_("Dieses Feld ist erforderlich.")]},
            )
        consent_given_on = require_past_or_today(
            consent_given_on, "consent_given_on", _("Die Einwilligung"), today
        )
        if consent_given_on > commissioned_on or commissioned_on < offered_on:
            raise InvalidInput(
                _("Reihenfolge: Angebot, Schweigepflichtentbindung, dann der Auftrag."),
                fields={"commissioned_on": [_("Liegt zu früh.")]},
            )
        status = ExamStatus.COMMISSIONED
    exam = ExamCommission.objects.create(
        case=case,
        service=service,
        status=status,
        question=question,
        offered_on=offered_on,
        consent_given_on=consent_given_on,
        commissioned_on=commissioned_on,
        created_by=acting_user,
    )
    audit.record(user=acting_user, action="exam.create", obj=exam, context={"status": status}, today=today)
    return exam


@transaction.atomic
def exam_result_record(
    *,
    exam: ExamCommission,
    acting_user: Staff,
    result_on: datetime.date | None,
    limitations: str,
    capacity: str,
    today: datetime.date | None = None,
) -> ExamCommission:
    """MIT-6: the result as work-relevant limitations and the Leistungsbild — never a diagnosis (DP-6)."""
    today = clock.today(today)
    exam = ExamCommission.objects.select_for_update().select_related("case").get(pk=exam.pk)
    _require_exam_writer(exam.case, acting_user, today)
    if exam.status != ExamStatus.COMMISSIONED:
        raise Conflict(
            _("Ein Ergebnis gibt es nur für eine beauftragte Untersuchung (Status: %(s)s).")
            % {"s": exam.get_status_display()},
            code="exam_not_commissioned",
        )
    result_on = require_past_or_today(result_on, "result_on", _("Das Ergebnis"), today)
    if result_on < exam.commissioned_on:
        raise InvalidInput(
            _("Das Ergebnis liegt vor dem Auftrag."), fields={"result_on": [_("Liegt zu früh.")]}
        )
    limitations = require_text(limitations, "limitations", _("Die arbeitsrelevanten Einschränkungen"))
    capacity = require_text(capacity, "capacity", _("Das Leistungsbild"))
    check_no_diagnosis(limitations, "limitations")
    check_no_diagnosis(capacity, "capacity")
    exam.result_on, exam.limitations, exam.capacity, exam.status = (
        result_on,
        limitations,
        capacity,
        ExamStatus.COMPLETED,
    )
    exam.save(update_fields=["result_on", "limitations", "capacity", "status"])
    audit.record(user=acting_user, action="exam.result", obj=exam, today=today)
    return exam


# --- MIT-1: the FM's calendar feed (iCalendar, revocable secret URL) -------------------------------------


def _token_hash(token: str) -> str:
    import hashlib

    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def calendar_feed_renew(*, acting_user: Staff, today: datetime.date | None = None) -> str:
    """A new secret token for the FM's own feed (an earlier URL stops working). Returns the token: it is
    shown once, only its hash is kept."""
    import secrets

    from org.choices import Role

    today = clock.today(today)
    if acting_user.role != Role.FALLMANAGER:
        raise NotPermitted(_("Ein Kalender-Abonnement gibt es für Fallmanager*innen."))
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(
        staff=acting_user, defaults={"token_hash": _token_hash(token), "created_on": today}
    )
    audit.record(
        user=acting_user,
        action="calendar.feed.renew",
        object_type="calendar",
        object_id=acting_user.pk,
        today=today,
    )
    return token


@transaction.atomic
def calendar_feed_revoke(*, acting_user: Staff, today: datetime.date | None = None) -> None:
    CalendarFeed.objects.filter(staff=acting_user).delete()
    audit.record(
        user=acting_user,
        action="calendar.feed.revoke",
        object_type="calendar",
        object_id=acting_user.pk,
        today=today,
    )


def calendar_feed_staff(token: str):
    """The active FM whose feed `token` opens, or None."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return None
    feed = CalendarFeed.objects.select_related("staff").filter(token_hash=_token_hash(token)).first()
    if feed is None or not feed.staff.is_active:
        return None
    return feed.staff

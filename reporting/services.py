"""Writes of the reporting app: the Wirkungsanalyse at exit (EXIT-3) and the monthly snapshot (REP-1/2)."""

from __future__ import annotations

import datetime
import logging
import zlib

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import clock
from catalog.validators import parse_month, previous_month
from fallmanagement.errors import InvalidInput
from reporting.models import MonthlyReport, OutcomeRecord
from reporting.selectors import EARLIEST_MONTH, month_is_complete, month_start, monthly_figures

logger = logging.getLogger("fallmanagement.reporting")

MAX_NEEDS = 99


def _bool(outcome: dict, key: str, default: bool | None = None) -> bool:
    value = outcome.get(key, default)
    if not isinstance(value, bool):
        raise InvalidInput(
            _("Die Wirkungsanalyse ist unvollständig."),
            fields={f"outcome.{key}": [_("Bitte ja oder nein angeben.")]},
        )
    return value


def _count(outcome: dict, key: str, default: int, label: str) -> int:
    value = outcome.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_NEEDS:
        raise InvalidInput(
            _("%(label)s ist ungültig.") % {"label": label},
            fields={
                f"outcome.{key}": [_("Bitte eine ganze Zahl von 0 bis %(max)s angeben.") % {"max": MAX_NEEDS}]
            },
        )
    return value


def outcome_record_create(*, facts, outcome: dict) -> OutcomeRecord:
    """EXIT-3: write the anonymous outcome record in the caller's (the exit's) transaction.

    Installed as the exit's outcome recorder (`reporting.apps`); `facts` are plain values
    (`cases.services.exit.OutcomeFacts`: area, exit date and reason, months, the prefill of
    `cases.selectors.case_outcome_prefill`); what the FM confirmed in `outcome` wins. The record keeps the
    area and the month only (DP-3): no client, case, staff or team."""
    if not isinstance(outcome, dict):
        raise InvalidInput(
            _("Die Wirkungsanalyse fehlt."), fields={"outcome": [_("Dieses Feld ist erforderlich.")]}
        )
    prefill = facts.prefill
    needs_reduced = _count(
        outcome, "needs_reduced", prefill.needs_reduced, _("Die Zahl der abgebauten Handlungsbedarfe")
    )
    needs_at_start = _count(
        outcome,
        "needs_at_start",
        max(prefill.needs_at_start, needs_reduced),
        _("Die Zahl der Handlungsbedarfe zu Beginn"),
    )
    if needs_reduced > needs_at_start:
        raise InvalidInput(
            _("Es können nicht mehr Handlungsbedarfe abgebaut sein, als zu Beginn bestanden."),
            fields={"outcome.needs_reduced": [_("Höchstens %(n)s.") % {"n": needs_at_start}]},
        )
    months = facts.months_in_case_management
    monthly_report_rebuild_after_exit(month=facts.closed_on)
    return OutcomeRecord.objects.create(
        area_id=facts.area_id,
        month=month_start(facts.closed_on),
        exit_reason_code=facts.exit_reason_code,
        is_integration=facts.is_integration,
        medical_service_involved=_bool(outcome, "medical_service_involved"),
        health_need=_bool(outcome, "health_need", prefill.health_need),
        needs_at_start=needs_at_start,
        needs_reduced=needs_reduced,
        social_participation_progress=_bool(outcome, "social_participation_progress", False),
        months_in_case_management=min(months, 32767),
    )


def _validate_month(month, today: datetime.date) -> datetime.date:
    if isinstance(month, datetime.datetime):
        month = month.date()
    if not isinstance(month, datetime.date):
        raise InvalidInput(_("Bitte einen Monat angeben."), fields={"month": [_("Format JJJJ-MM.")]})
    month = month_start(month)
    if month < EARLIEST_MONTH:
        raise InvalidInput(
            _("Berichte gibt es erst ab Januar 2005 (SGB II)."), fields={"month": [_("Monat vor 01/2005.")]}
        )
    if not month_is_complete(month, today):
        raise InvalidInput(
            _("Der Monat %(m)s ist noch nicht abgeschlossen; sein Bericht entsteht nach Monatsende.")
            % {"m": month.strftime("%m/%Y")},
            fields={"month": [_("Der Monat ist noch nicht abgeschlossen.")]},
        )
    return month


@transaction.atomic
def monthly_report_build(
    *, month: datetime.date, today: datetime.date | None = None, reason: str = ""
) -> MonthlyReport:
    """REP-1/REP-2: build (or rebuild) the anonymous snapshot of a completed month.

    Called by the monthly beat task and `build_monthly_report --month`. A rebuild replaces the stored
    figures in one transaction; concurrent builds of the same month are serialised by an advisory lock,
    so readers see either the old or the new snapshot, never a mix. A month that is not over yet (or lies
    before SGB II) is refused with `InvalidInput` (400)."""
    today = clock.today(today)
    month = _validate_month(month, today)
    key = zlib.crc32(b"reporting.monthly_report") & 0x7FFFFFFF
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [key, month.year * 100 + month.month])
        # A batch aggregate over a million outcome records: parallel workers pay off here (not on pages).
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 2")
    data = monthly_figures(month=month)
    now = timezone.now()
    report = MonthlyReport.objects.select_for_update().filter(month=month).first()
    entry = {"at": now.isoformat(), "reason": reason or (_("Neu erstellt") if report else _("Erstellt"))}
    if report is None:
        report = MonthlyReport.objects.create(month=month, data=data, built_at=now, history=[entry])
    else:
        report.data, report.built_at, report.history = data, now, [*report.history, entry]
        report.save(update_fields=["data", "built_at", "history"])
    return report


def monthly_report_rebuild_after_exit(*, month: datetime.date) -> None:
    """REP-1: an exit recorded afterwards for a month whose report is already built rebuilds that month
    once the exit is committed (the Celery task; eagerly without a broker), noted in the report's history."""
    if not MonthlyReport.objects.filter(month=month_start(month)).exists():
        return
    from reporting.tasks import build_monthly_report

    reason = _("Neu erstellt: nachträglich erfasster Abgang in diesem Monat")

    def send() -> None:
        try:
            build_monthly_report.apply_async(
                kwargs={"month": month.strftime("%Y-%m"), "reason": reason}, retry=False
            )
        except Exception:  # broker unreachable: the next build of the month picks it up
            logger.exception("Neuaufbau des Monatsberichts %s konnte nicht eingereiht werden.", month)

    transaction.on_commit(send)


def monthly_report_get_or_build(*, month: datetime.date, today: datetime.date | None = None) -> MonthlyReport:
    """The stored snapshot of a month; a completed month without one is built on the fly (then stored)."""
    from reporting.selectors import monthly_report_find

    today = clock.today(today)
    month = _validate_month(month, today)
    return monthly_report_find(month=month) or monthly_report_build(month=month, today=today)


def monthly_report_run(
    *, month: str | None = None, today: datetime.date | None = None, reason: str = ""
) -> str:
    """REP-1: build the monthly report of `month` (YYYY-MM; default the previous month — the job runs on the
    1st), for the beat task and `build_monthly_report`. Returns the month built (ISO date of its first day)."""
    today = clock.today(today)
    first = parse_month(month, default=previous_month(today))
    monthly_report_build(month=first, today=today, reason=reason)
    return first.isoformat()

"""The daily job (REV-6, CLR-2, PLAN-3, ACC-4, REV-4, DP-1): review rows, reminders of every kind, the
e-mail digests and the end of expired grants — composed here, above the apps whose rules they are.

`sources()` is THE list of reminder kinds: each app declares its own in `<app>/reminders.py` (rule id, SQL,
recipients; see `reminders.engine`), and this function hands them to the engine. Explicit, not discovered:
reading this file tells which app contributes which kind, and the engine (below the domain apps) never
imports them. A new kind in an app already listed needs no change here; a new app adds its line."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

from audit import chain as audit_chain
from cases import access
from cases import reminders as case_reminders
from catalog.validators import require_date
from duties import reminders as duty_reminders
from followups import reminders as followup_reminders
from plans import reminders as plan_reminders
from reminders import engine
from reviews import reminders as review_reminders

logger = logging.getLogger("fallmanagement.reviews")


def sources() -> engine.Sources:
    return engine.Sources(
        case_reminders=(
            *review_reminders.case_reminders(),  # REV-6 review due/overdue, REV-4 maximum duration
            *case_reminders.case_reminders(),  # CLR-2 clearing due/overdue
            *plan_reminders.case_reminders(),  # PLAN-3 agreement review (due, overdue), missing, waived
            *followup_reminders.case_reminders(),  # WORK-1 Wiedervorlage
            *duty_reminders.case_reminders(),  # MIT-2 appointment outcome missing
            *case_reminders.clearing_outcome_reminders(),  # CLR-4 the referring pAp learns the outcome
        ),
        client_reminders=case_reminders.client_reminders(),  # ACC-4 periodic access check (due, overdue)
        changed_cases=(
            *case_reminders.CHANGED_CASES_SQL,
            *review_reminders.CHANGED_CASES_SQL,
            *plan_reminders.CHANGED_CASES_SQL,
            *followup_reminders.CHANGED_CASES_SQL,
            *duty_reminders.CHANGED_CASES_SQL,
        ),
        changed_clients=case_reminders.CHANGED_CLIENTS_SQL,
        preparations=(review_reminders.review_rows_create,),  # REV-1 review rows before their reminders
    )


def reviews_and_reminders_create(*, on: datetime.date, full: bool = False) -> dict[str, int]:
    """Create all review rows and reminders due as of `on` (idempotent; a fixed number of statements).
    Incremental from the last completed run unless `full` (see `reminders.engine`)."""
    return engine.reminders_create(on=on, full=full, sources=sources())[0]


def daily_jobs_run(*, on: datetime.date, send_digests: bool = True, full: bool = False) -> dict[str, int]:
    """The daily jobs as of `on` (the Berlin local date): review rows, reminders of every kind, then the
    e-mail digests, then expired grants. Idempotent: a second run for the same date creates nothing.
    Reviews and reminders commit together; the digests commit separately, so a mail server failure loses
    no reminder. `full=True` re-derives everything instead of working from the last run (a safety net after
    data was written around the application, e.g. by a raw SQL import that did not set `updated_at`)."""
    require_date(on, "on")
    started = timezone.now()
    counts, job_at = engine.reminders_create(on=on, full=full, sources=sources())
    counts["digests"] = engine.digests_send(on=on) if send_digests else 0
    # Explicit grants (continued care, case conferences) end with their period (DP-1, SUB-3).
    counts["grants_expired"] = access.grants_expire(on=on)
    # The access log's hash chain (DP-2): a break alerts the datenschutz accounts (audit.chain).
    counts["audit_chain_breaks"] = int(not audit_chain.chain_check_and_alert().ok)
    engine.record_run(on=on, started=started, counts=counts, job_at=job_at)
    logger.info("Tägliche Jobs zum %s: %s", on.isoformat(), counts)
    return counts

"""Celery tasks of the batch floor (scheduled by the static beat schedule in `fallmanagement/celery.py`).
Keyword-only primitive arguments, one service call, idempotent, retried only for transient errors."""

from __future__ import annotations

import datetime

from celery import shared_task

from catalog import clock
from fallmanagement.retry import RETRY


@shared_task(name="jobs.run_daily_jobs", **RETRY)
def run_daily_jobs(*, on: str | None = None) -> dict[str, int]:
    """Reviews, reminders and digests as of `on` (ISO date); default: today's date in Europe/Berlin.

    Exactly one effective run per day across DST changes: beat fires `crontab(hour=6, minute=0)` in the
    app timezone Europe/Berlin; 06:00 local time exists exactly once on every day (the DST switches happen
    at 02:00/03:00), so there is neither a skipped nor a doubled 06:00. The task takes the Berlin local
    date, not a UTC timestamp, so a run at 06:00 CEST or CET is for the same calendar day. And should a
    run repeat anyway (retry, redelivery after a lost worker, a second beat), the job is idempotent: the
    unique constraints make a second run for the same date create nothing."""
    from jobs.daily import daily_jobs_run

    return daily_jobs_run(on=datetime.date.fromisoformat(on) if on else clock.today())

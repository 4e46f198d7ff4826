"""Celery tasks of the reviews app. Each task takes keyword-only primitive arguments (ids, ISO dates —
never model objects), calls one service, is idempotent, and is retried with backoff only for transient
errors (database or broker connection problems). Scheduled by the static beat schedule in
`fallmanagement/celery.py`."""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as KombuOperationalError

from catalog import clock

TRANSIENT = (OperationalError, InterfaceError, KombuOperationalError, ConnectionError, TimeoutError)
_RETRY = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 10,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 8,
}


def _parse_date(value: str | None) -> datetime.date:
    return datetime.date.fromisoformat(value) if value else clock.today()


@shared_task(name="reviews.run_daily_jobs", **_RETRY)
def run_daily_jobs(*, on: str | None = None) -> dict[str, int]:
    """Reviews, reminders and digests as of `on` (ISO date); default: today's date in Europe/Berlin.

    Exactly one effective run per day across DST changes: beat fires `crontab(hour=6, minute=0)` in the
    app timezone Europe/Berlin; 06:00 local time exists exactly once on every day (the DST switches happen
    at 02:00/03:00), so there is neither a skipped nor a doubled 06:00. The task takes the Berlin local
    date, not a UTC timestamp, so a run at 06:00 CEST or CET is for the same calendar day. And should a
    run repeat anyway (retry, redelivery after a lost worker, a second beat), the job is idempotent: the
    unique constraints make a second run for the same date create nothing."""
    from reviews.services import daily_jobs_run

    return daily_jobs_run(on=_parse_date(on))


@shared_task(name="reviews.build_monthly_report", **_RETRY)
def build_monthly_report(*, month: str | None = None) -> str:
    """REP-1: the report of `month` (YYYY-MM); default: the previous month (beat runs on the 1st)."""
    from reviews.services import monthly_report_run

    return monthly_report_run(month=month)


@shared_task(name="reviews.notify_teamleitung", **_RETRY)
def notify_teamleitung(*, review_id: int) -> int:
    from reviews.services import review_notify_teamleitung

    return review_notify_teamleitung(review_id=review_id)


@shared_task(name="reviews.notify_fallmanager", **_RETRY)
def notify_fallmanager(*, review_id: int) -> int:
    from reviews.services import review_notify_fallmanager

    return review_notify_fallmanager(review_id=review_id)

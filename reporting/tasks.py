"""Celery tasks of the reporting app (scheduled by the static beat schedule in `fallmanagement/celery.py`)."""

from __future__ import annotations

from celery import shared_task

from fallmanagement.retry import RETRY


@shared_task(name="reporting.build_monthly_report", **RETRY)
def build_monthly_report(*, month: str | None = None, reason: str = "") -> str:
    """REP-1: the report of `month` (YYYY-MM); default: the previous month (beat runs on the 1st). A
    rebuild after a back-dated exit passes its `reason` for the report's history."""
    from reporting.services import monthly_report_run

    return monthly_report_run(month=month, reason=reason)

"""Celery app. Broker = Redis (REDIS_URL); without it tasks run eagerly in-process.

One beat process runs the static schedule below (in code, not django-celery-beat). Times are in the app
timezone (CELERY_TIMEZONE = Europe/Berlin): 06:00 local exists exactly once every day — DST switches
happen at 02:00/03:00 — so the daily jobs run once per day in winter and summer alike; the tasks are
idempotent anyway (see jobs.tasks.run_daily_jobs)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fallmanagement.settings")

app = Celery("fallmanagement")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

BEAT_SCHEDULE = {
    "daily-jobs": {
        "task": "jobs.run_daily_jobs",
        "schedule": crontab(hour=6, minute=0),
        # No long ETAs: a run that could not start within an hour is dropped; the next day catches up.
        "options": {"expires": 60 * 60},
    },
    "monthly-report": {
        "task": "reporting.build_monthly_report",
        "schedule": crontab(hour=5, minute=0, day_of_month=1),
        "options": {"expires": 6 * 60 * 60},
    },
}
app.conf.beat_schedule = BEAT_SCHEDULE

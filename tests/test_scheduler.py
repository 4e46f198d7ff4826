"""`make run` runs the production beat schedule in-process (fallmanagement/scheduler.py): every entry once at
start-up, then on its crontab — the daily jobs at 06:00 Berlin, so a reminder due tomorrow appears tomorrow."""

import datetime
import zoneinfo

from celery.schedules import crontab

from fallmanagement.celery import BEAT_SCHEDULE, app
from fallmanagement.scheduler import due_entries, run_entry

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


class _Clock(crontab):
    """The production crontab, asked at a fixed "now"."""

    def __init__(self, *args, now, **kwargs):
        super().__init__(*args, **kwargs)
        self._fixed_now = now

    def now(self):
        return self._fixed_now


def _schedule(now):
    return {
        "daily-jobs": {"task": "t.daily", "schedule": _Clock(hour=6, minute=0, now=now)},
        "monthly-report": {
            "task": "t.monthly",
            "schedule": _Clock(hour=5, minute=0, day_of_month=1, now=now),
        },
    }


def test_every_entry_runs_once_at_start():
    now = datetime.datetime(2026, 12, 2, 14, 0, tzinfo=BERLIN)
    due, _wait = due_entries(_schedule(now), dict.fromkeys(["daily-jobs", "monthly-report"]))
    assert due == ["daily-jobs", "monthly-report"]


def test_daily_jobs_run_again_at_six_the_next_morning_and_not_before():
    started = datetime.datetime(2026, 12, 2, 14, 0, tzinfo=BERLIN)
    last = {"daily-jobs": started, "monthly-report": started}
    before = datetime.datetime(2026, 12, 3, 5, 59, tzinfo=BERLIN)
    due, wait = due_entries(_schedule(before), last)
    assert due == [] and 1 <= wait <= 60
    after = datetime.datetime(2026, 12, 3, 6, 0, 30, tzinfo=BERLIN)
    assert due_entries(_schedule(after), last)[0] == ["daily-jobs"]


def test_monthly_report_on_the_first_at_five():
    started = datetime.datetime(2026, 12, 2, 14, 0, tzinfo=BERLIN)
    last = {"daily-jobs": datetime.datetime(2027, 1, 1, 6, 0, tzinfo=BERLIN), "monthly-report": started}
    now = datetime.datetime(2027, 1, 1, 5, 0, 30, tzinfo=BERLIN)
    assert due_entries(_schedule(now), last)[0] == ["monthly-report"]


def test_the_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    for entry in BEAT_SCHEDULE.values():
        assert entry["task"] in app.tasks


def test_a_failing_task_does_not_stop_the_scheduler(caplog):
    run_entry(app, "missing", {"task": "no.such.task"})
    assert "Geplante Aufgabe missing ist fehlgeschlagen" in caplog.text

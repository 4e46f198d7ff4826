"""Celery wiring: the static beat schedule, bounded broker timeouts, and a real worker on real Redis."""

import datetime
import logging
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.schedules import crontab
from celery.signals import task_postrun
from django.db import connections

from fallmanagement.celery import app
from jobs import tasks
from reminders.models import Reminder
from reporting import tasks as reporting_tasks
from reviews import services
from reviews.models import Review

D = datetime.date


def test_beat_schedule_has_both_jobs_in_berlin_time():
    schedule = app.conf.beat_schedule
    assert schedule["daily-jobs"]["task"] == "jobs.run_daily_jobs" == tasks.run_daily_jobs.name
    assert schedule["daily-jobs"]["schedule"] == crontab(hour=6, minute=0)
    assert (
        schedule["monthly-report"]["task"]
        == "reporting.build_monthly_report"
        == reporting_tasks.build_monthly_report.name
    )
    assert schedule["monthly-report"]["schedule"] == crontab(hour=5, minute=0, day_of_month=1)
    assert app.conf.timezone == "Europe/Berlin"


def test_daily_task_is_late_acked_and_retried_only_for_transient_errors():
    task = tasks.run_daily_jobs
    assert task.acks_late and task.reject_on_worker_lost
    from django.db import OperationalError

    assert OperationalError in task.autoretry_for and task.retry_backoff
    assert ValueError not in task.autoretry_for


def test_daily_task_takes_the_berlin_date(make_case):
    make_case(D(2024, 1, 15))
    assert tasks.run_daily_jobs.run(on="2024-07-01")["reviews"] == 1
    assert tasks.run_daily_jobs.run(on="2024-07-01")["reviews"] == 0


@pytest.fixture
def broker_down():
    """Broker URL pointing at a closed port and real (not eager) publishing. The transport options are
    those the lead is asked to set (no connection retry: with `max_retries: 1` kombu sleeps 2 s before
    retrying, which with the 2 s socket timeouts of a hung Redis exceeds 3 s)."""
    old = (app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options)
    app.conf.broker_transport_options = {**app.conf.broker_transport_options, "max_retries": 0}
    app.conf.broker_url = "redis://127.0.0.1:6390/0"
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None
    yield
    app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_transport_options = old
    app._pool = None
    app.amqp._producer_pool = None


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_broker_down_request_answers_quickly_with_data_committed(
    broker_down, make_case, fm, tl, caplog, api_as
):
    # A web request that enqueues on commit (FM documents a 24-month review → TL notice) with Redis down.
    case = make_case(D(2024, 11, 1))
    services.reviews_ensure_for_case(case=case, today=D(2026, 11, 20))
    review = Review.objects.get(case=case, month=24)
    caplog.set_level(logging.ERROR, logger="fallmanagement.reviews")
    started = time.monotonic()
    res = api_as(fm).post(
        f"/api/v1/reviews/{review.pk}/document/",
        {"reasons": "r", "prognosis": "p", "decision": "continue"},
        format="json",
    )
    elapsed = time.monotonic() - started
    assert res.status_code == 200
    assert elapsed < 3
    assert Review.objects.get(pk=review.pk).state == "approval_pending"  # committed
    assert any("reviews.notify_teamleitung" in r.getMessage() for r in caplog.records)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_real_worker_on_real_redis_runs_the_daily_task(make_case, fm):
    make_case(D(2024, 1, 15))
    old = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = "redis://127.0.0.1:6379/15"
    app.conf.task_always_eager = False
    app._pool = None
    app.amqp._producer_pool = None

    def close_db(**kwargs):
        connections.close_all()  # the worker thread's connections must not outlive the test database

    task_postrun.connect(close_db, weak=False)
    try:
        with start_worker(
            app, pool="solo", concurrency=1, perform_ping_check=False, loglevel="WARNING", shutdown_timeout=10
        ):
            tasks.run_daily_jobs.apply_async(kwargs={"on": "2024-07-01"})
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not Reminder.objects.exists():
                time.sleep(0.1)
    finally:
        task_postrun.disconnect(close_db)
        app.conf.broker_url, app.conf.task_always_eager = old
        app._pool = None
        app.amqp._producer_pool = None
    assert list(
        Reminder.objects.exclude(kind="agreement_missing").values_list(
            "kind", "recipient__username", "due_on"
        )
    ) == [("review_due", "fm.berger", D(2024, 7, 15))]

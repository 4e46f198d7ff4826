"""The production beat schedule without a broker, for `make run` — wiring, no domain logic.

Production runs Celery beat and a worker against Redis (docker-compose.yml). On a developer's or trainer's
machine there is no Redis; this process reads the same `BEAT_SCHEDULE` and runs the same task functions
in-process (`Task.apply`: the task body, its arguments and its idempotency exactly as the worker would run
them). Every entry runs once at start-up (a catch-up: the tasks are idempotent, so a run that happened
already creates nothing), then on its crontab in the app timezone — the daily jobs at 06:00, so a reminder
due tomorrow appears tomorrow while the server keeps running.

Chosen over an embedded Redis plus `celery worker -B`: no second server to start, stop and clean up, no
broker state to go stale after a crash, and the same code path is tested (tests/test_scheduler.py).
"""

from __future__ import annotations

import datetime
import logging
import os
import signal
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fallmanagement.settings")

logger = logging.getLogger("fallmanagement.scheduler")


def due_entries(schedule: dict, last_run: dict[str, datetime.datetime | None]) -> tuple[list[str], float]:
    """The names of the entries due now (never run, or their crontab fired since `last_run`) and the
    seconds until the next check (at most 60)."""
    due, wait = [], 60.0
    for name, entry in schedule.items():
        previous = last_run.get(name)
        if previous is None:
            due.append(name)
            continue
        is_due, next_in = entry["schedule"].is_due(previous)
        if is_due:
            due.append(name)
        wait = min(wait, max(1.0, float(next_in)))
    return due, wait


def run_entry(app, name: str, entry: dict) -> None:
    started = time.monotonic()
    try:
        task = app.tasks[entry["task"]]
        result = task.apply(args=entry.get("args", ()), kwargs=entry.get("kwargs", {}))
        result.get(propagate=True)
    except Exception:  # one failed run must not stop the schedule; the next run catches up
        logger.exception("Geplante Aufgabe %s ist fehlgeschlagen.", name)
    else:
        logger.info("Geplante Aufgabe %s erledigt in %.1f s.", name, time.monotonic() - started)


def main() -> int:
    import django

    django.setup()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s scheduler %(message)s")
    from django.db import close_old_connections

    from fallmanagement.celery import BEAT_SCHEDULE, app

    app.loader.import_default_modules()  # the apps' tasks modules (a worker does this at start-up)

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    last_run: dict[str, datetime.datetime | None] = dict.fromkeys(BEAT_SCHEDULE)
    while not stopping:
        due, wait = due_entries(BEAT_SCHEDULE, last_run)
        for name in due:
            close_old_connections()
            run_entry(app, name, BEAT_SCHEDULE[name])
            last_run[name] = app.now()
        if due:
            continue  # compute the next check from the new last runs
        deadline = time.monotonic() + wait
        while not stopping and time.monotonic() < deadline:
            time.sleep(min(1.0, deadline - time.monotonic()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

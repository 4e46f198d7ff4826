"""Scale-out (issue 17): the web tier is stateless, so two instances on one database behave as one — a session
signed in on one instance is valid on the other, and the same transition posted to both at the same moment
is done exactly once (the row lock and the version check live in PostgreSQL, not in a process).

The two instances are two separate Python processes (tests/perf/_instance.py) with their own Django and their
own connection to the test database, posting through the whole middleware stack."""

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from cases import services as intake
from cases.choices import CaseState
from cases.models import Case, CaseEvent

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_DEBUG": "1",
        "DJANGO_SETTINGS_MODULE": "fallmanagement.settings",
    }


def _instance(cmd: dict) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.perf._instance", json.dumps(cmd)],
        cwd=ROOT, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _result(proc: subprocess.Popen) -> dict:
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err[-2000:]
    return json.loads(out.strip().splitlines()[-1])


def test_transition_raced_across_two_instances_exactly_one_wins(tmp_path, pap, fm, client_eligible):
    today = dt.date.today()
    case = intake.case_refer(
        acting_user=pap, client=client_eligible, fallmanager=fm, reasons="r", expected_progress="e",
        handover_talk_on=today - dt.timedelta(days=3), referred_on=today - dt.timedelta(days=2), today=today,
    )  # fmt: skip
    # The session is created by instance 1 and used by both: nothing about it lives in a process.
    cookie = _result(_instance({"op": "login", "user": fm.pk}))["cookie"]
    ready, go = [tmp_path / "ready1", tmp_path / "ready2"], tmp_path / "go"
    post = {"op": "post", "cookie": cookie, "url": f"/faelle/{case.pk}/schritt/start_clearing/",
            "data": {"version": case.version, "date": ""}, "go": str(go)}  # fmt: skip
    procs = [_instance({**post, "ready": str(r)}) for r in ready]
    deadline = time.monotonic() + 90
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.write_text("go")
    statuses = sorted(_result(p)["status"] for p in procs)
    # One redirect to the case (done); the other is refused with the conflict (the case moved on meanwhile).
    assert statuses == [302, 409]
    case.refresh_from_db()
    assert case.state == CaseState.CLEARING
    assert CaseEvent.objects.filter(case=case, name="start_clearing").count() == 1
    assert Case.objects.get(pk=case.pk).version == post["data"]["version"] + 1

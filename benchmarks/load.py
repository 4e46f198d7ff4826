"""Scenario 6: gunicorn (2 workers) on 127.0.0.1 serving the app on the bench database, locust headless.

* `ramp`: short locust runs at rising numbers of simulated users — where does throughput stop growing and
  p95 leave the target (saturation)?
* `steady`: the main run (default 60 s) at the chosen number of users: requests/s, p50/p95, errors.
* `storm`: 50 sign-ins at the same moment (Argon2): total time, p50/p95/max of one sign-in.

The request log of the simulated users comes from benchmarks/locustfile.py (BENCH_LOAD_OUT); sign-ins
(`/anmelden/`, made once per simulated user in on_start) are excluded from the mix figures — the storm
measures them. Every subprocess is bounded in time and only loopback addresses are used.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from benchmarks.generate import BENCH_PASSWORD
from benchmarks.pages import percentile

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_plan() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT s.username,
                      array_agg(c.id ORDER BY c.id) FILTER (WHERE c.state IN ('active', 'clearing', 'referred')),
                      array_agg(c.id ORDER BY c.id) FILTER (WHERE c.state = 'referred')
               FROM org_staff s JOIN cases_case c ON c.fallmanager_id = s.id
               WHERE s.username LIKE 'bench\\_load%%' AND s.role = 'fallmanager'
               GROUP BY s.username ORDER BY s.username"""
        )
        fms = [{"username": u, "open": o or [], "referred": r or []} for u, o, r in cursor.fetchall()]
    return {"password": BENCH_PASSWORD, "pap": "bench_pap", "fms": fms}


def reset_transitions() -> int:
    """Put the load FMs' cases that a previous load run moved to clearing back to referred."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """DELETE FROM cases_caseevent WHERE name = 'start_clearing' AND case_id IN (
                   SELECT c.id FROM cases_case c JOIN org_staff s ON s.id = c.fallmanager_id
                   WHERE s.username LIKE 'bench\\_load%%' AND c.state = 'clearing')"""
        )
        cursor.execute(
            """UPDATE cases_case c SET state = 'referred', clearing_started_on = NULL, version = c.version + 1
               FROM org_staff s WHERE s.id = c.fallmanager_id AND s.username LIKE 'bench\\_load%%'
                 AND c.state = 'clearing'"""
        )
        return cursor.rowcount


class Server:
    """gunicorn with 2 workers (gthread, 4 threads each) on a free loopback port."""

    def __init__(self, env: dict, workers: int = 2, threads: int = 4):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "fallmanagement.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
             "--timeout", "60", "--graceful-timeout", "5"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/anmelden/", timeout=5) as r:  # noqa: S310 - loopback
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in 60 s; see {self.log.name}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


def run_locust(*, host: str, users: int, seconds: int, env: dict, plan_path: str) -> dict:
    out = tempfile.NamedTemporaryFile(prefix="bench-locust-", suffix=".json", delete=False)  # noqa: SIM115
    out.close()
    spawn_rate = max(1, users // 2)
    cmd = [str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"), "--headless",
           "--users", str(users), "--spawn-rate", str(spawn_rate), "--run-time", f"{seconds}s",
           "--host", host, "--only-summary", "--stop-timeout", "5", "--loglevel", "WARNING"]  # fmt: skip
    run_env = {**env, "BENCH_LOAD_PLAN": plan_path, "BENCH_LOAD_OUT": out.name}
    proc = subprocess.run(cmd, cwd=ROOT, env=run_env, capture_output=True, text=True, timeout=seconds + 120)
    data = json.loads(Path(out.name).read_text() or "[]")
    os.unlink(out.name)
    if not data and proc.returncode not in (0, 1):
        raise RuntimeError(f"locust failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return summarise(data, users=users, seconds=seconds)


def summarise(rows: list, *, users: int, seconds: int) -> dict:
    """rows: [start (epoch s), response ms, name, ok]; sign-ins excluded. Throughput over the time after all
    users were spawned (the first 2 s at the spawn rate are left out) until the last request."""
    work = [r for r in rows if not r[2].startswith("/anmelden/")]
    if not work:
        return {"users": users, "seconds": seconds, "requests": 0, "rps": 0.0, "errors": 0}
    t0 = min(r[0] for r in work) + 2.0
    t1 = max(r[0] for r in work)
    steady = [r for r in work if r[0] >= t0] or work
    times = [r[1] for r in steady]
    by_name: dict[str, list[float]] = {}
    for r in steady:
        by_name.setdefault(r[2], []).append(r[1])
    return {
        "users": users,
        "seconds": seconds,
        "requests": len(steady),
        "rps": round(len(steady) / max(0.001, t1 - t0), 1),
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(percentile(times, 0.95), 1),
        "max_ms": round(max(times), 1),
        "errors": sum(1 for r in work if not r[3]),
        "signin_errors": sum(1 for r in rows if r[2].startswith("/anmelden/") and not r[3]),
        "by_name": {
            name: {
                "n": len(v),
                "p50_ms": round(statistics.median(v), 1),
                "p95_ms": round(percentile(v, 0.95), 1),
            }
            for name, v in sorted(by_name.items())
        },
    }


def signin_storm(host: str, usernames: list[str], retries: int = 5) -> dict:
    """All users fetch the sign-in page (CSRF cookie), wait at a barrier, then sign in at the same moment.

    As people do, a 503 (the server is busy; `Retry-After`) is retried after the advertised seconds, up to
    `retries` times — for the sign-in page and for the sign-in itself; a sign-in's time runs from its first
    attempt to its success. `statuses` counts every answer to the sign-in POSTs."""
    import requests

    barrier = threading.Barrier(len(usernames) + 1)
    results: list[tuple[float, int]] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def patient(call):
        """503 → wait Retry-After and try again; a connection the server closed meanwhile (its keep-alive
        is as long as Retry-After) → try again on a new one."""
        response = None
        for attempt in range(retries + 1):
            try:
                response = call()
            except requests.ConnectionError:
                if attempt == retries:
                    raise
                time.sleep(0.5)
                continue
            if response.status_code != 503:
                break
            time.sleep(float(response.headers.get("Retry-After", "1")))
        return response

    def one(username: str) -> None:
        session = requests.Session()
        status, elapsed = 0, 0.0
        # Without the page it signs in without a CSRF cookie: a failed sign-in, it never blocks the others.
        with contextlib.suppress(requests.RequestException):
            patient(lambda: session.get(host + "/anmelden/", timeout=30))
        token = session.cookies.get("csrftoken", "")
        try:
            barrier.wait(timeout=120)
            started = time.perf_counter()

            def post():
                r = session.post(
                    host + "/anmelden/",
                    data={"username": username, "password": BENCH_PASSWORD, "csrfmiddlewaretoken": token,
                          "next": ""},
                    allow_redirects=False, timeout=60,
                )  # fmt: skip
                with lock:
                    statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
                return r

            response = patient(post)
            elapsed, status = (time.perf_counter() - started) * 1000, response.status_code
        except (requests.RequestException, threading.BrokenBarrierError):
            pass
        with lock:
            results.append((elapsed, status))

    threads = [threading.Thread(target=one, args=(u,)) for u in usernames]
    for t in threads:
        t.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    for t in threads:
        t.join(timeout=180)
    total = time.perf_counter() - started
    times = [e for e, s in results if s == 302]
    return {
        "logins": len(usernames),
        "ok": len(times),
        "errors": len(usernames) - len(times),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "total_s": round(total, 2),
        "p50_ms": round(statistics.median(times), 1) if times else None,
        "p95_ms": round(percentile(times, 0.95), 1) if times else None,
        "max_ms": round(max(times), 1) if times else None,
    }


def run(*, env: dict, seconds: int = 60, users: int = 50, ramp: tuple[int, ...] = (10, 25, 50, 100),
        ramp_seconds: int = 15, log=print) -> dict:  # fmt: skip
    plan = load_plan()
    plan_file = tempfile.NamedTemporaryFile("w", prefix="bench-plan-", suffix=".json", delete=False)  # noqa: SIM115
    json.dump(plan, plan_file)
    plan_file.close()
    server = Server(env)
    result: dict = {"server": "gunicorn 2 workers × 4 threads (gthread), 127.0.0.1", "ramp": []}
    try:
        result["storm"] = signin_storm(server.url, [fm["username"] for fm in plan["fms"]][:50])
        log(f"  sign-in storm: {result['storm']}")
        for n in ramp:
            reset_transitions()
            step = run_locust(
                host=server.url, users=n, seconds=ramp_seconds, env=env, plan_path=plan_file.name
            )
            step.pop("by_name", None)
            result["ramp"].append(step)
            log(
                f"  ramp {n:>4} users: {step['rps']:>7} req/s  p95 {step.get('p95_ms')} ms  errors {step['errors']}"
            )
        reset_transitions()
        result["steady"] = run_locust(
            host=server.url, users=users, seconds=seconds, env=env, plan_path=plan_file.name
        )
        s = result["steady"]
        log(
            f"  steady {users} users {seconds} s: {s['rps']} req/s  p95 {s.get('p95_ms')} ms  errors {s['errors']}"
        )
        reset_transitions()
    finally:
        server.stop()
        os.unlink(plan_file.name)
    result["saturation"] = saturation(result["ramp"])
    return result


def saturation(steps: list[dict], p95_target: float = 150.0) -> dict:
    """The first ramp step where p95 exceeds the target or throughput grew < 10 % over the previous step."""
    best = max(steps, key=lambda s: s["rps"], default=None)
    for prev, cur in zip(steps, steps[1:], strict=False):
        if cur.get("p95_ms", 0) > p95_target or cur["rps"] < prev["rps"] * 1.1:
            return {"at_users": cur["users"], "max_rps": best["rps"] if best else None,
                    "reason": "p95 > 150 ms" if cur.get("p95_ms", 0) > p95_target else "throughput flat"}  # fmt: skip
    return {"at_users": None, "max_rps": best["rps"] if best else None, "reason": "not reached in the ramp"}

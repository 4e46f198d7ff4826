"""Throughput, overload, sign-in storm and scale-out with `wrk` (issue 17), against gunicorn as production
configures it (gunicorn.conf.py: preload, gc.freeze, WEB_CONCURRENCY workers × GUNICORN_THREADS threads,
the admission control of fallmanagement/wsgi.py with its FM_ADMISSION_* / FM_SIGNIN_* defaults).

* The sessions are real sign-ins (POST of the sign-in form) made before the measured window; every wrk
  connection carries one of them (cookie + CSRF token) — see benchmarks/wrk_mix.lua for the mix.
* wrk runs one connection per thread, so its Lua script times every request itself and writes one line per
  response (name, status, ms, Retry-After seen); this module reads them: throughput of answered requests
  (2xx/3xx), p50/p95 of those (the *admitted* requests), 503s (all must carry Retry-After and come at once),
  errors (any other status, socket errors, time-outs), wrk's own CPU share (its rusage over the wall time
  and the machine's CPUs) and the server's (its worker processes' CPU time).
* `steady(users)`: the realistic mix at a number of connections; `ramp`: where throughput peaks;
  `overload`: the peak's users ×2 and ×4; `storm`: 50 simultaneous sign-ins while the mix runs;
  `scale_out`: two gunicorn instances on one database, half of the connections each, sessions signed in on
  the first instance only, plus the exactly-one-wins check of a transition raced across both.
"""

from __future__ import annotations

import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from benchmarks.generate import BENCH_PASSWORD
from benchmarks.load import free_port, reset_transitions
from benchmarks.pages import percentile

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LUA = ROOT / "benchmarks" / "wrk_mix.lua"
# One FM cycle: start page 2, case page 4, review inbox 1, a transition (form + POST) 1, a review documented 1.
FM_CYCLE = [
    "start",
    "case",
    "inbox",
    "case",
    "transition_form",
    "transition",
    "start",
    "case",
    "review",
    "case",
]
PAP_CYCLE = ["search", "search", "start", "search"]  # every 8th connection is a pAp
SEARCH_TERMS = ["M%C3%BCller", "Schmidt", "Weber", "Koch", "Becker", "K0000123", "Anna", "Huber"]
# Pages other work adds, in the mix when their URL exists: (name, URL name, how often per FM cycle).
EXTRA_PAGES: list[tuple[str, str, int]] = [
    ("worklist", "reminders:worklist", 1),
]


def _cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return total


def _postgres_backends() -> list[int]:
    """The PostgreSQL backends serving the bench database (the web processes keep theirs: CONN_MAX_AGE)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                 AND backend_type = 'client backend'"""  # not autovacuum
        )
        return [r[0] for r in cursor.fetchall()]


def _machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot."""
    parts = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = parts[3] + parts[4]
    return sum(parts) - idle, sum(parts)


class Gunicorn:
    """gunicorn with the repository's gunicorn.conf.py (read from the working directory) on a free port."""

    def __init__(self, env: dict, extra_env: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.NamedTemporaryFile(prefix="bench-gunicorn-", suffix=".log", delete=False)  # noqa: SIM115
        # The code of this checkout, whatever the virtualenv's editable install points at.
        pythonpath = os.pathsep.join(x for x in (str(ROOT), env.get("PYTHONPATH", "")) if x)
        run_env = {
            **env,
            **(extra_env or {}),
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "PYTHONPATH": pythonpath,
        }
        self.proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "fallmanagement.wsgi:application", "--config", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT, env=run_env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/anmelden/", timeout=5) as r:  # noqa: S310 - loopback
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer in 90 s; see {self.log.name}")

    def workers(self) -> list[int]:
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(c) for c in children]

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)


# --- sessions and the plan ------------------------------------------------------------------------------


def sign_in(host: str, username: str, timeout: float = 60) -> tuple[str, str] | None:
    """A real sign-in; (Cookie header, CSRF token) of the signed-in session, or None."""
    import requests

    session = requests.Session()
    session.get(host + "/anmelden/", timeout=timeout)
    token = session.cookies.get("csrftoken", "")
    response = session.post(
        host + "/anmelden/",
        data={"username": username, "password": BENCH_PASSWORD, "csrfmiddlewaretoken": token, "next": ""},
        allow_redirects=False,
        timeout=timeout,
    )
    if response.status_code != 302:
        return None
    cookies = session.cookies.get_dict()
    return "; ".join(f"{k}={v}" for k, v in cookies.items()), cookies.get("csrftoken", "")


def load_plan() -> dict:
    """The load FMs' open cases, their referred cases with version, and their reviews that can be documented
    today (due, within the lead time, active case, not the final gate, nothing declined)."""
    from django.conf import settings
    from django.db import connection

    from catalog import clock

    lead = int(settings.FM["REMINDER_LEAD_DAYS"])
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT s.username,
                      array_agg(c.id ORDER BY c.id) FILTER (WHERE c.state IN ('active', 'clearing', 'referred')),
                      array_agg(array[c.id, c.version] ORDER BY c.id) FILTER (WHERE c.state = 'referred')
               FROM org_staff s JOIN cases_case c ON c.fallmanager_id = s.id
               WHERE s.username LIKE 'bench\\_load%%' AND s.role = 'fallmanager'
               GROUP BY s.username ORDER BY s.username"""
        )
        fms = {u: {"open": o or [], "referred": r or [], "reviews": []} for u, o, r in cursor.fetchall()}
        cursor.execute(
            """SELECT s.username, r.id FROM reviews_review r JOIN cases_case c ON c.id = r.case_id
               JOIN org_staff s ON s.id = c.fallmanager_id
               WHERE s.username LIKE 'bench\\_load%%' AND r.state = 'due' AND c.state = 'active'
                 AND r.gate <> 'final' AND r.due_on <= %s::date + %s
                 AND NOT EXISTS (SELECT 1 FROM reviews_review d WHERE d.case_id = c.id AND d.state = 'declined')
               ORDER BY r.id""",
            [clock.today(), lead],
        )
        for username, review_id in cursor.fetchall():
            fms[username]["reviews"].append(review_id)
    return fms


def reset_reviews(review_ids: list[int]) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """UPDATE reviews_review SET state = 'due', decision = '', reasons = '', prognosis = '',
                      documented_on = NULL, documented_by_id = NULL
               WHERE id = ANY(%s) AND state <> 'due'""",
            [review_ids],
        )
        return cursor.rowcount


def reset(fms: dict) -> None:
    """Undo what a run changed (transitions, documented reviews), so every run starts from the same data."""
    reset_transitions()
    reset_reviews([r for fm in fms.values() for r in fm["reviews"]] or [0])


def _lua(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "{" + ", ".join(_lua(v) for v in value) + "}"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return str(value)


def write_plan(path: Path, *, connections: int, sessions: dict[str, tuple[str, str]], fms: dict) -> None:
    """One entry per connection: its session, and its share of the FM's referred cases and due reviews
    (connections that share an FM get disjoint shares)."""
    from django.urls import NoReverseMatch, reverse

    extra, cycle_extra = [], []
    for name, url_name, weight in EXTRA_PAGES:
        try:
            extra.append({"name": name, "path": reverse(url_name)})
            cycle_extra += [name] * weight
        except NoReverseMatch:
            pass
    usernames = [u for u in sorted(fms) if u in sessions]
    fm_slots = [i for i in range(connections) if i % 8 != 7]
    share: dict[str, list[int]] = {}
    for n, i in enumerate(fm_slots):
        share.setdefault(usernames[n % len(usernames)], []).append(i)
    out = []
    for i in range(connections):
        if i % 8 == 7 and "bench_pap" in sessions:
            cookie, csrf = sessions["bench_pap"]
            out.append({"cookie": cookie, "csrf": csrf, "open": [0], "referred": [], "reviews": [],
                        "cycle": PAP_CYCLE})  # fmt: skip
            continue
        n = fm_slots.index(i) if i in fm_slots else i
        username = usernames[n % len(usernames)]
        slots = share[username]
        k, of = slots.index(i), len(slots)
        fm = fms[username]
        cookie, csrf = sessions[username]
        out.append({
            "cookie": cookie, "csrf": csrf, "open": fm["open"][k::of] or fm["open"],
            "referred": [list(x) for x in fm["referred"][k::of]], "reviews": fm["reviews"][k::of],
            "cycle": FM_CYCLE + cycle_extra,
        })  # fmt: skip
    from django.urls import reverse as _reverse

    plan = {"connections": out, "search_terms": SEARCH_TERMS, "search_path": _reverse("client-search"),
            "extra": extra}  # fmt: skip
    path.write_text("return " + _lua(plan) + "\n")


# --- one wrk run ----------------------------------------------------------------------------------------


def _wrk(
    host: str, connections: int, seconds: int, plan: Path, out: Path, timeout_s: int
) -> subprocess.Popen:
    env = {**os.environ, "BENCH_WRK_PLAN": str(plan), "BENCH_WRK_OUT": str(out)}
    cmd = ["wrk", "-t", str(connections), "-c", str(connections), "-d", f"{seconds}s",
           "--timeout", f"{timeout_s}s", "-s", str(LUA), host + "/"]  # fmt: skip
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def _socket_errors(text: str) -> dict:
    # "  Socket errors: connect 0, read 0, write 0, timeout 3"
    for line in text.splitlines():
        if "Socket errors:" in line:
            parts = line.split(":", 1)[1].split(",")
            return {p.split()[0]: int(p.split()[1]) for p in parts}
    return {"connect": 0, "read": 0, "write": 0, "timeout": 0}


def run_mix(*, hosts: list[str], connections: int, seconds: int, sessions: dict, fms: dict,
            servers: list[Gunicorn], timeout_s: int = 10, during=None) -> dict:  # fmt: skip
    """wrk (one process per host, the connections split between them) for `seconds`; `during` runs in a
    thread when wrk has started (the sign-in storm)."""
    work = Path(tempfile.mkdtemp(prefix="bench-wrk-"))
    try:
        procs, outs = [], []
        per_host = [
            connections // len(hosts) + (1 if i < connections % len(hosts) else 0) for i in range(len(hosts))
        ]
        plans = []
        for i, n in enumerate(per_host):
            out, plan = work / f"out{i}", work / f"plan{i}.lua"
            out.mkdir()
            write_plan(plan, connections=n, sessions=sessions, fms=_offset_fms(fms, i, len(hosts)))
            outs.append(out)
            plans.append(plan)
        server_pids = [p for s in servers for p in s.workers()]
        pg0 = {pid: _cpu_seconds([pid]) for pid in _postgres_backends()}
        pg_seen = dict(pg0)  # last CPU time seen per backend: backends that end (CONN_MAX_AGE) keep theirs
        stop = threading.Event()

        def sample() -> None:
            from django.db import connection as conn

            try:
                while not stop.wait(0.5):
                    for pid in _postgres_backends():
                        cpu = _cpu_seconds([pid])
                        if cpu:
                            pg_seen[pid] = cpu
            finally:
                conn.close()

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        cpu0, (busy0, total0) = _cpu_seconds(server_pids), _machine_busy()
        started = time.perf_counter()
        for host, n, out, plan in zip(hosts, per_host, outs, plans, strict=True):
            procs.append(_wrk(host, n, seconds, plan, out, timeout_s))
        side: dict = {}
        thread = None
        if during is not None:

            def side_run() -> None:
                try:
                    side.update(during() or {})
                except Exception as exc:  # noqa: BLE001 - shown in the row instead of lost in the thread
                    side["error"] = f"{type(exc).__name__}: {exc}"

            thread = threading.Thread(target=side_run)
            time.sleep(min(5, seconds / 4))
            thread.start()
        wrk_cpu, texts = 0.0, []
        for proc in procs:
            _pid, _status, usage = os.wait4(proc.pid, 0)
            wrk_cpu += usage.ru_utime + usage.ru_stime
            texts.append(proc.stdout.read())
            proc.returncode = 0
        wall = time.perf_counter() - started
        if thread is not None:
            thread.join(timeout=300)
            if thread.is_alive():
                side["error"] = "still running 300 s after the load ended"
        cpu1, (busy1, total1) = _cpu_seconds(server_pids), _machine_busy()
        stop.set()
        sampler.join(timeout=5)
        for pid in _postgres_backends():
            pg_seen[pid] = max(pg_seen.get(pid, 0.0), _cpu_seconds([pid]))
        pg_cpu = sum(cpu - pg0.get(pid, 0.0) for pid, cpu in pg_seen.items())
        lines = []
        for out in outs:
            for f in sorted(out.glob("t*.log")):
                lines += [x.split() for x in f.read_text().splitlines() if x.strip()]
        result = summarise(lines, seconds=seconds, connections=connections)
        errs: dict[str, int] = {}
        for t in texts:
            for k, v in _socket_errors(t).items():
                errs[k] = errs.get(k, 0) + v
        ncpu = os.cpu_count() or 1
        result.update({
            "hosts": len(hosts),
            "socket_errors": errs,
            "errors": result["errors"] + sum(errs.values()),
            "timeouts": errs.get("timeout", 0),
            "wrk_cpu_share": round(wrk_cpu / (wall * ncpu), 3),
            "server_cpu_share": round((cpu1 - cpu0) / (wall * ncpu), 3),
            "postgres_cpu_share": round(pg_cpu / (wall * ncpu), 3),
            # CPU per answered request (gunicorn workers + their PostgreSQL backends, refusals included): what
            # the mix costs whatever else the machine runs; ncpu × 1000 / this = the rate of a machine of its own.
            "cpu_ms_per_request": round((cpu1 - cpu0 + pg_cpu) * 1000 / max(1, result["rps"] * seconds), 1),
            "machine_busy": round((busy1 - busy0) / max(1, total1 - total0), 3),
            "loadavg": Path("/proc/loadavg").read_text().split()[:3],
        })  # fmt: skip
        if side:
            result["during"] = side
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _offset_fms(fms: dict, offset: int, parts: int) -> dict:
    """For several wrk processes: each takes every `parts`-th referred case / review, so they never race."""
    if parts == 1:
        return fms
    return {u: {"open": f["open"], "referred": f["referred"][offset::parts], "reviews": f["reviews"][offset::parts]}
            for u, f in fms.items()}  # fmt: skip


def summarise(lines: list[list[str]], *, seconds: int, connections: int) -> dict:
    ok = [(n, float(ms)) for n, st, ms, _r in lines if 200 <= int(st) < 400]
    refused = [(float(ms), r) for n, st, ms, r in lines if int(st) == 503]
    other = [(n, int(st)) for n, st, ms, _r in lines if not (200 <= int(st) < 400) and int(st) != 503]
    times = [ms for _n, ms in ok]
    by_name: dict[str, list[float]] = {}
    for n, ms in ok:
        by_name.setdefault(n, []).append(ms)
    bad_status: dict[str, int] = {}
    for n, st in other:
        key = f"{n} {st}"
        bad_status[key] = bad_status.get(key, 0) + 1
    return {
        "users": connections,
        "seconds": seconds,
        "requests": len(lines),
        "rps": round(len(ok) / seconds, 1),  # answered requests (2xx/3xx) per second
        "p50_ms": round(statistics.median(times), 1) if times else None,
        "p95_ms": round(percentile(times, 0.95), 1) if times else None,
        "max_ms": round(max(times), 1) if times else None,
        "refused_503": len(refused),
        "refused_without_retry_after": sum(1 for _ms, r in refused if r != "r"),
        "refused_p95_ms": round(percentile([ms for ms, _r in refused], 0.95), 1) if refused else None,
        "errors": len(other) + sum(1 for _ms, r in refused if r != "r"),
        "bad_status": bad_status,
        "by_name": {
            n: {
                "n": len(v),
                "p50_ms": round(statistics.median(v), 1),
                "p95_ms": round(percentile(v, 0.95), 1),
            }
            for n, v in sorted(by_name.items())
        },
    }


# --- the scenarios --------------------------------------------------------------------------------------


def race_transition(hosts: list[str], sessions: dict, fms: dict, cases: int = 10) -> dict:
    """Exactly one wins: the same transition of the same case (same version) posted at the same moment to
    each instance, `cases` times; the database must show it once."""
    import requests
    from django.db import connection

    username = sorted(fms)[-1]
    cookie, csrf = sessions[username]
    targets = [tuple(x) for x in fms[username]["referred"][-cases:]]
    outcome = {"cases": len(targets), "exactly_one_won": 0, "statuses": {}}
    for case_id, version in targets:
        barrier = threading.Barrier(len(hosts))
        statuses: list[int] = []

        def post(host: str, case_id=case_id, version=version, barrier=barrier, statuses=statuses) -> None:
            barrier.wait(timeout=30)
            r = requests.post(
                f"{host}/faelle/{case_id}/schritt/start_clearing/",
                data={"version": version, "date": "", "csrfmiddlewaretoken": csrf},
                headers={"Cookie": cookie}, allow_redirects=False, timeout=30,
            )  # fmt: skip
            statuses.append(r.status_code)

        threads = [threading.Thread(target=post, args=(h,)) for h in hosts]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM cases_caseevent WHERE case_id = %s AND name = 'start_clearing'",
                [case_id],
            )
            events = cursor.fetchone()[0]
        key = ",".join(str(x) for x in sorted(statuses))
        outcome["statuses"][key] = outcome["statuses"].get(key, 0) + 1
        if statuses.count(302) == 1 and events == 1:
            outcome["exactly_one_won"] += 1
    outcome["ok"] = outcome["exactly_one_won"] == outcome["cases"]
    return outcome


def same_reminders(hosts: list[str], sessions: dict, fms: dict) -> dict:
    """Reminders across instances: one FM's session (signed in on the first instance) reads the same open
    reminders from every instance; one of them marked done on the last instance (a raced double click: the
    same POST to every instance at once) is gone on every instance and done once in the database."""
    import re

    import requests
    from django.db import connection

    username = sorted(fms)[0]
    cookie, csrf = sessions[username]

    def open_ids(host: str) -> tuple[int, list[str]]:
        r = requests.get(
            host + "/erinnerungen/", headers={"Cookie": cookie}, allow_redirects=False, timeout=30
        )
        return r.status_code, sorted(set(re.findall(r'id="reminder-(\d+)"', r.text)))

    before = [open_ids(h) for h in hosts]
    result: dict = {"statuses": [s for s, _ids in before], "open": [len(ids) for _s, ids in before]}
    same_before = all(s == 200 for s, _ids in before) and len({tuple(ids) for _s, ids in before}) == 1
    ids = before[0][1]
    if not ids:
        result["ok"] = False
        return result
    target = ids[0]
    barrier = threading.Barrier(len(hosts))
    statuses: list[int] = []

    def done(host: str) -> None:
        barrier.wait(timeout=30)
        r = requests.post(f"{host}/erinnerungen/{target}/erledigt/", data={"csrfmiddlewaretoken": csrf},
                          headers={"Cookie": cookie}, allow_redirects=False, timeout=30)  # fmt: skip
        statuses.append(r.status_code)

    threads = [threading.Thread(target=done, args=(h,)) for h in hosts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    after = [open_ids(h) for h in hosts]
    with connection.cursor() as cursor:
        cursor.execute("SELECT done_at IS NOT NULL FROM reviews_reminder WHERE id = %s", [target])
        done_in_db = cursor.fetchone()[0]
        cursor.execute("UPDATE reviews_reminder SET done_at = NULL WHERE id = %s", [target])  # back as it was
    result.update({
        "done_statuses": sorted(statuses), "done_in_db": done_in_db,
        "gone_everywhere": all(target not in a for _s, a in after),
        "ok": same_before and done_in_db and all(target not in a for _s, a in after)
        and len({tuple(a) for _s, a in after}) == 1,
    })  # fmt: skip
    return result


def run(*, env: dict, seconds: int = 60, ramp: tuple[int, ...] = (4, 8, 16, 32), ramp_seconds: int = 20,
        overload_seconds: int = 30, extra_env: dict | None = None, scale_out: bool = True, ramp_only: bool = False,
        log=print) -> dict:  # fmt: skip
    from benchmarks.load import signin_storm

    fms = load_plan()
    reset(fms)
    fms = load_plan()
    server = Gunicorn(env, extra_env)
    hosts = [server.url]
    result: dict = {"server": "gunicorn.conf.py (production): " + _server_config(env, extra_env), "ramp": []}
    try:
        sessions = {}
        for username in [*sorted(fms), "bench_pap"]:
            signed = sign_in(server.url, username)
            if signed:
                sessions[username] = signed
        result["sessions"] = len(sessions)

        def mix(users: int, secs: int, **kw) -> dict:
            reset(fms)  # the versions of the reset cases moved on: read the plan again
            return run_mix(hosts=hosts, connections=users, seconds=secs, sessions=sessions, fms=load_plan(),
                           servers=[server], **kw)  # fmt: skip

        for n in ramp:
            step = mix(n, ramp_seconds)
            result["ramp"].append(step)
            log(f"  wrk ramp {n:>4} users: {_line(step)}")
        if ramp_only:
            return result
        peak = max(result["ramp"], key=lambda s: s["rps"])
        users = peak["users"]
        result["peak_users"] = users
        result["steady"] = mix(users, seconds)
        log(f"  wrk steady {users} users {seconds} s: {_line(result['steady'])}")
        result["overload"] = []
        for factor in (2, 4):
            step = mix(users * factor, overload_seconds)
            step["factor"] = factor
            result["overload"].append(step)
            log(f"  wrk overload {factor}× ({users * factor} users): {_line(step)}")
        storm_users = sorted(fms)[:50]
        result["storm_baseline"] = mix(users, overload_seconds)
        log(f"  wrk mix without sign-ins (storm baseline): {_line(result['storm_baseline'])}")
        result["storm"] = mix(
            users, overload_seconds, during=lambda: {"storm": signin_storm(server.url, storm_users)}
        )
        log(
            f"  wrk mix during sign-in storm: {_line(result['storm'])}; storm {result['storm'].get('during')}"
        )
        if scale_out:
            second = Gunicorn(env, extra_env)
            try:
                hosts.append(second.url)
                reset(fms)
                result["scale_out"] = run_mix(hosts=hosts, connections=users * 2, seconds=overload_seconds,
                                              sessions=sessions, fms=load_plan(), servers=[server, second])  # fmt: skip
                log(f"  wrk scale-out 2 instances ({users * 2} users): {_line(result['scale_out'])}")
                reset(fms)
                result["scale_out"]["race"] = race_transition(hosts, sessions, load_plan())
                result["scale_out"]["reminders"] = same_reminders(hosts, sessions, fms)
                log(
                    f"  cross-instance: race {result['scale_out']['race']}, reminders {result['scale_out']['reminders']}"
                )
            finally:
                hosts.pop()
                second.stop()
    finally:
        reset(fms)
        server.stop()
    return result


def _server_config(env: dict, extra_env: dict | None) -> str:
    e = {**env, **(extra_env or {})}
    return ", ".join(
        f"{k}={e.get(k, d)}"
        for k, d in (
            ("WEB_CONCURRENCY", "2"),
            ("GUNICORN_THREADS", "64"),
            ("FM_ADMISSION_LIMIT", "4"),
            ("FM_ADMISSION_WAIT_MS", "100"),
            ("FM_SIGNIN_LIMIT", "1"),
        )  # fmt: skip
    )


def _line(s: dict) -> str:
    return (f"{s['rps']} req/s, p50 {s['p50_ms']} p95 {s['p95_ms']} ms, 503 {s['refused_503']} "
            f"(p95 {s['refused_p95_ms']} ms), errors {s['errors']} (timeouts {s['timeouts']}), "
            f"wrk CPU {s['wrk_cpu_share']:.1%}, server CPU {s['server_cpu_share']:.1%} + PG {s.get('postgres_cpu_share', 0):.1%}, "
            f"{s.get('cpu_ms_per_request')} CPU-ms/req, load {' '.join(s['loadavg'])}")  # fmt: skip


def main() -> int:
    import argparse
    import json

    os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
    import django

    django.setup()
    parser = argparse.ArgumentParser(description="wrk scenarios of issue 17 alone")
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--ramp", default="4,8,16,32")
    parser.add_argument("--ramp-seconds", type=int, default=20)
    parser.add_argument("--overload-seconds", type=int, default=30)
    parser.add_argument("--no-scale-out", action="store_true")
    parser.add_argument("--ramp-only", action="store_true", help="only the ramp steps (tuning sweeps)")
    parser.add_argument(
        "--set", action="append", default=[], help="extra server env, e.g. FM_ADMISSION_LIMIT=3"
    )
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    extra = dict(x.split("=", 1) for x in args.set)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
    print("server:", _server_config(env, extra), flush=True)
    result = run(env=env, seconds=args.seconds, ramp=tuple(int(x) for x in args.ramp.split(",")),
                 ramp_seconds=args.ramp_seconds, overload_seconds=args.overload_seconds, extra_env=extra,
                 scale_out=not args.no_scale_out, ramp_only=args.ramp_only,
                 log=lambda *a: print(*a, flush=True))  # fmt: skip
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())

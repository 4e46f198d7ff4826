"""`make bench`: every scenario of issue 8 in one run, one table, JSON and a Markdown report.

    make bench                                   # BENCH_DATABASE_URL, default postgres://…/fm_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fm_bench_pages DJANGO_DEBUG=0 DJANGO_SECRET_KEY=bench-only \
        .venv/bin/python -m benchmarks.run [--active 1000000] [--fill] [--daily run|json|skip] [--skip-load]

1–3 pages and the list pages (benchmarks/pages.py) on the national data set of benchmarks/generate.py
(filled when missing or smaller than --active; --fill forces it), 4 daily jobs (benchmarks/daily_jobs.py as
a subprocess on `<database>_daily`: its own data and its own RSS), 5 monthly report
(benchmarks/monthly_report.measure on this data set's outcome records), 6 load and sign-in storm
(benchmarks/load.py). Writes benchmarks/results/bench.json and benchmarks/results/REPORT.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

# Production settings (DJANGO_DEBUG=0, as `make bench` sets it) served over plain HTTP on loopback.
os.environ["DJANGO_SETTINGS_MODULE"] = "benchmarks.settings"
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fm_bench")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")

import django  # noqa: E402

django.setup()

import gc  # noqa: E402

# As gunicorn.conf.py does in the master before forking the workers: what is loaded at start-up is kept
# out of the garbage collector's full collections (the pages are measured in this process).
gc.freeze()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from benchmarks import generate, pages  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
DAILY_TARGETS = {"daily_s": 10.0, "rerun_s": 2.0, "rss_mb": 300.0}
MONTHLY_TARGET_S = 2.0
LOAD_TARGETS = {"rps": 100.0, "p95_ms": 150.0, "errors": 0}


def log(*args) -> None:
    print(*args, flush=True)


# --- 4 daily jobs ---------------------------------------------------------------------------------------


def _ensure_database(url: str) -> None:
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    admin = psycopg.connect(
        host=config.get("HOST") or "127.0.0.1", port=config.get("PORT") or 5432,
        user=config.get("USER") or "postgres", password=config.get("PASSWORD") or None,
        dbname="postgres", autocommit=True,
    )  # fmt: skip
    with admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def daily_jobs(*, active: int, mode: str) -> dict:
    """benchmarks.daily_jobs has no callable that leaves our data alone (its fill truncates the tables), and
    its RSS figure must be its own process's: run it as a subprocess on `<database>_daily`."""
    path = RESULTS / "daily_jobs.json"
    info: dict = {"mode": mode}
    if mode == "run":
        url = os.environ["DATABASE_URL"].rstrip("/") + "_daily"
        _ensure_database(url)
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
        started = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.daily_jobs", "--cases", str(active)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600,
        )  # fmt: skip
        info["wall_s"] = round(time.perf_counter() - started, 1)
        info["database"] = url.rsplit("/", 1)[-1]
        if proc.returncode != 0:
            info["error"] = proc.stderr[-3000:]
            return info
    if not path.exists():
        info["error"] = f"{path} missing"
        return info
    runs = json.loads(path.read_text())
    key = min(runs, key=lambda k: abs(int(k) - active))
    entry = runs[key]
    info.update(entry)
    small = [runs[k] for k in runs if int(k) < int(key) // 5]
    if small:  # queries independent of the case count: compare with a run at ≤ 1/5 of the cases
        s = {r["run"]: r for r in small[0]["runs"]}
        info["queries_at_smaller"] = {
            "active": small[0]["active_cases"],
            **{k: v["queries"] for k, v in s.items()},
        }
    runs_ = {r["run"]: r for r in entry["runs"]}
    checks = {"rss_mb": max(r["peak_rss_mb"] for r in entry["runs"]) <= DAILY_TARGETS["rss_mb"]}
    if "daily" in runs_:
        checks["daily_s"] = runs_["daily"]["seconds"] <= DAILY_TARGETS["daily_s"]
    if "rerun" in runs_:
        checks["rerun_s"] = runs_["rerun"]["seconds"] <= DAILY_TARGETS["rerun_s"]
    if "queries_at_smaller" in info and ("daily" in runs_ or "rerun" in runs_):
        checks["queries_constant"] = all(
            runs_[k]["queries"] == info["queries_at_smaller"].get(k, runs_[k]["queries"])
            for k in ("daily", "rerun")
            if k in runs_
        )
    info["checks"] = checks
    return info


# --- 5 monthly report -----------------------------------------------------------------------------------


def monthly_report() -> dict:
    try:
        from benchmarks import monthly_report as bench
        from reporting.services import monthly_report_build
    except ImportError as exc:
        return {"error": f"benchmarks.monthly_report not available: {exc}"}
    result = bench.measure("national")
    tracemalloc.start()
    monthly_report_build(month=bench.MONTH, today=bench.TODAY)
    result["peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1024 / 1024, 2)
    tracemalloc.stop()
    result["checks"] = {"median_s": result["median_s"] <= MONTHLY_TARGET_S}
    return result


# --- table, JSON, report --------------------------------------------------------------------------------


def _ok(checks: dict) -> str:
    if not checks:
        return "–"
    return "ok" if all(checks.values()) else "MISSED: " + ", ".join(k for k, v in checks.items() if not v)


def rows(report: dict) -> list[list[str]]:
    out = []
    what_if = [dict(x, title=x["title"] + " — what-if Fix") for x in report.get("pages_what_if", [])]
    for r in report["pages"] + what_if:
        t = r["targets"]
        target = ", ".join(
            x
            for x in (
                f"≤{t['queries']} q" if "queries" in t else "",
                f"p95≤{t['p95_ms']:g} ms" if "p95_ms" in t else "",
                f"≤{t['ratio']:g}× floor" if "ratio" in t else "",
                "no seq scan" if "no_seq_scan_on" in t else "",
            )
            if x
        )
        fw50, fw95 = r.get("framework_p50_ms"), r.get("framework_p95_ms")
        sql50, sql95 = r["floor_p50_ms"], r["floor_p95_ms"]
        out.append([
            r["title"], f"{r['p50_ms']}", f"{r['p95_ms']}", str(r["queries"]), f"{r['peak_mb']}",
            f"{fw50} / {fw95}" if fw50 is not None else "–",
            f"{sql50} / {sql95}" if sql50 is not None else "–",
            f"{r['ratio']}× / {r.get('ratio_p95')}×" if r["ratio"] is not None else "–", target,
            _ok(r["checks"]),
        ])  # fmt: skip
    d = report.get("daily_jobs") or {}
    if "runs" in d:
        by = {x["run"]: x for x in d["runs"]}
        for name, target in (("initial", "(Erstlauf, kein Ziel)"), ("daily", "≤10 s, ≤300 MB"),
                             ("rerun", "≤2 s, ≤300 MB")):  # fmt: skip
            x = by.get(name)
            if x:
                c = d["checks"]
                check = {} if name == "initial" else {"rss": c["rss_mb"]}
                if name == "daily" and "daily_s" in c:
                    check["s"] = c["daily_s"]
                if name == "rerun" and "rerun_s" in c:
                    check["s"] = c["rerun_s"]
                if name != "initial" and "queries_constant" in c:
                    check["queries"] = c["queries_constant"]
                seconds = x.get("seconds")
                out.append([f"4 Tagesjobs {name} ({d['active_cases']:,} aktiv)",
                            f"{seconds * 1000:.0f}" if seconds is not None else "–", "–", str(x.get("queries")),
                            f"{x.get('peak_rss_mb')} RSS", "–", "–", target, _ok(check)])  # fmt: skip
    elif d:
        out.append(
            ["4 Tagesjobs", "–", "–", "–", "–", "–", "–", "≤10 s", "ERROR: " + d.get("error", "")[:60]]
        )
    m = report.get("monthly_report") or {}
    if "median_s" in m:
        out.append([f"5 Monatsbericht ({m['records_in_month']:,} Datensätze)", f"{m['median_s'] * 1000:.0f}",
                    "–", str(m["queries"]), f"{m['peak_mb']}", "–", "–", "≤2 s", _ok(m["checks"])])  # fmt: skip
    elif m:
        out.append(
            ["5 Monatsbericht", "–", "–", "–", "–", "–", "–", "≤2 s", "ERROR: " + m.get("error", "")[:60]]
        )
    load = report.get("load") or {}
    if "steady" in load:
        s = load["steady"]
        checks = {"rps": s["rps"] >= LOAD_TARGETS["rps"], "p95": s.get("p95_ms", 1e9) <= LOAD_TARGETS["p95_ms"],
                  "errors": s["errors"] == 0}  # fmt: skip
        load["checks"] = checks
        out.append([f"6 Last {s['users']} Nutzer, {s['seconds']} s: {s['rps']} req/s", f"{s.get('p50_ms')}",
                    f"{s.get('p95_ms')}", "–", "–", "–", "–", f"≥100 req/s, p95≤150, 0 Fehler ({s['errors']})",
                    _ok(checks)])  # fmt: skip
        st = load.get("storm") or {}
        if st:
            out.append([f"6 Anmeldesturm {st['logins']} × Argon2: {st['total_s']} s gesamt", f"{st['p50_ms']}",
                        f"{st['p95_ms']}", "–", "–", "–", "–", f"gemessen (Fehler: {st['errors']})",
                        "ok" if st["errors"] == 0 else "MISSED: errors"])  # fmt: skip
    elif load:
        out.append(
            ["6 Last", "–", "–", "–", "–", "–", "–", "≥100 req/s", "ERROR: " + load.get("error", "")[:60]]
        )
    out += wrk_rows(report.get("wrk") or {})
    # Rows other than pages have no floors: their 9 cells get a blank framework-floor column.
    return [r if len(r) == len(HEADER) else [*r[:5], "–", *r[5:]] for r in out]


# Floors (issue 17): "FW" = the framework floor of the same run (benchmarks/floor.py: an authenticated request
# through the whole middleware stack rendering a trivial template in the layout), "SQL" = the page's rows by
# one raw query; "× Floor" = page p50 / (FW p50 + SQL p50) and page p95 / (FW p95 + SQL p95).
OVERLOAD_TARGETS = {"share_of_peak": 0.8, "p95_ms": 500.0, "refused_p95_ms": 200.0}


def _cpu(s: dict) -> str:
    return (f"wrk CPU {s['wrk_cpu_share']:.0%}, Server {s['server_cpu_share']:.0%} + PG "
            f"{s.get('postgres_cpu_share', 0):.0%}, {s.get('cpu_ms_per_request')} CPU-ms/req, load {s['loadavg'][0]}")  # fmt: skip


def wrk_rows(w: dict) -> list[list[str]]:
    """Issue 17's throughput, overload, sign-in storm and scale-out rows (benchmarks/wrkload.py)."""
    if not w:
        return []
    if "error" in w:
        return [["6 Last (wrk)", "–", "–", "–", "–", "–", "–", "≥100 req/s", "ERROR: " + w["error"][:80]]]
    out = []
    s = w["steady"]
    c = {"rps": s["rps"] >= LOAD_TARGETS["rps"], "p95": (s["p95_ms"] or 1e9) <= LOAD_TARGETS["p95_ms"],
         "errors": s["errors"] == 0 and s["refused_503"] == 0}  # fmt: skip
    w.setdefault("checks", {})["steady"] = c
    out.append([f"6 Durchsatz wrk, {s['users']} Verbindungen, {s['seconds']} s: {s['rps']} req/s ({_cpu(s)})",
                f"{s['p50_ms']}", f"{s['p95_ms']}", "–", "–", "–", "–",
                f"≥100 req/s, p95≤150, 0 Fehler ({s['errors']} Fehler, {s['refused_503']}× 503)", _ok(c)])  # fmt: skip
    peak = max([*w["ramp"], s], key=lambda x: x["rps"])
    out.append([f"6 Rampe {', '.join(str(x['users']) for x in w['ramp'])} Verb.: "
                f"{' / '.join(str(x['rps']) for x in w['ramp'])} req/s, Spitze bei {w['peak_users']}",
                "–", " / ".join(str(x["p95_ms"]) for x in w["ramp"]), "–", "–", "–", "–", "Spitze finden", "–"])  # fmt: skip
    for o in w.get("overload", []):
        share = o["rps"] / peak["rps"] if peak["rps"] else 0.0
        c = {"throughput": share >= OVERLOAD_TARGETS["share_of_peak"],
             "p95": (o["p95_ms"] or 1e9) <= OVERLOAD_TARGETS["p95_ms"],
             "503_at_once": (o["refused_p95_ms"] or 0) <= OVERLOAD_TARGETS["refused_p95_ms"],
             "retry_after": o["refused_without_retry_after"] == 0,
             "no_timeouts": o["timeouts"] == 0, "errors": o["errors"] == 0}  # fmt: skip
        w["checks"][f"overload_{o['factor']}x"] = c
        out.append([f"6 Überlast {o['factor']}× ({o['users']} Verb.): {o['rps']} req/s = {share:.0%} der Spitze, "
                    f"{o['refused_503']}× 503 (p95 {o['refused_p95_ms']} ms) ({_cpu(o)})",
                    f"{o['p50_ms']}", f"{o['p95_ms']}", "–", "–", "–", "–",
                    "≥80 % Spitze, zugelassen p95≤500, 503+Retry-After sofort (p95≤200 ms), 0 Time-outs", _ok(c)])  # fmt: skip
    b, st = w.get("storm_baseline"), w.get("storm")
    if b and st:
        storm = (st.get("during") or {}).get("storm", {})
        c = {
            "p95_2x": (st["p95_ms"] or 1e9) <= 2 * (b["p95_ms"] or 0),
            "errors": st["errors"] == 0,
            "signins": storm.get("ok") == storm.get("logins"),
        }
        w["checks"]["storm"] = c
        out.append([f"6 Anmeldesturm {storm.get('logins')} × Argon2id (m=19 MiB, t=2, p=1) während der Mischung: "
                    f"Seiten-p95 {st['p95_ms']} ms vs {b['p95_ms']} ms ohne; Anmeldungen ok {storm.get('ok')}, "
                    f"p95 {storm.get('p95_ms')} ms, gesamt {storm.get('total_s')} s, Antworten {storm.get('statuses')}",
                    f"{st['p50_ms']}", f"{st['p95_ms']}", "–", "–", "–", "–", "Seiten-p95 ≤ 2× ohne Sturm", _ok(c)])  # fmt: skip
    so = w.get("scale_out")
    if so:
        race, rem = so.get("race", {}), so.get("reminders", {})
        c = {"errors": so["errors"] == 0, "locking": bool(race.get("ok")), "reminders": bool(rem.get("ok"))}
        w["checks"]["scale_out"] = c
        out.append([f"7 Zwei Instanzen, eine DB ({so['users']} Verb., Sitzungen von Instanz 1): {so['rps']} req/s; "
                    f"Transition gleichzeitig auf beiden: {race.get('exactly_one_won')}/{race.get('cases')} genau "
                    f"einer gewinnt {race.get('statuses')}; Erinnerungen gleich, erledigt einmal: {rem.get('ok')}",
                    f"{so['p50_ms']}", f"{so['p95_ms']}", "–", "–", "–", "–",
                    "Sitzungen, Sperren, Erinnerungen korrekt", _ok(c)])  # fmt: skip
    return out


HEADER = ["Szenario", "p50 ms", "p95 ms", "Queries", "Peak MB", "FW-Floor p50/p95", "SQL-Floor p50/p95",
          "× Floor p50/p95", "Ziel", "Ergebnis"]  # fmt: skip


def table(data: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in data)) for i, h in enumerate(HEADER)]
    line = "  ".join(h.ljust(w) for h, w in zip(HEADER, widths, strict=True))
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in data]
    return "\n".join([line, "  ".join("-" * w for w in widths), *body])


def markdown_table(data: list[list[str]]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(c.replace("|", "/") for c in r) + " |" for r in data]
    return "\n".join(lines)


ANALYSIS_START, ANALYSIS_END = "<!-- analysis -->", "<!-- /analysis -->"


def _execution_ms(plan: str) -> float:
    for line in reversed(plan.splitlines()):
        if line.startswith("Execution Time:"):
            return float(line.split()[2])
    return 0.0


def _plan_worth_showing(page: dict, plan: dict) -> bool:
    """All plans of scenario 2 (index-backed is its target); elsewhere the slow ones and seq scans on a
    large table — the rest are sub-millisecond index lookups."""
    if page["key"].startswith("tl_"):
        return True
    return _execution_ms(plan["plan"]) >= 5.0 or any(t in pages.BIG_TABLES for t in plan["seq_scans"])


def write_report(report: dict, data: list[list[str]]) -> Path:
    path = RESULTS / "REPORT.md"
    analysis = ""
    if path.exists():
        old = path.read_text()
        if ANALYSIS_START in old and ANALYSIS_END in old:
            analysis = old[old.index(ANALYSIS_START) : old.index(ANALYSIS_END) + len(ANALYSIS_END)]
    env = report["environment"]
    parts = [
        "# Benchmark report (issues 8, 13 and 17)",
        "",
        f"Generated by `make bench` (benchmarks/run.py) on {report['finished']} — {env['cpus']} CPUs, "
        f"PostgreSQL {env['postgres']}, DEBUG={env['debug']}, load average {' '.join(env['loadavg'])}. "
        f"Data: {report['data'].get('cases', 0):,} cases ({report['data'].get('active_cases', 0):,} active), "
        f"{report['data'].get('outcome_records', 0):,} outcome records; page timings are server time "
        f"(Django test client in process, {report['runs']} runs after warm-up).",
        "",
        markdown_table(data),
        "",
        analysis or f"{ANALYSIS_START}\n(no analysis yet)\n{ANALYSIS_END}",
        "",
        "## Query plans (EXPLAIN ANALYZE at full size)",
        "",
    ]
    what_if = [dict(x, title=x["title"] + " — what-if Fix") for x in report.get("pages_what_if", [])]
    for r in report["pages"] + what_if:
        parts.append(f"### {r['title']} — `{r['url']}`: {r['queries']} queries")
        seq = r["seq_scans"]
        parts.append(
            f"Seq scans on large tables: **{', '.join(seq)}**" if seq else "No seq scan on a large table."
        )
        parts.append("")
        for i, p in enumerate(r["plans"], 1):
            if not _plan_worth_showing(r, p):
                continue
            first = p["plan"].splitlines()
            timing = next((x for x in reversed(first) if x.startswith("Execution Time")), "")
            parts.append(f"<details><summary>Query {i}: {timing or 'plan'}"
                         f"{' — Seq Scan on ' + ', '.join(p['seq_scans']) if p['seq_scans'] else ''}</summary>")  # fmt: skip
            parts.append("")
            parts.append("```sql\n" + p["sql"][:3000] + "\n```")
            parts.append("```\n" + p["plan"] + "\n```")
            parts.append("</details>")
            parts.append("")
    path.write_text("\n".join(parts) + "\n")
    return path


def _static_stale() -> bool:
    """collectstatic compresses every file (minutes): only when the manifest is missing or older than a
    source file."""
    from django.contrib.staticfiles.finders import get_finders

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    for finder in get_finders():
        for path, storage in finder.list([]):
            if os.path.getmtime(storage.path(path)) > built:
                return True
    return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--active", type=int, default=1_000_000, help="active background cases (and outcome records)"
    )
    parser.add_argument("--fill", action="store_true", help="regenerate the data set even if it is there")
    parser.add_argument("--runs", type=int, default=30, help="measured requests per page")
    parser.add_argument("--daily", choices=["run", "json", "skip"], default="run",
                        help="run benchmarks.daily_jobs (default), only read its last JSON, or skip")  # fmt: skip
    parser.add_argument("--skip-monthly", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--load-seconds", type=int, default=60)
    parser.add_argument("--load-users", type=int, default=50, help="users of the locust run (--locust)")
    parser.add_argument(
        "--locust", action="store_true", help="also the locust run of issue 8 (CPU-heavy client)"
    )
    parser.add_argument("--only", default="", help="comma-separated page scenario keys")
    parser.add_argument("--what-if", action="store_true",
                        help="also measure the pages with the proposed FM-scope fix patched in (in process only)")  # fmt: skip
    args = parser.parse_args(argv)

    name = str(connection.settings_dict["NAME"])
    if "bench" not in name:
        log(f"Refusing to use database {name!r}: its name must contain 'bench'.")
        return 2
    started = time.perf_counter()
    _ensure_database(os.environ["DATABASE_URL"])  # a fresh machine has none yet
    log(f"database {name}; DEBUG={settings.DEBUG}")
    call_command("migrate", verbosity=0)
    if not settings.DEBUG and _static_stale():
        log("collectstatic (the manifest storage of DEBUG=0 needs it) …")
        call_command("collectstatic", verbosity=0, interactive=False)
    info = None if args.fill else generate.data_info()
    if info is None or info["active_cases"] < args.active or info["outcome_records"] < args.active:
        log(f"filling {args.active:,} active cases …")
        filled = generate.fill(args.active)
        log(f"  filled in {filled['seconds']} s: {filled['steps']}")
        info = generate.data_info()
        info["fill"] = filled
    else:
        log(f"reusing the data set: {info}")
    report: dict = {"data": info, "runs": args.runs, "targets": {"daily": DAILY_TARGETS,
                    "monthly_s": MONTHLY_TARGET_S, "load": LOAD_TARGETS}}  # fmt: skip

    log("pages …")
    only = {k for k in args.only.split(",") if k} or None
    results = pages.run_all(special_case_id=info["special_case_id"], runs=args.runs, only=only)
    report["pages"] = [r.__dict__ | {"ok": r.ok} for r in results]
    for r in results:
        log(f"  {r.key:<14} p50 {r.p50_ms:>7} ms  p95 {r.p95_ms:>7} ms  {r.queries:>3} q  seq {r.seq_scans}")

    if args.what_if:
        log("pages with the proposed FM-scope fix (what-if) …")
        undo = pages.patch_fm_scope()
        try:
            fixed = pages.run_all(special_case_id=info["special_case_id"], runs=args.runs, only=only)
        finally:
            undo()
        report["pages_what_if"] = [r.__dict__ | {"ok": r.ok} for r in fixed]
        for r in fixed:
            log(
                f"  {r.key:<14} p50 {r.p50_ms:>7} ms  p95 {r.p95_ms:>7} ms  {r.queries:>3} q  seq {r.seq_scans}"
            )

    if not args.skip_monthly:
        log("monthly report …")
        report["monthly_report"] = monthly_report()
    if not args.skip_load:
        log("load (wrk) …")
        from benchmarks import wrkload

        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
        try:
            report["wrk"] = wrkload.run(env=env, seconds=args.load_seconds, log=log)
        except Exception as exc:  # noqa: BLE001 - reported in the table, the other scenarios stand
            report["wrk"] = {"error": f"{type(exc).__name__}: {exc}"}
    if args.locust:
        log("load (locust, issue 8's run) …")
        from benchmarks import load

        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "benchmarks.settings"}
        try:
            report["load"] = load.run(env=env, seconds=args.load_seconds, users=args.load_users, log=log)
        except Exception as exc:  # noqa: BLE001 - reported in the table, the other scenarios stand
            report["load"] = {"error": f"{type(exc).__name__}: {exc}"}
    if args.daily != "skip":
        log(f"daily jobs ({args.daily}) …")
        connection.close()
        report["daily_jobs"] = daily_jobs(active=args.active, mode=args.daily)

    with open("/proc/loadavg") as f:
        loadavg = f.read().split()[:3]
    report["environment"] = {
        "cpus": os.cpu_count(),
        "postgres": connection.cursor().connection.info.server_version,
        "debug": settings.DEBUG,
        "loadavg": loadavg,
        "process_peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    report["finished"] = datetime.datetime.now().isoformat(timespec="seconds")
    report["seconds"] = round(time.perf_counter() - started, 1)
    data = rows(report)
    log("")
    log(table(data))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "bench.json").write_text(json.dumps(report, indent=2, default=str))
    path = write_report(report, data)
    log(f"\nwritten {RESULTS / 'bench.json'} and {path} ({report['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

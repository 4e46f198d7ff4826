"""Benchmark of the monthly report (issue 5 "Speed"): REP-1/REP-2 over 1,000,000 outcome records ≤ 2 s.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fm_bench_report DJANGO_DEBUG=1 \
        .venv/bin/python -m benchmarks.monthly_report --records 1000000

Uses a separate database (it refuses names that do not contain "bench"; a missing one is created),
migrates it, and fills it set-based with `INSERT … SELECT generate_series`: 12 areas and N anonymous
outcome records. Two scenarios:

1. `one_month`: all N records lie in the reported month — the worst case, every record is aggregated;
2. `spread`: N further records spread over the 24 months before — the reported month is found through
   the (month, area) index among 2·N rows.

For each: the best and median wall time of `monthly_report_build` over 5 runs (after one warm-up), and
its number of queries. Prints a table and writes benchmarks/results/monthly_report.json.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fallmanagement.settings")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fm_bench_report")

import django  # noqa: E402
import environ  # noqa: E402

MONTH = datetime.date(2026, 10, 1)
TODAY = datetime.date(2026, 11, 20)
RESULTS = Path(__file__).resolve().parent / "results" / "monthly_report.json"
RUNS = 5


def ensure_database(url: str) -> None:
    import psycopg

    config = environ.Env.db_url_config(url)
    name = config["NAME"]
    if "bench" not in name:
        sys.exit(f"Refusing to fill {name!r}: the benchmark database name must contain 'bench'.")
    admin = psycopg.connect(
        host=config.get("HOST") or "127.0.0.1",
        port=config.get("PORT") or 5432,
        user=config.get("USER") or "postgres",
        password=config.get("PASSWORD") or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            admin.execute(f'CREATE DATABASE "{name}"')


def fill(n: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE reporting_outcomerecord, reporting_monthlyreport")
        cursor.execute(
            "INSERT INTO org_area (name) SELECT 'Bench-Bereich ' || g FROM generate_series(1, 12) g "
            "ON CONFLICT (name) DO NOTHING"
        )
        insert = """
            INSERT INTO reporting_outcomerecord
                (id, area_id, month, exit_reason_code, is_integration, medical_service_involved, health_need,
                 needs_at_start, needs_reduced, social_participation_progress, months_in_case_management)
            SELECT gen_random_uuid(), a.ids[1 + (g %% a.n)], %s::date,
                   'B' || lpad((1 + g %% 14)::text, 2, '0'), g %% 14 < 3, g %% 3 = 0, g %% 2 = 0,
                   3 + g %% 5, g %% 4, g %% 5 = 0, (g * 7) %% 48
            FROM generate_series(1, %s) g,
                 (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM org_area) a
        """
        cursor.execute(insert, [MONTH, n])
    analyze()


def fill_spread(n: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO reporting_outcomerecord
                (id, area_id, month, exit_reason_code, is_integration, medical_service_involved, health_need,
                 needs_at_start, needs_reduced, social_participation_progress, months_in_case_management)
            SELECT gen_random_uuid(), a.ids[1 + (g %% a.n)], (%s::date - make_interval(months => 1 + g %% 24))::date,
                   'B05', g %% 4 = 0, g %% 3 = 0, g %% 2 = 0, 3, g %% 3, g %% 5 = 0, g %% 40
            FROM generate_series(1, %s) g,
                 (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM org_area) a
            """,
            [MONTH, n],
        )
    analyze()


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reporting_outcomerecord")


def measure(label: str) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting.models import OutcomeRecord
    from reporting.services import monthly_report_build

    monthly_report_build(month=MONTH, today=TODAY)  # warm-up (caches, plans)
    times = []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            report = monthly_report_build(month=MONTH, today=TODAY)
            times.append(time.perf_counter() - start)
    return {
        "scenario": label,
        "records_total": OutcomeRecord.objects.count(),
        "records_in_month": report.data["total"]["exits"],
        "best_s": round(min(times), 3),
        "median_s": round(statistics.median(times), 3),
        "queries": len(queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--skip-spread", action="store_true")
    args = parser.parse_args()

    ensure_database(os.environ["DATABASE_URL"])
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    results = []
    start = time.perf_counter()
    fill(args.records)
    print(f"filled {args.records:,} records in {time.perf_counter() - start:.1f} s")
    results.append(measure("one_month"))
    if not args.skip_spread:
        start = time.perf_counter()
        fill_spread(args.records)
        print(f"added {args.records:,} records over 24 months in {time.perf_counter() - start:.1f} s")
        results.append(measure("spread"))
    print(f"{'scenario':<12}{'records':>12}{'in month':>12}{'best s':>9}{'median s':>10}{'queries':>9}")
    for r in results:
        print(
            f"{r['scenario']:<12}{r['records_total']:>12,}{r['records_in_month']:>12,}"
            f"{r['best_s']:>9}{r['median_s']:>10}{r['queries']:>9}"
        )
    ok = all(r["median_s"] <= 2.0 for r in results)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps({"target_s": 2.0, "ok": ok, "results": results}, indent=2) + "\n")
    print("target ≤ 2 s:", "met" if ok else "MISSED")


if __name__ == "__main__":
    main()

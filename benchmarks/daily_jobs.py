"""Benchmark of the daily jobs (issue 3 "Speed and scale").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fm_bench DJANGO_DEBUG=1 \
        .venv/bin/python -m benchmarks.daily_jobs --cases 1000000

Fills a separate database (it refuses names that do not contain "bench") set-based with
`INSERT … SELECT generate_series` — organisation, households, clients (10 % more than cases, 5 % with
three access needs), cases in mixed states with admission dates spread over 40 months, the review
history of a system that has been running (past reviews mostly documented), and agreements — then
measures `daily_jobs_run`:

1. `initial`: the first run as of the day before (creates the reminder backlog of the filled data),
2. `daily`: the next day's run (what beat does every morning),
3. `rerun`: the same day again (must create nothing).

For each: wall time, rows created, queries, and the process's peak RSS. Prints a table and writes
benchmarks/results/daily_jobs.json. Targets (issue 3): daily ≤ 10 s at 1,000,000 cases, rerun ≤ 2 s,
≤ 300 MB RSS, queries independent of the number of cases.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fallmanagement.settings")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.dummy.EmailBackend")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from reviews.services import daily_jobs_run  # noqa: E402

DAY = datetime.date(2026, 11, 20)
RESULTS = Path(__file__).resolve().parent / "results" / "daily_jobs.json"


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fill(n_cases: int) -> dict:
    n_fm = max(1, n_cases // 100)  # ~70 active cases per FM
    n_teams = max(1, n_fm // 10)
    n_sites = max(1, n_teams // 8)
    n_areas = max(1, n_sites // 5)
    n_clients = n_cases + n_cases // 10
    tl0, pap0 = n_fm, n_fm + n_teams  # staff id offsets
    p = {
        "day": DAY,
        "n": n_cases,
        "fm": n_fm,
        "teams": n_teams,
        "sites": n_sites,
        "areas": n_areas,
        "clients": n_clients,
        "tl0": tl0,
        "pap0": pap0,
    }
    statements = [
        "SET session_replication_role = replica",  # bulk load: no triggers (history, FK checks)
        """TRUNCATE reviews_reminder, reviews_reminderdigest, reviews_review, reviews_dailyjobrun,
           plans_agreement, cases_caseevent, cases_clientneed, cases_case, cases_client, cases_household,
           org_team_leads, org_area_leads, org_substitution, org_staff, org_team, org_site, org_area CASCADE""",
        "INSERT INTO org_area (id, name) SELECT g, 'Bereich ' || g FROM generate_series(1, %(areas)s) g",
        """INSERT INTO org_site (id, name, area_id) SELECT g, 'Standort ' || g, 1 + g %% %(areas)s
           FROM generate_series(1, %(sites)s) g""",
        """INSERT INTO org_team (id, name, site_id, rucksack_fallmanagement)
           SELECT g, 'Team ' || g, 1 + g %% %(sites)s, false FROM generate_series(1, %(teams)s) g""",
        """INSERT INTO org_staff (id, password, is_superuser, username, first_name, last_name, email, is_staff,
               is_active, date_joined, role, weekly_hours, team_id{staff_extra_cols})
           SELECT g, '!', false, 'staff' || g, 'Vorname', 'Nachname' || g, 'staff' || g || '@jobcenter.invalid',
                  false, true, now(),
                  CASE WHEN g <= %(tl0)s THEN 'fallmanager' WHEN g <= %(pap0)s THEN 'teamleitung' ELSE 'pap' END,
                  39,
                  CASE WHEN g <= %(tl0)s THEN 1 + g %% %(teams)s WHEN g <= %(pap0)s THEN g - %(tl0)s
                       ELSE 1 + g %% %(teams)s END{staff_extra_vals}
           FROM generate_series(1, %(pap0)s + 2 * %(teams)s) g""",
        """INSERT INTO org_team_leads (team_id, staff_id) SELECT g, %(tl0)s + g FROM generate_series(1, %(teams)s) g""",
        "INSERT INTO cases_household (id, number) SELECT g, 'BG' || g FROM generate_series(1, %(clients)s) g",
        """INSERT INTO cases_client (id, customer_number, first_name, last_name, birth_date,
               integration_expected_within_12_months, access_check_result, created_at, site_id, household_id)
           SELECT g, 'K' || g, 'Vorname', 'Nachname' || g, DATE '1980-01-01' + (g %% 9000),
                  g %% 7 = 0, '', %(day)s::date - (g %% 1300) - interval '1 day', 1 + g %% %(sites)s, g
           FROM generate_series(1, %(clients)s) g""",
        """INSERT INTO cases_clientneed (client_id, need_id, identified_on, status)
           SELECT c, n.id, %(day)s::date - 400, 'open'
           FROM generate_series(20, %(clients)s, 20) c
           CROSS JOIN (SELECT id FROM catalog_need WHERE code IN ('L_PSYCHE', 'R_WOHNEN', 'R_FINANZEN')) n""",
        # Cases: 70 % active (admitted over 40 months), 5 % clearing, 3 % referred, 20 % closed, 2 % rejected.
        """INSERT INTO cases_case (id, client_id, fallmanager_id, state, version, referred_on, handover_talk_on,
               handover_kind, reasons, expected_progress, meets_formal_access, individual_decision_reason,
               clearing_started_on, admitted_on, decided_on, decision_justification, forwarded_to,
               forwarded_to_detail, dispute_comment, dispute_decision_comment, closed_on, exit_justification,
               imported, created_at, updated_at)
           SELECT g, g, 1 + g %% %(fm)s, s.state, 1, s.adm - 30, s.adm - 31, 'personal', 'Gründe', 'Fortschritt',
                  true, '', CASE WHEN s.state = 'clearing' THEN %(day)s::date - (g %% 80) ELSE s.adm - 20 END,
                  CASE WHEN s.state IN ('active', 'closed') THEN s.adm END, NULL, '', '', '', '', '',
                  CASE WHEN s.state = 'closed' THEN LEAST(s.adm + 300, %(day)s::date - 1) END, '', false, now(), now()
           FROM generate_series(1, %(n)s) g
           CROSS JOIN LATERAL (
               SELECT CASE WHEN g %% 100 < 70 THEN 'active' WHEN g %% 100 < 75 THEN 'clearing'
                           WHEN g %% 100 < 78 THEN 'referred' WHEN g %% 100 < 98 THEN 'closed' ELSE 'rejected' END
                      AS state,
                      %(day)s::date - ((g::bigint * 7919) %% 1217)::int AS adm
           ) s""",
        # The review history of a running system: past reviews (due > 30 days ago) documented for 97 % of
        # cases; the rest and all recent ones still due.
        """INSERT INTO reviews_review (case_id, month, due_on, gate, state, decision, reasons, prognosis,
               teamleitung_comment, documented_on, created_at)
           SELECT c.id, m.month, d.due_on, m.gate,
                  CASE WHEN d.due_on < %(day)s::date - 30 AND c.id %% 33 <> 0 THEN
                       CASE m.gate WHEN 'teamleitung_approval' THEN 'approved'
                                   WHEN 'inform_teamleitung' THEN 'acknowledged' ELSE 'documented' END
                       ELSE 'due' END,
                  CASE WHEN d.due_on < %(day)s::date - 30 AND c.id %% 33 <> 0 THEN
                       CASE m.gate WHEN 'final' THEN 'end' ELSE 'continue' END ELSE '' END,
                  '', '', '', NULL, now()
           FROM cases_case c
           CROSS JOIN (VALUES (6, 'document'), (12, 'inform_teamleitung'), (18, 'inform_teamleitung'),
                              (24, 'teamleitung_approval'), (30, 'teamleitung_approval'), (36, 'final')) m(month, gate)
           CROSS JOIN LATERAL (SELECT (c.admitted_on + make_interval(months => m.month))::date AS due_on) d
           WHERE c.state = 'active' AND d.due_on < %(day)s::date - 20""",
        # Agreements (PLAN-3) for half of the active cases, review dates around the benchmark day.
        """INSERT INTO plans_agreement (case_id, waived, justification, title, title_note, concluded_on,
               review_due_on, client_commitments, jobcenter_commitments, recorded_on, superseded_on, created_at,
               created_by_id)
           SELECT c.id, false, '', 'Kooperationsplan', '', r - 180, r, '', '', r - 180, NULL, now(), c.fallmanager_id
           FROM cases_case c CROSS JOIN LATERAL (SELECT %(day)s::date + ((c.id * 31) %% 200 - 100)::int AS r) x
           WHERE c.state = 'active' AND c.id %% 2 = 0""",
        "SET session_replication_role = origin",
    ]
    # Text columns added to Staff later by other apps (NOT NULL, blank=True) get ''.
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT column_name FROM information_schema.columns WHERE table_name = 'org_staff'
               AND is_nullable = 'NO' AND column_default IS NULL AND data_type IN ('character varying', 'text')
               AND column_name NOT IN ('password', 'username', 'first_name', 'last_name', 'email', 'role')"""
        )
        extra = [row[0] for row in cursor.fetchall()]
    statements = [
        sql.replace("{staff_extra_cols}", "".join(f", {c}" for c in extra)).replace(
            "{staff_extra_vals}", "".join(", ''" for _ in extra)
        )
        for sql in statements
    ]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql, p)
        for table in (
            "org_area",
            "org_site",
            "org_team",
            "org_staff",
            "cases_household",
            "cases_client",
            "cases_case",
            "cases_clientneed",
            "reviews_review",
            "plans_agreement",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT max(id) FROM {table}), 1))"
            )
        cursor.execute("ANALYZE")
    return {"seconds": round(time.perf_counter() - started, 1), **{k: v for k, v in p.items() if k != "day"}}


def measure(label: str, on: datetime.date) -> dict:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        counts = daily_jobs_run(on=on)
        seconds = time.perf_counter() - started
    created = sum(v for k, v in counts.items() if k != "digests")
    return {
        "run": label,
        "on": on.isoformat(),
        "seconds": round(seconds, 2),
        "created": created,
        "digests": counts.get("digests", 0),
        "queries": len(queries),
        "peak_rss_mb": round(rss_mb(), 1),
        "counts": counts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--skip-fill", action="store_true", help="reuse the data of the last fill")
    args = parser.parse_args(argv)
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        print(f"Refusing to fill database {name!r}: its name must contain 'bench'.", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    filled = {"seconds": 0.0, "n": args.cases} if args.skip_fill else fill(args.cases)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FILTER (WHERE state = 'active'), count(*) FROM cases_case")
        active, total = cursor.fetchone()
    results = [measure("initial", DAY - datetime.timedelta(days=1))]
    # Overnight autovacuum would have analysed the tables the initial run filled; do it explicitly.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE reviews_reminder, reviews_review, reviews_reminderdigest")
    results += [measure("daily", DAY), measure("rerun", DAY)]
    report = {
        "cases": total,
        "active_cases": active,
        "fill": filled,
        "runs": results,
        "postgres": connection.cursor().connection.info.server_version,
        "cpus": os.cpu_count(),
    }
    print(f"\ncases {total:,} (active {active:,}); fill {filled['seconds']} s")
    print(
        f"{'run':<8} {'date':<11} {'seconds':>8} {'created':>9} {'digests':>8} {'queries':>8} {'peak RSS MB':>12}"
    )
    for r in results:
        print(
            f"{r['run']:<8} {r['on']:<11} {r['seconds']:>8} {r['created']:>9} {r['digests']:>8} "
            f"{r['queries']:>8} {r['peak_rss_mb']:>12}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    runs = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    runs[str(total)] = report
    RESULTS.write_text(json.dumps(runs, indent=2, default=str))
    print(f"written {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Benchmark of the daily jobs (issue 3 "Speed and scale").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fm_bench DJANGO_DEBUG=1 \
        .venv/bin/python -m benchmarks.daily_jobs --cases 1000000

Fills a separate database (it refuses names that do not contain "bench") set-based with
`INSERT … SELECT generate_series` (secondary indexes dropped during the load and rebuilt after, then
VACUUM ANALYZE as autovacuum would) — organisation, households, clients (10 % more than cases, 5 % with
three access needs), `--cases` ACTIVE cases plus 30 % more in other states, admission dates spread over 40
months, `updated_at` in the past, the review history of a system that has been running (past reviews
mostly documented), and agreements — then measures `daily_jobs_run`:

1. `initial`: the first run as of the day before (no earlier run: derives everything, creating the
   reminder backlog of the filled data — a one-off at go-live),
2. `daily`: the next day's run after a simulated working day (0.5 % of active cases edited, late
   admissions/imports with admission dates up to 30 months back, new agreements, a new TL) — what beat
   does every morning, incremental from the initial run,
3. `rerun`: the same day again (must create nothing), `--reruns` times; the median is reported.

For each: wall time, rows created, queries, and the process's peak RSS; plus the load average (the
machine is shared). Prints a table and writes benchmarks/results/daily_jobs.json (keyed by active cases).
Targets (issue 3): daily ≤ 10 s at 1,000,000 active cases, rerun ≤ 2 s, ≤ 300 MB RSS, queries independent
of the number of cases.
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

from jobs.daily import daily_jobs_run  # noqa: E402

DAY = datetime.date(2026, 11, 20)
RESULTS = Path(__file__).resolve().parent / "results" / "daily_jobs.json"


def rss_mb() -> float:
    """Peak RSS of this process since the last `reset_peak_rss()` (VmHWM), else since it started."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak_rss() -> None:
    """Start a new peak for the next run (Linux: writing 5 to clear_refs resets VmHWM), so that each run
    reports its own peak and not the one-off initial run's."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
    except OSError:
        pass


BULK_TABLES = (
    "cases_household",
    "cases_client",
    "cases_clientneed",
    "cases_case",
    "reviews_review",
    "reviews_reminder",
    "plans_agreement",
    "duties_appointment",
    "followups_followup",
)


def _drop_secondary_indexes(cursor) -> list[str]:
    """Bulk load: drop the indexes that do not back a constraint (recreated after the load, which is several
    times faster than maintaining them row by row). Returns their definitions."""
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conname = i.indexname)""",
        [list(BULK_TABLES)],
    )
    rows = cursor.fetchall()
    for name, _definition in rows:
        cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _name, definition in rows]


def _bulk_defaults(cursor) -> list[str]:
    """NOT NULL columns without a default that later issues added to the bulk tables (e.g. the exit's handover
    note on `cases_case`) get a neutral database default for the load and the simulated day, so the
    hand-written INSERTs here need not name every column; returns the statements that drop them again."""
    cursor.execute(
        """SELECT table_name, column_name, data_type FROM information_schema.columns
           WHERE table_schema = 'public' AND table_name = ANY(%s) AND is_nullable = 'NO'
             AND column_default IS NULL AND is_identity = 'NO'""",
        [list(BULK_TABLES)],
    )
    neutral = {"character varying": "''", "text": "''", "boolean": "false", "jsonb": "'{}'::jsonb",
               "integer": "0", "smallint": "0"}  # fmt: skip
    drops = []
    for table, column, data_type in cursor.fetchall():
        if data_type in neutral:
            cursor.execute(f'ALTER TABLE {table} ALTER COLUMN "{column}" SET DEFAULT {neutral[data_type]}')
            drops.append(f'ALTER TABLE {table} ALTER COLUMN "{column}" DROP DEFAULT')
    return drops


def fill(n_active: int) -> dict:
    """`n_active` active cases (70 % of all cases; the other states on top)."""
    n_cases = n_active * 10 // 7
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
        """TRUNCATE duties_appointment, followups_followup, reviews_reminder, reviews_reminderdigest, reviews_review, reviews_dailyjobrun,
           reviews_reminderrecipientsnapshot,
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
               integration_expected_within_12_months, access_check_result, created_at, updated_at, site_id,
               household_id)
           SELECT g, 'K' || g, 'Vorname', 'Nachname' || g, DATE '1980-01-01' + (g %% 9000),
                  g %% 7 = 0, '', %(day)s::date - (g %% 1300) - interval '1 day',
                  %(day)s::date - (g %% 1300) / 2 - interval '1 day', 1 + g %% %(sites)s, g
           FROM generate_series(1, %(clients)s) g""",
        """INSERT INTO cases_clientneed (client_id, need_id, identified_on, status, updated_at)
           SELECT c, n.id, %(day)s::date - 400, 'open', %(day)s::date - 400
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
                  CASE WHEN s.state = 'closed' THEN LEAST(s.adm + 300, %(day)s::date - 1) END, '', false,
                  now() - make_interval(days => 400), now() - make_interval(days => 2 + g %% 300)
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
                  '', '', '', NULL, d.due_on::timestamptz
           FROM cases_case c
           CROSS JOIN (VALUES (6, 'document'), (12, 'inform_teamleitung'), (18, 'inform_teamleitung'),
                              (24, 'teamleitung_approval'), (30, 'teamleitung_approval'), (36, 'final')) m(month, gate)
           CROSS JOIN LATERAL (SELECT (c.admitted_on + make_interval(months => m.month))::date AS due_on) d
           WHERE c.state = 'active' AND d.due_on < %(day)s::date - 20""",
        # Agreements (PLAN-3) for half of the active cases, review dates around the benchmark day.
        """INSERT INTO plans_agreement (case_id, waived, justification, title, title_note, concluded_on,
               review_due_on, client_commitments, jobcenter_commitments, recorded_on, superseded_on, created_at,
               created_by_id)
           SELECT c.id, false, '', 'Kooperationsplan', '', r - 180, r, '', '', r - 180, NULL, (r - 180)::timestamptz,
                  c.fallmanager_id
           FROM cases_case c CROSS JOIN LATERAL (SELECT %(day)s::date + ((c.id * 31) %% 200 - 100)::int AS r) x
           WHERE c.state = 'active' AND c.id %% 2 = 0""",
        # The working day's sources of the later issues (MIT-1/2, WORK-1): every active case has an appointment
        # behind it (every 5th still without an outcome, whose reminder the job raises 3 working days later)
        # and one ahead; every 5th an open Wiedervorlage due around the benchmark day.
        """INSERT INTO duties_appointment (starts_at, kind, is_summons, invited_on, place, purpose, note, outcome,
               outcome_reason, outcome_recorded_on, outcome_due_on, created_at, updated_at, case_id, created_by_id,
               outcome_recorded_by_id)
           SELECT (a.on_ + time '09:00') AT TIME ZONE 'Europe/Berlin', 'office', c.id %% 6 = 0, a.on_ - 14,
                  'Jobcenter', 'Beratungsgespräch', '', CASE WHEN a.past AND c.id %% 5 <> 0 THEN 'attended' ELSE '' END,
                  '', CASE WHEN a.past AND c.id %% 5 <> 0 THEN a.on_ END, a.on_ + 5, a.on_::timestamptz,
                  a.on_::timestamptz, c.id, c.fallmanager_id,
                  CASE WHEN a.past AND c.id %% 5 <> 0 THEN c.fallmanager_id END
           FROM cases_case c CROSS JOIN LATERAL (VALUES (%(day)s::date - 1 - (c.id %% 40)::int, true),
                                                        (%(day)s::date + (c.id %% 21)::int, false)) a(on_, past)
           WHERE c.state = 'active'""",
        """INSERT INTO followups_followup (due_on, note, state, created_at, updated_at, case_id, created_by_id)
           SELECT %(day)s::date + ((c.id %% 30) - 10)::int, 'Nachweise anfordern', 'open',
                  (%(day)s::date - 20)::timestamptz, (%(day)s::date - 20)::timestamptz, c.id, c.fallmanager_id
           FROM cases_case c WHERE c.state = 'active' AND c.id %% 5 = 0""",
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
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET work_mem = '256MB'")
        indexes = _drop_secondary_indexes(cursor)
        for sql in statements:
            cursor.execute(sql, p)
        for definition in indexes:
            cursor.execute(definition)
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
            "duties_appointment",
            "followups_followup",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT max(id) FROM {table}), 1))"
            )
        # A running system's autovacuum keeps the visibility map and statistics current; after a bulk
        # load do it at once (index-only scans need the visibility map).
        cursor.execute("VACUUM ANALYZE")
    return {"seconds": round(time.perf_counter() - started, 1), **{k: v for k, v in p.items() if k != "day"}}


def simulate_a_day(n_active: int) -> dict:
    """What a working day changes between two runs, through the same columns the application writes:
    0.5 % of the active cases and of the clients edited (`updated_at`), new needs for 0.07 % of the
    clients (ACC-4), late admissions and imports with admission dates up
    to 30 months back (their overdue reviews must appear on the next run), new agreements superseding old
    ones, and a new TL in one team (her reminders for the team's open cases)."""
    edited = max(1, n_active // 200)
    late = max(1, n_active // 2000)
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM cases_case")
        top = cursor.fetchone()[0]
        cursor.execute(
            "UPDATE cases_case SET updated_at = now(), version = version + 1 WHERE state = 'active' AND id %% %s = 3",
            [max(1, (n_active * 10 // 7) // edited)],
        )
        touched = cursor.rowcount
        cursor.execute(
            """UPDATE cases_case SET state = 'active', admitted_on = %(day)s::date - (30 * (1 + id %% 30))::int,
                      decided_on = %(day)s::date - 1, imported = id %% 2 = 0, updated_at = now()
               WHERE id IN (SELECT id FROM cases_case WHERE state = 'referred' ORDER BY id LIMIT %(late)s)""",
            {"day": DAY, "late": late},
        )
        admitted = cursor.rowcount
        cursor.execute(
            """WITH old AS (
                   UPDATE plans_agreement SET superseded_on = %(day)s::date - 1
                   WHERE id IN (SELECT id FROM plans_agreement WHERE superseded_on IS NULL ORDER BY id LIMIT %(n)s)
                   RETURNING case_id, created_by_id)
               INSERT INTO plans_agreement (case_id, waived, justification, title, title_note, concluded_on,
                   review_due_on, client_commitments, jobcenter_commitments, recorded_on, superseded_on, created_at,
                   created_by_id)
               SELECT case_id, false, '', 'Kooperationsplan', '', %(day)s::date - 200, %(day)s::date - 20, '', '',
                      %(day)s::date - 1, NULL, now(), created_by_id FROM old""",
            {"day": DAY, "n": late},
        )
        agreements = cursor.rowcount
        # Client records edited (0.5 %) and new needs identified (0.07 % of clients get three: ACC-4).
        cursor.execute("UPDATE cases_client SET updated_at = now() WHERE mod(id, 200) = 7")
        clients_edited = cursor.rowcount
        cursor.execute(
            """INSERT INTO cases_clientneed (client_id, need_id, identified_on, status, updated_at)
               SELECT c, n.id, %(day)s::date - 1, 'open', now()
               FROM generate_series(10, (SELECT max(id) FROM cases_client), 1500) c
               CROSS JOIN (SELECT id FROM catalog_need WHERE code IN ('L_PSYCHE', 'R_WOHNEN', 'R_FINANZEN')) n
               ON CONFLICT DO NOTHING""",
            {"day": DAY},
        )
        needs_added = cursor.rowcount
        cursor.execute(
            """INSERT INTO org_team_leads (team_id, staff_id)
               SELECT 1, id FROM org_staff WHERE role = 'teamleitung' AND id NOT IN
                   (SELECT staff_id FROM org_team_leads WHERE team_id = 1) ORDER BY id LIMIT 1"""
        )
        cursor.execute("SELECT setval(pg_get_serial_sequence('cases_case', 'id'), %s)", [top])
    return {
        "edited_cases": touched,
        "late_admissions": admitted,
        "new_agreements": agreements,
        "edited_clients": clients_edited,
        "new_client_needs": needs_added,
        "new_tl": 1,
    }


def measure(label: str, on: datetime.date) -> dict:
    reset_peak_rss()
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
    parser.add_argument("--cases", type=int, default=100_000, help="active cases (70 %% of all cases)")
    parser.add_argument(
        "--skip-initial", action="store_true", help="with --skip-fill: the initial run was done"
    )
    parser.add_argument("--day", type=datetime.date.fromisoformat, default=DAY, help="date of the daily run")
    parser.add_argument("--reruns", type=int, default=3, help="same-day re-runs (the median is reported)")
    parser.add_argument("--skip-fill", action="store_true", help="reuse the data of the last fill")
    args = parser.parse_args(argv)
    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        print(f"Refusing to fill database {name!r}: its name must contain 'bench'.", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        drop_defaults = _bulk_defaults(cursor)
    filled = {"seconds": 0.0, "n": args.cases} if args.skip_fill else fill(args.cases)
    connection.close()  # measure in a fresh session, not in the one that bulk-loaded (its settings, caches)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FILTER (WHERE state = 'active'), count(*) FROM cases_case")
        active, total = cursor.fetchone()
    # With --skip-initial the initial run of an earlier invocation is in the database already.
    results = [] if args.skip_initial else [measure("initial", DAY - datetime.timedelta(days=1))]
    # Overnight autovacuum would have vacuumed and analysed the tables the initial run filled; do it.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reviews_reminder, reviews_review, reviews_reminderdigest")
    day = simulate_a_day(active)
    with connection.cursor() as cursor:
        for statement in drop_defaults:
            cursor.execute(statement)
        cursor.execute("ANALYZE cases_case, plans_agreement")
    results.append(measure("daily", args.day))
    reruns = [measure("rerun", args.day) for _ in range(args.reruns)]
    reruns.sort(key=lambda r: r["seconds"])
    median = dict(reruns[len(reruns) // 2])
    median["run"] = "rerun"
    median["all_seconds"] = [r["seconds"] for r in reruns]
    results.append(median)
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    report = {
        "cases": total,
        "active_cases": active,
        "fill": filled,
        "simulated_day": day,
        "runs": results,
        "loadavg_1_5_15": load,
        "postgres": connection.cursor().connection.info.server_version,
        "cpus": os.cpu_count(),
    }
    print(f"\ncases {total:,} (active {active:,}); fill {filled['seconds']} s")
    print(
        f"{'run':<8} {'date':<11} {'seconds':>8} {'created':>9} {'digests':>8} {'queries':>8} {'peak RSS MB':>12}"
    )
    print(f"load average {' '.join(load)}; re-runs {median['all_seconds']} s (median shown)")
    for r in results:
        print(
            f"{r['run']:<8} {r['on']:<11} {r['seconds']:>8} {r['created']:>9} {r['digests']:>8} "
            f"{r['queries']:>8} {r['peak_rss_mb']:>12}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    runs = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    key = str(args.cases)
    if args.skip_initial and key in runs:
        report["runs"] = [r for r in runs[key]["runs"] if r["run"] == "initial"] + results
        report["fill"] = runs[key].get("fill", filled)
    runs[key] = report
    RESULTS.write_text(json.dumps(runs, indent=2, default=str))
    print(f"written {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

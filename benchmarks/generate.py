"""Fast national-scale data set for the page and load benchmarks (issue 8).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fm_bench_pages DJANGO_DEBUG=1 \
        .venv/bin/python -m benchmarks.generate --active 1000000

Everything is filled set-based on the server (`INSERT … SELECT generate_series`, triggers off, secondary
indexes dropped during the load and rebuilt after it, then `VACUUM ANALYZE`), so 1,000,000 active cases take
minutes, not tens of minutes. It refuses database names that do not contain "bench".

The data set, relative to `today` (the pages use the real date):

* Background ("the nation"): 12 areas, 120 sites, one FM per ~70 active cases (≈ 14,300 FMs at 1,000,000),
  teams of 12 FMs with one TL and one pAp each; cases 80 % active (admitted over 40 months), 5 % clearing,
  2 % referred, 11 % closed, 1 % rejected, 1 % forwarded; one client and household per case; the review
  history of a running system (past reviews documented, recent ones due); an open reminder for every 8th
  active case; one contact per active case; agreements for half of the active cases; two appointments per
  active case (one behind, every 5th of those still without an outcome, one ahead) and a Wiedervorlage for every
  5th; N anonymous outcome
  records in the month the monthly report benchmark reports.
* Personas on top (password `BENCH_PASSWORD`, Argon2):
  - `bench_fm` — 150 open cases (10 referred, 15 clearing, 125 active) and 30 closed ones; her case
    `special_case_id` is 3 years old with 150 contacts, 6 reviews, an agreement and its history;
  - `bench_tl` — leads a team of 12 FMs (`bench_tlfm01..12`) with 75 open cases each (5 referred,
    8 clearing, 60 active, 2 disputed);
  - `bench_load01..50` — FMs for the load test and the sign-in storm, 75 open cases each
    (25 referred — the transitions of the load test — and 50 active);
  - `bench_pap` — the pAp of bench_fm's team (site 1), for the client search.
"""

from __future__ import annotations

import argparse
import datetime
import os
import sys
import time

from dateutil.relativedelta import relativedelta

BENCH_PASSWORD = "Bench-Passwort-2026!"  # noqa: S105 - a benchmark-only account on a throw-away database
N_AREAS, N_SITES, TEAM_SIZE, CASES_PER_FM = 12, 120, 12, 70
DEFAULT_REPORT_MONTH = datetime.date(2026, 10, 1)

BULK_TABLES = (
    "cases_household",
    "cases_client",
    "cases_case",
    "cases_caseevent",
    "reviews_review",
    "reviews_reminder",
    "plans_agreement",
    "plans_contact",
    "reporting_outcomerecord",
    "duties_appointment",
    "followups_followup",
)
TRUNCATE = (
    "duties_appointment, followups_followup, "
    "reporting_outcomerecord, reporting_monthlyreport, reviews_reminder, reviews_reminderdigest, reviews_review, "
    "reviews_dailyjobrun, reviews_reminderrecipientsnapshot, plans_contact, plans_agreement, cases_caseevent, "
    "cases_clientneed, cases_case, cases_client, cases_household, org_team_leads, org_area_leads, "
    "org_substitution, org_staff, org_team, org_site, org_area"
)


def report_month() -> datetime.date:
    try:
        from benchmarks.monthly_report import MONTH
    except ImportError:  # the reporting colleague's benchmark is not there (yet)
        return DEFAULT_REPORT_MONTH
    return MONTH


def _extra_columns(cursor, table: str, provided: set[str]) -> tuple[str, str]:
    """NOT NULL columns without a default that other apps may add later: '' / false / '{}' / 0 for them, so
    the generator does not break when a colleague adds a field."""
    cursor.execute(
        """SELECT column_name, data_type FROM information_schema.columns
           WHERE table_schema = 'public' AND table_name = %s AND is_nullable = 'NO' AND column_default IS NULL
             AND is_identity = 'NO'""",
        [table],
    )
    defaults = {"character varying": "''", "text": "''", "boolean": "false", "jsonb": "'{}'::jsonb"}
    cols, vals = [], []
    for name, data_type in cursor.fetchall():
        if name in provided:
            continue
        cols.append(name)
        vals.append(defaults.get(data_type, "0"))
    return "".join(f", {c}" for c in cols), "".join(f", {v}" for v in vals)


def _insert(cursor, table: str, columns: list[str], select_sql: str, params: dict) -> int:
    """INSERT INTO table (columns + extra NOT NULL columns) <select_sql with {extra} placeholder>."""
    extra_cols, extra_vals = _extra_columns(cursor, table, set(columns) | {"id"})
    sql = f"INSERT INTO {table} ({', '.join(columns)}{extra_cols}) " + select_sql.replace(
        "{extra}", extra_vals
    )
    cursor.execute(sql, params)
    return cursor.rowcount


def _drop_secondary_indexes(cursor) -> list[str]:
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


def layout(n_active: int) -> dict:
    n_total = n_active * 100 // 80
    n_fm = max(1, -(-n_active // CASES_PER_FM))
    n_teams = max(1, -(-n_fm // TEAM_SIZE))
    return {
        "n_active": n_active,
        "n_total": n_total,
        "fm": n_fm,
        "teams": n_teams,
        "areas": N_AREAS,
        "sites": N_SITES,
        "tl0": n_fm,  # TL of team t: tl0 + t
        "pap0": n_fm + n_teams,  # pAp of team t: pap0 + t
        "staff_top": n_fm + 2 * n_teams,
    }


PERSONA_TEAMS = ("Bench FM-Team", "Bench TL-Team", "Bench Last-Team")


def personas(p: dict) -> tuple[list[tuple], list[tuple]]:
    """(staff rows (id, username, role, team index, first, last), case plan rows
    (fm id, pap id, referred, clearing, active, disputed, closed))."""
    staff, plan = [], []
    next_id = p["staff_top"]

    def add(username: str, role: str, team: int, first: str, last: str) -> int:
        nonlocal next_id
        next_id += 1
        staff.append((next_id, username, role, team, first, last))
        return next_id

    fm = add("bench_fm", "fallmanager", 0, "Frieda", "Fallmanagerin")
    pap = add("bench_pap", "pap", 0, "Paul", "Ansprechpartner")
    add("bench_fm_tl", "teamleitung", 0, "Tanja", "Teamleitung")
    plan.append((fm, pap, 10, 15, 125, 0, 30))
    add("bench_tl", "teamleitung", 1, "Thomas", "Teamleiter")
    tl_pap = add("bench_tlpap", "pap", 1, "Petra", "Vermittlerin")
    for i in range(1, 13):
        plan.append(
            (
                add(f"bench_tlfm{i:02d}", "fallmanager", 1, "Fall", f"Managerin {i:02d}"),
                tl_pap,
                5,
                8,
                60,
                2,
                10,
            )
        )
    add("bench_loadtl", "teamleitung", 2, "Lena", "Lastleitung")
    load_pap = add("bench_loadpap", "pap", 2, "Lars", "Lastvermittler")
    for i in range(1, 51):
        plan.append(
            (
                add(f"bench_load{i:02d}", "fallmanager", 2, "Last", f"Managerin {i:02d}"),
                load_pap,
                25,
                0,
                50,
                0,
                0,
            )
        )
    return staff, plan


SURNAMES = [
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Schäfer",
    "Koch",
    "Bauer",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Schwarz",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Hofmann",
    "Hartmann",
    "Lange",
    "Schmitt",
    "Werner",
    "Schmitz",
    "Krause",
    "Meier",
    "Lehmann",
    "Schmid",
    "Schulze",
    "Maier",
    "Köhler",
    "Herrmann",
    "König",
    "Walter",
    "Mayer",
    "Huber",
    "Kaiser",
    "Fuchs",
    "Peters",
    "Lang",
    "Scholz",
    "Möller",
    "Weiß",
    "Jung",
    "Hahn",
    "Schubert",
    "Vogel",
    "Friedrich",
    "Keller",
    "Günther",
    "Frank",
    "Berger",
    "Winkler",
    "Roth",
    "Beck",
    "Lorenz",
    "Baumann",
    "Franke",
    "Albrecht",
    "Schuster",
    "Simon",
    "Ludwig",
    "Böhm",
    "Winter",
    "Kraus",
    "Martin",
    "Schumacher",
    "Krämer",
    "Vogt",
    "Stein",
    "Jäger",
    "Otto",
    "Sommer",
    "Groß",
    "Seidel",
    "Heinrich",
    "Brandt",
    "Haas",
    "Schreiber",
    "Graf",
    "Schulte",
    "Dietrich",
    "Ziegler",
    "Kuhn",
    "Kühn",
    "Pohl",
    "Engel",
    "Horn",
    "Busch",
    "Bergmann",
    "Thomas",
    "Voigt",
    "Sauer",
    "Arnold",
    "Wolff",
    "Pfeiffer",
]
FIRSTNAMES = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Emma",
    "Felix",
    "Greta",
    "Hans",
    "Ida",
    "Jonas",
    "Kim",
    "Lea",
    "Max",
    "Nina",
    "Olaf",
    "Paula",
    "Quirin",
    "Rosa",
    "Sven",
    "Tina",
    "Ute",
    "Volker",
    "Wiebke",
    "Yusuf",
    "Zeynep",
    "Ali",
    "Fatma",
    "Mehmet",
    "Olga",
    "Piotr",
]


def fill(n_active: int, *, today: datetime.date | None = None, outcome_records: int | None = None) -> dict:
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    today = today or datetime.date.today()
    outcome_records = n_active if outcome_records is None else outcome_records
    p = layout(n_active)
    staff, plan = personas(p)
    special_admitted = today - relativedelta(years=3) + datetime.timedelta(days=5)
    p.update(
        {
            "today": today,
            "month": report_month(),
            "outcomes": outcome_records,
            "surnames": SURNAMES,
            "firstnames": FIRSTNAMES,
            "special_admitted": special_admitted,
        }
    )
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def step(label: str) -> None:
        timings[label] = round(time.perf_counter() - started - sum(timings.values()), 1)

    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '512MB'")
        cursor.execute("SET work_mem = '256MB'")
        cursor.execute("SET session_replication_role = replica")  # bulk load: no history/FK triggers
        cursor.execute(f"TRUNCATE {TRUNCATE} CASCADE")
        indexes = _drop_secondary_indexes(cursor)
        # --- organisation ---------------------------------------------------------------------------
        cursor.execute(
            "INSERT INTO org_area (id, name) SELECT g, 'Bereich ' || g FROM generate_series(1, %(areas)s) g",
            p,
        )
        cursor.execute(
            """INSERT INTO org_site (id, name, area_id) SELECT g, 'Standort ' || g, 1 + g %% %(areas)s
               FROM generate_series(1, %(sites)s) g""",
            p,
        )
        n_teams_all = p["teams"] + len(PERSONA_TEAMS)
        _insert(
            cursor,
            "org_team",
            ["id", "name", "site_id", "rucksack_fallmanagement"],
            "SELECT g, 'Team ' || g, 1 + g %% %(sites)s, false {extra} FROM generate_series(1, %(teams)s) g",
            p,
        )
        for offset, name in enumerate(PERSONA_TEAMS, start=1):
            cursor.execute(
                "INSERT INTO org_team (id, name, site_id, rucksack_fallmanagement) VALUES (%s, %s, 1, false)",
                [p["teams"] + offset, name],
            )
        password = make_password(BENCH_PASSWORD)
        staff_cols = [
            "id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
            "is_active", "date_joined", "role", "weekly_hours", "team_id",
        ]  # fmt: skip
        _insert(
            cursor,
            "org_staff",
            staff_cols,
            """SELECT g, '!', false, 'staff' || g, 'Vorname', 'Nachname' || g, 'staff' || g || '@jobcenter.invalid',
                      false, true, now(),
                      CASE WHEN g <= %(tl0)s THEN 'fallmanager' WHEN g <= %(pap0)s THEN 'teamleitung' ELSE 'pap' END,
                      39,
                      CASE WHEN g <= %(tl0)s THEN 1 + g %% %(teams)s WHEN g <= %(pap0)s THEN g - %(tl0)s
                           ELSE g - %(pap0)s END {extra}
               FROM generate_series(1, %(staff_top)s) g""",
            p,
        )
        cursor.execute(
            "INSERT INTO org_team_leads (team_id, staff_id) SELECT g, %(tl0)s + g FROM generate_series(1, %(teams)s) g",
            p,
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_persona (id bigint, username text, role text, team int, first text, last text)"
        )
        cursor.executemany("INSERT INTO bench_persona VALUES (%s, %s, %s, %s, %s, %s)", staff)
        _insert(
            cursor,
            "org_staff",
            staff_cols,
            """SELECT id, %(password)s, false, username, first, last, username || '@jobcenter.invalid', false, true,
                      now(), role, 39, %(teams)s + 1 + team {extra} FROM bench_persona""",
            {**p, "password": password},
        )
        cursor.execute(
            """INSERT INTO org_team_leads (team_id, staff_id)
               SELECT %(teams)s + 1 + team, id FROM bench_persona WHERE role = 'teamleitung'""",
            p,
        )
        step("org")
        # --- which case belongs to whom: background by formula, personas by plan -----------------------
        cursor.execute(
            """CREATE TEMP TABLE bench_plan (fm bigint, pap bigint, n_ref int, n_clr int, n_act int, n_disp int,
                                             n_closed int, ord serial)"""
        )
        cursor.executemany(
            "INSERT INTO bench_plan (fm, pap, n_ref, n_clr, n_act, n_disp, n_closed) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            plan,
        )
        cursor.execute(
            """CREATE TEMP TABLE bench_src AS
               SELECT g::bigint AS id, f.fm, %(pap0)s + t.t AS pap, 1 + t.t %% %(sites)s AS site,
                      CASE WHEN g %% 100 < 80 THEN 'active' WHEN g %% 100 < 85 THEN 'clearing'
                           WHEN g %% 100 < 87 THEN 'referred' WHEN g %% 100 < 98 THEN 'closed'
                           WHEN g %% 100 < 99 THEN 'rejected' ELSE 'forwarded' END AS state
               FROM generate_series(1, %(n_total)s) g
               CROSS JOIN LATERAL (SELECT 1 + g %% %(fm)s AS fm) f
               CROSS JOIN LATERAL (SELECT 1 + f.fm %% %(teams)s AS t) t
               UNION ALL
               SELECT %(n_total)s + row_number() OVER (ORDER BY b.ord, k), b.fm, b.pap, 1,
                      CASE WHEN k <= b.n_ref THEN 'referred' WHEN k <= b.n_ref + b.n_clr THEN 'clearing'
                           WHEN k <= b.n_ref + b.n_clr + b.n_act THEN 'active'
                           WHEN k <= b.n_ref + b.n_clr + b.n_act + b.n_disp THEN 'disputed' ELSE 'closed' END
               FROM bench_plan b CROSS JOIN generate_series(1, b.n_ref + b.n_clr + b.n_act + b.n_disp + b.n_closed) k""",
            p,
        )
        cursor.execute("SELECT max(id) FROM bench_src")
        p["case_top"] = cursor.fetchone()[0]
        # bench_fm's first active case is the 3-year-old case of scenario 3.
        cursor.execute("SELECT min(id) FROM bench_src WHERE fm = %s AND state = 'active'", [plan[0][0]])
        p["special"] = cursor.fetchone()[0]
        step("plan")
        # --- clients and cases ------------------------------------------------------------------------
        cursor.execute("INSERT INTO cases_household (id, number) SELECT id, 'BG' || id FROM bench_src", p)
        _insert(
            cursor,
            "cases_client",
            [
                "id", "customer_number", "first_name", "last_name", "birth_date",
                "integration_expected_within_12_months", "access_check_result", "created_at", "updated_at",
                "site_id", "household_id",
            ],
            """SELECT id, 'K' || lpad(id::text, 9, '0'),
                      (%(firstnames)s::text[])[1 + (id * 7) %% cardinality(%(firstnames)s::text[])],
                      (%(surnames)s::text[])[1 + id %% cardinality(%(surnames)s::text[])],
                      DATE '1965-01-01' + (id %% 12000)::int, id %% 7 = 0, '',
                      %(today)s::date - (id %% 1300)::int - interval '1 day',
                      %(today)s::date - (id %% 1300)::int - interval '1 day', site, id {extra}
               FROM bench_src""",
            p,
        )  # fmt: skip
        cursor.execute("SELECT id FROM catalog_rejectionreason ORDER BY id LIMIT 1")
        p["rejection_reason"] = (cursor.fetchone() or [None])[0]
        cursor.execute("SELECT id FROM catalog_exitreason ORDER BY id LIMIT 1")
        p["exit_reason"] = (cursor.fetchone() or [None])[0]
        _insert(
            cursor,
            "cases_case",
            [
                "id", "client_id", "fallmanager_id", "referred_by_id", "state", "version", "referred_on",
                "handover_talk_on", "handover_kind", "reasons", "expected_progress", "meets_formal_access",
                "individual_decision_reason", "clearing_started_on", "admitted_on", "decided_on",
                "rejection_reason_id", "decision_justification", "forwarded_to", "forwarded_to_detail",
                "disputed_on", "dispute_comment", "dispute_decision_comment", "closed_on", "exit_reason_id",
                "exit_justification", "imported", "created_at", "updated_at",
            ],
            """SELECT s.id, s.id, s.fm, s.pap, s.state, 1, d.adm - 30, d.adm - 31, 'personal', 'Gründe',
                      'Fortschritt', true, '',
                      CASE WHEN s.state = 'referred' THEN NULL
                           WHEN s.state = 'clearing' THEN %(today)s::date - (s.id %% 50)::int ELSE d.adm - 20 END,
                      CASE WHEN s.state IN ('active', 'closed') THEN d.adm END,
                      CASE WHEN s.state IN ('active', 'closed') THEN d.adm
                           WHEN s.state IN ('rejected', 'disputed', 'forwarded') THEN d.adm - 5 END,
                      CASE WHEN s.state IN ('rejected', 'disputed') THEN %(rejection_reason)s::bigint END,
                      CASE WHEN s.state IN ('rejected', 'disputed', 'forwarded') THEN 'Begründung' ELSE '' END,
                      CASE WHEN s.state = 'forwarded' THEN 'specialised' ELSE '' END, '',
                      CASE WHEN s.state = 'disputed' THEN %(today)s::date - (s.id %% 20)::int END,
                      CASE WHEN s.state = 'disputed' THEN 'Kundin war erkrankt' ELSE '' END, '',
                      CASE WHEN s.state = 'closed' THEN LEAST(d.adm + 300, %(today)s::date - 1) END,
                      CASE WHEN s.state = 'closed' THEN %(exit_reason)s::bigint END, '', false,
                      now() - make_interval(days => 400), now() - make_interval(days => 2 + (s.id %% 300)::int)
                      {extra}
               FROM bench_src s
               CROSS JOIN LATERAL (
                   SELECT CASE WHEN s.state = 'disputed' THEN %(today)s::date - 30
                               ELSE %(today)s::date - ((s.id * 7919) %% 1217)::int END AS adm) d""",
            p,
        )  # fmt: skip
        cursor.execute(
            """UPDATE cases_case SET admitted_on = %(special_admitted)s, decided_on = %(special_admitted)s,
                      clearing_started_on = %(special_admitted)s::date - 40, referred_on = %(special_admitted)s::date - 60,
                      handover_talk_on = %(special_admitted)s::date - 61
               WHERE id = %(special)s""",
            p,
        )
        step("clients+cases")
        # --- reviews: the history of a running system -----------------------------------------------------
        _insert(
            cursor,
            "reviews_review",
            ["case_id", "month", "due_on", "gate", "state", "decision", "reasons", "prognosis",
             "teamleitung_comment", "documented_on", "created_at"],
            """SELECT c.id, m.month, d.due_on, m.gate,
                      CASE WHEN d.due_on < %(today)s::date - 30 AND c.id %% 33 <> 0 THEN
                           CASE m.gate WHEN 'teamleitung_approval' THEN 'approved'
                                       WHEN 'inform_teamleitung' THEN 'acknowledged' ELSE 'documented' END
                           ELSE 'due' END,
                      CASE WHEN d.due_on < %(today)s::date - 30 AND c.id %% 33 <> 0 THEN
                           CASE m.gate WHEN 'final' THEN 'end' ELSE 'continue' END ELSE '' END,
                      CASE WHEN d.due_on < %(today)s::date - 30 THEN 'Stabilisierung erreicht' ELSE '' END,
                      '', '', CASE WHEN d.due_on < %(today)s::date - 30 AND c.id %% 33 <> 0 THEN d.due_on END, now()
                      {extra}
               FROM cases_case c
               CROSS JOIN (VALUES (6, 'document'), (12, 'inform_teamleitung'), (18, 'inform_teamleitung'),
                                  (24, 'teamleitung_approval'), (30, 'teamleitung_approval'), (36, 'final'))
                          m(month, gate)
               CROSS JOIN LATERAL (SELECT (c.admitted_on + make_interval(months => m.month))::date AS due_on) d
               WHERE c.state = 'active' AND d.due_on < %(today)s::date + 14""",
            p,
        )  # fmt: skip
        step("reviews")
        # --- open reminders, contacts, agreements ---------------------------------------------------------
        _insert(
            cursor,
            "reviews_reminder",
            ["kind", "due_on", "created_on", "created_at", "done_at", "case_id", "client_id", "recipient_id"],
            """SELECT CASE c.state WHEN 'clearing' THEN 'clearing_due' ELSE 'review_due' END,
                      %(today)s::date + (c.id %% 14)::int, %(today)s::date - 1, now(), NULL, c.id, c.client_id,
                      c.fallmanager_id {extra}
               FROM cases_case c WHERE c.state IN ('active', 'clearing') AND c.id %% 8 = 0""",
            p,
        )
        _insert(
            cursor,
            "plans_contact",
            ["date", "kind", "note", "created_at", "case_id", "created_by_id"],
            """SELECT %(today)s::date - (c.id %% 90)::int, 'office', 'Beratungsgespräch zur Wohnsituation', now(),
                      c.id, c.fallmanager_id {extra}
               FROM cases_case c WHERE c.state = 'active'""",
            p,
        )
        _insert(
            cursor,
            "plans_agreement",
            ["case_id", "waived", "justification", "title", "title_note", "concluded_on", "review_due_on",
             "client_commitments", "jobcenter_commitments", "recorded_on", "superseded_on", "created_at",
             "created_by_id"],
            """SELECT c.id, false, '', 'Kooperationsplan', '', r - 180, r, 'Termine wahrnehmen', 'Beratung', r - 180,
                      NULL, now(), c.fallmanager_id {extra}
               FROM cases_case c CROSS JOIN LATERAL (SELECT %(today)s::date + ((c.id * 31) %% 200 - 100)::int AS r) x
               WHERE c.state = 'active' AND (c.id %% 2 = 0 OR c.id = %(special)s)""",
            p,
        )  # fmt: skip
        step("reminders+contacts+agreements")
        # --- the working day's sources (WORK-1, MIT-1): one appointment behind and one ahead per active case
        # (every 5th past one still without an outcome), an open Wiedervorlage for every 5th active case -----
        _insert(
            cursor,
            "duties_appointment",
            ["starts_at", "kind", "is_summons", "invited_on", "place", "purpose", "note", "outcome",
             "outcome_reason", "outcome_recorded_on", "outcome_due_on", "created_at", "updated_at", "case_id",
             "created_by_id", "outcome_recorded_by_id"],
            """SELECT (a.on_ + time '09:00' + make_interval(mins => ((c.id * 13) %% 16)::int * 30))
                          AT TIME ZONE 'Europe/Berlin',
                      (ARRAY['office', 'phone', 'home_visit', 'video'])[1 + c.id %% 4], c.id %% 6 = 0,
                      a.on_ - 14, 'Jobcenter, Raum 2.14', 'Beratungsgespräch', '',
                      CASE WHEN a.past AND c.id %% 5 <> 0 THEN 'attended' ELSE '' END, '',
                      CASE WHEN a.past AND c.id %% 5 <> 0 THEN a.on_ END, a.on_ + 5, now(), now(), c.id,
                      c.fallmanager_id,
                      CASE WHEN a.past AND c.id %% 5 <> 0 THEN c.fallmanager_id END {extra}
               FROM cases_case c CROSS JOIN LATERAL (VALUES
                    (%(today)s::date - 1 - (c.id %% 40)::int, true),
                    (%(today)s::date + (c.id %% 21)::int, false)) a(on_, past)
               WHERE c.state = 'active'""",
            p,
        )  # fmt: skip
        _insert(
            cursor,
            "followups_followup",
            ["due_on", "note", "state", "created_at", "updated_at", "case_id", "created_by_id"],
            """SELECT %(today)s::date + ((c.id %% 30) - 10)::int, 'Nachweis Bewerbungen anfordern', 'open', now(),
                      now(), c.id, c.fallmanager_id {extra}
               FROM cases_case c WHERE c.state = 'active' AND c.id %% 5 = 0""",
            p,
        )
        step("appointments+follow-ups")
        # --- the 3-year-old case of scenario 3: 150 contacts, 6 reviews, its history -----------------------
        cursor.execute("DELETE FROM reviews_review WHERE case_id = %(special)s", p)
        _insert(
            cursor,
            "reviews_review",
            ["case_id", "month", "due_on", "gate", "state", "decision", "reasons", "prognosis",
             "teamleitung_comment", "documented_on", "created_at"],
            """SELECT %(special)s, m.month, d.due_on, m.gate,
                      CASE WHEN m.month = 36 THEN 'due' WHEN m.gate = 'teamleitung_approval' THEN 'approved'
                           WHEN m.gate = 'inform_teamleitung' THEN 'acknowledged' ELSE 'documented' END,
                      CASE WHEN m.month = 36 THEN '' ELSE 'continue' END,
                      CASE WHEN m.month = 36 THEN '' ELSE 'Fortschritte bei der Stabilisierung' END, '', '',
                      CASE WHEN m.month = 36 THEN NULL ELSE d.due_on END, now() {extra}
               FROM (VALUES (6, 'document'), (12, 'inform_teamleitung'), (18, 'inform_teamleitung'),
                            (24, 'teamleitung_approval'), (30, 'teamleitung_approval'), (36, 'final')) m(month, gate)
               CROSS JOIN LATERAL (SELECT (%(special_admitted)s::date + make_interval(months => m.month))::date AS due_on) d""",
            p,
        )  # fmt: skip
        _insert(
            cursor,
            "plans_contact",
            ["date", "kind", "note", "created_at", "case_id", "created_by_id"],
            """SELECT %(today)s::date - (g * 7)::int,
                      (ARRAY['office', 'phone', 'home_visit', 'video', 'accompaniment'])[1 + g %% 5],
                      'Gespräch Nr. ' || g || ': Stand der Wohnungssuche, nächste Schritte vereinbart.', now(),
                      %(special)s, c.fallmanager_id {extra}
               FROM generate_series(1, 149) g, cases_case c WHERE c.id = %(special)s""",
            p,
        )
        _insert(
            cursor,
            "cases_caseevent",
            ["case_id", "name", "from_state", "to_state", "effective_on", "at", "actor_id", "payload"],
            """SELECT c.id, e.name, e.from_state, e.to_state, e.on_, now(), e.actor, '{}'::jsonb {extra}
               FROM cases_case c CROSS JOIN LATERAL (VALUES
                    ('refer', '', 'referred', c.referred_on, c.referred_by_id),
                    ('start_clearing', 'referred', 'clearing', c.clearing_started_on, c.fallmanager_id),
                    ('admit', 'clearing', 'active', c.admitted_on, c.fallmanager_id)) e(name, from_state, to_state, on_, actor)
               WHERE c.id > %(n_total)s AND e.on_ IS NOT NULL""",
            p,
        )  # fmt: skip
        step("special case+events")
        # --- anonymous outcome records for the monthly report ----------------------------------------------
        _insert(
            cursor,
            "reporting_outcomerecord",
            ["id", "area_id", "month", "exit_reason_code", "is_integration", "medical_service_involved",
             "health_need", "needs_at_start", "needs_reduced", "social_participation_progress",
             "months_in_case_management"],
            """SELECT gen_random_uuid(), 1 + g %% %(areas)s, %(month)s::date,
                      'B' || lpad((1 + g %% 14)::text, 2, '0'), g %% 14 < 3, g %% 3 = 0, g %% 2 = 0,
                      3 + g %% 5, g %% 4, g %% 5 = 0, (g * 7) %% 48 {extra}
               FROM generate_series(1, %(outcomes)s) g""",
            p,
        )  # fmt: skip
        step("outcome records")
        cursor.execute("SET session_replication_role = origin")
        for definition in indexes:
            cursor.execute(definition)
        step("indexes")
        for table in (
            "org_area", "org_site", "org_team", "org_staff", "cases_household", "cases_client", "cases_case",
            "cases_caseevent", "reviews_review", "reviews_reminder", "plans_agreement", "plans_contact",
            "duties_appointment", "followups_followup",
        ):  # fmt: skip
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT max(id) FROM {table}), 1))"
            )
        cursor.execute("DROP TABLE bench_src, bench_plan, bench_persona")
        cursor.execute("VACUUM ANALYZE")
        step("vacuum analyze")
        cursor.execute("SELECT count(*) FILTER (WHERE state = 'active'), count(*) FROM cases_case")
        active, total = cursor.fetchone()
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "steps": timings,
        "cases": total,
        "active_cases": active,
        "outcome_records": outcome_records,
        "fms": p["fm"] + len(plan),
        "teams": n_teams_all,
        "special_case_id": p["special"],
        "today": today.isoformat(),
        "report_month": p["month"].isoformat(),
    }


def data_info() -> dict | None:
    """What the last fill left (None when the bench personas are missing)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM org_staff WHERE username = 'bench_fm'")
        row = cursor.fetchone()
        if row is None:
            return None
        cursor.execute(
            """SELECT min(id) FROM cases_case WHERE fallmanager_id = %s AND state = 'active'""", [row[0]]
        )
        special = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FILTER (WHERE state = 'active'), count(*) FROM cases_case")
        active, total = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM reporting_outcomerecord")
        outcomes = cursor.fetchone()[0]
    return {"special_case_id": special, "active_cases": active, "cases": total, "outcome_records": outcomes}


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fallmanagement.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--active", type=int, default=1_000_000, help="active background cases")
    parser.add_argument("--outcomes", type=int, default=None, help="outcome records (default: = --active)")
    args = parser.parse_args(argv)
    name = connection.settings_dict["NAME"]
    if "bench" not in str(name):
        print(f"Refusing to fill database {name!r}: its name must contain 'bench'.", file=sys.stderr)
        return 2
    call_command("migrate", verbosity=0)
    info = fill(args.active, outcome_records=args.outcomes)
    print(info)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""catalog.periods: the calendar arithmetic gives exactly what dateutil's relativedelta gives, and every legal
clock's Python function gives what its SQL twin gives on PostgreSQL (CLR-2, REV-1..5, READ-1, PLAN-3, ACC-4)."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.db import connection

from catalog import periods
from catalog.periods import add_months, months_between

DAYS = [datetime.date(2023, 1, 1) + datetime.timedelta(days=d) for d in range(0, 1200, 7)] + [
    datetime.date(2024, 1, 31),
    datetime.date(2024, 2, 29),
    datetime.date(2023, 8, 31),
    datetime.date(2025, 12, 31),
]


@pytest.mark.parametrize("months", [-24, -13, -12, -2, -1, 0, 1, 2, 6, 11, 12, 18, 24, 30, 36])
def test_clr2_rev1_add_months_is_relativedelta(months):
    # DOMAIN CLR-2, REV-1: "2 months", "every 6 months" — month ends clamp
    for day in DAYS:
        assert add_months(day, months) == day + relativedelta(months=months), day


def test_rev4_months_between_is_relativedelta():
    # DOMAIN REV-4: completed months in case management
    for start in DAYS[::5]:
        for end in DAYS:
            if end < start:
                continue
            delta = relativedelta(end, start)
            assert months_between(start, end) == delta.years * 12 + delta.months, (start, end)


# Month ends and leap days: 31 January + 1 month, 29 February + 12 months, 31 August + 6 months, …
EDGES = [
    datetime.date(2024, 1, 31),
    datetime.date(2024, 2, 29),
    datetime.date(2023, 2, 28),
    datetime.date(2023, 8, 31),
    datetime.date(2023, 10, 31),
    datetime.date(2025, 12, 31),
    datetime.date(2026, 3, 30),
    datetime.date(2026, 6, 1),
    datetime.date(2025, 5, 31),
]


def _sql_dates(expression: str, days: list[datetime.date]) -> list[datetime.date]:
    """Evaluate a SQL twin with `d.day` bound to each date, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {expression} FROM unnest(%s::date[]) WITH ORDINALITY AS d(day, n) ORDER BY d.n", [days]
        )
        return [row[0] for row in cursor.fetchall()]


def test_month_end_examples():
    # DOMAIN CLR-2, REV-1: a day the target month lacks clamps to its end
    assert add_months(datetime.date(2024, 1, 31), 1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2025, 1, 31), 1) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2024, 2, 29), 12) == datetime.date(2025, 2, 28)
    assert add_months(datetime.date(2023, 8, 31), 6) == datetime.date(2024, 2, 29)
    assert months_between(datetime.date(2024, 1, 31), datetime.date(2024, 2, 29)) == 1
    assert months_between(datetime.date(2024, 1, 31), datetime.date(2024, 2, 28)) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("python", "sql"),
    [
        # DOMAIN CLR-2: clearing ends at the latest 2 calendar months after it started
        (periods.clearing_ends_on, periods.clearing_ends_on_sql("d.day")),
        # DOMAIN REV-4: at most 36 months in case management
        (periods.max_duration_reached_on, periods.max_duration_reached_on_sql("d.day")),
        # DOMAIN READ-1: no readmission within 6 months of an exit
        (periods.readmission_locked_until, periods.readmission_locked_until_sql("d.day")),
        # DOMAIN PLAN-3: the agreement is reviewed at the latest 6 months after it was concluded
        (periods.agreement_review_latest, periods.agreement_review_latest_sql("d.day")),
        # DOMAIN ACC-4: the next access check 6 months after the last one
        (periods.access_check_due_on, periods.access_check_due_on_sql("d.day")),
    ],
    ids=["CLR-2", "REV-4", "READ-1", "PLAN-3", "ACC-4"],
)
def test_python_and_sql_twins_agree(python, sql):
    assert _sql_dates(sql, EDGES + DAYS) == [python(day) for day in EDGES + DAYS]


@pytest.mark.django_db
def test_rev1_review_due_dates_python_and_sql_agree():
    # DOMAIN REV-1: a review every 6 calendar months after admission (6 … 36), due dates in SQL and Python
    months = periods.review_months()
    assert months == [6, 12, 18, 24, 30, 36]
    for month in months:
        sql = periods.review_due_on_sql("d.day", str(month))
        assert _sql_dates(sql, EDGES) == [periods.review_due_on(day, month) for day in EDGES], month


@pytest.mark.django_db
def test_rev1_to_rev4_gates_python_and_sql_agree():
    # DOMAIN REV-1, REV-2, REV-3, REV-4: the gate of each review month, and from when the TL takes part
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT m.month, m.gate, {periods.teamleitung_takes_part_sql('m.month')} "
            f"FROM (VALUES {periods.review_months_values_sql()}) AS m(month, gate) ORDER BY m.month"
        )
        rows = cursor.fetchall()
    assert rows == [
        (m, periods.review_gate(m), periods.teamleitung_takes_part(m)) for m in periods.review_months()
    ]
    assert [gate for _m, gate, _tl in rows] == [
        "document",
        "inform_teamleitung",
        "inform_teamleitung",
        "teamleitung_approval",
        "teamleitung_approval",
        "final",
    ]


def test_rev5_and_clr2_limits_seen_from_today():
    # DOMAIN REV-5, CLR-2: cases admitted before the limit are longer than 24 months in FM; a clearing
    # started before its limit has run past its end — both the mirror image of the forward clocks
    today = datetime.date(2026, 2, 28)
    assert periods.long_case_limit(today) == datetime.date(2024, 2, 28)
    assert periods.clearing_limit(today) == datetime.date(2025, 12, 28)
    for day in EDGES + DAYS:
        assert periods.long_case_limit(day) == day - relativedelta(months=24)
        assert periods.clearing_limit(day) == day - relativedelta(months=2)


@pytest.mark.django_db
def test_sargable_bounds_contain_the_exact_condition():
    # The daily job's index-friendly bounds (±3 days) are supersets of "start + n months on/after a day".
    lower, upper = periods.months_before_bound_sql("%(day)s::date", 6)
    for day in EDGES:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {lower}, {upper}", {"day": day})
            low, high = cursor.fetchone()
        for start in DAYS:
            due = add_months(start, 6)
            if due >= day:
                assert start >= low, (start, day)
            if due <= day:
                assert start <= high, (start, day)

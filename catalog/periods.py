"""The legal clocks of the guideline, each named once: its Python function and its SQL twin side by side.

Every period of DOMAIN.md that the code evaluates lives here — CLR-2 (end of clearing), REV-1 (review
months, due dates and their gates), REV-3/REV-5 (the Teamleitung from 24 months), REV-4 (maximum duration),
REV-6 (reminder lead time), READ-1 (readmission lock), PLAN-3 (agreement review), ACC-4 (periodic access
check). A page, a service, a selector and the daily job's SQL all call these; nothing else adds months to
a legal date. `tests/catalog/test_periods.py` pins each Python function against its SQL twin on
PostgreSQL (month ends: 31 January + 1 month, 29 February + 12 months, …).

Calendar months: a day that the target month lacks clamps to its end — what `dateutil.relativedelta` and
PostgreSQL's `date + make_interval(months => n)` both do. Written out (`add_months`) because the FM start
page evaluates these dates for every row (150 cases × 8 dates) and relativedelta costs ten times as much.

The SQL twins return SQL *text* built from integers only (the period lengths); column expressions are
passed in by the caller and values go in as query parameters, never into this text.
"""

from __future__ import annotations

import calendar
import datetime
import functools
from enum import StrEnum

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.utils.translation import gettext as _

from fallmanagement.errors import InvalidInput


class Period(StrEnum):
    """The legal periods by rule; the value is the key of `settings.FM` that holds the length."""

    CLEARING = "CLEARING_MAX_MONTHS"  # CLR-2
    REVIEW_INTERVAL = "REVIEW_INTERVAL_MONTHS"  # REV-1
    TL_INFO = "TL_INFO_MONTHS"  # REV-2
    TL_APPROVAL = "TL_APPROVAL_MONTHS"  # REV-3, REV-5
    MAX_DURATION = "MAX_MONTHS"  # REV-4
    READMISSION_LOCK = "READMISSION_LOCK_MONTHS"  # READ-1
    AGREEMENT_REVIEW = "AGREEMENT_REVIEW_MONTHS"  # PLAN-3
    ACCESS_CHECK = "ACCESS_CHECK_MONTHS"  # ACC-4


# --- the legal-period table ------------------------------------------------------------------------------
#
# The one place that says how long a period is. Today the lengths are the configurable defaults of
# CATALOG.md (`settings.FM`); the law changes by the date of the act (validity intervals from 2023-07-01 and
# from 2026-07-01), and the table that holds those intervals plugs in HERE: `months(period, on=…)` is asked
# with the date the period starts from, so a later lookup "which law was in force on `on`" changes no caller.


def months(period: Period, *, on: datetime.date | None = None) -> int:
    """Length of `period` in calendar months for an act on `on` (today: the same for every date)."""
    del on  # the legal-period table (by date of the act) answers this once it exists
    return _setting_months(period.value)


@functools.cache
def _setting_months(key: str) -> int:
    # A list of 700 cases asks for the period lengths ~10 times per row (issue 17: 7 % of the TL's review
    # inbox): read once per process, forgotten when a test overrides `settings.FM`.
    return int(settings.FM[key])


def _forget_setting_months(*, setting, **kwargs) -> None:
    if setting == "FM":
        _setting_months.cache_clear()


setting_changed.connect(_forget_setting_months)


def reminder_lead_days() -> int:
    """REV-6: reminders appear this many days before the due date."""
    return int(settings.FM["REMINDER_LEAD_DAYS"])


# --- the legal-period table by date of the act (MIT-1..7) ------------------------------------------------
#
# The rows live in `catalog.LegalPeriod` (seeded data, split at 2023-07-01 and 2026-07-01). Every rule that
# depends on the law of a date asks `legal_period_on(the date of the act)` and reads the row's fields;
# nothing compares a date with a literal switch-over day.


def legal_period_table() -> list:
    """All legal periods, oldest first: one query for a page or a job that decides many dates."""
    from catalog.models import LegalPeriod

    return list(LegalPeriod.objects.order_by("valid_from"))


def legal_period_on(day: datetime.date, *, table: list | None = None):
    """The `catalog.LegalPeriod` in force on `day` (from `table` when given, else one query);
    InvalidInput (400, `no_legal_period`) for a day the table does not cover."""
    from catalog.models import LegalPeriod

    if isinstance(day, datetime.datetime):
        day = day.date()
    if not isinstance(day, datetime.date):
        raise InvalidInput(_("Bitte ein gültiges Datum angeben."))
    if table is None:
        period = (
            LegalPeriod.objects.filter(valid_from__lte=day)
            .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day))
            .order_by("-valid_from")
            .first()
        )
    else:
        period = next(
            (p for p in reversed(table) if p.valid_from <= day and (p.valid_to is None or p.valid_to >= day)),
            None,
        )
    if period is None:
        raise InvalidInput(
            _("Für den %(day)s ist in der Anwendung kein Rechtsstand hinterlegt.")
            % {"day": day.strftime("%d.%m.%Y")},
            code="no_legal_period",
        )
    return period


def legal_periods_between(start: datetime.date, end: datetime.date) -> list:
    """The legal periods a span of days touches, oldest first (one row when no switch-over lies between)."""
    from catalog.models import LegalPeriod

    lo, hi = min(start, end), max(start, end)
    return list(
        LegalPeriod.objects.filter(valid_from__lte=hi)
        .filter(models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=lo))
        .order_by("valid_from")
    )


# --- working days (MIT-2: an outcome missing 3 working days after the appointment) --------------------------


@functools.cache
def _public_holidays(year: int) -> frozenset[datetime.date]:
    """Public holidays of Lower Saxony (the jobcenter's Land, `settings.FM["HOLIDAY_SUBDIVISION"]`)."""
    import holidays

    subdiv = settings.FM.get("HOLIDAY_SUBDIVISION", "NI")
    return frozenset(holidays.country_holidays("DE", subdiv=subdiv, years=year).keys())


def is_working_day(day: datetime.date) -> bool:
    return day.weekday() < 5 and day not in _public_holidays(day.year)


def working_days_after(day: datetime.date, n: int) -> datetime.date:
    """The `n`-th working day after `day` (Monday to Friday, not a public holiday)."""
    current, left = day, n
    while left > 0:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
            left -= 1
    return current


# --- calendar arithmetic ---------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1 << 16)  # pure; the review calendar of a 700-case list asks 4,000 times
def add_months(value: datetime.date, n: int) -> datetime.date:
    """`value + relativedelta(months=n)` (negative `n` goes back); a missing day clamps to the month's end."""
    index = value.month - 1 + n
    year, month = value.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return value.replace(year=year, month=month, day=min(value.day, last))


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Completed calendar months from `start` to `end` (`relativedelta(end, start)` in months, ≥ 0 for
    end ≥ start): a month is completed when `add_months(start, n) <= end`."""
    n = (end.year - start.year) * 12 + end.month - start.month
    if n > 0 and add_months(start, n) > end:
        n -= 1
    return n


def add_months_sql(date_sql: str, n: int) -> str:
    """SQL twin of `add_months`: `date_sql` is a column or a `%(param)s::date` expression."""
    return f"({date_sql} + make_interval(months => {int(n)}))::date"


# --- CLR-2: clearing ends at the latest 2 calendar months after it started --------------------------------


def clearing_ends_on(clearing_started_on: datetime.date | None) -> datetime.date | None:
    if not clearing_started_on:
        return None
    return add_months(clearing_started_on, months(Period.CLEARING, on=clearing_started_on))


def clearing_ends_on_sql(started_sql: str = "c.clearing_started_on") -> str:
    return add_months_sql(started_sql, months(Period.CLEARING))


# --- REV-1: a review every 6 calendar months after admission, up to 36; REV-2/3/4: its gate ---------------

# The gates of a review month (the values of `reviews.choices.ReviewGate`).
GATE_DOCUMENT = "document"
GATE_INFORM_TEAMLEITUNG = "inform_teamleitung"
GATE_TEAMLEITUNG_APPROVAL = "teamleitung_approval"
GATE_FINAL = "final"


def review_months() -> list[int]:
    """6, 12, 18, 24, 30, 36."""
    step, last = months(Period.REVIEW_INTERVAL), months(Period.MAX_DURATION)
    return list(range(step, last + 1, step))


def review_gate(month: int) -> str:
    """REV-1 documents; REV-2 the TL takes note from 12 months; REV-3 she approves from 24; REV-4 at 36
    the case ends (no further continuation)."""
    if month >= months(Period.MAX_DURATION):
        return GATE_FINAL
    if month >= months(Period.TL_APPROVAL):
        return GATE_TEAMLEITUNG_APPROVAL
    if month >= months(Period.TL_INFO):
        return GATE_INFORM_TEAMLEITUNG
    return GATE_DOCUMENT


def teamleitung_takes_part(month: int) -> bool:
    """REV-3: from 24 months the TL takes part in every review (its reminder goes to her as well)."""
    return month >= months(Period.TL_APPROVAL)


def teamleitung_takes_part_sql(month_sql: str = "r.month") -> str:
    return f"{month_sql} >= {months(Period.TL_APPROVAL)}"


def review_due_on(admitted_on: datetime.date, month: int) -> datetime.date:
    return add_months(admitted_on, month)


def review_due_on_sql(admitted_sql: str = "c.admitted_on", month_sql: str = "m.month") -> str:
    return f"({admitted_sql} + make_interval(months => {month_sql}))::date"


def review_months_values_sql() -> str:
    """`(6, 'document'), (12, 'inform_teamleitung'), …` for `(VALUES …) AS m(month, gate)`."""
    return ", ".join(f"({int(m)}, '{review_gate(m)}')" for m in review_months())


def review_months_due(admitted_on: datetime.date, today: datetime.date) -> list[int]:
    """The review months whose due date is on or before `today` (the rows an active case has by now)."""
    return [m for m in review_months() if review_due_on(admitted_on, m) <= today]


# --- REV-4: at most 36 months in case management -----------------------------------------------------------


def max_duration_reached_on(admitted_on: datetime.date) -> datetime.date:
    return add_months(admitted_on, months(Period.MAX_DURATION, on=admitted_on))


def max_duration_reached_on_sql(admitted_sql: str = "c.admitted_on") -> str:
    return add_months_sql(admitted_sql, months(Period.MAX_DURATION))


def months_in_case_management(
    admitted_on: datetime.date | None, closed_on: datetime.date | None, today: datetime.date
) -> int | None:
    """Completed calendar months since admission (to exit, or to today while active)."""
    if not admitted_on:
        return None
    end = closed_on or today
    if end < admitted_on:
        return 0
    return months_between(admitted_on, end)


# --- REV-5: cases longer than 24 months need the TL ---------------------------------------------------------


def long_case_limit(today: datetime.date, n: int | None = None) -> datetime.date:
    """Cases admitted before this date are in case management longer than `n` months (default 24)."""
    return add_months(today, -(months(Period.TL_APPROVAL) if n is None else n))


def clearing_limit(today: datetime.date) -> datetime.date:
    """CLR-2 seen from today: a clearing started before this date has run past its end."""
    return add_months(today, -months(Period.CLEARING))


# --- REV-6: reminders from 14 days before a due date ------------------------------------------------------


def reminder_horizon(on: datetime.date) -> datetime.date:
    """The last due date that already has its reminder on `on`."""
    return on + datetime.timedelta(days=reminder_lead_days())


# --- READ-1: no readmission within 6 months of an exit ------------------------------------------------------


def readmission_locked_until(last_closed_on: datetime.date) -> datetime.date:
    return add_months(last_closed_on, months(Period.READMISSION_LOCK, on=last_closed_on))


def readmission_locked_until_sql(closed_sql: str = "c.closed_on") -> str:
    return add_months_sql(closed_sql, months(Period.READMISSION_LOCK))


# --- PLAN-3: the agreement is reviewed at the latest 6 months after it was concluded ------------------------


def agreement_review_latest(concluded_on: datetime.date) -> datetime.date:
    return add_months(concluded_on, months(Period.AGREEMENT_REVIEW, on=concluded_on))


def agreement_review_latest_sql(concluded_sql: str = "a.concluded_on") -> str:
    return add_months_sql(concluded_sql, months(Period.AGREEMENT_REVIEW))


# --- ACC-4: clients not in FM are checked again 6 months after the last check (or their creation) ----------


def access_check_due_on(last_checked_on: datetime.date) -> datetime.date:
    return add_months(last_checked_on, months(Period.ACCESS_CHECK, on=last_checked_on))


def access_check_due_on_sql(last_checked_sql: str) -> str:
    return add_months_sql(last_checked_sql, months(Period.ACCESS_CHECK))


# --- DP-5: personal data are kept 5 years after the last case ended ---------------------------------------


def retention_cutoff(today: datetime.date) -> datetime.date:
    """Clients whose last case ended before this date are due for anonymisation."""
    years = int(settings.FM["RETENTION_YEARS"])
    return add_months(today, -12 * years)


def access_log_retention_cutoff(today: datetime.date) -> datetime.date:
    """DP-5: access-log entries written before this date are due for deletion (own retention period)."""
    years = int(settings.FM["ACCESS_LOG_RETENTION_YEARS"])
    return add_months(today, -12 * years)


# --- sargable windows for the daily job -------------------------------------------------------------------


def months_before_bound_sql(param_sql: str, n_sql: str | int, *, slack_days: int = 3) -> tuple[str, str]:
    """Bounds on a start date `s` such that `s + n months` may fall on or after / on or before the date
    `param_sql`: month-end clamping moves a date by at most 3 days, so `s >= lower` and `s <= upper` are
    index-friendly supersets of the exact condition (which the caller adds as well)."""
    n = n_sql if isinstance(n_sql, str) else str(int(n_sql))
    interval = f"make_interval(months => {n})"
    return (
        f"({param_sql} - {interval} - interval '{int(slack_days)} days')::date",
        f"({param_sql} - {interval} + interval '{int(slack_days)} days')::date",
    )


# --- PLAN-3: an agreement or a justified waiver within 4 weeks of admission; a waiver is re-checked -------

AGREEMENT_MISSING_DAYS = 28  # PLAN-3: admission + 4 weeks without agreement or waiver → reminder
WAIVED_AGREEMENT_RECHECK_MONTHS = 1  # PLAN-3: a waiver stays a to-do, re-presented every month


def agreement_missing_due_on(admitted_on: datetime.date) -> datetime.date:
    return admitted_on + datetime.timedelta(days=AGREEMENT_MISSING_DAYS)


def agreement_missing_due_on_sql(admitted_sql: str = "c.admitted_on") -> str:
    return f"({admitted_sql} + {AGREEMENT_MISSING_DAYS})"


def waived_agreement_recheck_on(recorded_on: datetime.date, horizon: datetime.date) -> datetime.date | None:
    """The latest monthly anniversary of a waiver on or before `horizon` (None before the first one)."""
    step = WAIVED_AGREEMENT_RECHECK_MONTHS
    n = months_between(recorded_on, horizon) // step * step
    return add_months(recorded_on, n) if n >= step else None


def waived_agreement_recheck_on_sql(recorded_sql: str, horizon_sql: str) -> str:
    """SQL twin of `waived_agreement_recheck_on` (NULL before the first anniversary)."""
    step = int(WAIVED_AGREEMENT_RECHECK_MONTHS)
    n = (
        f"((extract(year from age({horizon_sql}, {recorded_sql})) * 12"
        f" + extract(month from age({horizon_sql}, {recorded_sql})))::int / {step} * {step})"
    )
    return f"(CASE WHEN {n} >= {step} THEN ({recorded_sql} + make_interval(months => {n}))::date END)"

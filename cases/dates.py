"""Calendar-month arithmetic of the guideline's periods (clearing 2 months, reviews every 6, 36 at most).

The same results as `dateutil.relativedelta` (and as PostgreSQL's `date + interval 'n months'`, which the
daily job uses): a day that the target month lacks clamps to its end. Written out because the FM start
page and the case lists evaluate these dates for every row (150 cases × 8 dates), and relativedelta costs
about ten times as much per call."""

from __future__ import annotations

import calendar
import datetime


def add_months(value: datetime.date, months: int) -> datetime.date:
    """`value + relativedelta(months=months)` (negative `months` go back)."""
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return value.replace(year=year, month=month, day=min(value.day, last))


def months_between(start: datetime.date, end: datetime.date) -> int:
    """Completed calendar months from `start` to `end` (`relativedelta(end, start)` in months, ≥ 0 for
    end ≥ start): a month is completed when `add_months(start, n) <= end`."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and add_months(start, months) > end:
        months -= 1
    return months

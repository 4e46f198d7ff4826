"""cases.dates gives exactly what dateutil's relativedelta gives (the periods of CLR-2, REV-1, REV-4)."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta

from cases.dates import add_months, months_between

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

"""The legal-period table (MIT-1..7, PLAN-3): law by the date of the act, split at 2023-07-01 and
2026-07-01, read through `catalog.periods.legal_period_on`."""

import datetime

import pytest

from catalog import periods
from catalog.models import CooperationInstrument, LegalPeriod, MissedSummonsRule
from fallmanagement.errors import InvalidInput

D = datetime.date


def test_mit3_periods_are_seeded_without_gaps_or_overlaps():
    rows = list(LegalPeriod.objects.order_by("valid_from"))
    assert [r.code for r in rows] == ["2023-01", "2023-07", "2026-07"]
    for before, after in zip(rows, rows[1:], strict=False):
        assert before.valid_to + datetime.timedelta(days=1) == after.valid_from
    assert rows[-1].valid_to is None


@pytest.mark.parametrize(
    ("day", "code", "benefit", "rule", "instrument"),
    [
        (D(2023, 6, 30), "2023-01", "Bürgergeld", MissedSummonsRule.EACH, CooperationInstrument.NONE),
        (
            D(2023, 7, 1),
            "2023-07",
            "Bürgergeld",
            MissedSummonsRule.EACH,
            CooperationInstrument.MITWIRKUNGSAUFFORDERUNG,
        ),
        (
            D(2026, 6, 30),
            "2023-07",
            "Bürgergeld",
            MissedSummonsRule.EACH,
            CooperationInstrument.MITWIRKUNGSAUFFORDERUNG,
        ),
        (
            D(2026, 7, 1),
            "2026-07",
            "Grundsicherungsgeld",
            MissedSummonsRule.REPEATED,
            CooperationInstrument.VERPFLICHTUNG,
        ),
        (
            D(2030, 1, 1),
            "2026-07",
            "Grundsicherungsgeld",
            MissedSummonsRule.REPEATED,
            CooperationInstrument.VERPFLICHTUNG,
        ),
    ],
)
def test_mit3_mit5_mit7_legal_period_on_both_sides_of_each_switch(day, code, benefit, rule, instrument):
    period = periods.legal_period_on(day)
    assert (period.code, period.benefit_name, period.missed_summons_rule, period.cooperation_instrument) == (
        code,
        benefit,
        rule,
        instrument,
    )


def test_mit3_not_reachable_and_mit4_exam_only_from_2026_07_01():
    old, new = periods.legal_period_on(D(2026, 6, 30)), periods.legal_period_on(D(2026, 7, 1))
    assert (old.not_reachable_after, old.vulnerable_exam_required, old.conciliation_max_weeks) == (
        None,
        False,
        4,
    )
    assert (new.not_reachable_after, new.vulnerable_exam_required, new.conciliation_max_weeks) == (
        3,
        True,
        None,
    )
    assert old.missed_summons_legal_basis == "§ 32 SGB II a. F."
    assert new.not_reachable_legal_basis == "§ 7b SGB II n. F."
    assert "Bürgergeld" in old.summons_instruction and "Grundsicherungsgeld" not in old.summons_instruction
    assert "Grundsicherungsgeld" in new.summons_instruction and "§ 7b SGB II" in new.summons_instruction


def test_legal_period_on_a_day_before_the_table_is_a_400():
    with pytest.raises(InvalidInput) as err:
        periods.legal_period_on(D(2022, 12, 31))
    assert err.value.code == "no_legal_period"
    assert "31.12.2022" in err.value.message


def test_legal_periods_between_finds_a_straddled_switch():
    assert [p.code for p in periods.legal_periods_between(D(2026, 6, 20), D(2026, 7, 3))] == [
        "2023-07",
        "2026-07",
    ]
    assert [p.code for p in periods.legal_periods_between(D(2026, 7, 1), D(2026, 7, 3))] == ["2026-07"]


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (D(2026, 11, 20), 3, D(2026, 11, 25)),  # Friday → Wednesday
        (D(2026, 12, 23), 3, D(2026, 12, 29)),  # over Christmas (25./26.12.)
        (D(2026, 4, 2), 1, D(2026, 4, 7)),  # Maundy Thursday → over Good Friday and Easter Monday
        (D(2026, 10, 30), 1, D(2026, 11, 2)),  # Reformationstag (31.10., a Saturday in 2026) in NI
    ],
)
def test_mit2_working_days_after_skip_weekends_and_holidays_of_lower_saxony(day, n, expected):
    assert periods.working_days_after(day, n) == expected


def test_mit2_reformation_day_is_a_holiday_in_lower_saxony():
    assert not periods.is_working_day(D(2025, 10, 31))  # a Friday

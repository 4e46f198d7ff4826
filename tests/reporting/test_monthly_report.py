"""Monthly report figures on a hand-computed fixture (REP-1, REP-2, REP-3, DP-3, DP-7)."""

import datetime

import pytest
from django.db.models import FloatField

from fallmanagement.errors import InvalidInput
from reporting.models import MonthlyReport, OutcomeRecord
from reporting.selectors import Median, median_from_histogram, suppress_cells
from reporting.services import monthly_report_build
from tests.reporting.conftest import OCTOBER, TODAY, event, outcomes

SEPTEMBER = datetime.date(2026, 9, 1)


def _rows(n, **columns):
    """n rows; each column value is a list of length n."""
    return [{key: values[i] for key, values in columns.items()} for i in range(n)]


@pytest.fixture
def seed_example(area, site, site_sued, fm):
    """The seed's example (004 V): 40 exits, 10 integrations, 15 ÄD, 20 health, 30 needs reduced —
    split over two areas (Nord 25, Süd 15) so that the per-area figures are hand-computable too."""
    nord_months = [3] * 5 + [8] * 5 + [14] * 10 + [30] * 5  # median 14
    sued_months = [2] * 2 + [10] * 8 + [20] * 2 + [40] * 3  # median 10; 0-6 and 13-24 are small cells
    outcomes(
        area,
        OCTOBER,
        _rows(
            25,
            is_integration=[True] * 6 + [False] * 19,
            exit_reason_code=["B01"] * 6 + ["B05"] * 19,
            medical_service_involved=[True] * 9 + [False] * 16,
            health_need=[True] * 12 + [False] * 13,
            needs_reduced=[1] * 18 + [0] * 7,
            social_participation_progress=[True] * 7 + [False] * 18,
            months_in_case_management=nord_months,
        ),
    )
    outcomes(
        site_sued.area,
        OCTOBER,
        _rows(
            15,
            is_integration=[True] * 4 + [False] * 11,
            exit_reason_code=["B02"] * 4 + ["B08"] * 11,
            medical_service_involved=[True] * 6 + [False] * 9,
            health_need=[True] * 8 + [False] * 7,
            needs_reduced=[2] * 6 + [0] * 9,
            social_participation_progress=[True] * 3 + [False] * 12,
            months_in_case_management=sued_months,
        ),
    )
    # Other months must not leak into October.
    outcomes(area, SEPTEMBER, [{"is_integration": True}] * 4)
    outcomes(area, datetime.date(2026, 11, 1), [{"is_integration": True}] * 4)

    # Admissions and rejections from the case history (CaseEvent), October unless stated.
    for days in (10, 20, 30):
        on = datetime.date(2026, 10, 15)
        event(site=site, fm=fm, name="admit", on=on, clearing_started_on=on - datetime.timedelta(days=days))
    event(
        site=site,
        fm=fm,
        name="decide_dispute",
        on=datetime.date(2026, 10, 20),
        from_state="disputed",
        payload={"admit": True},
    )
    event(
        site=site,
        fm=fm,
        name="decide_dispute",
        on=datetime.date(2026, 10, 21),
        from_state="disputed",
        payload={"admit": False},
    )
    event(site=site, fm=fm, name="import", on=datetime.date(2026, 10, 2), from_state="")
    event(site=site, fm=fm, name="import", on=datetime.date(2026, 10, 3), from_state="")
    event(
        site=site,
        fm=fm,
        name="admit",
        on=datetime.date(2026, 9, 30),
        clearing_started_on=datetime.date(2026, 9, 1),
    )
    for code, days in (("R01", 40), ("R01", 40), ("R01", 40), ("R01", 40), ("R03", 50)):
        on = datetime.date(2026, 10, 31)
        event(
            site=site,
            fm=fm,
            name="reject",
            on=on,
            payload={"reason_code": code},
            clearing_started_on=on - datetime.timedelta(days=days),
        )
    on = datetime.date(2026, 10, 1)
    event(site=site_sued, fm=fm, name="admit", on=on, clearing_started_on=on - datetime.timedelta(days=5))


def _area(data, name):
    return next(a for a in data["areas"] if a["area"] == name)


# DOMAIN REP-1: the seed's example, in total.
def test_rep1_rep2_seed_example_totals(seed_example):
    data = monthly_report_build(month=OCTOBER, today=TODAY).data
    total = data["total"]
    assert data["month"] == "2026-10"
    assert total["exits"] == 40
    assert total["integrations"] == 10
    assert total["medical_service_involved"] == 15
    assert total["health_need"] == 20
    assert total["needs_reduced"] == 30
    assert total["needs_at_start"] == 120
    assert total["social_participation_progress"] == 10  # DOMAIN REP-3: progress beyond integration
    assert total["integration_rate"] == 25.0
    # 40 values: the 20th is 10, the 21st is 14 → percentile_cont 12.0
    assert total["median_months_in_case_management"] == 12.0
    assert total["duration_distribution"] == {"0-6": 7, "7-12": 13, "13-24": 12, "25-36": 5, "over_36": 3}
    assert total["admissions"] == 5  # 3 admits + 1 dispute admitted (Nord) + 1 admit (Süd); imports excluded
    assert total["rejections"] == 5
    # DP-3 (issue 15 finding 12): the total row is suppressed too — R03 = 1, and R01 = 4 beside it.
    assert total["rejections_by_reason"] == {"R01": None, "R02": 0, "R03": None, "R04": 0, "R05": 0, "R99": 0}
    assert total["clearing_decisions"] == 9
    assert total["median_clearing_days"] == 40.0  # [5, 10, 20, 30, 40, 40, 40, 40, 50]


# DOMAIN REP-1, REP-2: per area.
def test_rep1_rep2_seed_example_per_area(seed_example):
    data = monthly_report_build(month=OCTOBER, today=TODAY).data
    assert [a["area"] for a in data["areas"]] == ["Bereich Nord", "Bereich Süd"]
    nord, sued = _area(data, "Bereich Nord"), _area(data, "Bereich Süd")
    assert (nord["exits"], nord["integrations"], nord["medical_service_involved"], nord["health_need"]) == (
        25,
        6,
        9,
        12,
    )
    assert (sued["exits"], sued["integrations"], sued["medical_service_involved"], sued["health_need"]) == (
        15,
        4,
        6,
        8,
    )
    assert (nord["needs_reduced"], sued["needs_reduced"]) == (18, 12)
    assert (nord["social_participation_progress"], sued["social_participation_progress"]) == (7, 3)
    assert nord["integration_rate"] == 24.0
    assert sued["integration_rate"] == 26.7
    assert nord["median_months_in_case_management"] == 14.0
    assert sued["median_months_in_case_management"] == 10.0
    assert (nord["admissions"], nord["rejections"], sued["admissions"], sued["rejections"]) == (4, 5, 1, 0)
    assert nord["median_clearing_days"] == 40.0  # [10, 20, 30, 40, 40, 40, 40, 50]
    assert sued["median_clearing_days"] == 5.0


# DOMAIN DP-3: cells under 3 below area level are suppressed; area and total figures are not.
def test_dp3_small_cells_below_area_level_suppressed(seed_example):
    data = monthly_report_build(month=OCTOBER, today=TODAY).data
    nord, sued = _area(data, "Bereich Nord"), _area(data, "Bereich Süd")
    # Süd: 0-6 = 2 and 13-24 = 2 are hidden; the published column totals (7, 12) would give them away,
    # so Nord's cells of those columns are hidden as well (complementary suppression over columns).
    assert sued["duration_distribution"] == {"0-6": None, "7-12": 8, "13-24": None, "25-36": 0, "over_36": 3}
    assert nord["duration_distribution"] == {"0-6": None, "7-12": 5, "13-24": None, "25-36": 5, "over_36": 0}
    # Nord: R03 = 1 is hidden; alone it could be recomputed from the 5 rejections, so the smallest other
    # count above zero (R01 = 4) is hidden as well — a true zero stays 0.
    assert nord["rejections_by_reason"] == {"R01": None, "R02": 0, "R03": None, "R04": 0, "R05": 0, "R99": 0}
    # The area's own figures are shown even when small (the rule says "below area level").
    assert sued["admissions"] == 1
    # The total row is suppressed like the areas (DP-3: else R03 = total − visible).
    assert data["total"]["rejections_by_reason"]["R03"] is None
    assert data["small_cell_limit"] == 3


# DOMAIN DP-3
def test_dp3_suppress_cells_rules():
    assert suppress_cells({"a": 0, "b": 3, "c": 7}) == {"a": 0, "b": 3, "c": 7}
    assert suppress_cells({"a": 1, "b": 2, "c": 7}) == {"a": None, "b": None, "c": 7}
    assert suppress_cells({"a": 2, "b": 4, "c": 3}) == {"a": None, "b": 4, "c": None}
    assert suppress_cells({"a": 2}) == {"a": None}
    assert suppress_cells({"a": 4, "b": 4}, limit=5) == {"a": None, "b": None}


# DOMAIN DP-3: the limit is a setting.
def test_dp3_limit_from_settings(settings, area):
    settings.FM = {**settings.FM, "SMALL_CELL_LIMIT": 5}
    outcomes(area, OCTOBER, [{"months_in_case_management": 3}] * 4 + [{"months_in_case_management": 9}] * 6)
    data = monthly_report_build(month=OCTOBER, today=TODAY).data
    assert data["small_cell_limit"] == 5
    assert _area(data, "Bereich Nord")["duration_distribution"]["0-6"] is None
    assert data["total"]["duration_distribution"]["0-6"] is None  # 4 < 5: the total row is suppressed too


def test_median_matches_postgres_percentile_cont(area):
    values = [1, 2, 2, 7, 9, 9, 9, 30]
    outcomes(area, OCTOBER, [{"months_in_case_management": v} for v in values])
    pg = OutcomeRecord.objects.aggregate(m=Median("months_in_case_management", output_field=FloatField()))[
        "m"
    ]
    histogram = {v: values.count(v) for v in set(values)}
    assert pg == 8.0
    assert median_from_histogram(histogram) == 8.0
    assert median_from_histogram({5: 1}) == 5
    assert median_from_histogram({}) is None


# DOMAIN REP-1: rebuilding replaces the snapshot (one row per month) and is idempotent.
def test_rep1_rebuild_is_idempotent_and_replaces(seed_example, area):
    first = monthly_report_build(month=OCTOBER, today=TODAY)
    again = monthly_report_build(month=datetime.date(2026, 10, 17), today=TODAY)
    assert MonthlyReport.objects.count() == 1
    assert again.pk == first.pk
    assert again.data == first.data
    outcomes(area, OCTOBER, [{"is_integration": True}])
    rebuilt = monthly_report_build(month=OCTOBER, today=TODAY)
    assert MonthlyReport.objects.count() == 1
    assert rebuilt.data["total"]["exits"] == 41
    assert rebuilt.data["total"]["integrations"] == 11
    assert MonthlyReport.objects.get().data["total"]["exits"] == 41


# DOMAIN REP-1: built after month end — the running month and later months are refused.
@pytest.mark.parametrize(
    "month", [datetime.date(2026, 11, 1), datetime.date(2026, 12, 1), datetime.date(2004, 12, 1)]
)
def test_rep1_month_not_over_refused(month):
    with pytest.raises(InvalidInput) as error:
        monthly_report_build(month=month, today=TODAY)
    assert "month" in error.value.fields
    assert MonthlyReport.objects.count() == 0


def test_rep1_empty_month_has_zeros(area):
    data = monthly_report_build(month=OCTOBER, today=TODAY).data
    assert data["total"]["exits"] == 0
    assert data["total"]["median_months_in_case_management"] is None
    assert data["total"]["integration_rate"] is None
    assert _area(data, "Bereich Nord")["exits"] == 0


# DOMAIN CAP-1, CAP-2, DP-7: caseload at month end vs target, per area — no team or FM figures.
def test_cap_caseload_at_month_end_area_level(area, site, team, fm, fm2):
    from tests.factories import CaseFactory, ClientFactory

    def case(admitted, closed=None, state="active"):
        return CaseFactory(
            client=ClientFactory(site=site),
            fallmanager=fm,
            state=state,
            admitted_on=admitted,
            closed_on=closed,
        )

    case(datetime.date(2026, 3, 1))
    case(datetime.date(2026, 10, 31))
    case(datetime.date(2026, 11, 1))  # after month end
    case(datetime.date(2025, 1, 1), datetime.date(2026, 10, 15), state="closed")  # closed within October
    case(datetime.date(2025, 1, 1), datetime.date(2026, 11, 5), state="closed")  # still counted on 31.10.
    CaseFactory(client=ClientFactory(site=site), fallmanager=fm, state="clearing")  # CLR-1: never counted
    data = monthly_report_build(month=OCTOBER, today=TODAY).data
    nord = _area(data, "Bereich Nord")
    assert nord["caseload_counted"] == 3
    assert nord["caseload_target"] == 150  # two FMs with 39 h → 75 each
    assert data["total"]["caseload_counted"] == 3
    assert "teams" not in data and all("team" not in key for key in nord)

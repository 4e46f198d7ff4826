"""API.md "Reports": GET /api/v1/reports/monthly/?month=YYYY-MM as JSON, xlsx and csv (REP-1, REP-4)."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from reporting.models import MonthlyReport
from tests.reporting.conftest import OCTOBER, TODAY, outcomes

URL = "/api/v1/reports/monthly/"


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


@pytest.fixture
def october(area):
    outcomes(
        area, OCTOBER, [{"is_integration": True, "exit_reason_code": "B01"}] * 3 + [{"health_need": True}] * 2
    )


# DOMAIN REP-1: the contract's keys, built on the fly for a past month without snapshot (then stored).
@pytest.mark.parametrize("role", ["controlling", "bl", "tl"])
def test_rep1_monthly_json_contract(request, api_as, october, role):
    user = request.getfixturevalue(role)
    assert MonthlyReport.objects.count() == 0
    response = api_as(user).get(URL, {"month": "2026-10"})
    assert response.status_code == 200
    body = response.json()
    assert body["month"] == "2026-10"
    required = {
        "exits",
        "integrations",
        "medical_service_involved",
        "health_need",
        "needs_reduced",
        "admissions",
        "rejections",
        "median_months_in_case_management",
    }
    assert required <= set(body["total"])
    assert body["total"]["exits"] == 5
    assert body["total"]["integrations"] == 3
    assert body["total"]["health_need"] == 2
    assert [a["area"] for a in body["areas"]] == ["Bereich Nord"]
    assert required <= set(body["areas"][0])
    assert MonthlyReport.objects.filter(month=OCTOBER).count() == 1


def test_rep1_reads_stored_snapshot(api_as, controlling, october):
    api_as(controlling).get(URL, {"month": "2026-10"})
    # A new record after the build does not change the stored snapshot (until it is rebuilt).
    outcomes(MonthlyReport.objects.model._meta.apps.get_model("org", "Area").objects.get(), OCTOBER, [{}])
    assert api_as(controlling).get(URL, {"month": "2026-10"}).json()["total"]["exits"] == 5


@pytest.mark.parametrize("role", ["fm", "pap", "admin_user", "datenschutz", "other_fm"])
def test_reports_forbidden_for_other_roles(request, api_as, october, role):
    response = api_as(request.getfixturevalue(role)).get(URL, {"month": "2026-10"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"
    assert MonthlyReport.objects.count() == 0


def test_reports_need_authentication(api, october):
    response = api.get(URL, {"month": "2026-10"})
    assert response.status_code == 401
    assert MonthlyReport.objects.count() == 0


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"month": ""},
        {"month": "2026-13"},
        {"month": "2026-00"},
        {"month": "2026-1"},
        {"month": "Oktober"},
        {"month": "2026-10-01"},
        {"month": "x" * 5000},
        {"month": "2026-11"},
        {"month": "2031-01"},
        {"month": "1999-12"},
        {"month": "2026-10", "format": "pdf"},
    ],
)
def test_bad_month_or_format_is_400(api_as, controlling, params):
    response = api_as(controlling).get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) <= {"month", "format"} and error["fields"]
    assert MonthlyReport.objects.count() == 0


# DOMAIN REP-4: Excel export, formatted, one sheet per view.
def test_rep4_xlsx_export(api_as, controlling, october):
    response = api_as(controlling).get(URL, {"month": "2026-10", "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="fallmanagement-monatsbericht-2026-10.xlsx"' in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Überblick", "Bereiche", "Ablehnungsgründe", "Verweildauer", "Trend"]
    overview = wb["Überblick"]
    assert overview["A1"].value == "Kennzahl"
    assert overview["A1"].font.bold is True
    assert overview.column_dimensions["A"].width == 62
    assert overview["A2"].value == "Abgänge aus dem Fallmanagement"
    assert overview["B2"].value == 5
    assert overview["B3"].value == 3
    bereiche = wb["Bereiche"]
    assert bereiche["A2"].value == "Bereich Nord"
    assert bereiche["A3"].value == "Gesamt"
    duration = wb["Verweildauer"]
    # 5 exits at 6 months in Nord: 0-6 = 5, the other cells 0 (shown)
    assert [duration.cell(row=2, column=c).value for c in (1, 2, 3)] == ["0–6 Monate", 5, 5]
    trend = wb["Trend"]
    assert trend.max_row == 13
    assert trend["A13"].value == "10/2026"
    assert trend["B13"].value == 5


# DOMAIN REP-4, DP-3: CSV for German Excel; suppressed cells read "x".
def test_rep4_csv_export(api_as, controlling, area, site_sued):
    outcomes(area, OCTOBER, [{"months_in_case_management": 3}] * 2 + [{"months_in_case_management": 9}] * 4)
    outcomes(site_sued.area, OCTOBER, [{"is_integration": True}])
    response = api_as(controlling).get(URL, {"month": "2026-10", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="fallmanagement-monatsbericht-2026-10.csv"' in response["Content-Disposition"]
    assert response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").split("\r\n")
    header = lines[0].split(";")
    assert header[:4] == ["Monat", "Bereich", "Abgänge aus dem Fallmanagement", "Integrationen"]
    rows = {line.split(";")[1]: dict(zip(header, line.split(";"), strict=True)) for line in lines[1:] if line}
    assert set(rows) == {"Bereich Nord", "Bereich Süd", "Gesamt"}
    assert rows["Gesamt"]["Abgänge aus dem Fallmanagement"] == "7"
    assert rows["Bereich Süd"]["Integrationen je Abgang (%)"] == "100,0"
    assert rows["Bereich Nord"]["Verweildauer 0–6 Monate"] == "x"
    # Nord's only other count hides with it (else 6 − 4 = 2); the column total 3 needs two hidden cells.
    assert rows["Bereich Nord"]["Verweildauer 7–12 Monate"] == "x"
    assert rows["Gesamt"]["Verweildauer 0–6 Monate"] == "3"


def test_schema_lists_reports_endpoint(api_as, controlling):
    response = api_as(controlling).get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/api/v1/reports/monthly/" in response.content.decode()


def test_past_month_day_param_is_normalised(api_as, controlling, october):
    # A month is a month: asking twice builds once.
    api_as(controlling).get(URL, {"month": "2026-10"})
    api_as(controlling).get(URL, {"month": "2026-10"})
    assert list(MonthlyReport.objects.values_list("month", flat=True)) == [datetime.date(2026, 10, 1)]

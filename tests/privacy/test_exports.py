"""Exports (issue 15 finding 9, DP-4): cells neutralised against formula injection in XLSX and CSV,
control characters stripped (never a 500), every export logged."""

import io

import pytest
from openpyxl import load_workbook

from audit.models import AccessLog
from reporting.exports import safe_cell
from tests.factories import AreaFactory
from tests.reporting.conftest import OCTOBER, TODAY, outcomes

URL = "/api/v1/reports/monthly/"
HOSTILE = '=HYPERLINK("http://evil","x")\x07\x1b'


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


@pytest.fixture
def hostile_area():
    area = AreaFactory(name=HOSTILE)
    outcomes(area, OCTOBER, [{"is_integration": True}] * 4)
    return area


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_dp4_safe_cell_neutralises_formula_starts(start):
    value = safe_cell(f"{start}1+1")
    assert value.startswith("'")
    assert "\t" not in value and "\r" not in value


def test_dp4_safe_cell_keeps_numbers_and_plain_text():
    assert safe_cell(-3) == -3
    assert safe_cell("-1,5") == "-1,5"
    assert safe_cell("Bereich Nord") == "Bereich Nord"
    assert safe_cell("a\x00b\x1fc\ud800") == "abc"


def test_dp4_xlsx_cells_are_text_not_formulas(api_as, controlling, hostile_area):
    response = api_as(controlling).get(URL, {"month": "2026-10", "format": "xlsx"})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    values = [c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [v for v in values if v.startswith(("=", "+", "@"))]
    assert any(v.startswith("'=HYPERLINK") for v in values)
    assert not [v for v in values if any(ord(ch) < 32 for ch in v)]
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f"


def test_dp4_csv_cells_are_text_not_formulas(api_as, controlling, hostile_area):
    response = api_as(controlling).get(URL, {"month": "2026-10", "format": "csv"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    cells = [cell for line in text.split("\r\n") for cell in line.split(";")]
    assert not [c for c in cells if c.lstrip('"').startswith(("=", "+", "@"))]
    assert "\x07" not in text and "\x1b" not in text


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_dp4_every_export_is_logged(api_as, controlling, hostile_area, fmt):
    response = api_as(controlling).get(URL, {"month": "2026-10", "format": fmt})
    assert response.status_code == 200
    row = AccessLog.objects.get(action="report.export")
    assert row.user == controlling
    assert row.context == {"month": "2026-10", "format": fmt}

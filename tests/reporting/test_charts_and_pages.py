"""REP-4: server-side SVG charts with a text alternative; navigation and start page sections by role."""

import datetime

import pytest

from tests.reporting.conftest import TODAY
from web.reporting.charts import bar_chart, line_chart
from web.sections import StartPage


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


# DOMAIN REP-4: accessible, escaped, suppressed cells drawn as text only.
def test_rep4_bar_chart_accessible_and_escaped():
    svg = str(
        bar_chart(
            title="Abgänge <b>",
            description="Tabelle daneben",
            items=[("<script>x</script>", 4), ("Süd", None), ("Null", 0)],
        )
    )
    assert svg.startswith('<svg class="chart chart-bar" role="img" aria-labelledby="chart-t')
    assert "<title id=" in svg and "Abgänge &lt;b&gt;</title>" in svg
    assert "<desc id=" in svg and "Tabelle daneben</desc>" in svg
    assert "<script>" not in svg and "&lt;script&gt;x&lt;/script&gt;" in svg
    assert svg.count("<rect ") == 1  # only the 4 has a bar; the suppressed and the zero do not
    assert ">x</text>" in svg  # DP-3: suppressed
    assert "style=" not in svg  # CSP: no inline styles


def test_rep4_line_chart_breaks_on_missing_months():
    svg = str(
        line_chart(
            title="Trend",
            description="d",
            labels=["01/26", "02/26", "03/26", "04/26"],
            series=[("Abgänge", [1, 2, None, 4]), ("Integrationen", [0, 1, 1, 2])],
        )
    )
    assert 'role="img"' in svg
    assert svg.count("<polyline") == 2  # Abgänge: only [1, 2] forms a line; [4] is a lone point
    assert svg.count('class="chart-point series-0"') == 3
    assert "Integrationen</text>" in svg


def test_navigation_by_role(client, controlling, tl, fm):
    client.force_login(controlling)
    page = client.get("/berichte/monatsbericht/").content.decode()
    assert 'href="/berichte/monatsbericht/"' in page and 'href="/leitung/"' not in page
    client.force_login(tl)
    page = client.get("/leitung/").content.decode()
    assert 'href="/leitung/"' in page and 'href="/berichte/monatsbericht/"' in page


def test_home_sections_lead_and_controlling(tl, bl, controlling, fm):
    from web.reporting.home_sections import sections

    assert sections(StartPage(user=fm, today=TODAY)) == []
    lead = sections(StartPage(user=tl, today=TODAY))
    assert [s.template for s in lead] == ["reporting/sections/home_lead.html"]
    assert lead[0].context["board"].total.target == 75  # fm of her team (fixture)
    ctrl = sections(StartPage(user=controlling, today=TODAY))
    assert ctrl[0].context["month"] == datetime.date(2026, 10, 1)
    assert ctrl[0].context["report"] is None


def test_start_page_shows_reporting_sections(client, tl, controlling):
    client.force_login(tl)
    response = client.get("/")
    assert response.status_code == 200
    assert "Steuerung auf einen Blick" in response.content.decode()
    client.force_login(controlling)
    assert "Zum Monatsbericht mit Trend und Export" in client.get("/").content.decode()

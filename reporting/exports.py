"""Excel and CSV exports of a monthly report (REP-4). Built only from the stored, anonymous snapshot."""

from __future__ import annotations

import csv
import io
import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from reporting.selectors import FIGURES

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="12355B")
_TOTAL_FONT = Font(bold=True)
_THIN = Side(style="thin", color="C9D0D8")
_BORDER = Border(bottom=_THIN)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Control characters XLSX (XML 1.0) cannot hold and a CSV reader may act on; tab/LF/CR kept for the
# check below, then stripped too.
_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13))
_CONTROL.update(dict.fromkeys(range(0x7F, 0xA0)))
_CONTROL.update(dict.fromkeys(range(0xD800, 0xE000)))  # lone surrogates cannot be encoded


_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)?")


def safe_cell(value):
    """A text cell as data, never as a formula (CSV/formula injection, issue 15 finding 9): control
    characters stripped, and a text that a spreadsheet would read as a formula (starting with =, +, -,
    @, tab or CR) prefixed with an apostrophe. Numbers and dates pass unchanged."""
    if not isinstance(value, str):
        return value
    if value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        value = "'" + value
    return value.translate(_CONTROL).replace("\t", " ").replace("\r", " ").replace("\n", " ")


SUPPRESSED = "x"  # DP-3: not shown — a count under the limit, or one that would give such a count away


def suppressed_text(data: dict) -> str:
    del data
    return SUPPRESSED


def _cell(value, data: dict):
    """Suppressed cells (None in a breakdown) read "<3"; a median over nothing reads "–"."""
    return suppressed_text(data) if value is None else value


def _figure(value):
    return "–" if value is None else value


def _sheet(
    wb: Workbook, title: str, header: list[str], rows: list[list], *, first: bool = False, widths=None
):
    ws = wb.active if first else wb.create_sheet()
    ws.title = title
    ws.append([safe_cell(text) for text in header])
    for col, _text in enumerate(header, start=1):
        cell = ws.cell(row=1, column=col)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        ws.append([safe_cell(value) for value in row])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.border = _BORDER
            if isinstance(cell.value, float):
                cell.number_format = "0.0"
    ws.freeze_panes = "B2"
    for col, _text in enumerate(header, start=1):
        width = (widths or {}).get(col)
        if width is None:
            longest = max(
                (len(str(ws.cell(row=r, column=col).value or "")) for r in range(1, ws.max_row + 1)),
                default=8,
            )
            width = min(max(longest + 2, 10), 60)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.row_dimensions[1].height = 32
    return ws


def _month_label(data: dict) -> str:
    year, month = data["month"].split("-")
    return f"{month}/{year}"


def report_xlsx(data: dict, trend: list[dict]) -> bytes:
    """One sheet per view: Überblick, Bereiche, Ablehnungsgründe, Verweildauer, Trend."""
    wb = Workbook()
    total = data["total"]
    areas = data["areas"]
    area_names = [a["area"] for a in areas]

    overview = _sheet(
        wb,
        _("Überblick"),
        [_("Kennzahl"), _("Gesamt %(m)s") % {"m": _month_label(data)}],
        [[str(label), _figure(total.get(key))] for key, label in FIGURES],
        first=True,
        widths={1: 62, 2: 18},
    )
    overview.append([])
    overview.append([_("Anonyme Auswertung: keine Namen, Kundennummern, Mitarbeitenden oder Teams.")])
    overview.append(
        [
            _(
                "„x“: nicht ausgewiesen — Werte unter %(n)s und so viele weitere, dass keiner aus Summen "
                "zurückgerechnet werden kann (auch in der Zeile Gesamt)."
            )
            % {"n": data["small_cell_limit"]}
        ]
    )

    bereiche = _sheet(
        wb,
        _("Bereiche"),
        [_("Bereich")] + [str(label) for _key, label in FIGURES],
        [[a["area"]] + [_figure(a.get(key)) for key, _label in FIGURES] for a in areas]
        + [[_("Gesamt")] + [_figure(total.get(key)) for key, _label in FIGURES]],
        widths={1: 28},
    )
    for cell in bereiche[bereiche.max_row]:
        cell.font = _TOTAL_FONT

    reason_rows = [
        [r["code"], r["label"]]
        + [_cell(a["rejections_by_reason"].get(r["code"], 0), data) for a in areas]
        + [_cell(total["rejections_by_reason"].get(r["code"], 0), data)]
        for r in data["rejection_reasons"]
    ]
    _sheet(
        wb,
        _("Ablehnungsgründe"),
        [_("Code"), _("Ablehnungsgrund")] + area_names + [_("Gesamt")],
        reason_rows,
        widths={1: 8, 2: 48},
    )

    duration_rows = [
        [b["label"]]
        + [_cell(a["duration_distribution"].get(b["key"], 0), data) for a in areas]
        + [_cell(total["duration_distribution"].get(b["key"], 0), data)]
        for b in data["duration_buckets"]
    ]
    duration_rows.append(
        [_("Median (Monate)")]
        + [_figure(a["median_months_in_case_management"]) for a in areas]
        + [_figure(total["median_months_in_case_management"])]
    )
    _sheet(
        wb,
        _("Verweildauer"),
        [_("Verweildauer bei Abgang")] + area_names + [_("Gesamt")],
        duration_rows,
        widths={1: 30},
    )

    trend_keys = [
        "exits",
        "integrations",
        "integration_rate",
        "medical_service_involved",
        "health_need",
        "needs_reduced",
        "social_participation_progress",
        "admissions",
        "rejections",
        "median_months_in_case_management",
    ]
    labels = dict(FIGURES)
    trend_rows = []
    for point in trend:
        month = point["month"].strftime("%m/%Y")
        if point["data"] is None:
            trend_rows.append([month] + [_("kein Bericht")] + [None] * (len(trend_keys) - 1))
        else:
            trend_rows.append([month] + [_figure(point["data"]["total"].get(k)) for k in trend_keys])
    _sheet(wb, _("Trend"), [_("Monat")] + [str(labels[k]) for k in trend_keys], trend_rows, widths={1: 12})

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def report_csv(data: dict) -> bytes:
    """One row per area and one for the total; semicolon-separated, UTF-8 with BOM (German Excel).

    Suppressed cells read "<3"; decimals use the decimal comma."""
    buffer = io.StringIO()
    raw = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    class writer:  # every cell through `safe_cell`
        @staticmethod
        def writerow(row):
            raw.writerow([safe_cell(value) for value in row])

    reasons = data["rejection_reasons"]
    buckets = data["duration_buckets"]
    writer.writerow(
        [_("Monat"), _("Bereich")]
        + [str(label) for _key, label in FIGURES]
        + [_("Ablehnungen: %(r)s") % {"r": r["label"]} for r in reasons]
        + [_("Verweildauer %(b)s") % {"b": b["label"]} for b in buckets]
    )
    rows = [(a["area"], a) for a in data["areas"]] + [(_("Gesamt"), data["total"])]
    for name, figures in rows:
        writer.writerow(
            [data["month"], name]
            + [_csv_value(figures.get(key)) for key, _label in FIGURES]
            + [
                suppressed_text(data)
                if figures["rejections_by_reason"].get(r["code"], 0) is None
                else _csv_value(figures["rejections_by_reason"].get(r["code"], 0))
                for r in reasons
            ]
            + [
                suppressed_text(data)
                if figures["duration_distribution"].get(b["key"], 0) is None
                else _csv_value(figures["duration_distribution"].get(b["key"], 0))
                for b in buckets
            ]
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

"""Server-side SVG charts (REP-4): no JavaScript library, no CDN, no inline styles (CSP).

Each chart is an `<svg role="img">` with `<title>` and `<desc>` as its text alternative; the page shows
the table with the same numbers beside it. Colours come from classes in static/reporting/reporting.css."""

from __future__ import annotations

import itertools

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

_ids = itertools.count(1)


def _number(value: float | int | None, suppressed_text: str) -> str:
    if value is None:
        return suppressed_text
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return str(int(value))


def bar_chart(
    *, title: str, description: str, items: list[tuple[str, int | float | None]], suppressed_text: str = "<3"
) -> SafeString:
    """Horizontal bars, one per item (label, value); a suppressed value (None) is drawn as text only."""
    uid = next(_ids)
    label_width, bar_width, row, top = 230, 300, 26, 8
    height = top * 2 + row * max(len(items), 1)
    numbers = [v for _label, v in items if v is not None]
    maximum = max(numbers) if numbers and max(numbers) > 0 else 1
    parts = [
        format_html(
            '<svg class="chart chart-bar" role="img" aria-labelledby="chart-t{0} chart-d{0}" '
            'viewBox="0 0 {1} {2}" width="100%" preserveAspectRatio="xMinYMin meet" '
            'xmlns="http://www.w3.org/2000/svg">'
            '<title id="chart-t{0}">{3}</title><desc id="chart-d{0}">{4}</desc>',
            uid,
            label_width + bar_width + 70,
            height,
            title,
            description,
        )
    ]
    for index, (label, value) in enumerate(items):
        y = top + index * row
        parts.append(
            format_html(
                '<text class="chart-label" x="{0}" y="{1}" text-anchor="end">{2}</text>',
                label_width - 8,
                y + 17,
                label,
            )
        )
        width = 0 if value is None else round(bar_width * value / maximum, 1)
        if width:
            parts.append(
                format_html(
                    '<rect class="chart-fill series-0" x="{0}" y="{1}" width="{2}" height="{3}"></rect>',
                    label_width,
                    y + 4,
                    width,
                    row - 8,
                )
            )
        parts.append(
            format_html(
                '<text class="chart-value" x="{0}" y="{1}">{2}</text>',
                label_width + width + 6,
                y + 17,
                _number(value, suppressed_text),
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - static markup
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part is escaped above


def line_chart(
    *, title: str, description: str, labels: list[str], series: list[tuple[str, list[int | float | None]]]
) -> SafeString:
    """Lines over the labels (months); a missing value (None) breaks the line."""
    uid = next(_ids)
    left, right, top, bottom, width, height = 44, 12, 12, 48, 640, 260
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _name, vs in series for v in vs if v is not None]
    maximum = max(values) if values and max(values) > 0 else 1
    step = plot_w / max(len(labels) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return round(left + i * step, 1), round(top + plot_h - plot_h * v / maximum, 1)

    parts = [
        format_html(
            '<svg class="chart chart-line" role="img" aria-labelledby="chart-t{0} chart-d{0}" '
            'viewBox="0 0 {1} {2}" width="100%" preserveAspectRatio="xMinYMin meet" '
            'xmlns="http://www.w3.org/2000/svg">'
            '<title id="chart-t{0}">{3}</title><desc id="chart-d{0}">{4}</desc>',
            uid,
            width,
            height + 22 * len(series),
            title,
            description,
        ),
        format_html(
            '<line class="chart-axis" x1="{0}" y1="{1}" x2="{2}" y2="{1}"></line>'
            '<line class="chart-axis" x1="{0}" y1="{3}" x2="{0}" y2="{1}"></line>'
            '<text class="chart-label" x="{4}" y="{5}" text-anchor="end">{6}</text>'
            '<text class="chart-label" x="{4}" y="{1}" text-anchor="end">0</text>',
            left,
            top + plot_h,
            width - right,
            top,
            left - 4,
            top + 10,
            _number(maximum, ""),
        ),
    ]
    for i, label in enumerate(labels):
        x, _y = xy(i, 0)
        parts.append(
            format_html(
                '<text class="chart-label chart-tick" x="{0}" y="{1}" text-anchor="middle">{2}</text>',
                x,
                top + plot_h + 18,
                label,
            )
        )
    for s, (name, vs) in enumerate(series):
        segments: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(vs):
            if v is None:
                segments.append([])
                continue
            segments[-1].append(xy(i, v))
        for segment in segments:
            if len(segment) > 1:
                points = " ".join(f"{x},{y}" for x, y in segment)
                parts.append(
                    format_html('<polyline class="chart-line series-{0}" points="{1}"></polyline>', s, points)
                )
            for x, y in segment:
                parts.append(
                    format_html(
                        '<circle class="chart-point series-{0}" cx="{1}" cy="{2}" r="3"></circle>', s, x, y
                    )
                )
        ly = height + 22 * s
        parts.append(
            format_html(
                '<rect class="chart-fill series-{0}" x="{1}" y="{2}" width="14" height="10"></rect>'
                '<text class="chart-label" x="{3}" y="{4}">{5}</text>',
                s,
                left,
                ly,
                left + 20,
                ly + 10,
                name,
            )
        )
    parts.append(mark_safe("</svg>"))  # noqa: S308 - static markup
    return mark_safe("".join(str(p) for p in parts))  # noqa: S308 - every part is escaped above


__all__ = ["bar_chart", "line_chart"]

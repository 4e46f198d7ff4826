"""Server-side SVG charts (REP-4): no JavaScript library, no CDN, no inline styles (CSP).

The numbers (positions, lengths, labels) are computed here; the markup is in the templates
`reporting/charts/bar.svg` and `reporting/charts/line.svg` (autoescaped). Each chart is an
SVG image (role "img") with a title and a description as its text alternative; the page shows the table with the
same numbers beside it. Colours come from classes in static/reporting/reporting.css."""

from __future__ import annotations

import itertools

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

_ids = itertools.count(1)


def _number(value: float | int | None, suppressed_text: str) -> str:
    if value is None:
        return suppressed_text
    if isinstance(value, float) and not value.is_integer():
        return f"{value:.1f}".replace(".", ",")
    return str(int(value))


def bar_chart(
    *, title: str, description: str, items: list[tuple[str, int | float | None]], suppressed_text: str = "x"
) -> SafeString:
    """Horizontal bars, one per item (label, value); a suppressed value (None) is drawn as text only."""
    label_width, bar_width, row, top = 230, 300, 26, 8
    numbers = [v for _label, v in items if v is not None]
    maximum = max(numbers) if numbers and max(numbers) > 0 else 1
    bars = []
    for index, (label, value) in enumerate(items):
        y = top + index * row
        width = 0 if value is None else round(bar_width * value / maximum, 1)
        bars.append(
            {
                "label": label,
                "label_x": label_width - 8,
                "text_y": y + 17,
                "bar_x": label_width,
                "bar_y": y + 4,
                "width": width,
                "bar_height": row - 8,
                "value_x": label_width + width + 6,
                "value": _number(value, suppressed_text),
            }
        )
    return render_to_string(
        "reporting/charts/bar.svg",
        {
            "uid": next(_ids),
            "width": label_width + bar_width + 70,
            "height": top * 2 + row * max(len(items), 1),
            "title": title,
            "description": description,
            "bars": bars,
        },
    )


def line_chart(
    *, title: str, description: str, labels: list[str], series: list[tuple[str, list[int | float | None]]]
) -> SafeString:
    """Lines over the labels (months); a missing value (None) breaks the line."""
    left, right, top, bottom, width, height = 44, 12, 12, 48, 640, 260
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _name, vs in series for v in vs if v is not None]
    maximum = max(values) if values and max(values) > 0 else 1
    step = plot_w / max(len(labels) - 1, 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        return round(left + i * step, 1), round(top + plot_h - plot_h * v / maximum, 1)

    ticks = [{"x": xy(i, 0)[0], "label": label} for i, label in enumerate(labels)]
    lines = []
    for s, (name, vs) in enumerate(series):
        segments: list[list[tuple[float, float]]] = [[]]
        for i, v in enumerate(vs):
            if v is None:
                segments.append([])
                continue
            segments[-1].append(xy(i, v))
        legend_y = height + 22 * s
        lines.append(
            {
                "series": s,
                "name": name,
                "segments": [
                    {
                        "points": " ".join(f"{x},{y}" for x, y in segment) if len(segment) > 1 else "",
                        "dots": [{"x": x, "y": y} for x, y in segment],
                    }
                    for segment in segments
                ],
                "legend_y": legend_y,
                "legend_text_y": legend_y + 10,
            }
        )
    return render_to_string(
        "reporting/charts/line.svg",
        {
            "uid": next(_ids),
            "width": width,
            "height": height + 22 * len(series),
            "title": title,
            "description": description,
            "left": left,
            "right_x": width - right,
            "top": top,
            "baseline": top + plot_h,
            "axis_label_x": left - 4,
            "max_label_y": top + 10,
            "max_label": _number(maximum, ""),
            "tick_y": top + plot_h + 18,
            "legend_text_x": left + 20,
            "ticks": ticks,
            "lines": lines,
        },
    )


__all__ = ["bar_chart", "line_chart"]

"""Display helpers of the reporting templates."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def cell(value, limit=3):
    """A small-cell-suppressed count (DP-3): None reads "<3"."""
    if value is None:
        return f"<{limit}"
    return figure(value)


@register.filter
def figure(value):
    """A figure that may be empty (a median over no cases): None reads "–"; decimals with a comma."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return number_format(value, decimal_pos=1)
    return value

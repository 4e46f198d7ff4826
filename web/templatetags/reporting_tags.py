"""Display helpers of the reporting templates."""

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def cell(value, limit=3):
    """A suppressed count (DP-3): None reads "x" (under the limit, or hidden to protect one that is)."""
    if value is None:
        return "x"
    return figure(value)


@register.filter
def figure(value):
    """A figure that may be empty (a median over no cases): None reads "–"; decimals with a comma."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return number_format(value, decimal_pos=1)
    return value

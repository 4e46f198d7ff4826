"""`{% plans_field field %}`: one form field of the plan sections, label around control.

The case page shows six editable sections with about twenty fields; the template include this replaces
(with its `with`/`add`/`cut` filters) cost more than rendering the field itself."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag
def plans_field(field) -> str:
    # Several forms on the case page share field names and so Django's ids (id_kind, id_date, …): the
    # control sits inside its label and loses the duplicate id (and the reference to an id-based help
    # text); the help text is part of the label — every label names its own control (WCAG 4.1.1, 1.3.1).
    widget = (
        str(field)
        .replace(f' id="{field.auto_id}"', "")
        .replace(f' aria-describedby="{field.auto_id}_helptext"', "")
    )
    required = mark_safe(' <span aria-hidden="true">*</span>') if field.field.required else ""  # noqa: S308
    help_text = format_html('<span class="help">{}</span>', field.help_text) if field.help_text else ""
    errors = ""
    if field.errors:
        items = format_html_join("", "<li>{}</li>", ((e,) for e in field.errors))
        errors = format_html('<ul class="errorlist" role="alert">{}</ul>', items)
    return format_html(
        '<div class="plans-field">\n  <label>{}{}\n    {}\n    {}</label>\n  {}\n</div>',
        field.label,
        required,
        help_text,
        mark_safe(widget),  # noqa: S308 - rendered by the field's widget, which escapes its values
        errors,
    )

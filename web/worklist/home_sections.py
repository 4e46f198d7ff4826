"""Start page section "Heute" (WORK-1): the worklist of the FM (her to-dos) and of the TL (her approvals
and escalations) — overdue, today, the next 14 days — from `jobs.worklist.worklist_for`, the one
composition the API uses as well. Next to it the count of open reminders: the number the reminders page
and the e-mail digest show (`reviews.selectors.open_reminder_count`)."""

from __future__ import annotations

from django.template import engines
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from audit import gate
from jobs import worklist
from org.choices import Role
from reviews.selectors import open_reminder_count
from web.sections import Section, StartPage

WORKLIST_ROLES = (Role.FALLMANAGER, Role.TEAMLEITUNG)


def _rows_html(items) -> str:
    """The group's rows from the Jinja2 fragment `worklist/rows.html` (the hot table of the start page)."""
    html = engines["jinja2"].get_template("worklist/rows.html").render({"items": items})
    return mark_safe(html)  # noqa: S308 - the output of an autoescaping template engine


def worklist_context(*, user, today, items) -> dict:
    groups = [
        {"key": "overdue", "title": _("Überfällig"), "items": [i for i in items if i.due_on < today]},
        {"key": "today", "title": _("Heute"), "items": [i for i in items if i.due_on == today]},
        {"key": "soon", "title": _("Nächste 14 Tage"), "items": [i for i in items if i.due_on > today]},
    ]
    for group in groups:
        group["rows_html"] = _rows_html(group["items"])
    return {
        "groups": groups,
        "total": len(items),
        "overdue_count": len(groups[0]["items"]),
        "reminder_count": open_reminder_count(user=user),
        "reminders_url": reverse("reviews:reminders"),
        "cases_url": reverse("case-list"),
        "is_tl": user.role == Role.TEAMLEITUNG,
    }


def sections(page: StartPage) -> list[Section]:
    user, today = page.user, page.today
    if user.role not in WORKLIST_ROLES:
        return []
    items = worklist.worklist_for(user=user, today=today)
    page.worklist = items
    # DP-2: the cases the worklist names (client ids come with the items: no query).
    gate.shown(
        worklist.audit_refs(items),
        user=user,
        action="case.list",
        capacity=worklist.audit_capacity(user),
        context={"list": "worklist"},
    )
    return [
        Section(
            title=_("Heute: Ihre Arbeitsliste"),
            template="worklist/home.html",
            order=1,
            context=worklist_context(user=user, today=today, items=items),
        )
    ]

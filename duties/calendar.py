"""MIT-1: the FM's appointments by day (the calendar page) and as an iCalendar feed. The feed carries no
names: customer number and kind only (it leaves the application for a phone or a mail client)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from cases import access
from duties.models import Appointment

FEED_PAST_DAYS = 30
FEED_FUTURE_DAYS = 183
DURATION = datetime.timedelta(minutes=45)


def _bounds(start: datetime.date, end: datetime.date):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    )


def appointments_between(
    user, *, start: datetime.date, end: datetime.date, today: datetime.date, own_only: bool = False
):
    """Appointments in the user's case scope (own and substituted cases; `own_only` for the feed), one query."""
    if own_only:
        scope = {"case__fallmanager_id": user.pk}
        qs = Appointment.objects.filter(**scope)
    else:
        q = access.case_scope_q(user, today, prefix="case__")
        if q is None:
            return []
        qs = Appointment.objects.filter(q)
    lo, hi = _bounds(start, end)
    return list(
        qs.filter(starts_at__gte=lo, starts_at__lt=hi)
        .select_related("case__client")
        .order_by("starts_at", "pk")
    )


def week_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    monday = day - datetime.timedelta(days=day.weekday())
    return monday, monday + datetime.timedelta(days=6)


def ical_feed(staff, *, today: datetime.date) -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Fallmanagement//Termine//DE")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", _("Termine Fallmanagement"))
    rows = appointments_between(
        staff,
        start=today - datetime.timedelta(days=FEED_PAST_DAYS),
        end=today + datetime.timedelta(days=FEED_FUTURE_DAYS),
        today=today,
        own_only=True,
    )
    for a in rows:
        event = Event()
        kind = _("Meldetermin") if a.is_summons else a.get_kind_display()
        event.add("uid", f"appointment-{a.pk}@fallmanagement")
        event.add("summary", f"{a.case.client.customer_number} – {kind}")
        event.add("dtstart", a.starts_at)
        event.add("dtend", a.starts_at + DURATION)
        event.add("dtstamp", a.updated_at)
        cal.add_component(event)
    return cal.to_ical()

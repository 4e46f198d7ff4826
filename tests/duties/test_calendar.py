"""MIT-1: the FM's calendar (day/week) and the iCalendar feed — customer number and kind only, behind a
revocable secret URL."""

import datetime

from django.urls import reverse
from icalendar import Calendar

from audit.models import AccessLog
from duties import services
from duties.models import CalendarFeed
from tests.duties.conftest import plan

D = datetime.date


def test_mit1_week_and_day_view(client, case, fm, other_fm, other_case):
    plan(case, fm, D(2026, 11, 24), invited_on=D(2026, 11, 20))
    plan(other_case, other_fm, D(2026, 11, 24), invited_on=D(2026, 11, 20))
    client.force_login(fm)
    html = client.get(reverse("duties:calendar"), {"tag": "2026-11-24"}).content.decode()
    assert "Dienstag, 24.11.2026" in html and "Montag, 23.11.2026" in html
    assert case.client.last_name in html and other_case.client.last_name not in html
    day = client.get(reverse("duties:calendar"), {"tag": "2026-11-23", "ansicht": "tag"}).content.decode()
    assert "Keine Termine." in day and "Dienstag, 24.11.2026" not in day
    assert AccessLog.objects.filter(action="calendar.view", user=fm).exists()


def test_mit1_ical_feed_has_no_names_and_is_revocable(client, case, fm):
    plan(case, fm, D(2026, 11, 24), invited_on=D(2026, 11, 20))
    token = services.calendar_feed_renew(acting_user=fm)
    assert (
        len(CalendarFeed.objects.get().token_hash) == 64
        and token not in CalendarFeed.objects.get().token_hash
    )
    url = reverse("duties:calendar-feed", args=[token])
    r = client.get(url)
    assert r.status_code == 200 and r["Content-Type"].startswith("text/calendar")
    body = r.content.decode()
    events = Calendar.from_ical(r.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == [f"{case.client.customer_number} – Meldetermin"]
    assert case.client.last_name not in body and case.client.first_name not in body
    new_token = services.calendar_feed_renew(acting_user=fm)
    assert client.get(url).status_code == 404
    services.calendar_feed_revoke(acting_user=fm)
    assert client.get(reverse("duties:calendar-feed", args=[new_token])).status_code == 404
    assert client.get("/kalender/abo/kurz.ics").status_code == 404


def test_mit1_calendar_only_for_fm(client, tl):
    client.force_login(tl)
    assert client.get(reverse("duties:calendar")).status_code == 403

"""The business day — one helper for services, pages and the API.

`today(given)` is what a service uses: the explicit `today=`/`on=` a caller passed, else the local date
(Europe/Berlin). `request_day(request)` is the business day of a request; views and API views call it as
`clock.request_day(request)` (through the module, so that tests pin the day of a request in one place:
`monkeypatch.setattr("catalog.clock.request_day", lambda request=None: DAY)`)."""

from __future__ import annotations

import datetime

from django.utils import timezone


def today(given: datetime.date | None = None) -> datetime.date:
    """`given`, or the local date when none was given."""
    return given or timezone.localdate()


def request_day(request=None) -> datetime.date:
    """The business day of a request (pinned by tests, see the module docstring)."""
    del request
    return timezone.localdate()

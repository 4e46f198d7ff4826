"""Reads of the reviews app. PLACEHOLDER until the reviews capability lands: date-based only."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings

from cases.choices import CaseState


def case_review_status(*, case, today: datetime.date) -> tuple[datetime.date | None, str | None]:
    """(next_review_due_on, continuation) of a case, as API.md "Cases" shows them."""
    if case.state != CaseState.ACTIVE or not case.admitted_on:
        return None, None
    fm = settings.FM
    months = case.months_in_case_management(today) or 0
    if months >= fm["MAX_MONTHS"]:
        return case.admitted_on + relativedelta(months=fm["MAX_MONTHS"]), "not_allowed"
    step = fm["REVIEW_INTERVAL_MONTHS"]
    next_month = (months // step + 1) * step
    return case.admitted_on + relativedelta(months=next_month), "allowed"

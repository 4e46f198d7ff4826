"""The agreement as a PDF for signature (PLAN-3), rendered server-side with WeasyPrint."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from cases.letters import letterhead_context
from catalog import clock, periods
from fallmanagement.errors import InvalidInput
from plans.choices import GoalStatus
from plans.models import Agreement, Goal


def agreement_pdf(*, agreement: Agreement, goals: list[Goal]) -> bytes:
    """German, with the jobcenter's letterhead fields, the title by legal period, both sides'
    commitments and the open goals. MIT-7: from 2023-07-01 a non-binding plan handed over in text form
    ("ausgehändigt am …", no signature lines); an Eingliederungsvereinbarung keeps its signature lines."""
    from weasyprint import HTML  # imported lazily: loading WeasyPrint is slow

    case = agreement.case
    try:
        # MIT-7: the law of the day it was handed over decides the layout and the benefit's name.
        period = periods.legal_period_on(agreement.concluded_on) if agreement.concluded_on else None
    except InvalidInput:
        period = None  # an imported agreement from before the legal-period table
    context = {
        **letterhead_context(case),  # WORK-4: letterhead from master data, the client's address
        "agreement": agreement,
        "goals": [g for g in goals if g.status == GoalStatus.OPEN],
        "printed_on": clock.today(),
        "letter_date": clock.today(),
        "period": period,
        "signed": period is None or period.agreement_signed,
    }
    html = render_to_string("plans/agreement_pdf.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()

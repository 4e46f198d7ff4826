"""The agreement as a PDF for signature (PLAN-3), rendered server-side with WeasyPrint."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string

from catalog import clock
from plans.choices import GoalStatus
from plans.models import Agreement, Goal


def agreement_pdf(*, agreement: Agreement, goals: list[Goal]) -> bytes:
    """German, with the jobcenter's letterhead fields, the title by legal period, both sides'
    commitments, the open goals and signature lines for client and FM."""
    from weasyprint import HTML  # imported lazily: loading WeasyPrint is slow

    case = agreement.case
    fm = case.fallmanager
    context = {
        "agreement": agreement,
        "case": case,
        "client": case.client,
        "fm": fm,
        "fm_phone": getattr(fm, "phone", "") or case.client.site.phone,
        "fm_email": fm.email or case.client.site.email,
        "site": case.client.site,
        # WORK-4: the letterhead from master data (the site's address), the client's postal address.
        "site_address": ", ".join(case.client.site.address_lines)
        or getattr(settings, "JOBCENTER_ADDRESS", ""),
        "client_address": case.client.address_lines,
        "jobcenter_name": settings.JOBCENTER_NAME,
        "goals": [g for g in goals if g.status == GoalStatus.OPEN],
        "printed_on": clock.today(),
    }
    html = render_to_string("plans/agreement_pdf.html", context)
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()

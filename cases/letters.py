"""What every letter to a client carries (WORK-4): the jobcenter's letterhead from master data (the site's
address, the FM's phone and e-mail, else the site's) and the client's postal address. One context for the
Kooperationsplan, the invitation and the obligation letters; the markup is templates/letters/_letterhead.html."""

from __future__ import annotations

from django.conf import settings

from cases.models import Case


def letterhead_context(case: Case) -> dict:
    client, fm = case.client, case.fallmanager
    site = client.site
    return {
        "case": case,
        "client": client,
        "fm": fm,
        "site": site,
        "fm_phone": getattr(fm, "phone", "") or site.phone,
        "fm_email": fm.email or site.email,
        "site_address": ", ".join(site.address_lines) or getattr(settings, "JOBCENTER_ADDRESS", ""),
        "client_address": client.address_lines,
        "jobcenter_name": settings.JOBCENTER_NAME,
    }

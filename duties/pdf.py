"""The invitation letter of a Meldeaufforderung (MIT-1), rendered server-side with WeasyPrint like the
Kooperationsplan. The legal period of the invitation date gives the benefit's name, the legal basis and
the Rechtsfolgenbelehrung (plain language, from the legal-period table)."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from cases.letters import letterhead_context
from catalog import periods
from duties.models import Appointment


def invitation_context(appointment: Appointment) -> dict:
    case = appointment.case
    period = periods.legal_period_on(appointment.invited_on)
    return {
        **letterhead_context(case),  # WORK-4: letterhead from master data, the client's address
        "appointment": appointment,
        "starts_at": timezone.localtime(appointment.starts_at),
        "letter_date": appointment.invited_on,
        "show_customer_number": True,
        "period": period,
    }


def invitation_html(appointment: Appointment) -> str:
    return render_to_string("duties/invitation_pdf.html", invitation_context(appointment))


def invitation_pdf(appointment: Appointment) -> bytes:
    from weasyprint import HTML  # imported lazily: loading WeasyPrint is slow

    return HTML(string=invitation_html(appointment), base_url=str(settings.BASE_DIR)).write_pdf()


def obligation_context(obligation) -> dict:
    case = obligation.case
    return {
        **letterhead_context(case),  # WORK-4: letterhead from master data, the client's address
        "obligation": obligation,
        "period": obligation.legal_period,
        "agreement": obligation.agreement,
        "letter_date": obligation.issued_on,
        "show_customer_number": True,
    }


def obligation_html(obligation) -> str:
    return render_to_string("duties/obligation_pdf.html", obligation_context(obligation))


def obligation_pdf(obligation) -> bytes:
    """MIT-5: the draft of the Aufforderung zur Mitwirkung / the Verpflichtung (Verwaltungsakt)."""
    from weasyprint import HTML

    return HTML(string=obligation_html(obligation), base_url=str(settings.BASE_DIR)).write_pdf()

"""Client area pages: the contact data form of the case page (WORK-4). Thin: the case is read through its
scope (404 outside), the service checks and stores; with htmx the section comes back (200, also with the
German messages of a refusal), without htmx a redirect or the form with status 400."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases.selectors import case_get
from cases.services.contact import client_contact_update
from catalog import clock
from fallmanagement.errors import DomainError, add_domain_error
from web.clients.case_sections import contact_section, household_section, may_edit
from web.clients.forms import ContactForm
from web.pages import render_section


@login_required
@require_POST
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    today = clock.request_day(request)
    case = case_get(request.user, pk, today=today)
    if case is None:
        raise Http404
    if not may_edit(case, request.user, today):
        raise PermissionDenied
    form = ContactForm(request.POST)
    status, saved = 400, False
    if form.is_valid():
        try:
            case.client = client_contact_update(
                client=case.client, acting_user=request.user, **form.cleaned_data
            )
        except DomainError as err:
            add_domain_error(form, err, form.field_map)
            status = err.status
        else:
            status, saved, form = 200, True, None
    if not request.htmx and saved:
        return redirect(reverse("case-detail", args=[case.pk]) + "#client-contact")
    section = contact_section(case=case, user=request.user, today=today, form=form, saved=saved)
    html = render_section(section.template, section.context, request)
    if request.htmx:
        return HttpResponse(html)
    return render(
        request,
        "plans/section_page.html",
        {"case": case, "title": section.title, "html": html},
        status=status,
    )


@login_required
def household(request: HttpRequest, pk: int) -> HttpResponse:
    """HH-1: the other members of the client's household (htmx fragment of the case page, or a page)."""
    today = clock.request_day(request)
    case = case_get(request.user, pk, today=today)
    if case is None:
        raise Http404
    section = household_section(case=case, user=request.user, today=today)  # reads and logs (DP-2)
    html = render_section(section.template, section.context, request)
    if request.htmx:
        return HttpResponse(html)
    return render(request, "plans/section_page.html", {"case": case, "title": section.title, "html": html})


household.audited_action = "household.view"

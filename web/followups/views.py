"""Wiedervorlagen on the case page (WORK-1): thin — each POST calls one service; with htmx the section is
re-rendered in place with a German confirmation, without JavaScript the browser returns to the case."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors import case_get
from catalog import clock
from fallmanagement.errors import DomainError, add_domain_error
from followups import selectors, services
from web.followups.case_sections import followups_context
from web.followups.forms import FollowUpForm


def _answer(request, case, *, status: int = 200, **kwargs) -> HttpResponse:
    today = clock.request_day(request)
    if request.htmx or status != 200:
        ctx = followups_context(case, request.user, today, **kwargs)
        html = render_to_string("followups/section.html", ctx, request=request)
        return HttpResponse(html, status=200 if request.htmx else status)
    return redirect(reverse("case-detail", args=[case.pk]) + "#followups")


@login_required
@require_POST
def followup_create(request, pk):
    today = clock.request_day(request)
    case = case_get(request.user, pk, today=today)
    if case is None:
        raise Http404
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.followup_create(case=case, acting_user=request.user, today=today, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _answer(request, case, saved=_("Die Wiedervorlage ist gespeichert."))
    return _answer(request, case, form=form, status=400)


def _close(request, pk, service, saved: str) -> HttpResponse:
    today = clock.request_day(request)
    followup = selectors.followup_get(request.user, pk, today=today)
    if followup is None:
        raise Http404
    try:
        service(followup=followup, acting_user=request.user, today=today)
    except DomainError as error:
        return _answer(
            request,
            followup.case,
            error=error.message,
            status=403 if error.code == "permission_denied" else 409,
        )
    return _answer(request, followup.case, saved=saved)


@login_required
@require_POST
def followup_done(request, pk):
    return _close(request, pk, services.followup_done, _("Die Wiedervorlage ist als erledigt gespeichert."))


@login_required
@require_POST
def followup_cancel(request, pk):
    return _close(request, pk, services.followup_cancel, _("Die Wiedervorlage ist verworfen."))

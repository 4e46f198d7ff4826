"""Team pages of the Teamleitung: substitutions (SUB-1) and the hand-over of a case (SUB-3)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from cases.access import (
    continued_care_approve,
    continued_care_grant,
    continued_care_visible_to,
    continued_care_waits_for,
    grant_revoke,
)
from cases.selectors import case_get
from cases.services import case_transfer
from catalog import clock
from fallmanagement.errors import DomainError, add_domain_error
from org.choices import Role
from org.substitutions import (
    substitution_approve,
    substitution_end,
    substitution_set,
    substitution_waits_for,
    substitutions_visible_to,
)
from web.org.forms import SubstitutionForm, TransferForm


def _require_tl(request) -> None:
    if request.user.role != Role.TEAMLEITUNG:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def substitutions(request):
    _require_tl(request)
    today = clock.request_day(request)
    teams = request.user.led_teams.all()
    form = SubstitutionForm(request.POST or None, teams=teams, initial={"starts_on": today, "ends_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            substitution_set(acting_user=request.user, today=today, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Die Vertretung ist eingetragen."))
            return redirect("org:substitutions")
    items = list(substitutions_visible_to(request.user, today=today))
    for item in items:  # SUB-1: a cross-team substitution waits for the substitute's TL
        item.can_approve = substitution_waits_for(item, request.user)
    care = [
        {"grant": g, "can_approve": continued_care_waits_for(g, request.user)}
        for g in continued_care_visible_to(request.user, today=today)
    ]
    return render(
        request,
        "org/substitutions.html",
        {"form": form, "substitutions": items, "continued_care": care, "today": today},
        status=400 if form.errors else 200,
    )


def _continued_care_action(request, pk: int, action, done: str):
    """Run `action(grant, user, today)` on a SUB-3 agreement the TL takes part in; back to the team page."""
    _require_tl(request)
    today = clock.request_day(request)
    grant = continued_care_visible_to(request.user, today=today).filter(pk=pk).first()
    if grant is None:
        raise Http404
    try:
        action(grant, request.user, today)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return redirect("org:substitutions")


@login_required
@require_POST
def continued_care_approve_view(request, pk: int):
    """SUB-3: the second TL agrees to the previous FM's time-limited continued care."""
    return _continued_care_action(
        request,
        pk,
        lambda grant, user, today: continued_care_approve(grant=grant, acting_user=user, today=today),
        _("Zugestimmt: die Weiterbetreuung ist wirksam."),
    )


@login_required
@require_POST
def continued_care_revoke_view(request, pk: int):
    """End a proposed or running continued care early (who proposed or approved it)."""
    return _continued_care_action(
        request,
        pk,
        lambda grant, user, today: grant_revoke(grant=grant, acting_user=user, on=today),
        _("Die Weiterbetreuung ist beendet."),
    )


@login_required
@require_POST
def substitution_stop(request, pk: int):
    _require_tl(request)
    today = clock.request_day(request)
    sub = substitutions_visible_to(request.user, today=today).filter(pk=pk).first()
    if sub is None:
        raise Http404
    try:
        substitution_end(
            acting_user=request.user, substitution=sub, on=today - datetime.timedelta(days=1), today=today
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die Vertretung ist beendet."))
    return redirect("org:substitutions")


@login_required
@require_http_methods(["GET", "POST"])
def transfer(request, case_id: int):
    _require_tl(request)
    case = case_get(request.user, case_id)
    if case is None:
        raise Http404
    today = clock.request_day(request)
    form = TransferForm(request.POST or None, exclude_pk=case.fallmanager_id, initial={"on": today})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        until = data.pop("continued_care_until")
        previous_fm = case.fallmanager
        try:
            # The hand-over and the proposed continued care stand or fall together.
            with transaction.atomic():
                case = case_transfer(case=case, acting_user=request.user, today=today, **data)
                if until:
                    continued_care_grant(
                        case=case, previous_fm=previous_fm, acting_user=request.user, until=until, today=today
                    )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Der Fall wurde abgegeben."))
            if until:
                messages.info(
                    request, _("Die Weiterbetreuung wird wirksam, sobald die andere Teamleitung zustimmt.")
                )
            return redirect("home")
    return render(
        request, "org/transfer.html", {"form": form, "case": case}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def substitution_approve_view(request, pk: int):
    """SUB-1: the substitute's TL agrees to a substitution across teams of the site."""
    _require_tl(request)
    today = clock.request_day(request)
    sub = substitutions_visible_to(request.user, today=today).filter(pk=pk).first()
    if sub is None:
        raise Http404
    try:
        substitution_approve(acting_user=request.user, substitution=sub, today=today)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Zugestimmt: die Vertretung ist wirksam."))
    return redirect("org:substitutions")

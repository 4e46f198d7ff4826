"""Browser UI of the TL's oversight: her individual decisions to confirm (ACC-2), the responsible pAp of a
client (ACC-4); the talk about a rejection (CLR-4) for FM and pAp. Thin: selectors read, services write."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from audit.decorators import audited
from cases.models import Case, Client
from cases.selectors import case_get, individual_decisions_for_tl
from cases.services import case_rejection_talk_record, client_responsible_pap_set, individual_decision_confirm
from catalog import clock
from fallmanagement.errors import DomainError, add_domain_error
from org.choices import Role
from web.oversight.forms import RejectionTalkForm, ResponsiblePapForm

LIST_LIMIT = 200


def _tl_only(user) -> None:
    if user.role != Role.TEAMLEITUNG:
        raise Http404


@login_required
@audited("case.list", context={"view": "individual_decisions"})
def individual_decisions(request: HttpRequest) -> HttpResponse:
    """ACC-2: the individual decisions the TL was consulted on; unconfirmed ones first and marked."""
    _tl_only(request.user)
    cases = list(individual_decisions_for_tl(request.user)[:LIST_LIMIT])
    request.audited_objects = cases  # DP-2: the names shown are logged
    open_count = sum(1 for c in cases if c.individual_decision_confirmed_on is None)
    return render(
        request,
        "oversight/individual_decisions.html",
        {"cases": cases, "open_count": open_count, "limit": LIST_LIMIT},
    )


@login_required
@require_POST
def individual_decision_confirm_view(request: HttpRequest, pk: int) -> HttpResponse:
    _tl_only(request.user)
    case = individual_decisions_for_tl(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404
    try:
        individual_decision_confirm(case=case, acting_user=request.user, today=clock.request_day(request))
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Die Einzelfallentscheidung ist bestätigt."))
    return redirect("oversight:individual-decisions")


@login_required
@audited("case.view", context={"view": "rejection_talk"})
@require_http_methods(["GET", "POST"])
def rejection_talk_view(request: HttpRequest, pk: int) -> HttpResponse:
    """CLR-4: the FM or the referring pAp records the personal talk about a rejection."""
    today = clock.request_day(request)
    case = case_get(request.user, pk, today=today)
    if case is None or case.rejection_reason_id is None:
        raise Http404
    request.audited_object = case
    form = RejectionTalkForm(request.POST or None, initial={"talk_on": today})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                case_rejection_talk_record(
                    case=case,
                    acting_user=request.user,
                    talk_on=form.cleaned_data["talk_on"],
                    note=form.cleaned_data["note"],
                    today=today,
                )
            except DomainError as exc:
                add_domain_error(form, exc, {"talk_on": "talk_on", "note": "note"})
                status = exc.status
            else:
                messages.success(request, _("Das Gespräch über die Ablehnung ist erfasst."))
                return redirect("case-detail", pk=case.pk)
        else:
            status = 400
    return render(request, "oversight/rejection_talk.html", {"case": case, "form": form}, status=status)


def _client_for_tl(user, pk) -> Client | None:
    from cases.services.oversight import may_set_responsible_pap

    client = Client.objects.filter(pk=pk).select_related("responsible_pap", "site").first()
    return client if client is not None and may_set_responsible_pap(client, user) else None


@login_required
@audited("client.view", context={"view": "responsible_pap"})
@require_http_methods(["GET", "POST"])
def responsible_pap_view(request: HttpRequest, pk: int) -> HttpResponse:
    """ACC-4: a TL of the client's site sets the responsible pAp."""
    _tl_only(request.user)
    client = _client_for_tl(request.user, pk)
    if client is None:
        raise Http404
    request.audited_object = client
    form = ResponsiblePapForm(
        request.POST or None, site_id=client.site_id, initial={"pap": client.responsible_pap_id}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                client_responsible_pap_set(
                    client=client,
                    pap=form.cleaned_data["pap"],
                    acting_user=request.user,
                    today=clock.request_day(request),
                )
            except DomainError as exc:
                add_domain_error(form, exc, {"pap": "pap"})
                status = exc.status
            else:
                messages.success(request, _("Die zuständige pAp ist geändert."))
                return redirect(reverse("oversight:responsible-pap", args=[client.pk]))
        else:
            status = 400
    last_case = Case.objects.filter(client=client).order_by("-pk").only("pk").first()
    return render(
        request,
        "oversight/responsible_pap.html",
        {"client": client, "form": form, "last_case": last_case},
        status=status,
    )

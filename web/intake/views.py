"""Browser UI of the intake: client search, new client, referral with live access check (ACC-1/2),
and the TL's list of open disputes (CLR-4). Thin: reads via selectors, writes via services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from audit import gate
from audit.decorators import audited
from audit.models import Capacity
from cases import access
from cases.choices import OPEN_STATES, CaseState
from cases.models import Case
from cases.search import parse_search, search_queryset, search_transaction
from cases.selectors import cases_visible_to, client_get, clients_visible_to
from cases.services import access_check, case_refer, referral_precheck
from cases.services import client_create as client_create_service
from catalog import clock
from fallmanagement.errors import DomainError, add_domain_error
from org.choices import Role
from web.intake.forms import (
    REFERRAL_FIELD_MAP,
    ClientCreateForm,
    ClientSearchForm,
    DecideDisputeForm,
    ReferralForm,
    need_groups,
)

MAX_NEED_CODES = 100
SEARCH_LIMIT = 50


def _require_role(user, *roles: str) -> None:
    if user.role not in roles:
        raise PermissionDenied


def _status(err: DomainError) -> int:
    return err.status if err.status in (400, 403, 409) else 400


# --- client search and creation ------------------------------------------------------------------


@login_required
def client_search(request: HttpRequest) -> HttpResponse:
    _require_role(request.user, Role.PAP)
    today = clock.request_day(request)
    form = ClientSearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        # WORK-2: the same search as the page header (prefix, umlauts, small typos, numbers, birth date).
        try:
            query = parse_search(form.cleaned_data["q"])
        except DomainError as err:
            form.add_error("q", err.message)
        else:
            open_state = Case.objects.filter(client=OuterRef("pk"), state__in=OPEN_STATES).values("state")[:1]
            base = clients_visible_to(request.user, today=today).annotate(open_state=Subquery(open_state))
            with search_transaction():
                results = list(search_queryset(base, query)[:SEARCH_LIMIT])
            for client in results:
                client.open_state_label = CaseState(client.open_state).label if client.open_state else ""
            gate.shown(results, user=request.user, action="client.search", capacity=Capacity.PAP_SITE)  # DP-2
    return render(
        request,
        "intake/client_search.html",
        {"form": form, "results": results, "limit": SEARCH_LIMIT, "page_has_search": True},
    )


@login_required
@require_http_methods(["GET", "POST"])
def client_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_role(user, Role.PAP)
    today = clock.request_day(request)
    status = 200
    if request.method == "POST":
        form = ClientCreateForm(request.POST, today=today)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if user.team_id is None:
                    raise PermissionDenied
                client = client_create_service(
                    acting_user=user,
                    customer_number=data["customer_number"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    birth_date=data["birth_date"],
                    household_number=data["household_number"],
                    site=user.team.site,
                    needs=data["needs"],
                    integration_expected_within_12_months=data["integration_expected_within_12_months"],
                    today=today,
                )
            except DomainError as err:
                add_domain_error(form, err)
                status = _status(err)
            else:
                messages.success(
                    request, _("Die Kund*in %(name)s wurde angelegt.") % {"name": client.full_name}
                )
                return redirect("referral", pk=client.pk)
        else:
            status = 400
    else:
        form = ClientCreateForm(today=today)
    return render(
        request,
        "intake/client_create.html",
        {"form": form, "need_groups": need_groups(form)},
        status=status,
    )


# --- referral with the live access check ---------------------------------------------------------


def _check_items(check) -> list[dict]:
    """The ACC-1 check as a list of (message, ok) for the result panel."""
    oks = [check.enough_needs, not check.integration_expected_within_12_months, False]
    return [{"text": text, "ok": ok} for text, ok in zip(check.messages, oks, strict=False)]


def _check_from_data(data) -> object:
    codes = [str(c)[:20] for c in data.getlist("needs")[:MAX_NEED_CODES]]
    integration = data.get("integration_expected_within_12_months") in ("on", "true", "1", "True")
    return access_check(need_codes=codes, integration_expected_within_12_months=integration)


def _check_context(check) -> dict:
    return {"check": check, "check_items": _check_items(check)}


def _client_or_404(request, pk):
    client = client_get(request.user, pk, today=clock.request_day(request))
    if client is None:
        raise Http404
    return client


@login_required
@require_http_methods(["GET", "POST"])
@audited("client.view", context={"view": "referral"})
def referral(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_role(user, Role.PAP)
    today = clock.request_day(request)
    client = _client_or_404(request, pk)
    status = 200
    if request.method == "POST":
        form = ReferralForm(request.POST, user=user, client=client, today=today)
        check = _check_from_data(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = case_refer(
                    acting_user=user,
                    client=client,
                    fallmanager=data["fallmanager"],
                    reasons=data["reasons"],
                    expected_progress=data["expected_progress"],
                    handover_talk_on=data["handover_talk_on"],
                    handover_kind=data["handover_kind"],
                    referred_on=data["referred_on"],
                    individual_decision=form.individual_decision(),
                    needs=data["needs"],
                    integration_expected_within_12_months=data["integration_expected_within_12_months"],
                    today=today,
                )
            except DomainError as err:
                add_domain_error(form, err, REFERRAL_FIELD_MAP)
                status = _status(err)
            else:
                messages.success(
                    request,
                    _("%(name)s wurde an %(fm)s zugewiesen.")
                    % {"name": client.full_name, "fm": case.fallmanager.get_full_name() or case.fallmanager},
                )
                return redirect("case-detail", pk=case.pk)
        else:
            status = 400
    else:
        # DP-2: the referral page shows the client's personal data and needs (logged by the read gate).
        request.audited_object = client
        form = ReferralForm(user=user, client=client, today=today)
        check = access_check(
            need_codes=form.initial.get("needs", []),
            integration_expected_within_12_months=client.integration_expected_within_12_months,
        )
    context = {
        "client": client,
        # ACC-5, READ-1/2 at once, before the form is filled in (the access criteria: the panel below).
        "precheck": referral_precheck(client=client, today=today),
        "form": form,
        "need_groups": need_groups(form),
        "check_url": reverse("referral-access-check", args=[client.pk]),
        **_check_context(check),
    }
    return render(request, "intake/referral.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def access_check_fragment(request: HttpRequest, pk: int) -> HttpResponse:
    """ACC-1 live check while needs are ticked; htmx gets only the result panel."""
    _require_role(request.user, Role.PAP)
    client = _client_or_404(request, pk)
    data = request.POST if request.method == "POST" else request.GET
    context = {"client": client, **_check_context(_check_from_data(data))}
    if request.htmx:
        return render(request, "intake/referral.html#access-check", context)
    return render(request, "intake/access_check.html", context)


# --- the TL's open disputes (CLR-4) --------------------------------------------------------------


@login_required
def dispute_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_role(user, Role.TEAMLEITUNG)
    today = clock.request_day(request)
    cases = list(
        cases_visible_to(user, today=today)
        .filter(state=CaseState.DISPUTED)
        .select_related("client", "fallmanager", "referred_by", "rejection_reason")
        .order_by("disputed_on", "pk")
    )
    gate.shown(cases, user=user, action="case.list", capacity=access.row_capacity(user))  # DP-2
    # The decision form is the same for every row except its field ids and the case version: it is
    # rendered once (the form renderer costs ~9 ms per form) with placeholders that are filled in per row.
    rows = []
    if cases:
        template = _dispute_form_html(request, today)
        url_zero = reverse("case-action", args=[0, "decide_dispute"])
        for case in cases:
            html = template.replace(_ID_TOKEN, f"c{case.pk}_").replace(
                f'value="{_VERSION_TOKEN}"', f'value="{int(case.version)}"'
            )
            rows.append(
                {
                    "case": case,
                    "form_html": mark_safe(html),  # noqa: S308 - our own rendered form, only ints substituted
                    "url": url_zero.replace("/0/", f"/{case.pk}/", 1),
                }
            )
    return render(request, "intake/dispute_list.html", {"rows": rows, "next": reverse("dispute-list")})


_ID_TOKEN = "cZZPKZZ_"
_VERSION_TOKEN = 987654321


def _dispute_form_html(request: HttpRequest, today) -> str:
    form = DecideDisputeForm(
        auto_id=f"{_ID_TOKEN}%s", initial={"version": _VERSION_TOKEN, "date": today}, today=today
    )
    return render_to_string("cases/_form_fields.html", {"form": form}, request=request)

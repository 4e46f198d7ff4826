"""Browser UI of the case lifecycle: start page, case page, one form per transition.

Views are thin: reads through `cases.selectors`, writes through the services; a `DomainError` is shown on
the form (German message, per-field messages), never a 500."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from audit.decorators import audited
from cases import transitions
from cases.access import scope_memo
from cases.choices import CaseState, HandoverKind
from cases.selectors import case_get, case_history
from catalog import clock
from fallmanagement.errors import DomainError, add_domain_error
from org.choices import Role
from web import pages
from web import transitions as web_transitions
from web.sections import CasePage, StartPage

# --- the start page --------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    today = clock.request_day(request)
    page = StartPage(user=request.user, today=today)
    with scope_memo():
        sections = pages.render_sections(
            pages.start_page_sections(page), request, user=request.user, today=today
        )
    return render(request, "home.html", {"sections": sections, "today": today})


@login_required
def case_overview(request: HttpRequest) -> HttpResponse:
    """The deadline overview of the own cases (FM), referrals (pAp) or team (TL): the start page's former
    table as a page of its own; the paginated, filterable list is `web.lists.views.caseload`."""
    from web.cases import home_sections

    today = clock.request_day(request)
    user = request.user
    if user.role == Role.FALLMANAGER:
        section, title = home_sections.fm_caseload(user=user, today=today), _("Meine Fälle")
    elif user.role == Role.PAP:
        section, title = home_sections.pap_referrals(user=user, today=today), _("Meine Zuweisungen")
    elif user.role == Role.TEAMLEITUNG:
        section, title = home_sections.tl_caseload(user=user, today=today), _("Team")
    else:
        raise PermissionDenied
    html = pages.render_section(section.template, {**section.context, "user": user, "today": today}, request)
    return render(request, "cases/case_list.html", {"title": title, "section_html": html})


# --- transitions -----------------------------------------------------------------------------------


def actions_for(case, user) -> tuple[list[dict], list[dict]]:
    """(allowed now, not possible with the reason) — only actions the viewer's role plausibly does."""
    allowed, blocked = [], []
    for action in transitions.TRANSITIONS:
        if user.role not in action.roles:
            continue
        blockers = action.blockers(case, user)
        entry = {"action": action, "url": reverse("case-action", args=[case.pk, action.name])}
        if blockers:
            entry["reason"] = " ".join(b.message for b in blockers)
            blocked.append(entry)
        else:
            allowed.append(entry)
    return allowed, blocked


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=False
    ):
        return target
    return None


@login_required
@require_http_methods(["GET", "POST"])
def case_action(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    action = transitions.BY_NAME.get(name)
    if action is None:
        raise Http404
    today = clock.request_day(request)
    user = request.user
    case = case_get(user, pk, today=today)
    if case is None:
        raise Http404
    if user.role not in action.roles:
        raise PermissionDenied
    form_class = web_transitions.FORMS[action.name]
    form_kwargs = {"case": case, "today": today}
    blockers = action.blockers(case, user)
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if form.is_valid():
            try:
                action.service(case=case, acting_user=user, **form.service_kwargs())
            except DomainError as err:
                add_domain_error(form, err, form.field_map)
                status = err.status if err.status in (400, 403, 409) else 400
            else:
                messages.success(request, str(action.success))
                target = _safe_next(request) or reverse("case-detail", args=[case.pk])
                if request.htmx:
                    return HttpResponseClientRedirect(target)
                return redirect(target)
        else:
            status = 400
    else:
        form = form_class(**form_kwargs)
        if blockers:
            status = 403 if blockers[0].kind == "permission" else 409
    context = {
        "case": case,
        "action": action,
        "form": form,
        "blockers": blockers if request.method == "GET" else [],
        "next": _safe_next(request) or "",
        "inline": bool(request.htmx),
        "today": today,
    }
    if request.htmx:
        # htmx swaps only 2xx answers: the re-rendered form with its messages comes back as 200.
        return render(request, "cases/action.html#action-form", context)
    return render(request, "cases/action.html", context, status=status)


# --- the case page ---------------------------------------------------------------------------------

STEP_LABELS = {
    "refer": gettext_lazy("Zuweisung"),
    "import": gettext_lazy("Übernahme aus dem Altverfahren"),
    "start_clearing": gettext_lazy("Clearing begonnen"),
    "admit": gettext_lazy("Übernahme ins Fallmanagement"),
    "reject": gettext_lazy("Ablehnung"),
    "return_to_pap": gettext_lazy("Rückgabe an die pAp"),
    "forward": gettext_lazy("Weiterleitung"),
    "dispute": gettext_lazy("Widerspruch der pAp"),
    "decide_dispute": gettext_lazy("Entscheidung der Teamleitung über den Widerspruch"),
    "close": gettext_lazy("Fallabgang"),
}

CONTINUATION_LABELS = {
    "allowed": gettext_lazy("Fortführung möglich"),
    "approval_required": gettext_lazy("Zustimmung der Teamleitung erforderlich"),
    "not_allowed": gettext_lazy("Keine Verlängerung möglich – Fall ist zu beenden"),
}


def state_label(value: str) -> str:
    if not value:
        return "–"
    try:
        return str(CaseState(value).label)
    except ValueError:
        return value


def review_status(case, today: datetime.date) -> tuple[datetime.date | None, str | None]:
    from reviews.selectors import case_review_status

    return case_review_status(case=case, today=today)


@login_required
@audited("case.view", context={"view": "case_detail"})
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = clock.request_day(request)
    user = request.user
    case = case_get(user, pk, today=today)
    if case is None:
        raise Http404
    request.audited_object = case  # DP-2: the read gate logs the page once it is shown
    allowed, blocked = actions_for(case, user)
    history = [
        {
            "event": event,
            "label": STEP_LABELS.get(event.name, event.name),
            "from_label": state_label(event.from_state),
            "to_label": state_label(event.to_state),
        }
        for event in case_history(case)
    ]
    page = CasePage(case=case, user=user, today=today)
    with scope_memo():
        sections = pages.render_sections(
            pages.case_page_sections(page), request, case=case, user=user, today=today
        )
    # After the sections: the reviews section leaves the case's review rows on `case` (no second read).
    next_review, continuation = review_status(case, today)
    clearing_due = case.clearing_due_on
    context = {
        "case": case,
        "client": case.client,
        "today": today,
        "allowed_actions": allowed,
        "blocked_actions": blocked,
        "history": history,
        "clearing_due": clearing_due,
        "clearing_overdue": bool(case.state == CaseState.CLEARING and clearing_due and clearing_due < today),
        "months": case.months_in_case_management(today),
        "next_review": next_review,
        "review_overdue": bool(next_review and next_review < today),
        "continuation": CONTINUATION_LABELS.get(continuation, continuation) if continuation else None,
        "handover_kind_label": HandoverKind(case.handover_kind).label if case.handover_kind else "",
        "sections": sections,
    }
    return render(request, "cases/case_detail.html", context)

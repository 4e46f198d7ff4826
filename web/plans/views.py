"""UI views of the plans app: thin. Each POST calls one service; with htmx the section is re-rendered
in place, without JavaScript the browser goes back to the case page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.decorators import audited
from cases.choices import CaseState
from catalog import clock
from fallmanagement.errors import DomainError, NotFound, NotPermitted, add_domain_error
from org.choices import Role
from plans import selectors, services
from plans.models import Partner
from plans.permissions import can_see_sensitive
from reviews.selectors import case_review_status
from web.plans import case_sections, forms
from web.sections import CasePage


def _case(request, pk, *, write: bool):
    try:
        return selectors.plan_case_get(request.user, pk, write=write, today=clock.request_day(request))
    except NotFound:
        raise Http404 from None
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from None


def _respond(request, case, name: str, *, ok: bool, status: int = 200, **kwargs) -> HttpResponse:
    """htmx: the re-rendered section (200 so htmx swaps it, also with errors). Otherwise: back to the
    case page on success, or the section alone on a small page with the errors (400)."""
    today = clock.request_day(request)
    saved = ok and bool(request.htmx)
    sec = case_sections.section(name, case=case, user=request.user, today=today, saved=saved, **kwargs)
    html = render_to_string(sec.template, sec.context, request=request)
    if request.htmx:
        return HttpResponse(html)
    if ok:
        return redirect(reverse("case-detail", args=[case.pk]) + f"#plans-{name}")
    return render(
        request, "plans/section_page.html", {"case": case, "title": sec.title, "html": html}, status=400
    )


def _run(request, case, name: str, form, call, *, form_key: str = "form") -> HttpResponse:
    """Validate the form, call the service, show its domain error on the form."""
    if form.is_valid():
        try:
            call(form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error)
        else:
            return _respond(request, case, name, ok=True)
    return _respond(request, case, name, ok=False, **{form_key: form})


@login_required
@require_POST
def assessment_save(request, pk):
    case = _case(request, pk, write=True)
    areas = selectors.assessment_for(case, request.user)
    form = forms.AssessmentForm(request.POST, areas=areas)
    return _run(
        request,
        case,
        "assessment",
        form,
        lambda d: services.assessment_save(
            case=case, acting_user=request.user, areas=form.areas_payload(), today=clock.request_day(request)
        ),
    )


@login_required
@require_POST
def need_add(request, pk):
    case = _case(request, pk, write=True)
    form = forms.NeedAddForm(request.POST, sensitive_ok=can_see_sensitive(case, request.user))

    def call(d):
        services.assessment_save(
            case=case,
            acting_user=request.user,
            areas=[
                {
                    "life_area": d["need"].life_area,
                    "needs": [{"code": d["need"].code, "priority": d.get("priority")}],
                }
            ],
            today=clock.request_day(request),
        )

    if not form.is_valid():
        return _respond(request, case, "needs", ok=False, error=_("Bitte einen Handlungsbedarf auswählen."))
    try:
        call(form.cleaned_data)
    except DomainError as error:
        return _respond(request, case, "needs", ok=False, error=error.message)
    return _respond(request, case, "needs", ok=True)


@login_required
@require_POST
def need_resolve(request, pk, code):
    case = _case(request, pk, write=True)
    form = forms.NeedResolveForm(request.POST)
    if not form.is_valid():
        return _respond(
            request, case, "needs", ok=False, error=_("Bitte Status und ein gültiges Datum angeben.")
        )
    try:
        services.need_resolve(
            case=case,
            acting_user=request.user,
            code=code,
            status=form.cleaned_data["status"],
            on=form.cleaned_data["date"],
            today=clock.request_day(request),
        )
    except DomainError as error:
        return _respond(request, case, "needs", ok=False, error=error.message)
    return _respond(request, case, "needs", ok=True)


@login_required
@require_POST
def goal_create(request, pk):
    case = _case(request, pk, write=True)
    form = forms.GoalForm(request.POST)
    return _run(
        request,
        case,
        "goals",
        form,
        lambda d: services.goal_create(
            case=case,
            acting_user=request.user,
            text=d["text"],
            target_date=d["target_date"],
            kind=d["kind"],
            today=clock.request_day(request),
        ),
    )


@login_required
@require_POST
def goal_status(request, pk, goal_id):
    case = _case(request, pk, write=True)
    goal = selectors.goals_for(case).filter(pk=goal_id).first()
    if goal is None:
        raise Http404
    form = forms.GoalStatusForm(request.POST)
    if not form.is_valid():
        return _respond(
            request, case, "goals", ok=False, error=_("Bitte Status und ein gültiges Datum angeben.")
        )
    try:
        services.goal_update(
            goal=goal,
            acting_user=request.user,
            status=form.cleaned_data["status"],
            on=form.cleaned_data["date"],
            today=clock.request_day(request),
        )
    except DomainError as error:
        return _respond(request, case, "goals", ok=False, error=error.message)
    return _respond(request, case, "goals", ok=True)


@login_required
@require_POST
def agreement_conclude(request, pk):
    case = _case(request, pk, write=True)
    form = forms.AgreementForm(request.POST)
    return _run(
        request,
        case,
        "agreement",
        form,
        lambda d: services.agreement_conclude(
            case=case, acting_user=request.user, today=clock.request_day(request), **d
        ),
    )


@login_required
@require_POST
def agreement_waive(request, pk):
    case = _case(request, pk, write=True)
    form = forms.WaiverForm(request.POST)
    return _run(
        request,
        case,
        "agreement",
        form,
        lambda d: services.agreement_waive(
            case=case,
            acting_user=request.user,
            justification=d["justification"],
            today=clock.request_day(request),
        ),
        form_key="waiver_form",
    )


@login_required
@require_GET
def agreement_download(request, agreement_id):
    try:
        agreement = selectors.agreement_get(request.user, agreement_id)
    except NotFound:
        raise Http404 from None
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from None
    if agreement.waived:
        raise Http404
    content = services.agreement_document(agreement=agreement, acting_user=request.user)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="kooperationsplan-{agreement.pk}.pdf"'
    return response


@login_required
@require_POST
def service_create(request, pk):
    case = _case(request, pk, write=True)
    form = forms.ServiceForm(request.POST, partners=list(selectors.partners_for(case)))

    def call(d):
        partner = d.get("partner")
        services.service_referral_create(
            case=case,
            acting_user=request.user,
            kind=d["kind"],
            title=d.get("title") or (partner.name if partner else forms.ServiceKind(d["kind"]).label),
            partner=partner,
            legal_basis=d.get("legal_basis", ""),
            consent_given_on=d.get("consent_given_on"),
            follow_up_on=d.get("follow_up_on"),
            today=clock.request_day(request),
        )

    return _run(request, case, "services", form, call)


@login_required
@require_POST
def service_update(request, pk, service_id):
    case = _case(request, pk, write=True)
    referral = selectors.services_for(case).filter(pk=service_id).first()
    if referral is None:
        raise Http404
    form = forms.ServiceUpdateForm(request.POST)
    if not form.is_valid():
        return _respond(request, case, "services", ok=False, error=_("Bitte die Eingaben prüfen."))
    d = form.cleaned_data
    try:
        services.service_referral_update(
            referral=referral,
            acting_user=request.user,
            status=d["status"],
            follow_up_on=d.get("follow_up_on"),
            outcome=d.get("outcome", ""),
            today=clock.request_day(request),
        )
    except DomainError as error:
        return _respond(request, case, "services", ok=False, error=error.message)
    return _respond(request, case, "services", ok=True)


@login_required
@require_POST
def consent_revoke(request, pk, consent_id):
    case = _case(request, pk, write=True)
    consent = selectors.consents_for(case).filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    form = forms.ConsentRevokeForm(request.POST)
    if not form.is_valid():
        return _respond(request, case, "services", ok=False, error=_("Bitte ein gültiges Datum angeben."))
    try:
        services.consent_revoke(
            consent=consent,
            case=case,
            acting_user=request.user,
            on=form.cleaned_data["date"],
            today=clock.request_day(request),
        )
    except DomainError as error:
        return _respond(request, case, "services", ok=False, error=error.message)
    return _respond(request, case, "services", ok=True)


@login_required
@require_POST
def contact_create(request, pk):
    case = _case(request, pk, write=True)
    form = forms.ContactForm(request.POST)
    return _run(
        request,
        case,
        "contacts",
        form,
        lambda d: services.contact_create(
            case=case, acting_user=request.user, today=clock.request_day(request), **d
        ),
    )


@login_required
@require_GET
@audited("case.summary.view")
def case_summary(request, pk):
    """A printable one-page story of the case: state, next deadline, needs, goals, agreement,
    services, contacts."""
    case = _case(request, pk, write=False)
    request.audited_object = case  # DP-2: the read gate logs the page
    today = clock.request_day(request)
    secs = case_sections.sections(CasePage(case=case, user=request.user, today=today))
    ctx = {s.template.rsplit("/", 1)[-1].removesuffix(".html"): s.context for s in secs}
    deadlines = []
    next_review, _continuation = case_review_status(case=case, today=today)
    if next_review:
        deadlines.append((next_review, _("Fortführungsprüfung")))
    if case.state == CaseState.CLEARING and case.clearing_due_on:
        deadlines.append((case.clearing_due_on, _("Ende der Clearingphase")))
    agreement = ctx.get("agreement", {}).get("concluded")
    if agreement:
        deadlines.append((agreement.review_due_on, _("Überprüfung des Kooperationsplans")))
    for item in ctx.get("services", {}).get("referrals", []):
        if item["open"] and item["referral"].follow_up_on:
            deadlines.append(
                (item["referral"].follow_up_on, _("Nachhalten: %(t)s") % {"t": item["referral"].title})
            )
    deadlines.sort(key=lambda d: d[0])
    return render(
        request,
        "plans/summary.html",
        {
            "case": case,
            "client": case.client,
            "today": today,
            "next_deadline": deadlines[0] if deadlines else None,
            "deadlines": deadlines[:5],
            "months": case.months_in_case_management(today),
            "s": ctx,
        },
    )


@login_required
@require_GET
def partner_list(request):
    """The partner directory of the user's area, by kind."""
    user = request.user
    if user.role not in (Role.FALLMANAGER, Role.TEAMLEITUNG, Role.BEREICHSLEITUNG, Role.PAP):
        raise PermissionDenied
    area_ids = []
    if user.team_id:
        area_ids.append(user.team.site.area_id)
    if user.role == Role.BEREICHSLEITUNG:
        area_ids += list(user.led_areas.values_list("pk", flat=True))
    partners = (
        Partner.objects.filter(area_id__in=area_ids, active=True)
        .select_related("area")
        .order_by("kind", "name")
    )
    return render(request, "plans/partner_list.html", {"partners": partners})

"""Pages for the data-protection officer (access log, purge runs) and the second-factor step."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import signin
from audit.models import Capacity, PurgeRun
from audit.selectors import access_log_list
from catalog import clock
from fallmanagement.errors import DomainError
from jobs.retention import (
    access_log_due,
    access_log_purge_prepare,
    purge_candidates,
    purge_confirm,
    purge_prepare,
)
from org.choices import Role
from web.audit.forms import EnrolmentCodeForm, OTPTokenForm
from web.lists.filters import AccessLogListFilter
from web.lists.paging import page_number, query_without


def _require_datenschutz(request) -> None:
    if request.user.role != Role.DATENSCHUTZ:
        raise PermissionDenied


@login_required
def access_log(request):
    """WORK-3: filterable (client, staff member, action, capacity, period), sortable, paginated; the
    state in the URL. A client or a staff member is required (the log is read by one of its indexes)."""
    _require_datenschutz(request)
    filterset = AccessLogListFilter(
        request.GET or None,
        queryset=access_log_list(viewer=request.user),
        capacity_choices=Capacity.choices,
    )
    entries, status = None, 200
    if filterset.is_bound:
        if not filterset.is_valid():
            status = 400
        elif filterset.form.cleaned_data.get("client") or filterset.form.cleaned_data.get("user"):
            qs = filterset.qs
            qs = qs.order_by(*qs.query.order_by, "-pk") if filterset.form.cleaned_data.get("sort") else qs
            entries = Paginator(qs, 50).get_page(page_number(request.GET.get("page")))
    context = {"form": filterset.form, "entries": entries, "base_query": query_without(request, "page")}
    return render(request, "audit/access_log.html", context, status=status)


@login_required
def purge_runs(request):
    _require_datenschutz(request)
    runs = PurgeRun.objects.select_related("prepared_by", "confirmed_by")[:20]
    return render(
        request,
        "audit/purge_runs.html",
        {
            "runs": runs,
            "due_count": purge_candidates(today=clock.request_day(request)).count(),
            "access_log_due": access_log_due(today=clock.request_day(request)),
        },
    )


@login_required
@require_POST
def purge_run_prepare(request):
    _require_datenschutz(request)
    run = purge_prepare(acting_user=request.user)
    messages.success(
        request,
        _(
            "Löschliste mit %(n)s Kund*innen erstellt. Eine zweite Person aus dem Datenschutz muss sie bestätigen."
        )
        % {"n": len(run.client_ids)},
    )
    return redirect("audit:purge-runs")


@login_required
@require_POST
def access_log_purge_run_prepare(request):
    """DP-5: the access log's own retention, four eyes like the client purge."""
    _require_datenschutz(request)
    access_log_purge_prepare(acting_user=request.user)
    messages.success(
        request,
        _(
            "Löschliste für das Zugriffsprotokoll erstellt. Eine zweite Person aus dem Datenschutz muss sie bestätigen."
        ),
    )
    return redirect("audit:purge-runs")


@login_required
@require_POST
def purge_run_confirm(request, pk: int):
    _require_datenschutz(request)
    run = PurgeRun.objects.filter(pk=pk).first()
    if run is None:
        raise Http404
    try:
        run = purge_confirm(run=run, acting_user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        done = (
            _("%(n)s Einträge des Zugriffsprotokolls wurden gelöscht.")
            if run.kind == PurgeRun.Kind.ACCESS_LOG
            else _("%(n)s Kund*innen wurden anonymisiert.")
        )
        messages.success(request, done % {"n": run.anonymised_count})
    return redirect("audit:purge-runs")


ENROLMENT_SESSION_KEY = "fm_otp_enrolment_code"


@login_required
@require_http_methods(["GET", "POST"])
def otp(request):
    """Confirm the TOTP second factor, then continue to `next`. Without a device, set one up — only with
    the one-time enrolment code another person issued (audit.signin, issue 15 finding 8)."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    device = signin.confirmed_device(request.user)
    setup = device is None
    code_id = request.session.get(ENROLMENT_SESSION_KEY)
    if setup and code_id is None:
        enrol_form = EnrolmentCodeForm(request.POST or None)
        if request.method == "POST" and enrol_form.is_valid():
            code = signin.enrolment_code_valid(user=request.user, code=enrol_form.cleaned_data["code"])
            if code is not None:
                request.session[ENROLMENT_SESSION_KEY] = code.pk
                TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
                TOTPDevice.objects.create(user=request.user, name=_("Authenticator"), confirmed=False)
                return redirect(f"{reverse('audit:otp')}?{urlencode({'next': next_url})}")
            enrol_form.add_error(
                "code",
                _(
                    "Der Einrichtungscode stimmt nicht oder ist abgelaufen. Bitte wenden Sie sich an die "
                    "Administration."
                ),
            )
        return render(request, "audit/otp.html", {"enrol_form": enrol_form, "setup": True, "next": next_url})
    if setup:
        device = TOTPDevice.objects.devices_for_user(request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name=_("Authenticator"), confirmed=False)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        token = form.cleaned_data["token"].strip()
        try:
            ok = (
                signin.enrolment_complete(user=request.user, code_id=code_id, device=device, token=token)
                if setup
                else device.verify_token(token)
            )
        except DomainError as exc:
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            messages.error(request, exc.message)
            return redirect(f"{reverse('audit:otp')}?{urlencode({'next': next_url})}")
        if ok:
            request.session.pop(ENROLMENT_SESSION_KEY, None)
            otp_login(request, device)
            return redirect(next_url or "home")
        form.add_error("token", _("Der Code stimmt nicht. Bitte versuchen Sie es erneut."))
    import base64

    secret = base64.b32encode(device.bin_key).decode() if setup else ""
    return render(
        request,
        "audit/otp.html",
        {
            "form": form,
            "setup": setup,
            "secret": secret,
            "otpauth_uri": device.config_url if setup else "",
            "next": next_url,
        },
    )


def lockout_response(request, original_response=None, credentials=None):
    """django-axes lockout (AXES_LOCKOUT_CALLABLE): 429 with the API error body for the API, a German
    page for the browser."""
    from django.conf import settings
    from django.http import JsonResponse

    status = settings.AXES_HTTP_RESPONSE_CODE
    message = _(
        "Zu viele fehlgeschlagene Anmeldeversuche. Die Anmeldung ist vorübergehend gesperrt; "
        "bitte versuchen Sie es später erneut."
    )
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"error": {"code": "locked_out", "message": message, "fields": {}}}, status=status
        )
    else:
        response = render(
            request, "audit/lockout.html", {"failure_limit": settings.AXES_FAILURE_LIMIT}, status=status
        )
    response["Retry-After"] = str(int(signin.cool_off(request).total_seconds()))
    return response

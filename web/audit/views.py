"""Pages for the data-protection officer (access log, purge runs) and the second-factor step."""

from __future__ import annotations

import csv
import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import gate, signin
from audit.models import Capacity, PurgeRun
from audit.selectors import client_activity
from audit.services import record as audit_record
from cases.models import Client
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
from web.audit.forms import AccessLogFilterForm, EnrolmentCodeForm, OTPTokenForm


def _require_datenschutz(request) -> None:
    if request.user.role != Role.DATENSCHUTZ:
        raise PermissionDenied


CLIENT_MATCHES = 20


@login_required
def access_log(request):
    """DP-2: who read and who changed a client's data — by customer number, name, id or person, in a date
    range, reads and changes in one list, as a page or as CSV (`?format=csv`)."""
    _require_datenschutz(request)
    form = AccessLogFilterForm(request.GET or None)
    entries, clients = None, []
    if form.is_valid() and form.has_filter():
        data = form.cleaned_data
        client_ids = None
        if data["q"] or data["client"]:
            matches = Client.objects.all()
            if data["client"]:
                matches = matches.filter(pk=data["client"])
            if data["q"]:
                term = data["q"]
                matches = matches.filter(
                    Q(customer_number__iexact=term)
                    | Q(last_name__icontains=term)
                    | Q(first_name__icontains=term)
                )
            clients = list(matches.order_by("last_name", "first_name", "pk")[:CLIENT_MATCHES])
            client_ids = [c.pk for c in clients] or ([data["client"]] if data["client"] else [])
            # DP-2: the officer's own look at these clients is logged as well.
            gate.shown(clients, user=request.user, action="accesslog.view", capacity=Capacity.DATENSCHUTZ)
        rows = client_activity(
            client_ids=client_ids, user_id=data["user"], date_from=data["date_from"], date_to=data["date_to"]
        )
        if request.GET.get("format") == "csv":
            return _activity_csv(request, rows)
        entries = Paginator(rows, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    return render(
        request,
        "audit/access_log.html",
        {"form": form, "entries": entries, "clients": clients, "query": query.urlencode()},
    )


def _activity_csv(request, rows) -> HttpResponse:
    from reporting.exports import safe_cell

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [
            _("Zeitpunkt"),
            _("Benutzer*in"),
            _("Art"),
            _("Aktion"),
            _("Objekt"),
            _("Kund*in-ID"),
            _("Eigenschaft"),
        ]
    )
    for r in rows:
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    timezone.localtime(r.at).strftime("%d.%m.%Y %H:%M:%S"),
                    r.username,
                    r.kind,
                    r.action,
                    r.object,
                    r.client_id if r.client_id is not None else "",
                    r.capacity,
                )
            ]
        )
    audit_record(
        user=request.user,
        action="accesslog.export",
        object_type="access_log",
        capacity=Capacity.DATENSCHUTZ,
        context={"rows": len(rows), "filter": {k: v for k, v in request.GET.items() if k != "format"}},
    )
    response = HttpResponse(
        ("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="zugriffsprotokoll.csv"'
    return response


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

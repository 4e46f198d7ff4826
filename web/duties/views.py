"""UI views of the duties app: thin. Each POST calls one service; with htmx the section is re-rendered in
place, without JavaScript the browser goes back to the case page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from audit.decorators import audited
from catalog import clock
from duties import selectors, services
from duties.choices import NoticeKind
from duties.models import CalendarFeed
from fallmanagement.errors import DomainError, NotFound, NotPermitted, add_domain_error
from org.choices import Role
from web.duties import case_sections, forms


def _guarded(get):
    try:
        return get()
    except NotFound:
        raise Http404 from None
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from None


def _respond(request, case, *, ok: bool, status: int = 400, saved=None, **kwargs) -> HttpResponse:
    """htmx: the re-rendered section (200 so htmx swaps it, also with errors; `saved` adds the
    confirmation). Otherwise: back to the case page, or the section alone with the errors (400/409)."""
    saved = saved if ok and request.htmx else None
    sec = case_sections.section(
        case=case, user=request.user, today=clock.request_day(request), saved=saved, **kwargs
    )
    html = render_to_string(sec.template, sec.context, request=request)
    if request.htmx:
        return HttpResponse(html)
    if ok:
        return redirect(reverse("case-detail", args=[case.pk]) + "#duties-appointments")
    return render(
        request, "plans/section_page.html", {"case": case, "title": sec.title, "html": html}, status=status
    )


def _run(
    request, case, form, call, *, bound_form: bool = False, row: tuple | None = None, saved=None
) -> HttpResponse:
    """`row` = (kind, pk) of a per-row form: on a refusal that bound form is shown at its row with the
    service's messages on it (`add_domain_error`)."""
    if form.is_valid():
        try:
            call(form)
        except DomainError as error:
            if row:
                add_domain_error(form, error)
                return _respond(request, case, ok=False, status=error.status, failed={row[0]: (row[1], form)})
            if bound_form:
                add_domain_error(form, error)
                return _respond(request, case, ok=False, status=error.status, form=form)
            return _respond(request, case, ok=False, status=error.status, error=error.message)
        return _respond(request, case, ok=True, saved=saved)
    if row:
        return _respond(request, case, ok=False, failed={row[0]: (row[1], form)})
    if bound_form:
        return _respond(request, case, ok=False, form=form)
    messages = [
        f"{form.fields[name].label}: {' '.join(errs)}" if name in form.fields else " ".join(errs)
        for name, errs in form.errors.items()
    ]
    return _respond(request, case, ok=False, error=" ".join(messages))


@login_required
@require_GET
@audited("case.appointments.view")
def appointments(request, pk):
    """The section alone: htmx fills the case page's placeholder with it; without JavaScript it is a
    small page of its own."""
    today = clock.request_day(request)
    case = _guarded(lambda: selectors.duty_case_get(request.user, pk, today=today))
    request.audited_object = case  # DP-2: the read gate logs what was shown
    sec = case_sections.section(case=case, user=request.user, today=today)
    html = render_to_string(sec.template, sec.context, request=request)
    if request.htmx:
        return HttpResponse(html)
    return render(request, "plans/section_page.html", {"case": case, "title": sec.title, "html": html})


@login_required
@require_POST
def appointment_create(request, pk):
    today = clock.request_day(request)
    case = _guarded(lambda: selectors.duty_case_get(request.user, pk, write=True, today=today))
    form = forms.AppointmentForm(request.POST)
    return _run(
        request,
        case,
        form,
        lambda f: services.appointment_create(
            case=case, acting_user=request.user, today=today, **f.payload()
        ),
        bound_form=True,
        saved=_("Der Termin ist gespeichert."),
    )


@login_required
@require_POST
def appointment_outcome(request, appointment_id):
    today = clock.request_day(request)
    appointment = _guarded(
        lambda: selectors.appointment_get(request.user, appointment_id, write=True, today=today)
    )
    form = forms.OutcomeForm(request.POST)
    return _run(
        request,
        appointment.case,
        form,
        lambda f: services.appointment_outcome_record(
            appointment=appointment,
            acting_user=request.user,
            now=timezone.now(),
            today=today,
            **f.cleaned_data,
        ),
        saved=_("Das Ergebnis des Termins ist gespeichert."),
    )


@login_required
@require_POST
def notice_create(request, appointment_id):
    today = clock.request_day(request)
    appointment = _guarded(
        lambda: selectors.appointment_get(request.user, appointment_id, write=True, today=today)
    )
    form = forms.NoticeForm(request.POST)
    return _run(
        request,
        appointment.case,
        form,
        lambda f: services.notice_create(
            case=appointment.case,
            acting_user=request.user,
            appointment_id=appointment.pk,
            today=today,
            **f.cleaned_data,
        ),
        saved=_("Die Meldung an die Leistungsabteilung ist gespeichert."),
    )


@login_required
@require_POST
def notice_answer(request, notice_id):
    today = clock.request_day(request)
    notice = _guarded(lambda: selectors.notice_get(request.user, notice_id, write=True, today=today))
    form = forms.AnswerForm(request.POST)
    return _run(
        request,
        notice.case,
        form,
        lambda f: services.notice_answer_record(
            notice=notice, acting_user=request.user, today=today, **f.cleaned_data
        ),
        row=("answer", notice.pk),
        saved=_("Die Antwort der Leistungsabteilung ist gespeichert."),
    )


@login_required
@require_GET
def invitation_download(request, appointment_id):
    today = clock.request_day(request)
    appointment = _guarded(lambda: selectors.appointment_get(request.user, appointment_id, today=today))
    if not appointment.is_summons:
        raise Http404
    content = services.invitation_document(appointment=appointment, acting_user=request.user, today=today)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="einladung-{appointment.pk}.pdf"'
    return response


# --- calendar (MIT-1) --------------------------------------------------------------------------------------


@login_required
@require_GET
@audited("calendar.view")
def calendar_page(request):
    """The FM's appointments for a day or a week (`?tag=YYYY-MM-DD&ansicht=tag|woche`)."""
    import datetime

    from duties import calendar

    if request.user.role != Role.FALLMANAGER:
        raise PermissionDenied(_("Der Kalender ist für Fallmanager*innen."))
    today = clock.request_day(request)
    try:
        day = datetime.date.fromisoformat(request.GET.get("tag", "")) if request.GET.get("tag") else today
    except ValueError:
        day = today
    view = "tag" if request.GET.get("ansicht") == "tag" else "woche"
    start, end = (day, day) if view == "tag" else calendar.week_of(day)
    rows = calendar.appointments_between(request.user, start=start, end=end, today=today)
    request.audited_objects = [a.case for a in rows]
    days = []
    for offset in range((end - start).days + 1):
        d = start + datetime.timedelta(days=offset)
        days.append(
            {
                "day": d,
                "items": [
                    {"a": a, "at": timezone.localtime(a.starts_at)}
                    for a in rows
                    if timezone.localtime(a.starts_at).date() == d
                ],
            }
        )
    step = datetime.timedelta(days=1 if view == "tag" else 7)
    return render(
        request,
        "duties/calendar.html",
        {
            "days": days,
            "view": view,
            "day": day,
            "previous": day - step,
            "next": day + step,
            "today": today,
            "feed_url": request.session.pop("duties_feed_url", None),
            "has_feed": CalendarFeed.objects.filter(staff=request.user).exists(),
        },
    )


@login_required
@require_POST
def calendar_feed_renew(request):
    try:
        token = services.calendar_feed_renew(acting_user=request.user, today=clock.request_day(request))
    except NotPermitted as exc:
        raise PermissionDenied(exc.message) from None
    request.session["duties_feed_url"] = request.build_absolute_uri(
        reverse("duties:calendar-feed", args=[token])
    )
    return redirect("duties:calendar")


@login_required
@require_POST
def calendar_feed_revoke(request):
    services.calendar_feed_revoke(acting_user=request.user, today=clock.request_day(request))
    return redirect("duties:calendar")


@require_GET
def calendar_feed(request, token):
    """The iCalendar feed: no session — the secret URL is the credential (customer number and kind only)."""
    from audit.services import record
    from duties import calendar

    staff = services.calendar_feed_staff(token)
    if staff is None:
        raise Http404
    today = clock.request_day(request)
    content = calendar.ical_feed(staff, today=today)
    record(
        user=staff,
        action="calendar.feed",
        object_type="calendar",
        object_id=staff.pk,
        context={"via": "ical"},
        today=today,
    )
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="termine.ics"'
    return response


@login_required
@require_GET
def team_duties(request):
    """The TL's team figures (no personal data: counts per team)."""
    if request.user.role != Role.TEAMLEITUNG:
        raise PermissionDenied(_("Diese Übersicht ist für Teamleitungen."))
    rows = selectors.team_duties(request.user, today=clock.request_day(request))
    html = render_to_string("duties/home_tl.html", {"rows": rows}, request=request)
    if request.htmx:
        return HttpResponse(html)
    return render(
        request, "duties/page.html", {"title": _("Mitwirkung und Meldungen in Ihren Teams"), "html": html}
    )


@login_required
@require_POST
def obligation_create(request, pk):
    today = clock.request_day(request)
    case = _guarded(lambda: selectors.duty_case_get(request.user, pk, write=True, today=today))
    form = forms.ObligationForm(request.POST)
    return _run(
        request,
        case,
        form,
        lambda f: services.obligation_create(
            case=case, acting_user=request.user, today=today, **f.cleaned_data
        ),
        saved=_("Die Aufforderung bzw. Verpflichtung ist gespeichert."),
    )


@login_required
@require_POST
def exam_create(request, pk):
    today = clock.request_day(request)
    case = _guarded(lambda: selectors.exam_case_get(request.user, pk, write=True, today=today))
    form = forms.ExamForm(request.POST)
    return _run(
        request,
        case,
        form,
        lambda f: services.exam_commission_create(
            case=case, acting_user=request.user, today=today, **f.cleaned_data
        ),
        saved=_("Die Untersuchung ist gespeichert."),
    )


@login_required
@require_GET
def obligation_download(request, obligation_id):
    today = clock.request_day(request)
    obligation = _guarded(lambda: selectors.obligation_get(request.user, obligation_id, today=today))
    content = services.obligation_document(obligation=obligation, acting_user=request.user, today=today)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{obligation.kind}-{obligation.pk}.pdf"'
    return response


@login_required
@require_POST
def conciliation_record(request, obligation_id):
    """MIT-5 (until 2026-06-30): start (on the client's request) or end a Schlichtungsverfahren."""
    today = clock.request_day(request)
    obligation = _guarded(
        lambda: selectors.obligation_get(request.user, obligation_id, write=True, today=today)
    )
    form = forms.ConciliationForm(request.POST)
    return _run(
        request,
        obligation.case,
        form,
        lambda f: services.conciliation_record(
            obligation=obligation, acting_user=request.user, today=today, **f.cleaned_data
        ),
        row=("conciliation", obligation.pk),
        saved=_("Das Schlichtungsverfahren ist gespeichert."),
    )


@login_required
@require_POST
def duty_notice_create(request, obligation_id):
    """MIT-5: the notice of a possible Pflichtverletzung to the benefits department."""
    today = clock.request_day(request)
    obligation = _guarded(
        lambda: selectors.obligation_get(request.user, obligation_id, write=True, today=today)
    )
    form = forms.DutyNoticeForm(request.POST)
    return _run(
        request,
        obligation.case,
        form,
        lambda f: services.notice_create(
            case=obligation.case,
            acting_user=request.user,
            kind=NoticeKind.PFLICHTVERLETZUNG,
            obligation_id=obligation.pk,
            today=today,
            **f.cleaned_data,
        ),
        row=("duty_notice", obligation.pk),
        saved=_("Die Meldung an die Leistungsabteilung ist gespeichert."),
    )


@login_required
@require_POST
def exam_result(request, exam_id):
    """MIT-6: the result of a commissioned ÄD/BPS examination (FM and substitute only)."""
    today = clock.request_day(request)
    exam = _guarded(lambda: selectors.exam_get(request.user, exam_id, today=today))
    form = forms.ExamResultForm(request.POST)
    return _run(
        request,
        exam.case,
        form,
        lambda f: services.exam_result_record(
            exam=exam, acting_user=request.user, today=today, **f.cleaned_data
        ),
        row=("exam_result", exam.pk),
        saved=_("Das Ergebnis der Untersuchung ist gespeichert."),
    )

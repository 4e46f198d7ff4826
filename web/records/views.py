"""Pages of notes and documents (WORK-5): the case page fragment, note, correction, upload, download.

Thin: the case is read through its scope (404 outside, also for a pAp), the services check and store. With
htmx the fragment comes back (200, the German refusal on it); without htmx a redirect after success, or
the fragment on a small page with the refusal's status (400/403/413)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.services import record
from cases.selectors import case_get
from catalog import clock
from fallmanagement.errors import DomainError, add_domain_error
from records import selectors, services
from records.files import download_response
from web.pages import render_section
from web.records.case_sections import records_context
from web.records.forms import CorrectionForm, DocumentForm, NoteForm


def _case(request, pk):
    case = case_get(request.user, pk, today=clock.request_day(request))
    if case is None or not selectors.may_read_records(case, request.user):
        raise Http404
    return case


def _answer(request, case, *, status=200, **kwargs) -> HttpResponse:
    today = clock.request_day(request)
    context = records_context(case=case, user=request.user, today=today, **kwargs)
    html = render_section("records/section.html", context, request)
    if request.htmx:
        return HttpResponse(html)
    if status == 200 and kwargs.get("saved"):
        return redirect(reverse("case-detail", args=[case.pk]) + "#case-records")
    title = _("Verlaufsvermerke und Dokumente")
    return render(
        request, "plans/section_page.html", {"case": case, "title": title, "html": html}, status=status
    )


@login_required
def section(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    record(
        user=request.user,
        action="note.list",
        obj=case,
        context={"via": "web"},
        today=clock.request_day(request),
    )
    return _answer(request, case)


section.audited_action = "note.list"


@login_required
@require_POST
def note_create(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_create(
                case=case,
                acting_user=request.user,
                date=form.cleaned_data["date"],
                text=form.cleaned_data["text"],
                today=clock.request_day(request),
            )
        except DomainError as err:
            add_domain_error(form, err, form.field_map)
            return _answer(request, case, status=err.status, note_form=form)
        return _answer(request, case, saved=_("Der Vermerk wurde gespeichert."))
    return _answer(request, case, status=400, note_form=form)


@login_required
@require_POST
def note_correct(request: HttpRequest, pk: int) -> HttpResponse:
    note = selectors.note_get(request.user, pk, today=clock.request_day(request))
    if note is None:
        raise Http404
    form = CorrectionForm(request.POST)
    if not form.is_valid():
        return _answer(request, note.case, status=400, error=_("Bitte geben Sie den berichtigten Text ein."))
    try:
        services.note_correct(
            note=note,
            acting_user=request.user,
            text=form.cleaned_data["text"],
            today=clock.request_day(request),
        )
    except DomainError as err:
        return _answer(request, note.case, status=err.status, error=err.message)
    return _answer(request, note.case, saved=_("Die Berichtigung wurde gespeichert."))


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    if services.request_too_large(request.META.get("CONTENT_LENGTH")):
        err = services.too_large_error()  # answered before the body is read
        if request.htmx:
            return HttpResponse(err.message, status=413)
        return HttpResponse(err.message, status=413, content_type="text/plain; charset=utf-8")
    case = _case(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.document_upload(
                case=case,
                acting_user=request.user,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                today=clock.request_day(request),
            )
        except DomainError as err:
            add_domain_error(form, err, form.field_map)
            return _answer(request, case, status=err.status, document_form=form)
        return _answer(request, case, saved=_("Das Dokument wurde gespeichert."))
    return _answer(request, case, status=400, document_form=form)


@login_required
def document_download(request: HttpRequest, pk: int) -> HttpResponse:
    today = clock.request_day(request)
    document = selectors.document_get(request.user, pk, today=today)
    if document is None:
        raise Http404
    record(user=request.user, action="document.download", obj=document, context={"via": "web"}, today=today)
    return download_response(document)


document_download.audited_action = "document.download"

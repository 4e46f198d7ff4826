"""UI of the reviews app: the reminder inbox (everyone), the review inbox (FM: her due reviews; TL:
acknowledgements and approvals across her teams, cases beyond 24 months) and the review actions,
answered as htmx partials. Views only call selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import engines
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit import gate
from cases import access
from cases.access import is_case_fm, is_case_tl, scope_memo
from cases.selectors import clients_visible_to
from catalog import clock
from fallmanagement.errors import DomainError
from org.choices import Role
from reminders.choices import ReminderKind
from reminders.services import reminder_mark_done
from reviews import selectors, services
from web.lists.filters import ReminderListFilter
from web.lists.paging import PAGE_SIZE, page_number, query_without
from web.reviews.forms import AccessCheckForm, DocumentForm, TeamleitungForm

INBOX_PAGE_SIZE = 20  # review forms per page of the FM's review inbox


def _next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def _textarea(field) -> dict:
    """What the template writes out for a form's textarea: label, limit and size — read from the form, so
    the inbox inputs and the form that validates the POST cannot drift apart."""
    return {
        "label": field.label,
        "maxlength": str(field.max_length),  # as text: the template would localise 10000 to "10.000"
        "rows": str(field.widget.attrs.get("rows", 10)),
        "cols": str(field.widget.attrs.get("cols", 40)),
    }


# The inbox lists up to hundreds of items: its inputs are written out in `reviews/_review_item.html` from
# these specs of DocumentForm/TeamleitungForm (names `r<pk>-<field>` / `t<pk>-<field>` are the forms'
# prefixes) — rendering two bound forms per item through the widget templates was most of the page's time.
FORM_LABELS = {
    "decision": DocumentForm.base_fields["decision"].label,
    "reasons": DocumentForm.base_fields["reasons"].label,
    "prognosis": DocumentForm.base_fields["prognosis"].label,
    "comment": TeamleitungForm.base_fields["comment"].label,
}
FORM_INPUTS = {
    "reasons": _textarea(DocumentForm.base_fields["reasons"]),
    "prognosis": _textarea(DocumentForm.base_fields["prognosis"]),
    "comment": _textarea(TeamleitungForm.base_fields["comment"]),
}


def review_item_context(*, review, user, today, can_document=None, can_decide=None) -> dict:
    """What `reviews/_review_item.html` needs; permission flags computed unless the caller knows them."""
    if can_document is None:
        can_document = review.state == "due" and is_case_fm(review.case, user)
    if can_decide is None:
        can_decide = review.waits_for_teamleitung and is_case_tl(review.case, user)
    return {
        "review": review,
        "today": today,
        "can_document": can_document and review.state == "due",
        "can_decide": can_decide and review.waits_for_teamleitung,
        "decision_choices": DocumentForm.base_fields["decision"].choices,
        "decision_initial": DocumentForm.base_fields["decision"].initial,
        "labels": FORM_LABELS,
        "inputs": FORM_INPUTS,
    }


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Reviews: FM — her due reviews; TL — what waits for her (REV-2, REV-3) and cases > 24 months (REV-5)."""
    user, today = request.user, clock.request_day(request)
    if user.role not in (Role.FALLMANAGER, Role.TEAMLEITUNG):
        raise Http404
    page_obj = None
    with scope_memo():  # both lists read the same scope: resolve it once
        if user.role == Role.FALLMANAGER:
            # REV-7: one open review per case; the page shows what is due, a page of forms at a time.
            page_obj = Paginator(
                selectors.reviews_due_for_fm(user=user, today=today), INBOX_PAGE_SIZE
            ).get_page(request.GET.get("seite"))
            items = [
                review_item_context(review=r, user=user, today=today, can_document=True, can_decide=False)
                for r in page_obj.object_list
            ]
            long_cases = []
            cases = []
        else:
            items = [
                review_item_context(review=r, user=user, today=today, can_document=False, can_decide=True)
                for r in selectors.reviews_waiting_for_teamleitung(user=user, today=today)
            ]
            cases = selectors.attach_review_rows(
                list(selectors.cases_beyond_months(user=user, today=today).only(*selectors.LONG_CASE_FIELDS))
            )
            # Flat rows, dates formatted here: a TL of 12 FMs has hundreds of cases beyond 24 months.
            prefix = reverse("case-detail", args=[0])[: -len("0/")]
            long_cases = []
            for c in cases:
                next_review, continuation = selectors.case_review_status(case=c, today=today)
                long_cases.append(
                    {
                        "url": f"{prefix}{c.pk}/",
                        "name": f"{c.client.last_name}, {c.client.first_name}",
                        "fallmanager": str(c.fallmanager),
                        "admitted_on": c.admitted_on.strftime("%d.%m.%Y"),
                        "months": c.months_in_case_management(today),
                        "next_review": next_review.strftime("%d.%m.%Y") if next_review else "",
                        "continuation": continuation,
                    }
                )
    long_cases_html = ""
    if long_cases:
        t = {
            "not_allowed": _("keine Fortführung"),
            "approval_required": _("Zustimmung erforderlich"),
            "allowed": _("möglich"),
        }
        long_cases_html = mark_safe(  # noqa: S308 - the output of an autoescaping template engine
            engines["jinja2"].get_template("reviews/long_case_rows.html").render({"rows": long_cases, "t": t})
        )
    shown = [item["review"].case for item in items if "review" in item] + list(cases)
    gate.shown(shown, user=user, action="case.list", capacity=access.row_capacity(user))  # DP-2
    return render(
        request,
        "reviews/inbox.html",
        {
            "items": items,
            "long_cases": long_cases,
            "long_cases_html": long_cases_html,
            "today": today,
            "is_tl": user.role == Role.TEAMLEITUNG,
            "page_obj": page_obj,
        },
    )


def _review_or_404(request, pk):
    review = selectors.review_get(request.user, pk, today=clock.request_day(request))
    if review is None:
        raise Http404
    return review


def _answer(
    request, review, *, error: DomainError | None = None, form_errors=None, ok: str = ""
) -> HttpResponse:
    today = clock.request_day(request)
    if request.htmx:
        review.refresh_from_db()
        context = review_item_context(review=review, user=request.user, today=today)
        context.update({"error": error, "form_errors": form_errors or {}, "ok": ok})
        return render(request, "reviews/_review_item.html", context, status=200)
    if error is not None:
        messages.error(request, error.message)
    elif form_errors:
        messages.error(request, _("Bitte prüfen Sie Ihre Eingaben."))
    elif ok:
        messages.success(request, ok)
    return redirect(_next(request, reverse("case-detail", args=[review.case_id])))


@login_required
@require_POST
def review_document_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_or_404(request, pk)
    form = DocumentForm(request.POST, prefix=f"r{review.pk}")
    if not form.is_valid():
        return _answer(request, review, form_errors=form.errors)
    try:
        services.review_document(
            review=review, acting_user=request.user, today=clock.request_day(request), **form.cleaned_data
        )
    except DomainError as exc:
        return _answer(request, review, error=exc)
    return _answer(request, review, ok=_("Die Fortführungsprüfung ist dokumentiert."))


@login_required
@require_POST
def review_teamleitung_view(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review_or_404(request, pk)
    form = TeamleitungForm(request.POST, prefix=f"t{review.pk}")
    if not form.is_valid():
        return _answer(request, review, form_errors=form.errors)
    action, comment = form.cleaned_data["action"], form.cleaned_data["comment"]
    today = clock.request_day(request)
    try:
        if action == "acknowledge":
            services.review_acknowledge(review=review, acting_user=request.user, comment=comment, today=today)
            ok = _("Zur Kenntnis genommen.")
        else:
            approve = action == "approve"
            services.review_decide(
                review=review, acting_user=request.user, approve=approve, comment=comment, today=today
            )
            ok = (
                _("Fortführung genehmigt.")
                if approve
                else _("Fortführung abgelehnt – der Fall ist zu beenden.")
            )
    except DomainError as exc:
        return _answer(request, review, error=exc)
    return _answer(request, review, ok=ok)


@login_required
def reminders(request: HttpRequest) -> HttpResponse:
    """Everyone's own reminders (REV-6); pAps document due access checks right here (ACC-4).
    WORK-3: paginated, filterable by kind and due, sortable; the state in the URL."""
    today = clock.request_day(request)
    base = selectors.reminders_for(user=request.user)
    kinds = [(k.value, k.label) for k in ReminderKind]
    filterset = ReminderListFilter(request.GET or None, queryset=base, kind_choices=kinds, today=today)
    valid = not filterset.is_bound or filterset.is_valid()
    qs = filterset.qs if filterset.is_bound and valid else base
    if filterset.is_bound and valid and filterset.form.cleaned_data.get("sort"):
        qs = qs.order_by(*qs.query.order_by, "pk")
    page = Paginator(qs, PAGE_SIZE * 2).get_page(page_number(request.GET.get("page")))
    gate.shown(  # DP-2: the cases and clients the reminders of this page name
        [r.case or r.client for r in page.object_list if r.case_id or r.client_id],
        user=request.user,
        action="reminder.list",
        capacity=access.row_capacity(request.user),
    )
    # The same count as the start page and the digest.
    count = selectors.open_reminder_count(user=request.user)
    return render(
        request,
        "reviews/reminders.html",
        {
            "reminders": list(page.object_list),
            "page": page,
            "form": filterset.form,
            "base_query": query_without(request, "page"),
            "today": today,
            "reminder_count": count,
            "access_kind": ReminderKind.ACCESS_CHECK_DUE.value,
            "access_form": AccessCheckForm(initial={"on": today}),
        },
        status=200 if valid else 400,
    )


@login_required
@require_POST
def reminder_done_view(request: HttpRequest, pk: int) -> HttpResponse:
    reminder = selectors.reminders_for(user=request.user).filter(pk=pk).first()
    if reminder is None:
        raise Http404
    reminder_mark_done(reminder=reminder, acting_user=request.user)
    if request.htmx:
        return HttpResponse("")
    messages.success(request, _("Als erledigt markiert."))
    return redirect("reviews:reminders")


@login_required
@require_POST
def access_check_view(request: HttpRequest, pk: int) -> HttpResponse:
    """ACC-4: the pAp records the periodic access check of a client of her site."""
    client = clients_visible_to(request.user, today=clock.request_day(request)).filter(pk=pk).first()
    if client is None:
        raise Http404
    form = AccessCheckForm(request.POST)
    if form.is_valid():
        try:
            services.client_access_check_record(client=client, acting_user=request.user, **form.cleaned_data)
            messages.success(request, _("Die Zugangsprüfung ist dokumentiert."))
        except DomainError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, " ".join(" ".join(errors) for errors in form.errors.values()))
    return redirect("reviews:reminders")

"""The case-page section of the duties app: appointments and Meldeaufforderungen with their outcomes,
the MIT-3 status (missed summonses in a row, "nicht erreichbar"), the ÄD/BPS prompt before a third
summons (MIT-4, only for the case's FM: it reveals a health need, DP-6), notices and their answers.
A constant number of queries however many appointments a case has; loaded by htmx after the case page."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from catalog import periods
from duties import selectors, services
from duties.choices import ExamStatus, Outcome, Reachability
from duties.permissions import can_read_duties, can_see_health_hints, can_write_duties
from duties.services import WORKING_STATES
from web.duties import forms
from web.sections import CasePage, Section

TITLE = _("Termine und Meldeaufforderungen")
TEMPLATE = "duties/sections/appointments.html"
LAZY_TEMPLATE = "duties/sections/appointments_lazy.html"
ORDER = 36
RECENT = 20


def _row_form(failed: dict, kind: str, pk: int, make):
    """The bound form of a refused per-row post (with its messages), otherwise a fresh one."""
    bound = failed.get(kind)
    if bound and bound[0] == pk:
        failed["shown"] = True
        return bound[1]
    return make()


def context(
    case,
    user,
    today: datetime.date,
    *,
    form=None,
    error=None,
    failed: dict | None = None,
    saved=None,
) -> dict:
    appointments = list(selectors.appointments_for(case))
    notices = list(selectors.notices_for(case))
    obligations = list(selectors.obligations_for(case))
    health_ok = can_see_health_hints(case, user, today=today)
    exams = list(selectors.exams_for(case)) if health_ok else []
    status = selectors.summons_status(case, appointments=appointments)
    writable = can_write_duties(case, user, today=today) and case.state in WORKING_STATES
    now = timezone.now()
    noticed = {n.appointment_id for n in notices}
    rows = []
    for a in appointments[-RECENT:][::-1]:
        held = a.starts_at <= now
        rows.append(
            {
                "a": a,
                "at": timezone.localtime(a.starts_at),
                "held": held,
                "needs_outcome": held and not a.outcome,
                "can_notify": a.is_summons and a.outcome == Outcome.MISSED and a.pk not in noticed,
            }
        )
    failed = failed or {}
    writable_rows = writable
    notice_rows = [
        {
            "n": n,
            "answer_form": _row_form(
                failed, "answer", n.pk, lambda: forms.AnswerForm(initial={"answered_on": today})
            )
            if writable_rows and n.answered_on is None
            else None,
        }
        for n in notices
    ]
    obligation_rows = []
    for o in obligations:
        has_conciliation = bool(o.legal_period.conciliation_max_weeks)
        row = {
            "o": o,
            "has_conciliation": has_conciliation,
            "conciliation_ends_on": services.conciliation_ends_on(o),
            "conciliation_open": services.conciliation_open_on(o, today),
        }
        if writable_rows:
            if has_conciliation and o.conciliation_ended_on is None:
                row["conciliation_form"] = _row_form(
                    failed,
                    "conciliation",
                    o.pk,
                    lambda o=o: forms.ConciliationForm(
                        initial={"requested_on": o.conciliation_requested_on or today}
                    ),
                )
            row["notice_form"] = _row_form(
                failed,
                "duty_notice",
                o.pk,
                lambda: forms.DutyNoticeForm(initial={"hearing_on": today}),
            )
        obligation_rows.append(row)
    exam_rows = [
        {
            "e": e,
            "result_form": _row_form(
                failed, "exam_result", e.pk, lambda: forms.ExamResultForm(initial={"result_on": today})
            )
            if writable_rows and e.status == ExamStatus.COMMISSIONED
            else None,
        }
        for e in exams
    ]
    if failed and not failed.get("shown") and error is None:
        # The refused form has no place on the page (e.g. no Schlichtung under the new law): the message on top.
        (_pk, bound), *_rest = (v for k, v in failed.items() if k != "shown")
        error = " ".join(bound.non_field_errors()) or " ".join(
            " ".join(errs) for errs in bound.errors.values()
        )
    current = periods.legal_period_on(today, table=status.table)
    prompt = False
    if health_ok and current.vulnerable_exam_required and not exams:
        limit = current.not_reachable_after or 0
        prompt = (
            status.counted >= max(limit - 1, 1)
            and selectors.is_vulnerable(case)
            and not selectors.exam_offer_recorded(case)
        )
    ctx = {
        "case": case,
        "rows": rows,
        "notices": notices,
        "notice_rows": notice_rows,
        "obligations": obligations,
        "obligation_rows": obligation_rows,
        "exams": exams,
        "exam_rows": exam_rows,
        "saved": saved,
        "health_ok": health_ok,
        "instrument_label": current.get_cooperation_instrument_display(),
        "status": status,
        "not_reachable": status.reachability == Reachability.NOT_REACHABLE,
        "exam_prompt": prompt,
        "can_write": writable,
        "error": error,
        "failed": failed,
        "section_title": TITLE,
        "benefit_name": current.benefit_name,
    }
    if writable:
        ctx["form"] = form or forms.AppointmentForm(
            initial={"date": today + datetime.timedelta(days=7), "invited_on": today}
        )
        ctx["outcome_form"] = forms.OutcomeForm()
        ctx["notice_form"] = forms.NoticeForm(initial={"hearing_on": today})
        ctx["obligation_form"] = forms.ObligationForm(initial={"issued_on": today})
        if health_ok:
            ctx["exam_form"] = forms.ExamForm(initial={"offered_on": today})
    return ctx


def section(*, case, user, today: datetime.date, **kwargs) -> Section:
    return Section(title=TITLE, template=TEMPLATE, context=context(case, user, today, **kwargs), order=ORDER)


def sections(page: CasePage) -> list[Section]:
    """A placeholder that htmx fills on load from `duties:appointments` (a link without JavaScript): the
    case page keeps its query budget (tests/perf), the section is its own audited request."""
    case, user = page.case, page.user
    if not can_read_duties(case, user) or case.state not in (*WORKING_STATES, "closed"):
        return []
    return [Section(title=TITLE, template=LAZY_TEMPLATE, context={"case": case}, order=ORDER)]

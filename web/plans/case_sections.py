"""Sections of the case page (docs/architecture.md hook): needs at admission vs. now, assessment,
goals, agreement, services and contacts. Compact, inline htmx forms with sensible defaults.

Every section's context is built eagerly here, so the case page runs a constant number of queries
however many goals, contacts or services a case has."""

from __future__ import annotations

import datetime

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Count, Max, Window
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import CaseState, NeedStatus
from catalog import periods
from plans import selectors
from plans.choices import OPEN_SERVICE_STATES, SERVICE_STEPS, GoalStatus, ServiceStatus
from plans.permissions import can_read_plan, can_see_sensitive, can_write_plan
from plans.services import WORKING_STATES
from web.plans import forms
from web.sections import CasePage, Section

VISIBLE_STATES = (CaseState.CLEARING, CaseState.ACTIVE, CaseState.CLOSED)
RECENT_CONTACTS = 10

SECTIONS = {
    "needs": (_("Handlungsbedarfe: bei Aufnahme und heute"), "plans/sections/needs.html", 30),
    "assessment": (_("Assessment: fünf Lebensbereiche"), "plans/sections/assessment.html", 31),
    "goals": (_("Ziele (Integrationsplan)"), "plans/sections/goals.html", 32),
    "agreement": (_("Kooperationsplan"), "plans/sections/agreement.html", 33),
    "services": (_("Leistungen und Netzwerkpartner"), "plans/sections/services.html", 34),
    "contacts": (_("Kontakte"), "plans/sections/contacts.html", 35),
}


def _base(case, user, today) -> dict:
    writable = can_write_plan(case, user) and case.state in WORKING_STATES
    return {
        "can_write": writable,
        "sensitive_ok": can_see_sensitive(case, user),
        "today": today,
        "case": case,
    }


def needs_context(
    case, user, today, *, base: dict, needs=None, catalogue=None, form=None, error=None
) -> dict:
    needs = selectors.client_needs(case) if needs is None else needs
    rows, hidden = selectors.needs_progress(case, user, needs=needs)
    ctx = {
        "rows": rows,
        "hidden_sensitive": hidden,
        "summary": selectors.needs_summary(rows),
        "error": error,
        "status_open": NeedStatus.OPEN,
        "status_resolved": NeedStatus.RESOLVED,
    }
    if base["can_write"]:
        have = {cn.need_id for cn in needs}
        catalogue = selectors.need_catalogue() if catalogue is None else catalogue
        addable = [n for n in catalogue if n.pk not in have and (base["sensitive_ok"] or not n.is_sensitive)]
        ctx["add_form"] = form or forms.NeedAddForm(needs=addable, sensitive_ok=base["sensitive_ok"])
        ctx["resolve_form"] = forms.NeedResolveForm(initial={"date": today})
    return ctx


def assessment_context(
    case, user, today, *, base: dict, needs=None, entries=None, form=None, error=None
) -> dict:
    areas = selectors.assessment_for(case, user, needs=needs, entries=entries)
    ctx = {"areas": areas, "error": error, "health_hint": forms.HEALTH_HINT}
    if base["can_write"]:
        ctx["form"] = form or forms.AssessmentForm(areas=areas)
    return ctx


def goals_context(
    case, user, today, *, base: dict, goals=None, goal_changes=None, form=None, error=None
) -> dict:
    if goals is None or goal_changes is None:
        reads = selectors.plan_reads(case, ["goals", "goal_changes"])
        goals, goal_changes = reads["goals"], reads["goal_changes"]
    ctx = {
        "goals": [
            {
                "goal": g,
                "history": history,
                "overdue": g.status == GoalStatus.OPEN and g.target_date < today,
            }
            for g, history in selectors.goals_with_history(goals, goal_changes)
        ],
        "error": error,
        "open_count": sum(1 for g in goals if g.status == GoalStatus.OPEN),
    }
    if base["can_write"]:
        ctx["form"] = form or forms.GoalForm(initial={"target_date": today + relativedelta(months=3)})
        ctx["status_form"] = forms.GoalStatusForm(initial={"date": today})
    return ctx


def agreement_context(
    case, user, today, *, base: dict, agreements=None, form=None, waiver_form=None, error=None
) -> dict:
    agreements = list(selectors.agreements_for(case)) if agreements is None else agreements
    current = selectors.current_agreement(agreements)
    concluded = current if current is not None and not current.waived else None
    ctx = {
        "current": current,
        "concluded": concluded,
        "waiver": current if current is not None and current.waived else None,
        "previous": [a for a in agreements if a is not current],
        "todo": case.state == CaseState.ACTIVE and concluded is None,
        "review_overdue": bool(concluded and concluded.review_due_on < today),
        "review_months": periods.months(periods.Period.AGREEMENT_REVIEW),
        "error": error,
    }
    if base["can_write"] and case.state == CaseState.ACTIVE:
        ctx["form"] = form or forms.AgreementForm(initial={"concluded_on": today})
        if concluded is None:
            ctx["waiver_form"] = waiver_form or forms.WaiverForm()
    return ctx


def services_context(case, user, today, *, base: dict, partners=None, form=None, error=None) -> dict:
    referrals = list(selectors.services_for(case))
    consents = list(selectors.consents_for(case))
    ctx = {
        "referrals": [
            {
                "referral": r,
                "overdue": selectors.is_follow_up_overdue(r, today),
                "open": r.status in OPEN_SERVICE_STATES,
                "steps": [(s, ServiceStatus(s).label) for s in SERVICE_STEPS[r.status]],
            }
            for r in referrals
        ],
        "overdue_count": sum(1 for r in referrals if selectors.is_follow_up_overdue(r, today)),
        "consents": consents,
        "error": error,
    }
    if base["can_write"]:
        partners = list(selectors.partners_for(case)) if partners is None else partners
        ctx["form"] = form or forms.ServiceForm(
            partners=partners, initial={"follow_up_on": today + datetime.timedelta(days=28)}
        )
        ctx["revoke_form"] = forms.ConsentRevokeForm(initial={"date": today})
        ctx["update_date"] = today
    return ctx


def contacts_context(case, user, today, *, base: dict, form=None, error=None) -> dict:
    # One query: the newest contacts with the case's contact count and last date as window aggregates
    # (computed over all the case's contacts before the LIMIT).
    recent = list(
        selectors.contacts_for(case).annotate(total_count=Window(Count("pk")), last_date=Window(Max("date")))[
            :RECENT_CONTACTS
        ]
    )
    stats = {
        "total": recent[0].total_count if recent else 0,
        "last": recent[0].last_date if recent else None,
    }
    days = selectors.contact_gap_days(last_contact_on=stats["last"], case=case, today=today)
    gap = settings.FM["CONTACT_GAP_DAYS"]
    ctx = {
        "contacts": recent,
        "total": stats["total"],
        "last_contact_on": stats["last"],
        "days_since": days,
        "flagged": days is not None and days > gap and case.state in WORKING_STATES,
        "gap_days": gap,
        "error": error,
    }
    if base["can_write"]:
        ctx["form"] = form or forms.ContactForm(initial={"date": today})
    return ctx


BUILDERS = {
    "needs": needs_context,
    "assessment": assessment_context,
    "goals": goals_context,
    "agreement": agreement_context,
    "services": services_context,
    "contacts": contacts_context,
}


# The German confirmation an htmx save shows in the re-rendered section.
SAVED = {
    "needs": gettext_lazy("Die Handlungsbedarfe sind gespeichert."),
    "assessment": gettext_lazy("Das Assessment ist gespeichert."),
    "goals": gettext_lazy("Die Ziele sind gespeichert."),
    "agreement": gettext_lazy("Der Kooperationsplan ist gespeichert."),
    "services": gettext_lazy("Die Leistungen sind gespeichert."),
    "contacts": gettext_lazy("Der Kontakt ist gespeichert."),
}


def section(name: str, *, case, user, today: datetime.date, saved: bool = False, **kwargs) -> Section:
    """One section (for re-rendering after an htmx form post; `saved` adds the confirmation)."""
    title, template, order = SECTIONS[name]
    base = _base(case, user, today)
    context = {**base, **BUILDERS[name](case, user, today, base=base, **kwargs), "section_title": title}
    if saved:
        context["saved"] = SAVED[name]
    return Section(title=title, template=template, context=context, order=order)


def sections(page: CasePage) -> list[Section]:
    """The plan sections for the case's FM (editable) and TL (read, no health data, DP-6)."""
    case, user, today = page.case, page.user, page.today
    if not can_read_plan(case, user) or case.state not in VISIBLE_STATES:
        return []
    base = _base(case, user, today)
    needs = selectors.client_needs(case)
    # Everything else that needs no related rows in one statement: 5 queries for the six sections.
    parts = ["entries", "goals", "goal_changes", "agreements"]
    if base["can_write"]:
        parts += ["catalogue", "partners"]  # for the forms
    reads = selectors.plan_reads(case, parts)
    extras = {
        "needs": {"needs": needs, "catalogue": reads.get("catalogue")},
        "assessment": {"needs": needs, "entries": reads["entries"]},
        "goals": {"goals": reads["goals"], "goal_changes": reads["goal_changes"]},
        "agreement": {"agreements": reads["agreements"]},
        "services": {"partners": reads.get("partners")},
    }
    out = []
    for name, (title, template, order) in SECTIONS.items():
        extra = extras.get(name, {})
        context = {**base, **BUILDERS[name](case, user, today, base=base, **extra), "section_title": title}
        out.append(Section(title=title, template=template, context=context, order=order))
    return out

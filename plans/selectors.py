"""Scoped reads of the plans app. Every read goes through `cases.selectors` (DP-1: out of scope → 404);
health findings and health needs only for the case's FM and her substitute (DP-6)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Window
from django.utils.translation import gettext as _

from cases.choices import CaseState, NeedStatus
from cases.models import Case, ClientNeed
from cases.selectors import case_get, cases_visible_to
from catalog.models import LifeArea
from fallmanagement.errors import NotFound, NotPermitted
from org.choices import Role
from plans.choices import OPEN_SERVICE_STATES
from plans.models import (
    Agreement,
    AssessmentEntry,
    Consent,
    Contact,
    Goal,
    GoalStatusChange,
    Partner,
    ServiceReferral,
)
from plans.permissions import can_read_plan, can_see_sensitive, can_write_plan


def plan_case_get(user, pk, *, write: bool = False, today: datetime.date | None = None) -> Case:
    """The case for plan reads/writes: out of scope → NotFound (404); in scope but a role that never
    sees the FM's plan (pAp, BL) → NotPermitted (403); writes only by the case's FM or substitute."""
    case = case_get(user, pk, today=today)
    if case is None:
        raise NotFound(_("Nicht gefunden."))
    if not can_read_plan(case, user):
        raise NotPermitted(_("Die Planung des Fallmanagements ist für Ihre Rolle nicht einsehbar (DP-1)."))
    if write and not can_write_plan(case, user):
        raise NotPermitted(
            _("Nur die zuständige Fallmanager*in (oder ihre Vertretung) kann den Plan bearbeiten.")
        )
    return case


def _in_scope(user, qs: QuerySet) -> QuerySet:
    return qs.filter(case__in=cases_visible_to(user).values("pk"))


def goal_get(user, pk) -> Goal:
    goal = _object_get(user, Goal.objects.select_related("case"), pk)
    plan_case_get(user, goal.case_id)
    return goal


def agreement_get(user, pk) -> Agreement:
    agreement = _object_get(user, Agreement.objects.all(), pk)
    agreement.case = plan_case_get(user, agreement.case_id)
    return agreement


def service_referral_get(user, pk) -> ServiceReferral:
    referral = _object_get(user, ServiceReferral.objects.select_related("case"), pk)
    plan_case_get(user, referral.case_id)
    return referral


def _object_get(user, qs: QuerySet, pk):
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(_("Nicht gefunden.")) from None
    obj = _in_scope(user, qs).filter(pk=pk).first()
    if obj is None:
        raise NotFound(_("Nicht gefunden."))
    return obj


# --- assessment -------------------------------------------------------------------------------------


@dataclass
class AreaView:
    life_area: str
    label: str
    sensitive: bool
    findings: str = ""
    resources: str = ""
    updated_at: datetime.datetime | None = None
    needs: list[ClientNeed] = field(default_factory=list)


def client_needs(case: Case) -> list[ClientNeed]:
    return list(
        ClientNeed.objects.filter(client_id=case.client_id)
        .select_related("need")
        .order_by("priority", "need__sort", "need__code")
    )


def assessment_for(case: Case, user, *, needs: list[ClientNeed] | None = None) -> list[AreaView]:
    """PLAN-1: the five life areas with findings, resources and needs (by priority). DP-6: without the
    right to see sensitive data the health area is left out entirely. Two queries."""
    sensitive_ok = can_see_sensitive(case, user)
    entries = {e.life_area: e for e in AssessmentEntry.objects.filter(case=case)}
    needs = client_needs(case) if needs is None else needs
    areas = []
    for value, label in LifeArea.choices:
        if value == LifeArea.GESUNDHEIT and not sensitive_ok:
            continue
        entry = entries.get(value)
        areas.append(
            AreaView(
                life_area=value,
                label=str(label),
                sensitive=value == LifeArea.GESUNDHEIT,
                findings=entry.findings if entry else "",
                resources=entry.resources if entry else "",
                updated_at=entry.updated_at if entry else None,
                needs=[n for n in needs if n.need.life_area == value],
            )
        )
    return areas


@dataclass
class NeedProgress:
    client_need: ClientNeed
    at_admission: bool


def needs_progress(
    case: Case, user, *, needs: list[ClientNeed] | None = None
) -> tuple[list[NeedProgress], int]:
    """PLAN-6: each need with "present at admission" and its status now; plus the number of hidden
    sensitive needs (DP-6) for viewers without the right to see them."""
    sensitive_ok = can_see_sensitive(case, user)
    needs = client_needs(case) if needs is None else needs
    start = case.admitted_on or case.clearing_started_on or case.referred_on
    rows, hidden = [], 0
    for cn in needs:
        if cn.need.is_sensitive and not sensitive_ok:
            hidden += 1
            continue
        rows.append(NeedProgress(cn, at_admission=start is None or cn.identified_on <= start))
    return rows, hidden


def needs_summary(rows: list[NeedProgress]) -> dict:
    return {
        "at_admission": sum(1 for r in rows if r.at_admission),
        "open_now": sum(1 for r in rows if r.client_need.status == NeedStatus.OPEN),
        "reduced": sum(1 for r in rows if r.client_need.status == NeedStatus.REDUCED),
        "resolved": sum(1 for r in rows if r.client_need.status == NeedStatus.RESOLVED),
    }


# --- goals, agreements, services, contacts ---------------------------------------------------------


def goals_for(case: Case) -> QuerySet[Goal]:
    return Goal.objects.filter(case=case).prefetch_related(
        Prefetch("status_changes", queryset=GoalStatusChange.objects.order_by("changed_on", "at", "pk"))
    )


def agreements_for(case: Case) -> QuerySet[Agreement]:
    return Agreement.objects.filter(case=case).order_by("-recorded_on", "-pk")


def current_agreement(agreements: list[Agreement]) -> Agreement | None:
    return next((a for a in agreements if a.superseded_on is None), None)


def services_for(case: Case) -> QuerySet[ServiceReferral]:
    return ServiceReferral.objects.filter(case=case).select_related("partner", "consent")


def consents_for(case: Case) -> QuerySet[Consent]:
    return Consent.objects.filter(client_id=case.client_id).select_related("partner")


def partners_for(case: Case) -> QuerySet[Partner]:
    return Partner.objects.filter(area_id=case.client.site.area_id, active=True).order_by("kind", "name")


def contacts_for(case: Case) -> QuerySet[Contact]:
    return Contact.objects.filter(case=case).order_by("-date", "-pk")


def is_follow_up_overdue(referral: ServiceReferral, today: datetime.date) -> bool:
    return bool(
        referral.status in OPEN_SERVICE_STATES and referral.follow_up_on and referral.follow_up_on < today
    )


# --- contact density (PLAN-5) ---------------------------------------------------------------------------


def with_last_contact(qs: QuerySet[Case]) -> QuerySet[Case]:
    """Annotate cases with `last_contact_on` (one query for the whole list)."""
    return qs.annotate(last_contact_on=Max("contacts__date"))


def contact_gap_days(
    *, last_contact_on: datetime.date | None, case: Case, today: datetime.date
) -> int | None:
    """Days since the last contact; without any contact, days since admission (or clearing start)."""
    since = last_contact_on or case.admitted_on or case.clearing_started_on
    return (today - since).days if since else None


def contact_gap_cases(user, *, today: datetime.date, limit: int = 50) -> tuple[list[dict], int]:
    """PLAN-5: the user's working cases without contact for more than CONTACT_GAP_DAYS (default 28):
    one query however many cases there are (the total rides along as a window count over the groups)."""
    gap = settings.FM["CONTACT_GAP_DAYS"]
    threshold = today - datetime.timedelta(days=gap)
    qs = (
        with_last_contact(
            cases_visible_to(user, today=today).filter(state__in=(CaseState.CLEARING, CaseState.ACTIVE))
        )
        .filter(
            Q(last_contact_on__lt=threshold)
            | Q(
                last_contact_on__isnull=True,
                admitted_on__lt=threshold,
            )
            | Q(last_contact_on__isnull=True, admitted_on__isnull=True, clearing_started_on__lt=threshold)
        )
        .select_related("client", "fallmanager")
        .annotate(gap_total=Window(Count("pk")))
        .order_by("last_contact_on", "admitted_on", "pk")
    )
    cases = list(qs[:limit])
    rows = [
        {
            "case": c,
            "last_contact_on": c.last_contact_on,
            "days": contact_gap_days(last_contact_on=c.last_contact_on, case=c, today=today),
        }
        for c in cases
    ]
    return rows, (cases[0].gap_total if cases else 0)


def sees_contact_gaps(user) -> bool:
    return user.is_authenticated and user.role in (Role.FALLMANAGER, Role.TEAMLEITUNG)

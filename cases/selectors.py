"""Scoped reads (DP-1): every view, API endpoint and export reads cases and clients through these."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery

from audit import gate
from audit.models import Capacity
from cases import access
from cases.choices import OPEN_STATES, CaseState, NeedStatus
from cases.models import Case, CaseEvent, Client
from catalog import clock, periods
from org.choices import Role
from org.models import Staff, Team


def cases_visible_to(user, *, today: datetime.date | None = None) -> QuerySet[Case]:
    today = clock.today(today)
    q = access.case_scope_q(user, today)
    if q is None:
        return Case.objects.none()
    return Case.objects.filter(q)


def case_get(user, pk, *, today: datetime.date | None = None) -> Case | None:
    """The case if it exists and is in scope, else None (the caller answers 404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    # What every case page shows. The relations of a decided/closed case (rejection and exit reason, the
    # pAp of the exit handover, who decided a dispute) load on access, for those states only: eleven
    # joined tables cost PostgreSQL 4 ms of planning on every case page, seven cost 0.8 ms.
    related = (
        "client",
        "client__site",
        "client__household",
        "fallmanager",
        "fallmanager__team",
        "referred_by",
    )
    if user.is_authenticated and user.is_active and user.role == Role.FALLMANAGER:
        # Her own cases are always in an FM's scope (see `_scope_q_resolve`): the usual case, found in one
        # query without resolving substitutions and grants. Any other case goes through the full scope.
        own = Case.objects.select_related(*related).filter(pk=pk, fallmanager_id=user.pk).first()
        if own is not None:
            gate.shown(own, user=user, action="case.view", capacity=Capacity.OWN_CASE)
            return own
    case = cases_visible_to(user, today=today).select_related(*related).filter(pk=pk).first()
    gate.shown(case, user=user, action="case.view")  # DP-2: logged once the response shows it
    return case


@dataclass(slots=True)
class OpenCaseRow:
    """An open case as the FM's start page lists it: a plain row, not three model instances (a start page
    shows up to 150 of them). `reviews.selectors.case_review_status` and `attach_review_rows` accept it."""

    pk: int
    state: str
    referred_on: datetime.date | None
    clearing_started_on: datetime.date | None
    admitted_on: datetime.date | None
    closed_on: datetime.date | None
    client_first_name: str
    client_last_name: str
    customer_number: str
    fallmanager_id: int
    fallmanager_name: str
    client_id: int = 0
    _review_rows: list | None = None
    audit_object_type = "case"  # how the access log names it (audit.services.record)

    @property
    def clearing_due_on(self) -> datetime.date | None:
        return periods.clearing_ends_on(self.clearing_started_on)

    def months_in_case_management(self, today: datetime.date) -> int | None:
        return periods.months_in_case_management(self.admitted_on, self.closed_on, today)


def open_case_rows(user, *, today: datetime.date | None = None) -> list[OpenCaseRow]:
    """The open cases in the user's scope (own and substituted) as `OpenCaseRow`s, one query."""
    rows = (
        cases_visible_to(user, today=today)
        .filter(state__in=OPEN_STATES)
        .values_list(
            "pk",
            "state",
            "referred_on",
            "clearing_started_on",
            "admitted_on",
            "closed_on",
            "client__first_name",
            "client__last_name",
            "client__customer_number",
            "fallmanager_id",
            "fallmanager__first_name",
            "fallmanager__last_name",
            "fallmanager__username",
            "client_id",
        )  # fmt: skip
    )
    result = [
        OpenCaseRow(*row[:10], fallmanager_name=f"{first} {last}".strip() or username, client_id=client_id)
        for *row, first, last, username, client_id in rows
    ]
    gate.shown(result, user=user, action="case.list", capacity=access.row_capacity(user))
    return result


def clients_visible_to(user, *, today: datetime.date | None = None) -> QuerySet[Client]:
    """pAp: clients of her site (to find and refer them); FM/TL/BL: clients with a case in their scope."""
    today = clock.today(today)
    if not user.is_authenticated or not user.is_active:
        return Client.objects.none()
    if user.role == Role.PAP:
        if user.team_id is None:
            return Client.objects.none()
        # The site as a value, not a join: the name search then reads the (site, name) index (issue 17).
        site = Team.objects.filter(pk=user.team_id).order_by().values("site_id")[:1]
        return Client.objects.filter(site_id=Subquery(site), anonymised_on__isnull=True)
    q = access.case_scope_q(user, today)
    if q is None:
        return Client.objects.none()
    in_scope = Case.objects.filter(q, client=OuterRef("pk"))
    return Client.objects.filter(Exists(in_scope), anonymised_on__isnull=True)


def client_get(user, pk, *, today: datetime.date | None = None) -> Client | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    client = clients_visible_to(user, today=today).select_related("site", "household").filter(pk=pk).first()
    gate.shown(client, user=user, action="client.view")  # DP-2: logged once the response shows it
    return client


def case_history(case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related("actor").order_by("effective_on", "at", "pk")


# --- caseload (CAP-1..3) -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Caseload:
    counted: int
    in_clearing: int
    target: int

    @property
    def utilization(self) -> float:
        return round(self.counted / self.target, 2) if self.target else 0.0

    @property
    def over_target(self) -> bool:
        return self.counted > self.target


def staff_caseload(*, staff: Staff) -> Caseload:
    """CAP-1/2: counted = active cases (clearing, disputed and closed do not count); target by hours."""
    agg = staff.fm_cases.aggregate(
        counted=Count("pk", filter=Q(state=CaseState.ACTIVE)),
        in_clearing=Count("pk", filter=Q(state=CaseState.CLEARING)),
    )
    return Caseload(counted=agg["counted"], in_clearing=agg["in_clearing"], target=staff.caseload_target)


def fallmanagers_with_caseload(*, queryset=None):
    """FMs annotated with counted/in_clearing in one query (dashboards: CAP-3)."""
    qs = queryset if queryset is not None else Staff.objects.filter(role=Role.FALLMANAGER, is_active=True)
    return qs.annotate(
        counted=Count("fm_cases", filter=Q(fm_cases__state=CaseState.ACTIVE)),
        in_clearing=Count("fm_cases", filter=Q(fm_cases__state=CaseState.CLEARING)),
    ).select_related("team", "team__site")


# --- the Wirkungsanalyse prefill (EXIT-3) ---------------------------------------------------------------


@dataclass(frozen=True)
class OutcomePrefill:
    """What the Wirkungsanalyse form shows prefilled, so the FM confirms rather than types (EXIT-3)."""

    needs_at_start: int
    needs_reduced: int
    health_need: bool


def case_outcome_prefill(*, case: Case) -> OutcomePrefill:
    """Needs identified by admission, needs reduced or resolved since, and whether a health need exists."""
    needs = list(case.client.needs.select_related("need"))
    start = case.admitted_on
    at_start = [n for n in needs if start is None or n.identified_on <= start]
    reduced = [
        n
        for n in needs
        if n.status != NeedStatus.OPEN
        and n.status_changed_on
        and (start is None or n.status_changed_on >= start)
    ]
    return OutcomePrefill(
        needs_at_start=len(at_start),
        needs_reduced=len(reduced),
        health_need=any(n.need.is_health for n in needs),
    )


# --- EXIT-1: the handover note for the taking-over pAp --------------------------------------------------


@dataclass(frozen=True)
class HandoverNote:
    """What the taking-over pAp reads of a closed case: the handover and nothing else (EXIT-1, DP-1)."""

    case: Case
    client_name: str
    customer_number: str
    closed_on: datetime.date
    exit_reason: str
    talk_on: datetime.date | None
    fallmanager_name: str
    note: str


def handover_notes_for(user) -> QuerySet[Case]:
    """The closed cases handed over to this pAp at the exit (newest first)."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.PAP):
        return Case.objects.none()
    return Case.objects.filter(state=CaseState.CLOSED, exit_handover_pap=user).order_by("-closed_on", "-pk")


def handover_note_get(user, pk) -> HandoverNote | None:
    """EXIT-1: the taking-over pAp reads the handover note of a closed case; anyone else: None (404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    case = (
        handover_notes_for(user)
        .select_related("client", "exit_reason", "fallmanager")
        .only(
            "pk",
            "state",
            "closed_on",
            "exit_handover_talk_on",
            "exit_handover_note",
            "exit_handover_pap_id",
            "client__first_name",
            "client__last_name",
            "client__customer_number",
            "exit_reason__label",
            "fallmanager__first_name",
            "fallmanager__last_name",
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        return None
    return HandoverNote(
        case=case,
        client_name=f"{case.client.first_name} {case.client.last_name}",
        customer_number=case.client.customer_number,
        closed_on=case.closed_on,
        exit_reason=case.exit_reason.label if case.exit_reason_id else "",
        talk_on=case.exit_handover_talk_on,
        fallmanager_name=f"{case.fallmanager.first_name} {case.fallmanager.last_name}",
        note=case.exit_handover_note,
    )


# --- ACC-2: the individual decisions a TL was consulted on ---------------------------------------------


def individual_decisions_for_tl(user) -> QuerySet[Case]:
    """ACC-2: the referrals by individual decision that the TL confirms — those she was consulted on, and
    those recorded without a TL by pAps of her teams; unconfirmed first, newest first."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and user.role == Role.TEAMLEITUNG):
        return Case.objects.none()
    teams = list(user.led_teams.values_list("pk", flat=True))
    return (
        Case.objects.exclude(individual_decision_reason="")
        .filter(
            Q(teamleitung_consulted=user) | Q(teamleitung_consulted__isnull=True, referred_by__team__in=teams)
        )
        .select_related("client", "referred_by", "fallmanager", "individual_decision_confirmed_by")
        .order_by(F("individual_decision_confirmed_on").asc(nulls_first=True), "-referred_on", "-pk")
    )

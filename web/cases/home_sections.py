"""Start page sections of the case lifecycle (composed in `web.pages`)."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.template import engines
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit import gate
from audit.models import Capacity
from cases import access
from cases.choices import CaseState
from cases.models import Case
from cases.selectors import Caseload, cases_visible_to, fallmanagers_with_caseload, open_case_rows
from org.choices import Role
from org.models import Staff
from web.sections import Section, StartPage

STATE_ORDER = {state.value: index for index, state in enumerate(CaseState)}
PAP_LIMIT = 200


def _d(value: datetime.date | None) -> str:
    """German date (the `d.m.Y` of the templates) — formatted in Python for the long tables."""
    return value.strftime("%d.%m.%Y") if value else ""


def _open_case_rows_html(open_cases, *, user, today: datetime.date, prefix: str, labels: dict) -> str:
    """The rows of the FM's open-cases table, from the Jinja2 fragment `cases/fm_open_rows.html` (the hot
    table of the start page: see the fragment). The values are computed here, the markup is there; the
    texts are translated once per page."""
    from reviews.selectors import case_review_status

    t = {
        "clr_overdue": _("überfällig"),
        "overdue": _("überfällig"),
        # reviews.choices.Continuation values (REV-3, REV-4)
        "approval_required": _("Zustimmung der TL erforderlich"),
        "not_allowed": _("keine Verlängerung"),
    }
    referred, clearing_until = _("zugewiesen am"), _("Clearing bis")
    rows = []
    for case in open_cases:
        state = case.state
        row = {
            "pk": case.pk,
            "last_name": case.client_last_name,
            "first_name": case.client_first_name,
            "substitute": (
                _("Vertretung für %(fm)s") % {"fm": case.fallmanager_name}
                if case.fallmanager_id != user.pk
                else ""
            ),
            "customer_number": case.customer_number,
            "state": state,
            "state_label": labels.get(state, state),
            "clearing_text": "",
            "admitted_on": _d(case.admitted_on),
            "months": case.months_in_case_management(today),
        }
        if state == CaseState.REFERRED:
            row.update(clearing_text=referred, clearing_on=_d(case.referred_on))
        elif state == CaseState.CLEARING and case.clearing_started_on:
            due = case.clearing_due_on
            row.update(clearing_text=clearing_until, clearing_on=_d(due), clearing_overdue=due < today)
        next_review, continuation = case_review_status(case=case, today=today)
        if next_review:
            row.update(
                review=_d(next_review), review_overdue=next_review < today, continuation=continuation or ""
            )
        rows.append(row)
    html = (
        engines["jinja2"]
        .get_template("cases/fm_open_rows.html")
        .render({"rows": rows, "prefix": prefix, "t": t})
    )
    return mark_safe(html)  # noqa: S308 - the output of an autoescaping template engine


def _detail_url_prefix() -> str:
    """`/faelle/` of `/faelle/<pk>/`: one `reverse()` per page instead of one per row."""
    return reverse("case-detail", args=[0])[: -len("0/")]


def fm_caseload(*, user, today: datetime.date, page: StartPage | None = None) -> Section:
    """FM: counts by state, her open cases with key dates, counted caseload vs target (CAP-1..3, CLR-2).

    Three queries however many cases: counts by state (the caseload figures CAP-1 are the active and
    clearing counts of the same rows, so no separate caseload query), the open cases (only the columns
    the page shows: 150 rows of the widest table are the page's main cost), their review rows.
    The open cases go onto `page.fm_open_cases` (with `_review_rows`) for later sections."""
    from reviews.selectors import attach_review_rows

    visible = cases_visible_to(user, today=today)
    counts = {
        row["state"]: row["n"]
        for row in visible.filter(fallmanager=user).order_by().values("state").annotate(n=Count("pk"))
    }
    open_cases = sorted(
        attach_review_rows(open_case_rows(user, today=today)),
        key=lambda c: (STATE_ORDER[c.state], c.client_last_name, c.client_first_name),
    )
    if page is not None:
        page.fm_open_cases = open_cases
    labels = {state.value: str(state.label) for state in CaseState}
    prefix = _detail_url_prefix()
    rows_html = _open_case_rows_html(open_cases, user=user, today=today, prefix=prefix, labels=labels)
    # CAP-1/2 (as cases.selectors.staff_caseload): counted = her active cases, clearing shown apart.
    caseload = Caseload(
        counted=counts.get(CaseState.ACTIVE.value, 0),
        in_clearing=counts.get(CaseState.CLEARING.value, 0),
        target=user.caseload_target,
    )
    return Section(
        title=_("Mein Fallbestand"),
        template="cases/sections/fm_caseload.html",
        order=10,
        context={
            "counts": [
                {"state": s, "label": labels[s.value], "n": counts.get(s.value, 0)} for s in CaseState
            ],
            "rows": bool(open_cases),
            "rows_html": rows_html,
            "caseload": caseload,
        },
    )


def fm_caseload_summary(*, user, today: datetime.date) -> Section:
    """FM start page: counted caseload vs target and the counts by state (one query); the table of her
    open cases is on "Meine Fälle" (`case_list`), the to-dos on the worklist above."""
    counts = {
        row["state"]: row["n"]
        for row in Case.objects.filter(fallmanager=user)  # her own cases: always in her scope (DP-1)
        .order_by()
        .values("state")
        .annotate(n=Count("pk"))
    }
    labels = {state.value: str(state.label) for state in CaseState}
    caseload = Caseload(
        counted=counts.get(CaseState.ACTIVE.value, 0),
        in_clearing=counts.get(CaseState.CLEARING.value, 0),
        target=user.caseload_target,
    )
    return Section(
        title=_("Mein Fallbestand"),
        template="cases/sections/fm_caseload.html",
        order=50,
        context={
            "counts": [
                {"state": s, "label": labels[s.value], "n": counts.get(s.value, 0)} for s in CaseState
            ],
            "summary_only": True,
            "caseload": caseload,
            "cases_url": reverse("case-list"),
        },
    )


def pap_referrals(*, user, today: datetime.date) -> Section:
    """pAp: her referrals with state and outcome (CLR-4: the pAp is informed of the outcome)."""
    cases = list(
        cases_visible_to(user, today=today)
        .select_related("client", "fallmanager", "rejection_reason", "dispute_decided_by")
        .order_by("-referred_on", "-pk")[:PAP_LIMIT]
    )
    gate.shown(cases, user=user, action="case.list", capacity=access.row_capacity(user))  # DP-2
    return Section(
        title=_("Meine Zuweisungen"),
        template="cases/sections/pap_referrals.html",
        order=10,
        context={"cases": cases, "limit": PAP_LIMIT},
    )


def pap_handover_notes(*, user, today: datetime.date) -> Section:
    """pAp: the clients handed over to her at an exit, each with its handover note (EXIT-1)."""
    from cases.selectors import handover_notes_for

    notes = list(
        handover_notes_for(user)
        .select_related("client")
        .only("pk", "closed_on", "client__first_name", "client__last_name", "client__customer_number")[
            :PAP_LIMIT
        ]
    )
    # DP-2: the clients named in the list (the note itself is logged when she opens it).
    gate.shown(notes, user=user, action="case.list", capacity=Capacity.PAP_SITE, context={"list": "handover"})
    return Section(
        title=_("Übergaben aus dem Fallmanagement"),
        template="cases/sections/pap_handover_notes.html",
        order=15,
        context={"notes": notes},
    )


def tl_disputes(*, user, today: datetime.date) -> Section:
    disputed = list(
        cases_visible_to(user, today=today)
        .filter(state=CaseState.DISPUTED)
        .select_related("client", "fallmanager")
        .order_by("disputed_on", "pk")
    )
    gate.shown(disputed, user=user, action="case.list", capacity=access.row_capacity(user))  # DP-2
    return Section(
        title=_("Offene Widersprüche"),
        template="cases/sections/tl_disputes.html",
        order=10,
        context={"disputed": disputed},
    )


def tl_caseload(*, user, today: datetime.date, page: StartPage | None = None) -> Section:
    """TL: counted vs target for each FM of her teams (CAP-3: over target is visible to the TL).

    The FMs (annotated with their caseload) go onto `page.tl_fms`: the reporting dashboard section
    of the same start page shows the same figures and reuses them."""
    fms = list(
        fallmanagers_with_caseload(
            queryset=Staff.objects.filter(
                role=Role.FALLMANAGER, is_active=True, team__in=user.led_teams.all()
            )
        ).order_by("team__name", "last_name", "first_name")
    )
    if page is not None:
        page.tl_fms = fms
    rows = [
        {"staff": fm, "counted": fm.counted, "in_clearing": fm.in_clearing, "target": fm.caseload_target}
        for fm in fms
    ]
    for row in rows:
        row["over"] = row["counted"] > row["target"]
    return Section(
        title=_("Fallbestand der Fallmanager*innen"),
        template="cases/sections/tl_caseload.html",
        order=20,
        context={"rows": rows},
    )


OTHER_ROLE_TEXT = {
    Role.BEREICHSLEITUNG: gettext_lazy(
        "Sie sehen die Fälle der Teams Ihres Bereichs lesend sowie die Auswertungen zum Fallbestand."
    ),
    Role.CONTROLLING: gettext_lazy(
        "Sie sehen ausschließlich anonyme Auswertungen; personenbezogene Falldaten sind nicht sichtbar."
    ),
    Role.DATENSCHUTZ: gettext_lazy(
        "Sie prüfen Zugriffsprotokolle und Löschfristen; Falldaten selbst bearbeiten Sie nicht."
    ),
    Role.ADMIN: gettext_lazy(
        "Sie pflegen Stammdaten (Organisation, Kataloge) in der Administration; Falldaten sehen Sie nicht."
    ),
}


def sections(page: StartPage) -> list[Section]:
    user, today = page.user, page.today
    if user.role == Role.FALLMANAGER:
        return [fm_caseload_summary(user=user, today=today)]
    if user.role == Role.PAP:
        return [pap_referrals(user=user, today=today), pap_handover_notes(user=user, today=today)]
    if user.role == Role.TEAMLEITUNG:
        if page.worklist is not None:  # her disputes are items of the worklist ("Heute") above
            return [tl_caseload(user=user, today=today, page=page)]
        return [tl_disputes(user=user, today=today), tl_caseload(user=user, today=today, page=page)]
    text = OTHER_ROLE_TEXT.get(user.role)
    if text is None:
        return []
    return [
        Section(
            title=_("Ihre Aufgaben"),
            template="cases/sections/other_role.html",
            order=90,
            context={"text": text},
        )
    ]

"""Start page sections of the case lifecycle (docs/architecture.md "UI composition hooks")."""

from __future__ import annotations

import datetime

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import CaseState
from cases.selectors import cases_visible_to, open_case_rows
from org.choices import Role
from org.models import Staff
from org.selectors import Caseload, fallmanagers_with_caseload

STATE_ORDER = {state.value: index for index, state in enumerate(CaseState)}
PAP_LIMIT = 200


def _d(value: datetime.date | None) -> str:
    """German date (the `d.m.Y` of the templates) — formatted in Python for the long tables."""
    return value.strftime("%d.%m.%Y") if value else ""


def _detail_url_prefix() -> str:
    """`/faelle/` of `/faelle/<pk>/`: one `reverse()` per page instead of one per row."""
    return reverse("case-detail", args=[0])[: -len("0/")]


def fm_caseload(*, user, today: datetime.date, shared: dict | None = None) -> dict:
    """FM: counts by state, her open cases with key dates, counted caseload vs target (CAP-1..3, CLR-2).

    Three queries however many cases: counts by state (the caseload figures CAP-1 are the active and
    clearing counts of the same rows, so no separate caseload query), the open cases (only the columns
    the page shows: 150 rows of the widest table are the page's main cost), their review rows.
    The open cases go into `shared["fm_open_cases"]` (with `_review_rows`) for later sections."""
    from reviews.selectors import attach_review_rows, case_review_status

    visible = cases_visible_to(user, today=today)
    counts = {
        row["state"]: row["n"]
        for row in visible.filter(fallmanager=user).order_by().values("state").annotate(n=Count("pk"))
    }
    open_cases = sorted(
        attach_review_rows(open_case_rows(user, today=today)),
        key=lambda c: (STATE_ORDER[c.state], c.client_last_name, c.client_first_name),
    )
    if shared is not None:
        shared["fm_open_cases"] = open_cases
    labels = {state.value: str(state.label) for state in CaseState}
    prefix = _detail_url_prefix()
    rows = []
    # Flat rows with the dates already formatted: the table is the page's main rendering cost, and a
    # variable lookup is much cheaper than `row.case.client.last_name` or the `date` filter per cell.
    for case in open_cases:
        due = case.clearing_due_on
        next_review, continuation = case_review_status(case=case, today=today)
        rows.append(
            {
                "case": case,
                "url": f"{prefix}{case.pk}/",
                "name": f"{case.client_last_name}, {case.client_first_name}",
                "customer_number": case.customer_number,
                "state": case.state,
                "state_label": labels.get(case.state, case.state),
                "referred_on": _d(case.referred_on),
                "clearing_due": _d(due),
                "overdue": bool(case.state == CaseState.CLEARING and due and due < today),
                "admitted_on": _d(case.admitted_on),
                "months": case.months_in_case_management(today),
                "next_review": _d(next_review),
                "review_overdue": bool(next_review and next_review < today),
                "continuation": continuation,
                "substituted": case.fallmanager_name if case.fallmanager_id != user.pk else "",
            }
        )
    # CAP-1/2 (as org.selectors.staff_caseload): counted = her active cases, clearing shown apart.
    caseload = Caseload(
        counted=counts.get(CaseState.ACTIVE.value, 0),
        in_clearing=counts.get(CaseState.CLEARING.value, 0),
        target=user.caseload_target,
    )
    return {
        "title": _("Mein Fallbestand"),
        "template": "cases/sections/fm_caseload.html",
        "order": 10,
        "context": {
            "counts": [
                {"state": s, "label": labels[s.value], "n": counts.get(s.value, 0)} for s in CaseState
            ],
            "rows": rows,
            "caseload": caseload,
        },
    }


def pap_referrals(*, user, today: datetime.date) -> dict:
    """pAp: her referrals with state and outcome (CLR-4: the pAp is informed of the outcome)."""
    cases = list(
        cases_visible_to(user, today=today)
        .select_related("client", "fallmanager", "rejection_reason", "dispute_decided_by")
        .order_by("-referred_on", "-pk")[:PAP_LIMIT]
    )
    return {
        "title": _("Meine Zuweisungen"),
        "template": "cases/sections/pap_referrals.html",
        "order": 10,
        "context": {"cases": cases, "limit": PAP_LIMIT},
    }


def tl_disputes(*, user, today: datetime.date) -> dict:
    disputed = list(
        cases_visible_to(user, today=today)
        .filter(state=CaseState.DISPUTED)
        .select_related("client", "fallmanager")
        .order_by("disputed_on", "pk")
    )
    return {
        "title": _("Offene Widersprüche"),
        "template": "cases/sections/tl_disputes.html",
        "order": 10,
        "context": {"disputed": disputed},
    }


def tl_caseload(*, user, today: datetime.date, shared: dict | None = None) -> dict:
    """TL: counted vs target for each FM of her teams (CAP-3: over target is visible to the TL).

    The FMs (annotated with their caseload) go into `shared["tl_fms"]`: the reporting dashboard section
    of the same start page shows the same figures and reuses them."""
    fms = list(
        fallmanagers_with_caseload(
            queryset=Staff.objects.filter(
                role=Role.FALLMANAGER, is_active=True, team__in=user.led_teams.all()
            )
        ).order_by("team__name", "last_name", "first_name")
    )
    if shared is not None:
        shared["tl_fms"] = fms
    rows = [
        {"staff": fm, "counted": fm.counted, "in_clearing": fm.in_clearing, "target": fm.caseload_target}
        for fm in fms
    ]
    for row in rows:
        row["over"] = row["counted"] > row["target"]
    return {
        "title": _("Fallbestand der Fallmanager*innen"),
        "template": "cases/sections/tl_caseload.html",
        "order": 20,
        "context": {"rows": rows},
    }


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


def sections(*, user, today: datetime.date, shared: dict | None = None) -> list[dict]:
    if user.role == Role.FALLMANAGER:
        return [fm_caseload(user=user, today=today, shared=shared)]
    if user.role == Role.PAP:
        return [pap_referrals(user=user, today=today)]
    if user.role == Role.TEAMLEITUNG:
        return [tl_disputes(user=user, today=today), tl_caseload(user=user, today=today, shared=shared)]
    text = OTHER_ROLE_TEXT.get(user.role)
    if text is None:
        return []
    return [
        {
            "title": _("Ihre Aufgaben"),
            "template": "cases/sections/other_role.html",
            "order": 90,
            "context": {"text": text},
        }
    ]

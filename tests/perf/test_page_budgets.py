"""Query budgets of the pages of issue 8, counted over the whole request (session read, user, access-log write,
the session save with its transaction statements — everything the test client's request issues).

Each page is loaded with 1 row and with 150 rows and must issue the same number of queries (constant in the
number of cases, contacts, FMs), within the budget this code reaches today (`REACHED`). The budgets of the
issue (`ISSUE`) are pinned as strict xfails: they need changes outside the pages' own files (see
the perfpages report: the scope resolved in one query in cases/selectors.py, the reviews sections reusing
what the page already read, the session not saved on every request). When those land, the xfail turns into
an XPASS, which fails the run — then move the page's figure from `REACHED` to `ISSUE`."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseState
from cases.models import ClientNeed
from catalog.models import LifeArea, Need
from org.choices import Role
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
from tests.factories import CaseFactory, ClientFactory, StaffFactory

# Whole-request query counts reached by this code (the 1-row and the 150-row page must be equal).
# The case page: 11 + 1 for the Wiedervorlagen section (issue 13, WORK-1) = issue 8's budget of 12.
# The start pages list cases since the worklist: their read is logged (DP-2), one INSERT per page on top of
# issue 8's budgets (10 and 12), which were set before start pages wrote the access log.
# The access log is written by one INSERT … SELECT unnest(…) since issue 17 (bulk_create opened a transaction: BEGIN and COMMIT):
# the dashboard went from 10 to 8.
# The FM's worklist has one more source since issue 14: her appointments and their missing outcomes.
REACHED = {"fm_start": 12, "tl_start": 13, "tl_dashboard": 8, "case_page": 12}
# Issue 8's budgets, plus that one access-log INSERT on the start pages (and the FM's appointments).
ISSUE = {"fm_start": 12, "tl_start": 13, "tl_dashboard": 12, "case_page": 12}
ROWS = 150


def _today():
    return timezone.localdate()


def _count(client, url, must_contain: str) -> int:
    client.get(url)  # warm: per-process catalogue caches (rejection reasons) are filled as in steady use
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert must_contain in response.content.decode()
    return len(ctx)


def _active_case(*, fm, pap, site, last_name, admitted_days_ago=400):
    today = _today()
    return CaseFactory(
        client=ClientFactory(site=site, last_name=last_name),
        fallmanager=fm,
        referred_by=pap,
        state=CaseState.ACTIVE,
        referred_on=today - datetime.timedelta(days=admitted_days_ago + 20),
        clearing_started_on=today - datetime.timedelta(days=admitted_days_ago + 10),
        admitted_on=today - datetime.timedelta(days=admitted_days_ago),
    )


# --- FM start page ------------------------------------------------------------------------------------


def _fm_start_counts(client, fm, pap, site) -> tuple[int, int]:
    client.force_login(fm)
    _active_case(fm=fm, pap=pap, site=site, last_name="Start000")
    one = _count(client, reverse("home"), "Start000")
    for i in range(1, ROWS):
        _active_case(fm=fm, pap=pap, site=site, last_name=f"Start{i:03d}")
    many = _count(client, reverse("home"), f"Start{ROWS - 1:03d}")
    return one, many


def test_fm_start_page_queries_constant_in_cases(client, fm, pap, site):
    one, many = _fm_start_counts(client, fm, pap, site)
    assert many == one
    assert one <= REACHED["fm_start"]


def test_fm_start_page_within_issue_budget(client, fm, pap, site):
    _one, many = _fm_start_counts(client, fm, pap, site)
    assert many <= ISSUE["fm_start"]


# --- TL start page and dashboard -------------------------------------------------------------------------


@pytest.fixture
def tl_team(team, tl, pap, site):
    """The TL's team with 12 FMs; `add(n)` spreads n active cases over them."""
    fms = [
        StaffFactory(username=f"fm.team{i:02d}", last_name=f"Team{i:02d}", role=Role.FALLMANAGER, team=team)
        for i in range(12)
    ]
    made = []

    def add(n: int) -> None:
        for _ in range(n):
            i = len(made)
            made.append(
                _active_case(
                    fm=fms[i % len(fms)], pap=pap, site=site, last_name=f"Team{i:03d}", admitted_days_ago=800
                )
            )

    return add


@pytest.mark.parametrize("page", ["tl_start", "tl_dashboard"])
def test_tl_pages_queries_constant_in_cases(client, tl, tl_team, page):
    url = reverse("home") if page == "tl_start" else reverse("reporting:dashboard")
    client.force_login(tl)
    tl_team(1)
    one = _count(client, url, "Team")
    tl_team(ROWS - 1)
    many = _count(client, url, "Team")
    assert many == one
    assert one <= REACHED[page]


def test_tl_start_page_within_issue_budget(client, tl, tl_team):
    client.force_login(tl)
    tl_team(ROWS)
    n = _count(client, reverse("home"), "Team")
    assert n <= ISSUE["tl_start"]


def test_tl_dashboard_within_issue_budget(client, tl, tl_team):
    client.force_login(tl)
    tl_team(ROWS)
    assert _count(client, reverse("reporting:dashboard"), "Team") <= ISSUE["tl_dashboard"]


# --- case page ----------------------------------------------------------------------------------------------


def _case_page_counts(client, fm, pap, site) -> tuple[int, int]:
    """A 3-year-old case: 1 contact, then 150."""
    case = _active_case(fm=fm, pap=pap, site=site, last_name="Dreijahr", admitted_days_ago=3 * 365)
    client.force_login(fm)
    today = _today()

    def contact(i):
        return Contact(
            case=case, date=today - datetime.timedelta(days=3 * i + 1), kind="office", created_by=fm
        )

    Contact.objects.bulk_create([contact(0)])
    url = reverse("case-detail", args=[case.pk])
    one = _count(client, url, "Dreijahr")
    Contact.objects.bulk_create([contact(i) for i in range(1, ROWS)])
    many = _count(client, url, "Dreijahr")
    return one, many


def test_case_page_queries_constant_in_contacts(client, fm, pap, site):
    one, many = _case_page_counts(client, fm, pap, site)
    assert many == one
    assert one <= REACHED["case_page"]


def test_case_page_within_issue_budget(client, fm, pap, site):
    _one, many = _case_page_counts(client, fm, pap, site)
    assert many <= ISSUE["case_page"]


def _fill_plan(case, fm, area, start: int, stop: int) -> None:
    """Rows in every section of the case page: needs, assessment, goals with their history, agreements,
    services with partner and consent, consents, contacts — `start`..`stop` of each."""
    today = _today()
    day = datetime.timedelta(days=1)
    needs = list(Need.objects.order_by("pk")[start:stop])
    ClientNeed.objects.bulk_create(
        [ClientNeed(client=case.client, need=n, identified_on=today - 30 * day, priority=1) for n in needs]
    )
    AssessmentEntry.objects.bulk_create(
        [
            AssessmentEntry(case=case, life_area=a, findings=f"Befund {a}", updated_by=fm)
            for a in LifeArea.values[start:stop]
        ]
    )
    partners = Partner.objects.bulk_create(
        [Partner(area=area, name=f"Partner {i:03d}", kind="debt") for i in range(start, stop)]
    )
    consents = Consent.objects.bulk_create(
        [Consent(client=case.client, partner=p, given_on=today - 20 * day, recorded_by=fm) for p in partners]
    )
    goals = Goal.objects.bulk_create(
        [
            Goal(
                case=case, text=f"Ziel {i:03d}", agreed_on=today - 10 * day, target_date=today, created_by=fm
            )
            for i in range(start, stop)
        ]
    )
    GoalStatusChange.objects.bulk_create(
        [GoalStatusChange(goal=g, to_status="open", changed_on=today - 10 * day, by=fm) for g in goals]
    )
    ServiceReferral.objects.bulk_create(
        [
            ServiceReferral(
                case=case,
                partner=p,
                consent=c,
                kind="measure",
                title=f"Maßnahme {i:03d}",
                proposed_on=today - 5 * day,
                status_changed_on=today - 5 * day,
                created_by=fm,
            )
            for i, (p, c) in enumerate(zip(partners, consents, strict=True), start=start)
        ]
    )
    Agreement.objects.filter(case=case, superseded_on__isnull=True).update(superseded_on=today)
    Agreement.objects.bulk_create(
        [
            Agreement(
                case=case,
                title=f"Kooperationsplan {i:03d}",
                concluded_on=today - 3 * day,
                review_due_on=today + 90 * day,
                recorded_on=today - 3 * day,
                superseded_on=today if i < stop - 1 else None,
                created_by=fm,
            )
            for i in range(start, stop)
        ]
    )
    Contact.objects.bulk_create(
        [
            Contact(case=case, date=today - (i + 1) * day, kind="office", created_by=fm)
            for i in range(start, stop)
        ]
    )


def test_case_page_queries_constant_in_every_section(client, fm, pap, site, area):
    """1 row in each section of the case page, then 40: the same number of queries, within the issue's
    budget (goals with their history, services with partner and consent, the forms' partners)."""
    case = _active_case(fm=fm, pap=pap, site=site, last_name="Vielzeilig", admitted_days_ago=3 * 365)
    client.force_login(fm)
    url = reverse("case-detail", args=[case.pk])
    _fill_plan(case, fm, area, 0, 1)
    one = _count(client, url, "Ziel 000")
    _fill_plan(case, fm, area, 1, 40)
    many = _count(client, url, "Maßnahme 039")
    assert many == one
    assert one <= ISSUE["case_page"]

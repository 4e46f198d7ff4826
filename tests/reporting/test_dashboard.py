"""Leadership dashboards: CAP-3, CLR-2, REV-2/3, REV-5, PLAN-5, DP-7 — every number links to its list."""

import datetime
from decimal import Decimal

import pytest

from cases.models import CaseEvent
from org.choices import Role
from plans.models import Contact
from reporting.selectors import leadership_dashboard
from reviews.models import Review
from tests.factories import CaseFactory, ClientFactory, StaffFactory
from tests.reporting.conftest import TODAY


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


def mk(fm, site, state="active", **fields):
    return CaseFactory(client=ClientFactory(site=site), fallmanager=fm, state=state, **fields)


def team_figures(board, team):
    return next(t for t in board.teams if t.pk == team.pk)


# DOMAIN CLR-2: clearing_started_on + 2 months < today is overdue; on the due day it is not.
def test_clr2_clearing_overdue_boundary(tl, fm, site, team):
    overdue = mk(fm, site, "clearing", clearing_started_on=datetime.date(2026, 9, 19))
    mk(fm, site, "clearing", clearing_started_on=datetime.date(2026, 9, 20))  # due 20.11. = today
    mk(fm, site, "clearing", clearing_started_on=datetime.date(2026, 11, 1))
    board = leadership_dashboard(user=tl, today=TODAY)
    figures = team_figures(board, team).figures
    assert figures["clearing"] == 3
    assert figures["clearing_overdue"] == 1
    assert board.total.figures["clearing_overdue"] == 1
    assert list(_listed(tl, "clearing_overdue", team)) == [overdue.pk]


# DOMAIN REV-5: cases beyond 24 months are shown.
def test_rev5_cases_beyond_24_months(tl, fm, site, team):
    beyond = mk(fm, site, admitted_on=datetime.date(2024, 11, 19))
    mk(fm, site, admitted_on=datetime.date(2024, 11, 20))  # exactly 24 months: not beyond
    mk(fm, site, admitted_on=datetime.date(2026, 5, 1))
    mk(fm, site, "closed", admitted_on=datetime.date(2022, 1, 1), closed_on=datetime.date(2024, 1, 1))
    board = leadership_dashboard(user=tl, today=TODAY)
    assert team_figures(board, team).figures["beyond_24"] == 1
    assert team_figures(board, team).figures["active"] == 3
    assert list(_listed(tl, "beyond_24", team)) == [beyond.pk]
    # median of completed months of the active cases: 24 (20.11.2024), 24 (19.11.2024 → 24 completed), 6
    assert team_figures(board, team).median_months == 24.0


# DOMAIN CAP-1, CAP-2, CAP-3, DP-7: counted vs target per FM and team; over target visible to the TL.
def test_cap3_caseload_per_fm_and_team(tl, fm, fm2, site, team, other_fm):
    fm2.weekly_hours = Decimal("19.5")
    fm2.save(update_fields=["weekly_hours"])
    for _ in range(3):
        mk(fm, site)
    for _ in range(39):
        mk(fm2, site)
    mk(fm2, site, "clearing", clearing_started_on=datetime.date(2026, 11, 1))
    mk(other_fm, site)  # another team: not in the TL's figures
    board = leadership_dashboard(user=tl, today=TODAY)
    loads = {f.pk: f for f in team_figures(board, team).fms}
    assert set(loads) == {fm.pk, fm2.pk}
    assert (loads[fm.pk].counted, loads[fm.pk].target, loads[fm.pk].over_target) == (3, 75, False)
    assert (loads[fm2.pk].counted, loads[fm2.pk].in_clearing, loads[fm2.pk].target) == (39, 1, 38)
    assert loads[fm2.pk].over_target is True
    assert (team_figures(board, team).counted, team_figures(board, team).target) == (42, 113)
    assert [t.pk for t in board.teams] == [team.pk]


# DOMAIN DP-1: a BL sees all teams of her area; a TL only hers.
def test_bl_sees_area_teams_tl_only_hers(bl, tl, fm, other_fm, site, team, other_team):
    mk(fm, site)
    mk(other_fm, site)
    mk(other_fm, site)
    bl_board = leadership_dashboard(user=bl, today=TODAY)
    assert {t.pk: t.figures["active"] for t in bl_board.teams} == {team.pk: 1, other_team.pk: 2}
    assert bl_board.total.figures["active"] == 3
    assert leadership_dashboard(user=tl, today=TODAY).total.figures["active"] == 1


# DOMAIN REV-2, REV-3: reviews due and reviews awaiting the TL.
def test_rev2_rev3_reviews_due_and_awaiting_tl(tl, fm, site, team):
    admitted = datetime.date(2024, 5, 1)
    c1, c2, c3, c4 = (mk(fm, site, admitted_on=admitted) for _ in range(4))
    Review.objects.create(
        case=c1,
        month=24,
        due_on=datetime.date(2026, 5, 1),
        gate="teamleitung_approval",
        state="approval_pending",
    )
    Review.objects.create(
        case=c2, month=12, due_on=datetime.date(2025, 5, 1), gate="inform_teamleitung", state="documented"
    )
    Review.objects.create(
        case=c3, month=6, due_on=datetime.date(2024, 11, 1), gate="document", state="documented"
    )
    Review.objects.create(
        case=c4, month=30, due_on=datetime.date(2026, 11, 1), gate="teamleitung_approval", state="due"
    )
    figures = team_figures(leadership_dashboard(user=tl, today=TODAY), team).figures
    assert figures["reviews_awaiting_tl"] == 2
    assert figures["reviews_due"] == 1
    assert sorted(_listed(tl, "reviews_awaiting_tl", team)) == sorted([c1.pk, c2.pk])


# DOMAIN PLAN-5: contact gaps (no contact within 28 days of an active case admitted earlier).
def test_plan5_contact_gaps(tl, fm, site, team):
    gap = mk(fm, site, admitted_on=datetime.date(2026, 1, 1))
    Contact.objects.create(
        case=gap, date=datetime.date(2026, 10, 22), kind="office", created_by=fm
    )  # 29 days
    fresh = mk(fm, site, admitted_on=datetime.date(2026, 1, 1))
    Contact.objects.create(
        case=fresh, date=datetime.date(2026, 10, 23), kind="phone", created_by=fm
    )  # 28 days
    mk(fm, site, admitted_on=datetime.date(2026, 11, 1))  # new: no gap yet
    never = mk(fm, site, admitted_on=datetime.date(2026, 9, 1))
    figures = team_figures(leadership_dashboard(user=tl, today=TODAY), team).figures
    assert figures["contact_gap"] == 2
    assert sorted(_listed(tl, "contact_gap", team)) == sorted([gap.pk, never.pk])


# DOMAIN REP-2 (dashboard): admissions and rejections by reason in the last 12 months, per team.
def test_admissions_and_rejections_by_reason(tl, fm, site, team):
    def ev(name, on, payload=None):
        case = mk(fm, site, "rejected" if name == "reject" else "active")
        CaseEvent.objects.create(
            case=case,
            name=name,
            from_state="clearing",
            to_state="x",
            effective_on=on,
            actor=fm,
            payload=payload or {},
        )
        return case

    ev("admit", datetime.date(2026, 3, 1))
    ev("decide_dispute", datetime.date(2026, 4, 1), {"admit": True})
    ev("decide_dispute", datetime.date(2026, 4, 1), {"admit": False})
    ev("admit", datetime.date(2025, 11, 20))  # 12 months ago: outside the window
    ev("import", datetime.date(2026, 6, 1))
    r03 = ev("reject", datetime.date(2026, 7, 1), {"reason_code": "R03"})
    ev("reject", datetime.date(2026, 8, 1), {"reason_code": "R01"})
    board = leadership_dashboard(user=tl, today=TODAY)
    t = team_figures(board, team)
    assert (t.figures["admissions"], t.figures["rejections"]) == (2, 2)
    assert t.reasons == {"R01": 1, "R02": 0, "R03": 1, "R04": 0, "R05": 0, "R99": 0}
    assert list(_listed(tl, "rejection_reason", team, reason="R03")) == [r03.pk]


def _listed(user, kind, team, **extra):
    from reporting.selectors import dashboard_cases

    return dashboard_cases(user=user, today=TODAY, kind=kind, team=team.pk, **extra).values_list(
        "pk", flat=True
    )


# --- pages ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["fm", "pap", "controlling", "admin_user", "datenschutz"])
def test_dashboard_forbidden_for_other_roles(request, client, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/leitung/").status_code == 403
    assert client.get("/leitung/faelle/", {"kind": "active"}).status_code == 403


@pytest.mark.parametrize("role", ["fm", "pap", "admin_user", "datenschutz"])
def test_monthly_page_forbidden_for_other_roles(request, client, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get("/berichte/monatsbericht/").status_code == 403


def test_monthly_page_bad_month_shows_form_again(client, controlling, area):
    client.force_login(controlling)
    response = client.get("/berichte/monatsbericht/", {"month": "2026-11"})
    assert response.status_code == 400
    assert "noch nicht abgeschlossen" in response.content.decode()
    response = client.get("/berichte/monatsbericht/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Monatsbericht Fallmanagement 10/2026" in body
    assert 'role="img"' in body and "<title" in body
    assert "/api/v1/reports/monthly/?month=2026-10&amp;format=xlsx" in body


def test_dashboard_page_links_to_lists_in_scope(client, tl, fm, other_fm, site, team, other_team):
    overdue = mk(fm, site, "clearing", clearing_started_on=datetime.date(2026, 8, 1))
    hidden = mk(other_fm, site, "clearing", clearing_started_on=datetime.date(2026, 8, 1))
    # Factory surnames may repeat; the assertions need two distinct ones.
    overdue.client.last_name, hidden.client.last_name = "Sichtbarer", "Verborgener"
    overdue.client.save(update_fields=["last_name"])
    hidden.client.save(update_fields=["last_name"])
    client.force_login(tl)
    page = client.get("/leitung/").content.decode()
    link = f"/leitung/faelle/?kind=clearing_overdue&amp;team={team.pk}"
    assert link in page
    listing = client.get("/leitung/faelle/", {"kind": "clearing_overdue", "team": team.pk})
    assert listing.status_code == 200
    body = listing.content.decode()
    assert overdue.client.last_name in body
    assert hidden.client.last_name not in body
    # Another team's list, unknown kinds and junk ids are "not found" (DP-1).
    assert (
        client.get("/leitung/faelle/", {"kind": "clearing_overdue", "team": other_team.pk}).status_code == 404
    )
    assert client.get("/leitung/faelle/", {"kind": "nope"}).status_code == 404
    assert client.get("/leitung/faelle/", {"kind": "active", "team": "abc"}).status_code == 404
    # Without a team filter the TL sees only her own teams' cases.
    body = client.get("/leitung/faelle/", {"kind": "clearing_overdue"}).content.decode()
    assert overdue.client.last_name in body and hidden.client.last_name not in body


# DOMAIN CAP-3: the dashboard uses a fixed number of queries whatever the team size.
@pytest.mark.parametrize("n", [10, 200])
def test_cap3_dashboard_fixed_query_count(client, tl, team, site, n, django_assert_max_num_queries):
    fms = [StaffFactory(role=Role.FALLMANAGER, team=team) for _ in range(5)]
    for i in range(n):
        case = mk(
            fms[i % 5],
            site,
            "active" if i % 3 else "clearing",
            admitted_on=datetime.date(2024, 1, 1),
            clearing_started_on=datetime.date(2023, 12, 1),
        )
        Review.objects.create(
            case=case,
            month=24,
            due_on=datetime.date(2026, 1, 1),
            gate="teamleitung_approval",
            state="approval_pending",
        )
    client.force_login(tl)
    # session, user, (other apps' navigation), teams, FMs with caseload, reasons, one aggregate, total median
    with django_assert_max_num_queries(10):
        response = client.get("/leitung/")
    assert response.status_code == 200
    # session, user, teams, count, page of cases (joined), navigation, one access-log INSERT (DP-2)
    with django_assert_max_num_queries(9):
        listing = client.get("/leitung/faelle/", {"kind": "reviews_awaiting_tl"})
    assert listing.status_code == 200
    assert f"{n} Fälle" in listing.content.decode()


# DOMAIN DP-2: the list behind a number shows client names, so each shown case is logged.
def test_dp2_dashboard_list_reads_are_logged(client, tl, fm, site, team):
    from audit.models import AccessLog

    shown = mk(fm, site, "clearing", clearing_started_on=datetime.date(2026, 8, 1))
    mk(fm, site)  # active, not overdue: not shown, not logged
    client.force_login(tl)
    before = AccessLog.objects.count()
    assert client.get("/leitung/faelle/", {"kind": "clearing_overdue"}).status_code == 200
    rows = list(
        AccessLog.objects.order_by("pk").values(
            "user", "action", "object_type", "object_id", "client_id", "capacity"
        )[before:]
    )
    assert rows == [
        {
            "user": tl.pk,
            "action": "case.list",
            "object_type": "case",
            "object_id": shown.pk,
            "client_id": shown.client_id,
            "capacity": "teamleitung",
        }
    ]
    # The dashboard itself shows numbers only and logs nothing.
    client.get("/leitung/")
    assert AccessLog.objects.count() == before + 1

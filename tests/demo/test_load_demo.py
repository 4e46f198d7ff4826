"""`manage.py load_demo`: the demo jobcenter is complete, consistent and built through the services."""

import io
from collections import defaultdict
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from cases.choices import CaseState
from cases.models import Case, CaseEvent, Client, ClientNeed, Household
from cases.selectors import fallmanagers_with_caseload
from demo.builder import DEMO_PASSWORD
from org.choices import Role
from org.models import Area, Site, Staff, Team
from reporting.models import OutcomeRecord
from tests.conftest import TODAY, ensure_reference_data

CLIENTS = 120


def load(*args) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Loaded once for this module (about 5 s on PostgreSQL) and rolled back at its end; each test runs in
    its own savepoint inside, so the tests that try to load again see the loaded database."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), transaction.atomic(), fast:
        ensure_reference_data()  # a transactional test before this module may have flushed them
        yield load("--clients", str(CLIENTS), "--today", TODAY.isoformat())
        transaction.set_rollback(True)


def table_counts() -> dict:
    return {
        model.__name__: model.objects.count()
        for model in (Area, Site, Team, Staff, Household, Client, ClientNeed, Case, CaseEvent, OutcomeRecord)
    }


def test_organisation_and_staff(demo):
    # DOMAIN ORG-1..3
    assert [a.name for a in Area.objects.order_by("name")] == ["Bereich Nord", "Bereich Süd"]
    assert Site.objects.count() == 4
    assert all(site.teams.count() == 2 for site in Site.objects.all())
    assert Team.objects.count() == 8
    assert all(team.name.startswith("Mul-Team ") for team in Team.objects.all())
    fms = Staff.objects.filter(role=Role.FALLMANAGER)
    assert fms.count() == 40
    assert all(team.members.filter(role=Role.FALLMANAGER).count() == 5 for team in Team.objects.all())
    assert all(1 <= team.members.filter(role=Role.PAP).count() <= 2 for team in Team.objects.all())
    assert all(team.leads.count() == 1 for team in Team.objects.all())
    tls = Staff.objects.filter(role=Role.TEAMLEITUNG)
    assert sorted(tl.led_teams.count() for tl in tls) == [1, 1, 1, 1, 2, 2]
    assert sorted(Area.objects.values_list("leads__username", flat=True)) == ["bl.nord", "bl.sued"]
    for username, role in (("controlling", Role.CONTROLLING), ("datenschutz", Role.DATENSCHUTZ)):
        assert Staff.objects.get(username=username).role == role
    admin = Staff.objects.get(username="admin")
    assert (admin.role, admin.is_superuser, admin.is_staff) == (Role.ADMIN, True, True)
    prefixes = {
        Role.FALLMANAGER: "fm.",
        Role.PAP: "pap.",
        Role.TEAMLEITUNG: "tl.",
        Role.BEREICHSLEITUNG: "bl.",
    }
    for user in Staff.objects.filter(role__in=list(prefixes)):
        assert user.username.startswith(prefixes[user.role])
        assert user.username.isascii()


def test_all_users_share_the_demo_password(demo):
    passwords = set(Staff.objects.values_list("password", flat=True))
    assert len(passwords) == 1
    assert check_password(DEMO_PASSWORD, passwords.pop())
    assert Staff.objects.get(username="bl.nord").check_password(DEMO_PASSWORD)


def test_every_case_state_and_clients(demo):
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState.values)
    assert Client.objects.count() == CLIENTS
    assert (
        Household.objects.filter(members__isnull=False).distinct().count() < CLIENTS
    )  # some BGs with 2–3 eLb
    assert max(h.members.count() for h in Household.objects.all()) in (2, 3)
    # every client is at the site of their FM
    for case in Case.objects.select_related("client", "fallmanager__team"):
        assert case.client.site_id == case.fallmanager.team.site_id
    # DOMAIN ACC-5: at most one open case per client
    open_cases = Case.objects.filter(state__in=["referred", "clearing", "disputed", "active"])
    assert open_cases.count() == open_cases.values("client").distinct().count()


def test_caseload_over_target_and_part_time(demo):
    # DOMAIN CAP-2 / CAP-3
    fms = list(fallmanagers_with_caseload())
    over = [fm for fm in fms if fm.counted > fm.caseload_target]
    part_time = [fm for fm in fms if fm.weekly_hours < Decimal("39")]
    assert over
    assert part_time
    assert any(fm.weekly_hours == Decimal("19.5") and fm.caseload_target == 38 for fm in part_time)


def test_long_running_and_overdue_cases(demo):
    # DOMAIN REV-4 / REV-5 / CLR-2
    active = Case.objects.filter(state=CaseState.ACTIVE)
    assert active.filter(admitted_on__lte=TODAY - relativedelta(months=24)).exists()
    assert active.filter(admitted_on__lte=TODAY - relativedelta(months=36)).exists()
    assert active.filter(admitted_on__gt=TODAY - relativedelta(months=6)).exists()
    assert Case.objects.filter(
        state=CaseState.CLEARING, clearing_started_on__lt=TODAY - relativedelta(months=2)
    ).exists()


def test_every_case_has_chronological_consistent_events(demo):
    events = defaultdict(list)
    for event in CaseEvent.objects.order_by("case_id", "at", "pk"):
        events[event.case_id].append(event)
    cases = list(Case.objects.all())
    assert cases
    for case in cases:
        history = events[case.pk]
        assert history, case
        dates = [e.effective_on for e in history]
        assert dates == sorted(dates), case
        assert max(dates) <= TODAY
        assert history[0].name in ("refer", "import")
        assert history[0].from_state == ""
        assert history[-1].to_state == case.state
        for before, after in zip(history, history[1:], strict=False):
            assert after.from_state == before.to_state
        if case.imported:
            assert history[0].name == "import"
            assert history[0].effective_on == case.admitted_on
        else:
            assert history[0].effective_on == case.referred_on
            assert case.handover_talk_on <= case.referred_on  # DOMAIN ACC-3


def test_referrals_meet_access_or_have_individual_decision(demo):
    # DOMAIN ACC-1 / ACC-2
    referred = Case.objects.filter(imported=False)
    assert referred.filter(meets_formal_access=True).exists()
    for case in referred.filter(meets_formal_access=False):
        assert case.individual_decision_reason
        assert case.teamleitung_consulted_on is not None


def test_closed_cases_have_exit_and_outcome_records(demo):
    # DOMAIN EXIT-1..3
    closed = Case.objects.filter(state=CaseState.CLOSED).select_related("exit_handover_pap", "exit_reason")
    assert closed.exists()
    assert OutcomeRecord.objects.count() == closed.count()
    for case in closed:
        assert case.exit_reason is not None
        assert case.exit_handover_pap.role == Role.PAP
        assert case.admitted_on <= case.exit_handover_talk_on <= case.closed_on
    assert OutcomeRecord.objects.filter(needs_reduced__gt=0).exists()
    rejected = Case.objects.filter(state=CaseState.REJECTED)
    assert all(case.rejection_reason_id and case.decision_justification for case in rejected)


def test_readmission_respects_lock(demo):
    # DOMAIN READ-1 / READ-2: a later episode starts ≥ 6 months after the previous one ended, unless work
    # was taken up in between (an exit for employment counts); an individual decision does not shorten it
    seen = 0
    for client in Client.objects.prefetch_related("cases"):
        episodes = sorted(client.cases.all(), key=lambda c: c.referred_on)
        for previous, current in zip(episodes, episodes[1:], strict=False):
            seen += 1
            assert previous.state == CaseState.CLOSED
            if current.referred_on < previous.closed_on + relativedelta(months=6):
                assert (
                    client.work_taken_up_on and client.work_taken_up_on >= previous.closed_on
                ) or previous.exit_reason.is_employment
    assert seen > 0


def test_summary_names_the_demo_logins(demo):
    assert "Demodaten geladen" in demo
    assert DEMO_PASSWORD in demo
    for username in ("bl.nord", "controlling", "datenschutz", "admin"):
        assert f"  {username} " in demo
    for label in ("Fallmanager*in", "Fallmanager*in in Teilzeit", "Vertretung", "Teamleitung", "pAp"):
        assert f"  {label} " in demo


def printed(demo_output: str) -> dict[str, str]:
    """Role label → username of the printed login table."""
    table = demo_output.split("Demo-Zugänge", 1)[1].splitlines()[3:]
    rows = {}
    for line in table:
        parts = [p for p in line.strip().split("  ") if p]
        if len(parts) >= 2:
            rows[parts[0].strip()] = parts[1].strip()
    return rows


def test_printed_logins_work_together(demo):
    """The pAp refers to the printed FMs' teams, their TL is printed and has work waiting, the substitute
    covers the printed FM today, the BL leads that area, controlling has 12 reports, datenschutz a log."""
    from audit.models import AccessLog
    from org.models import Substitution
    from plans.models import Partner
    from reporting.models import MonthlyReport
    from reviews.models import Review, waits_for_teamleitung_q

    logins = printed(demo)
    tl = Staff.objects.get(username=logins["Teamleitung"], role=Role.TEAMLEITUNG)
    teams = set(tl.led_teams.values_list("pk", flat=True))
    fm = Staff.objects.get(username=logins["Fallmanager*in"], role=Role.FALLMANAGER)
    part = Staff.objects.get(username=logins["Fallmanager*in in Teilzeit"], role=Role.FALLMANAGER)
    assert {fm.team_id, part.team_id} <= teams
    assert part.weekly_hours < 39
    pap = Staff.objects.get(username=logins["pAp"], role=Role.PAP)
    assert Case.objects.filter(referred_by=pap, fallmanager__team__in=teams).exists()
    substitute = Staff.objects.get(username=logins["Vertretung"])
    assert Substitution.objects.filter(
        absent=fm, substitute=substitute, starts_on__lte=TODAY, ends_on__gte=TODAY
    ).exists()
    # The TL has decisions waiting: disputes, or reviews for acknowledgement or approval.
    assert (
        Review.objects.filter(waits_for_teamleitung_q(), case__fallmanager__team__in=teams).exists()
        or Case.objects.filter(state=CaseState.DISPUTED, fallmanager__team__in=teams).exists()
    )
    bl = Staff.objects.get(username=logins["Bereichsleitung"], role=Role.BEREICHSLEITUNG)
    assert Team.objects.get(pk=fm.team_id).site.area.leads.filter(pk=bl.pk).exists()
    assert MonthlyReport.objects.count() == 12
    assert AccessLog.objects.filter(action="case.view").exists()
    for area in Area.objects.all():
        kinds = set(Partner.objects.filter(area=area).values_list("kind", flat=True))
        assert {"debt", "addiction", "psychosocial", "training"} <= kinds


def test_contacts_are_realistic(demo):
    """Most active cases had a contact in the last five weeks (a contact gap is the exception)."""
    from django.db.models import Max

    active = Case.objects.filter(state=CaseState.ACTIVE, admitted_on__lte=TODAY - relativedelta(months=2))
    last = dict(active.annotate(last=Max("contacts__date")).values_list("pk", "last"))
    recent = sum(1 for day in last.values() if day and day >= TODAY - relativedelta(days=36))
    assert recent >= 0.7 * len(last)


def test_if_empty_second_run_creates_nothing(demo):
    before = table_counts()
    out = load("--if-empty", "--clients", str(CLIENTS), "--today", TODAY.isoformat())
    assert "nichts geladen" in out
    # The logins are printed on every start, not only the first.
    assert printed(out) == printed(demo)
    assert table_counts() == before


def test_second_run_without_if_empty_is_refused(demo):
    before = table_counts()
    with pytest.raises(CommandError, match="bereits Mitarbeitende"):
        load("--clients", str(CLIENTS), "--today", TODAY.isoformat())
    assert table_counts() == before


def test_work1_demo_fm_worklist_is_a_working_day_with_followups(demo):
    # DOMAIN WORK-1: the busiest demo FM has a realistic handful, follow-ups among them, overdue and today.
    from jobs.worklist import worklist_for

    fm = max(fallmanagers_with_caseload(), key=lambda f: f.counted)
    items = worklist_for(user=fm, today=TODAY)
    kinds = {i.kind for i in items}
    assert "followup_due" in kinds
    assert 3 <= len(items) <= 40, len(items)
    assert any(i.due_on < TODAY for i in items) and any(i.due_on == TODAY for i in items)

"""SUB-1..3 and the explicit grants of DP-1: who sees a case during and after a substitution, a team
change and a transfer to another site."""

import datetime

import pytest
from guardian.shortcuts import get_users_with_perms

from cases.access import case_conference_grant, continued_care_approve, continued_care_grant, grants_expire
from cases.access import granted_cases_q as extra_case_grants_q
from cases.models import Case, CaseEvent, CaseGrant
from cases.selectors import case_get, cases_visible_to
from cases.services import case_transfer, staff_change_team
from fallmanagement.errors import Conflict, InvalidInput, NotPermitted
from org.choices import Role
from org.models import Substitution
from org.substitutions import substitution_end, substitution_set
from tests.conftest import TODAY
from tests.factories import SiteFactory, StaffFactory, TeamFactory

D = datetime.date


def visible_ids(user, today):
    return set(cases_visible_to(user, today=today).values_list("pk", flat=True))


def with_grants(user, today):
    """cases_visible_to OR-ed with the grant Q, as the lead wires it into cases.selectors."""
    q = extra_case_grants_q(user, today)
    own = visible_ids(user, today)
    return own | (set(Case.objects.filter(q).values_list("pk", flat=True)) if q is not None else set())


# --- SUB-1 ---------------------------------------------------------------------------------------------


def test_sub1_substitute_sees_cases_only_during_period(tl, fm, fm2, case_of_fm):
    # DOMAIN SUB-1: during the period the substitute has access, before and after not.
    sub = substitution_set(
        acting_user=tl,
        absent=fm,
        substitute=fm2,
        starts_on=D(2026, 12, 1),
        ends_on=D(2026, 12, 14),
        today=TODAY,
    )
    assert (sub.set_by, sub.starts_on, sub.ends_on) == (tl, D(2026, 12, 1), D(2026, 12, 14))
    assert case_of_fm.pk not in visible_ids(fm2, D(2026, 11, 30))
    assert case_of_fm.pk in visible_ids(fm2, D(2026, 12, 1))
    assert case_of_fm.pk in visible_ids(fm2, D(2026, 12, 14))
    assert case_of_fm.pk not in visible_ids(fm2, D(2026, 12, 15))
    assert case_get(fm2, case_of_fm.pk, today=D(2026, 12, 15)) is None
    # The absent FM keeps her own cases throughout.
    assert case_of_fm.pk in visible_ids(fm, D(2026, 12, 5))


def test_sub1_only_the_tl_of_the_absent_fm_sets_a_substitute(other_tl, fm, fm2):
    # DOMAIN SUB-1
    for actor in (other_tl, fm, fm2):
        with pytest.raises(NotPermitted):
            substitution_set(
                acting_user=actor, absent=fm, substitute=fm2, starts_on=TODAY, ends_on=TODAY, today=TODAY
            )
    assert Substitution.objects.count() == 0


def test_sub1_substitute_must_be_at_the_site_and_period_valid(tl, fm, fm2, other_fm):
    # DOMAIN SUB-1: a substitute of another site is refused (another team of the same site: see
    # tests/rules/test_sub1_sub3.py — it waits for the agreement of that team's TL)
    elsewhere = StaffFactory(role=Role.FALLMANAGER)  # a team of another site
    with pytest.raises(InvalidInput) as exc:
        substitution_set(
            acting_user=tl, absent=fm, substitute=elsewhere, starts_on=TODAY, ends_on=TODAY, today=TODAY
        )
    assert "substitute" in exc.value.fields
    with pytest.raises(InvalidInput):
        substitution_set(
            acting_user=tl, absent=fm, substitute=fm, starts_on=TODAY, ends_on=TODAY, today=TODAY
        )
    with pytest.raises(InvalidInput) as exc:
        substitution_set(
            acting_user=tl,
            absent=fm,
            substitute=fm2,
            starts_on=D(2026, 12, 5),
            ends_on=D(2026, 12, 1),
            today=TODAY,
        )
    assert "ends_on" in exc.value.fields
    assert Substitution.objects.count() == 0


def test_sub1_overlapping_periods_conflict(tl, fm, fm2, team):
    # DOMAIN SUB-1
    fm3 = StaffFactory(role=Role.FALLMANAGER, team=team)
    substitution_set(
        acting_user=tl,
        absent=fm,
        substitute=fm2,
        starts_on=D(2026, 12, 1),
        ends_on=D(2026, 12, 10),
        today=TODAY,
    )
    with pytest.raises(Conflict):
        substitution_set(
            acting_user=tl,
            absent=fm,
            substitute=fm3,
            starts_on=D(2026, 12, 10),
            ends_on=D(2026, 12, 20),
            today=TODAY,
        )
    assert Substitution.objects.count() == 1


def test_sub1_ending_early_removes_access_the_next_day(tl, fm, fm2, case_of_fm):
    # DOMAIN SUB-1: "and afterwards not" — also when the FM returns early.
    sub = substitution_set(
        acting_user=tl,
        absent=fm,
        substitute=fm2,
        starts_on=D(2026, 11, 10),
        ends_on=D(2026, 11, 30),
        today=TODAY,
    )
    substitution_end(acting_user=tl, substitution=sub, on=D(2026, 11, 19), today=TODAY)
    sub.refresh_from_db()
    assert sub.ends_on == D(2026, 11, 19)
    assert case_of_fm.pk not in visible_ids(fm2, TODAY)


def test_sub1_substitute_may_fire_transitions_only_during_period(tl, fm, fm2, case_of_fm):
    # DOMAIN SUB-1: "works those cases" — the FSM permission honours the substitution (today = real date).
    from django.utils import timezone

    from cases.access import is_case_fm as _is_case_fm

    today = timezone.localdate()
    assert _is_case_fm(case_of_fm, fm2) is False
    Substitution.objects.create(absent=fm, substitute=fm2, starts_on=today, ends_on=today, set_by=tl)
    assert _is_case_fm(case_of_fm, fm2) is True


# --- SUB-2 ---------------------------------------------------------------------------------------------


def test_sub2_team_change_at_same_site_keeps_the_fm(tl, other_tl, fm, other_team, case_of_fm):
    # DOMAIN SUB-2: the FM stays responsible; the new team's TL sees the case, the old TL no longer.
    assert case_of_fm.pk in visible_ids(tl, TODAY)
    staff_change_team(acting_user=tl, staff=fm, team=other_team, today=TODAY)
    case_of_fm.refresh_from_db()
    assert case_of_fm.fallmanager_id == fm.pk
    assert case_of_fm.pk in visible_ids(fm, TODAY)
    assert case_of_fm.pk in visible_ids(other_tl, TODAY)
    assert case_of_fm.pk not in visible_ids(tl, TODAY)


def test_sub2_move_to_other_site_with_open_cases_refused(tl, fm, case_of_fm):
    # DOMAIN SUB-2/SUB-3: open cases are handed over first.
    far_team = TeamFactory(site=SiteFactory())
    with pytest.raises(Conflict) as exc:
        staff_change_team(acting_user=tl, staff=fm, team=far_team, today=TODAY)
    assert exc.value.code == "open_cases_at_site"
    fm.refresh_from_db()
    assert fm.team == tl.led_teams.get()


def test_sub2_only_admin_or_involved_tl_changes_team(fm, fm2, other_team, other_fm):
    # DOMAIN SUB-2
    with pytest.raises(NotPermitted):
        staff_change_team(acting_user=fm2, staff=fm, team=other_team, today=TODAY)
    fm.refresh_from_db()
    assert fm.team.name == "Team Mul 1"


# --- SUB-3 ---------------------------------------------------------------------------------------------


@pytest.fixture
def new_site_team():
    team = TeamFactory(name="Team Süd", site=SiteFactory(name="Standort Süd"))
    tl_new = StaffFactory(username="tl.sued", role=Role.TEAMLEITUNG, team=team)
    team.leads.add(tl_new)
    fm_new = StaffFactory(username="fm.sued", role=Role.FALLMANAGER, team=team)
    return team, tl_new, fm_new


def test_sub3_transfer_to_fm_of_new_site(tl, fm, case_of_fm, new_site_team):
    # DOMAIN SUB-3: responsibility passes to an FM of the new site, recorded in the history.
    team, tl_new, fm_new = new_site_team
    version = case_of_fm.version
    case = case_transfer(
        case=case_of_fm, acting_user=tl, to_fallmanager=fm_new, on=TODAY, three_way_talk=True, today=TODAY
    )
    case.refresh_from_db()
    assert (case.fallmanager_id, case.state, case.version) == (fm_new.pk, "active", version + 1)
    assert case.client.site_id == team.site_id
    event = CaseEvent.objects.get(case=case, name="transfer")
    assert (event.from_state, event.to_state, event.actor_id, event.effective_on) == (
        "active",
        "active",
        tl.pk,
        TODAY,
    )
    assert event.payload["three_way_talk"] is True
    assert event.payload["from_fallmanager"] == fm.pk
    # Access moves with it.
    assert case.pk not in visible_ids(fm, TODAY)
    assert case.pk not in visible_ids(tl, TODAY)
    assert case.pk in visible_ids(fm_new, TODAY)
    assert case.pk in visible_ids(tl_new, TODAY)


def test_sub3_transfer_refused_for_others_and_closed_cases(fm, fm2, other_tl, case_of_fm, new_site_team, tl):
    # DOMAIN SUB-3
    _team, _tl_new, fm_new = new_site_team
    for actor in (fm, fm2, other_tl):
        with pytest.raises(NotPermitted):
            case_transfer(case=case_of_fm, acting_user=actor, to_fallmanager=fm_new, on=TODAY, today=TODAY)
    Case.objects.filter(pk=case_of_fm.pk).update(state="closed")
    with pytest.raises(Conflict):
        case_transfer(case=case_of_fm, acting_user=tl, to_fallmanager=fm_new, on=TODAY, today=TODAY)
    with pytest.raises(InvalidInput):
        Case.objects.filter(pk=case_of_fm.pk).update(state="active")
        case_transfer(case=case_of_fm, acting_user=tl, to_fallmanager=tl, on=TODAY, today=TODAY)
    case_of_fm.refresh_from_db()
    assert case_of_fm.fallmanager_id == fm.pk
    assert not CaseEvent.objects.filter(name="transfer").exists()


def test_sub3_continued_care_needs_both_tls_and_expires(tl, fm, case_of_fm, new_site_team):
    # DOMAIN SUB-3: temporary continued care only with both TLs' agreement, time-limited.
    _team, tl_new, fm_new = new_site_team
    case_transfer(case=case_of_fm, acting_user=tl, to_fallmanager=fm_new, on=TODAY, today=TODAY)
    until = TODAY + datetime.timedelta(days=30)
    grant = continued_care_grant(case=case_of_fm, previous_fm=fm, acting_user=tl, until=until, today=TODAY)
    assert grant.active is False
    assert case_of_fm.pk not in with_grants(fm, TODAY)  # one TL alone is not enough
    with pytest.raises(NotPermitted):
        continued_care_approve(grant=grant, acting_user=tl, today=TODAY)  # not the same TL twice
    continued_care_approve(grant=grant, acting_user=tl_new, today=TODAY)
    grant.refresh_from_db()
    assert (grant.active, grant.approved_by_tl_old, grant.approved_by_tl_new) == (True, tl, tl_new)
    assert fm in get_users_with_perms(case_of_fm, only_with_perms_in=["view_case"])
    assert fm.has_perm("cases.view_case", case_of_fm)
    assert case_of_fm.pk in with_grants(fm, TODAY)
    assert case_of_fm.pk in with_grants(fm, until)
    assert case_of_fm.pk not in with_grants(fm, until + datetime.timedelta(days=1))
    # The daily job revokes it (and the guardian row) the day after.
    assert grants_expire(on=until) == 0
    assert grants_expire(on=until + datetime.timedelta(days=1)) == 1
    grant.refresh_from_db()
    assert (grant.active, grant.revoked_on) == (False, until + datetime.timedelta(days=1))
    from django.contrib.auth import get_user_model

    fresh = get_user_model().objects.get(pk=fm.pk)  # guardian caches permissions per user object
    assert not fresh.has_perm("cases.view_case", case_of_fm)
    assert case_of_fm.pk not in with_grants(fresh, until)  # revoked rows no longer count


def test_sub3_continued_care_limited_in_time_and_to_previous_fm(tl, fm, fm2, case_of_fm, new_site_team):
    # DOMAIN SUB-3
    _team, _tl_new, fm_new = new_site_team
    case_transfer(case=case_of_fm, acting_user=tl, to_fallmanager=fm_new, on=TODAY, today=TODAY)
    with pytest.raises(InvalidInput):
        continued_care_grant(
            case=case_of_fm,
            previous_fm=fm,
            acting_user=tl,
            until=TODAY + datetime.timedelta(days=93),
            today=TODAY,
        )
    with pytest.raises(InvalidInput):
        continued_care_grant(case=case_of_fm, previous_fm=fm2, acting_user=tl, until=TODAY, today=TODAY)
    with pytest.raises(NotPermitted):
        continued_care_grant(case=case_of_fm, previous_fm=fm, acting_user=fm, until=TODAY, today=TODAY)
    assert CaseGrant.objects.count() == 0


def test_dp1_case_conference_grant_time_boxed(fm, fm2, other_fm, tl, case_of_fm):
    # DOMAIN DP-1: a case shared for a case conference, with an expiry.
    with pytest.raises(NotPermitted):
        case_conference_grant(case=case_of_fm, user=other_fm, acting_user=fm2, until=TODAY, today=TODAY)
    with pytest.raises(InvalidInput):
        case_conference_grant(
            case=case_of_fm,
            user=other_fm,
            acting_user=fm,
            until=TODAY + datetime.timedelta(days=15),
            today=TODAY,
        )
    assert case_of_fm.pk not in with_grants(other_fm, TODAY)
    case_conference_grant(case=case_of_fm, user=other_fm, acting_user=fm, until=TODAY, today=TODAY)
    assert case_of_fm.pk in with_grants(other_fm, TODAY)
    assert case_of_fm.pk not in with_grants(other_fm, TODAY + datetime.timedelta(days=1))
    assert grants_expire(on=TODAY + datetime.timedelta(days=1)) == 1


def test_sub3_continued_care_in_the_ui_transfer_then_other_tl_agrees(
    client, tl, other_tl, fm, case_of_fm, new_site_team
):
    # DOMAIN SUB-3: the TL hands the case over and proposes continued care in one step; the new site's TL
    # sees it waiting on her team page and agrees; then the previous FM can read the case until the date
    from django.utils import timezone

    _team, tl_new, fm_new = new_site_team
    today = timezone.localdate()
    url = f"/team/faelle/{case_of_fm.pk}/abgabe/"
    client.force_login(tl)
    too_long = {"to_fallmanager": fm_new.pk, "on": today.isoformat(), "continued_care_until": "2099-01-01"}
    response = client.post(url, too_long)
    assert response.status_code == 400 and "höchstens 92 Tage" in response.content.decode()
    case_of_fm.refresh_from_db()
    assert case_of_fm.fallmanager_id == fm.pk  # nothing happened: hand-over and care stand or fall together
    until = today + datetime.timedelta(days=30)
    response = client.post(
        url, {"to_fallmanager": fm_new.pk, "on": today.isoformat(), "continued_care_until": until.isoformat()}
    )
    assert response.status_code == 302
    grant = CaseGrant.objects.get(case=case_of_fm, user=fm)
    assert (grant.active, grant.approved_by_tl_old) == (False, tl)
    assert case_get(fm, case_of_fm.pk) is None

    page = client.get("/team/vertretungen/").content.decode()  # the proposing TL: waiting, no "zustimmen"
    assert "wartet auf Zustimmung" in page and f"/team/weiterbetreuung/{grant.pk}/zustimmen/" not in page
    assert client.post(f"/team/weiterbetreuung/{grant.pk}/zustimmen/").status_code == 302
    grant.refresh_from_db()
    assert grant.active is False  # the same TL cannot agree twice (four eyes)

    client.force_login(other_tl)  # a TL of neither team
    assert f"/team/weiterbetreuung/{grant.pk}/" not in client.get("/team/vertretungen/").content.decode()
    assert client.post(f"/team/weiterbetreuung/{grant.pk}/zustimmen/").status_code == 404

    client.force_login(tl_new)
    page = client.get("/team/vertretungen/").content.decode()
    assert f"/team/weiterbetreuung/{grant.pk}/zustimmen/" in page
    assert client.post(f"/team/weiterbetreuung/{grant.pk}/zustimmen/").status_code == 302
    grant.refresh_from_db()
    assert (grant.active, grant.approved_by_tl_new) == (True, tl_new)
    assert case_get(fm, case_of_fm.pk, today=today) is not None
    assert "wirksam" in client.get("/team/vertretungen/").content.decode()

    # Either TL ends it early; a TL of neither team does not even see it.
    assert client.post(f"/team/weiterbetreuung/{grant.pk}/beenden/").status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_on == today and grant.active is False
    assert case_get(fm, case_of_fm.pk, today=today) is None


def test_sub3_continued_care_in_the_api(tl, other_tl, fm, fm2, case_of_fm, new_site_team, api_as):
    # DOMAIN SUB-3: the new site's TL proposes, the previous FM's TL agrees; errors as API.md's error body
    # (`api_as` re-authenticates one shared client: call it before every request)
    _team, tl_new, fm_new = new_site_team
    case_transfer(case=case_of_fm, acting_user=tl, to_fallmanager=fm_new, on=TODAY, today=TODAY)
    from django.utils import timezone

    until = (timezone.localdate() + datetime.timedelta(days=20)).isoformat()
    body = {"case": case_of_fm.pk, "previous_fallmanager": fm.pk, "until": until}
    assert (
        api_as(tl_new)
        .post("/api/v1/continued-care/", {**body, "until": "2099-01-01"}, format="json")
        .status_code
        == 400
    )
    assert (
        api_as(tl_new).post("/api/v1/continued-care/", {**body, "until": "kaputt"}, format="json").status_code
        == 400
    )
    wrong_fm = api_as(tl_new).post(
        "/api/v1/continued-care/", {**body, "previous_fallmanager": fm2.pk}, format="json"
    )
    assert wrong_fm.status_code == 400 and "previous_fm" in wrong_fm.json()["error"]["fields"]
    assert api_as(other_tl).post("/api/v1/continued-care/", body, format="json").status_code == 404
    assert api_as(fm).post("/api/v1/continued-care/", body, format="json").status_code == 403
    created = api_as(tl_new).post("/api/v1/continued-care/", body, format="json")
    assert created.status_code == 201
    grant = created.json()
    assert (grant["active"], grant["approved_by_tl_new"], grant["previous_fallmanager"]) == (
        False,
        tl_new.pk,
        fm.pk,
    )
    assert (
        api_as(tl_new).post(f"/api/v1/continued-care/{grant['id']}/approve/").status_code == 403
    )  # four eyes
    assert api_as(other_tl).post(f"/api/v1/continued-care/{grant['id']}/approve/").status_code == 404
    assert [g["id"] for g in api_as(tl).get("/api/v1/continued-care/").json()] == [grant["id"]]
    approved = api_as(tl).post(f"/api/v1/continued-care/{grant['id']}/approve/")
    assert approved.status_code == 200 and approved.json()["active"] is True
    assert api_as(tl).post("/api/v1/continued-care/abc/approve/").status_code == 404

"""Personas and fixtures shared by the whole suite. The suite runs on PostgreSQL (Makefile sets
DATABASE_URL), because locking and constraints must be tested for real."""

import datetime
from importlib import import_module

import pytest
from django.db import connection
from rest_framework.test import APIClient

from cases.models import ClientNeed
from catalog.models import Need
from org.choices import Role
from tests.factories import AreaFactory, ClientFactory, SiteFactory, StaffFactory, TeamFactory

TODAY = datetime.date(2026, 11, 20)
ACCESS_NEEDS = ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN"]


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _second_factor_off(settings):
    """The suite signs its personas in with `force_login`; the second factor, required by default for the
    privileged roles, is tested with the default roles in tests/security/test_second_factor.py."""
    settings.FM_OTP_REQUIRED_ROLES = []


@pytest.fixture(autouse=True)
def _require_postgres(db):
    assert connection.vendor == "postgresql", "Die Tests laufen auf PostgreSQL (DATABASE_URL setzen)."


def ensure_reference_data() -> None:
    """Transactional tests flush the database, and with serialized_rollback Django also skips
    post_migrate; re-create what migrations and post_migrate provide (catalogues, agreement titles,
    permissions), so a test's outcome never depends on the order the suite ran in."""
    if Need.objects.exists():
        return
    from django.apps import apps as django_apps
    from django.core.management.sql import emit_post_migrate_signal

    for module in (
        "catalog.migrations.0002_seed_catalogues",
        "catalog.migrations.0004_seed_legal_periods",
        "plans.migrations.0002_seed_agreement_titles",
    ):
        import_module(module).seed(django_apps, None)
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)


@pytest.fixture(autouse=True)
def _reference_data(_require_postgres, request):
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("databases") == []:
        return  # the test runs without database access
    ensure_reference_data()


@pytest.fixture
def area():
    return AreaFactory(name="Bereich Nord")


@pytest.fixture
def site(area):
    return SiteFactory(name="Standort Mitte", area=area)


@pytest.fixture
def team(site):
    return TeamFactory(name="Team Mul 1", site=site)


@pytest.fixture
def other_team(site):
    return TeamFactory(name="Team Mul 2", site=site)


@pytest.fixture
def fm(team):
    """Frau Fallmanagerin of team 1."""
    return StaffFactory(
        username="fm.berger", first_name="Anna", last_name="Berger", role=Role.FALLMANAGER, team=team
    )


@pytest.fixture
def fm2(team):
    """Another FM of the same team (substitute)."""
    return StaffFactory(
        username="fm.klein", first_name="Jonas", last_name="Klein", role=Role.FALLMANAGER, team=team
    )


@pytest.fixture
def other_fm(other_team):
    """FM of another team: must never see fm's cases."""
    return StaffFactory(username="fm.wolf", role=Role.FALLMANAGER, team=other_team)


@pytest.fixture
def tl(team):
    user = StaffFactory(
        username="tl.schmidt", first_name="Petra", last_name="Schmidt", role=Role.TEAMLEITUNG, team=team
    )
    team.leads.add(user)
    return user


@pytest.fixture
def other_tl(other_team):
    user = StaffFactory(username="tl.other", role=Role.TEAMLEITUNG, team=other_team)
    other_team.leads.add(user)
    return user


@pytest.fixture
def bl(team, area):
    user = StaffFactory(username="bl.meyer", role=Role.BEREICHSLEITUNG, team=team)
    area.leads.add(user)
    return user


@pytest.fixture
def pap(team):
    return StaffFactory(
        username="pap.yilmaz", first_name="Deniz", last_name="Yilmaz", role=Role.PAP, team=team
    )


@pytest.fixture
def pap2(team):
    return StaffFactory(username="pap.other", role=Role.PAP, team=team)


@pytest.fixture
def controlling():
    return StaffFactory(username="ctrl.gb2", role=Role.CONTROLLING, team=None)


@pytest.fixture
def admin_user():
    return StaffFactory(username="admin.it", role=Role.ADMIN, team=None, is_staff=True, is_superuser=True)


@pytest.fixture
def datenschutz():
    return StaffFactory(username="ds.officer", role=Role.DATENSCHUTZ, team=None)


def give_needs(client, codes, on=datetime.date(2025, 12, 1)):
    for code in codes:
        ClientNeed.objects.create(client=client, need=Need.objects.get(code=code), identified_on=on)


@pytest.fixture
def client_eligible(site):
    """A client who meets ACC-1: three needs in the access key groups, no integration within 12 months."""
    c = ClientFactory(site=site, first_name="Maria", last_name="Musterfrau")
    give_needs(c, ACCESS_NEEDS)
    return c


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def api_as(api):
    def login(user):
        api.force_authenticate(user=user)
        return api

    return login

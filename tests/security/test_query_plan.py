"""DP-1 at scale: the computed scope is index-backed (no sequential scan of cases_case)."""

import datetime

import pytest
from django.db import connection

from cases.access import case_conference_grant
from cases.access import granted_cases_q as extra_case_grants_q
from cases.models import Case, Client, Household
from cases.selectors import cases_visible_to
from org.choices import Role
from org.models import Staff, Substitution
from tests.conftest import TODAY

N = 4000


@pytest.fixture
def many_cases(fm, fm2, tl, team, other_team, site):
    # Most cases belong to FMs of another team, so a TL's scope is a small share, as in a real jobcenter.
    others = [
        Staff.objects.create(username=f"qp{i}", role=Role.FALLMANAGER, team=other_team) for i in range(40)
    ]
    fms = [fm, fm2, *others]
    households = Household.objects.bulk_create(Household(number=f"QP{i:07d}") for i in range(N))
    clients = Client.objects.bulk_create(
        Client(
            customer_number=f"QP{i:08d}",
            first_name="V",
            last_name=f"N{i}",
            birth_date=datetime.date(1980, 1, 1),
            household=households[i],
            site=site,
        )
        for i in range(N)
    )
    Case.objects.bulk_create(
        Case(client=c, fallmanager=fms[i % len(fms)], state="closed", referred_on=datetime.date(2025, 1, 1))
        for i, c in enumerate(clients)
    )
    Substitution.objects.create(absent=fm2, substitute=fm, starts_on=TODAY, ends_on=TODAY, set_by=tl)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")
        cursor.execute("ANALYZE org_substitution")
        cursor.execute("ANALYZE org_staff")
    return fms


def test_dp1_fm_scope_with_substitution_uses_an_index(fm, many_cases):
    # DOMAIN DP-1 / SUB-1: own cases plus covered FMs' cases, without scanning all cases.
    qs = cases_visible_to(fm, today=TODAY)
    plan = qs.explain()
    assert "Seq Scan on cases_case" not in plan, plan
    assert qs.count() == len([i for i in range(N) if i % 42 in (0, 1)])


def test_dp1_tl_scope_uses_an_index(tl, many_cases):
    qs = cases_visible_to(tl, today=TODAY)
    plan = qs.explain()
    assert "Seq Scan on cases_case" not in plan, plan
    assert qs.count() == len([i for i in range(N) if i % 42 in (0, 1)])


def test_dp1_grants_q_uses_an_index(fm, other_fm, many_cases):
    case = Case.objects.filter(fallmanager=fm).first()
    case_conference_grant(case=case, user=other_fm, acting_user=fm, until=TODAY, today=TODAY)
    plan = Case.objects.filter(extra_case_grants_q(other_fm, TODAY)).explain()
    assert "Seq Scan on cases_case" not in plan, plan

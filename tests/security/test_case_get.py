"""DP-1: `cases.selectors.case_get` finds exactly the cases of `cases_visible_to` — also with its short
way for an FM's own case (one query, no substitution or grant lookup)."""

import datetime

import pytest

from cases.access import case_conference_grant
from cases.choices import CaseState
from cases.selectors import case_get, cases_visible_to
from org.substitutions import substitution_set
from tests.conftest import TODAY
from tests.factories import CaseFactory, ClientFactory

D = datetime.date


@pytest.fixture
def world(fm, fm2, other_fm, tl, pap, site):
    """A case of each FM; fm2 covers for fm from TODAY; other_fm is shared fm2's case for a conference."""

    def case(owner):
        return CaseFactory(
            client=ClientFactory(site=site),
            fallmanager=owner,
            referred_by=pap,
            state=CaseState.ACTIVE,
            clearing_started_on=D(2026, 1, 10),
            admitted_on=D(2026, 2, 1),
        )

    cases = [case(fm), case(fm2), case(other_fm)]
    substitution_set(acting_user=tl, absent=fm, substitute=fm2, starts_on=TODAY, ends_on=TODAY, today=TODAY)
    case_conference_grant(
        case=cases[1], user=other_fm, acting_user=fm2, until=TODAY + datetime.timedelta(days=7), today=TODAY
    )
    return cases


@pytest.mark.parametrize("persona", ["fm", "fm2", "other_fm", "tl", "other_tl", "pap", "bl", "controlling"])
@pytest.mark.parametrize("day", [TODAY, TODAY + datetime.timedelta(days=1)])
def test_case_get_finds_exactly_the_visible_cases(request, world, persona, day):
    # DOMAIN DP-1, SUB-1: the substitute sees the absent FM's case only during the substitution; a
    # conference grant opens one case for reading; nobody else's case is found.
    user = request.getfixturevalue(persona)
    visible = set(cases_visible_to(user, today=day).values_list("pk", flat=True))
    found = {c.pk for c in world if case_get(user, c.pk, today=day) is not None}
    assert found == visible & {c.pk for c in world}


def test_expected_visibility(world, fm, fm2, other_fm):
    mine, covered, shared = world
    assert case_get(fm2, mine.pk, today=TODAY) is not None  # covering for fm today
    assert case_get(fm2, mine.pk, today=TODAY + datetime.timedelta(days=1)) is None
    assert case_get(other_fm, covered.pk, today=TODAY) is not None  # the conference grant
    assert case_get(fm, covered.pk, today=TODAY) is None
    assert case_get(fm, shared.pk, today=TODAY) is None


def test_own_case_is_one_query(world, fm, django_assert_num_queries):
    with django_assert_num_queries(1):
        case = case_get(fm, world[0].pk, today=TODAY)
    with django_assert_num_queries(0):  # what the case page shows of the case is read with it
        assert (case.client.site.area_id, case.fallmanager.team.name, case.referred_by.pk) is not None


def test_inactive_fm_finds_not_even_her_own_case(world, fm):
    fm.is_active = False
    fm.save(update_fields=["is_active"])
    assert case_get(fm, world[0].pk, today=TODAY) is None

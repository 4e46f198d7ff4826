"""`plans.selectors.fetch_together`: several querysets in one statement give exactly what each queryset
gives on its own (same rows, order, values and Python types), and refuses what it cannot rebuild."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Count

from catalog.models import Need
from org.models import Staff
from plans import selectors, services
from plans.models import AssessmentEntry, Goal, GoalStatusChange
from reporting.models import OutcomeRecord
from tests.conftest import TODAY

D = datetime.date


def _values(objs) -> list[list]:
    return [[(f.attname, getattr(o, f.attname)) for f in o._meta.concrete_fields] for o in objs]


def _same(got: list, expected: list) -> None:
    assert [type(o) for o in got] == [type(o) for o in expected]
    assert _values(got) == _values(expected)
    # Same Python types too (date vs. datetime, Decimal, UUID, aware datetimes in UTC as the driver gives).
    assert [[type(v) for _, v in row] for row in _values(got)] == [
        [type(v) for _, v in row] for row in _values(expected)
    ]
    for o in got:
        assert o._state.adding is False and o._state.db == "default"
    for row_got, row_expected in zip(_values(got), _values(expected), strict=True):
        for (_, v_got), (_, v_expected) in zip(row_got, row_expected, strict=True):
            if isinstance(v_expected, datetime.datetime):
                assert v_got.utcoffset() == v_expected.utcoffset()


def test_several_querysets_in_one_statement_give_what_each_gives(case, fm, area, django_assert_num_queries):
    services.assessment_save(
        case=case,
        acting_user=fm,
        areas=[
            {
                "life_area": "wohnen",
                "findings": "Wohnung „zu klein“;\nMiete 50 % zu hoch",
                "resources": "O'Neil",
            },
            {"life_area": "finanzen", "findings": "Schulden", "resources": ""},
        ],
        today=TODAY,
    )
    for i, target in enumerate([D(2027, 3, 1), D(2027, 1, 1), D(2027, 1, 1)]):
        services.goal_create(case=case, acting_user=fm, text=f"Ziel {i}", target_date=target, today=TODAY)
    goal = Goal.objects.filter(case=case).order_by("pk").first()
    services.goal_update(goal=goal, acting_user=fm, status="achieved", on=TODAY, today=TODAY)
    Staff.objects.filter(pk=fm.pk).update(weekly_hours=Decimal("19.5"), last_login=None)
    OutcomeRecord.objects.create(
        area=area,
        month=D(2026, 10, 1),
        exit_reason_code="B01",
        is_integration=True,
        medical_service_involved=False,
        health_need=False,
        needs_at_start=3,
        needs_reduced=2,
        social_participation_progress=True,
        months_in_case_management=14,
    )
    querysets = [
        AssessmentEntry.objects.filter(case=case).order_by("life_area"),
        Goal.objects.filter(case=case),  # Meta ordering: target_date, pk
        GoalStatusChange.objects.filter(goal__case=case).order_by("-changed_on", "-at", "-pk"),
        selectors.need_catalogue(),
        Staff.objects.filter(pk__in=[fm.pk]).order_by("-weekly_hours", "username"),
        OutcomeRecord.objects.order_by("month"),
        Goal.objects.none(),
        Goal.objects.filter(case=case, text="keins"),
    ]
    with django_assert_num_queries(1):
        results = selectors.fetch_together(*querysets)
    expected = [list(qs) for qs in querysets]
    assert [len(r) for r in expected][:6] == [2, 3, 4, len(expected[3]), 1, 1]  # 3 created + 1 achieved
    assert len(expected[3]) > 10
    for got, want in zip(results, expected, strict=True):
        _same(got, want)
    assert results[4][0].weekly_hours == Decimal("19.5") and results[4][0].last_login is None
    assert results[0][1].findings == "Wohnung „zu klein“;\nMiete 50 % zu hoch"


def test_nothing_to_ask_issues_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.fetch_together(Goal.objects.none()) == [[]]
        assert selectors.fetch_together() == []


@pytest.mark.parametrize(
    "make",
    [
        lambda: Goal.objects.select_related("case"),
        lambda: Goal.objects.prefetch_related("status_changes"),
        lambda: Goal.objects.only("pk"),
        lambda: Goal.objects.values("pk"),
        lambda: Goal.objects.extra(select={"x": "1"}),  # noqa: S610 - a test of the refusal
        lambda: Goal.objects.order_by("case"),  # ordering by a relation follows the related model's ordering
        lambda: Goal.objects.order_by("?"),
        lambda: Goal.objects.reverse(),
        lambda: Need.objects.annotate(n=Count("pk")),
        lambda: Staff.objects.filter(pk=0).order_by("team__name"),
    ],
)
def test_refuses_what_it_cannot_rebuild(make):
    with pytest.raises(ValueError, match="fetch_together"):
        selectors.fetch_together(make())


def test_refuses_json_columns():
    from reporting.models import MonthlyReport

    with pytest.raises(ValueError, match="fetch_together"):
        selectors.fetch_together(MonthlyReport.objects.all())

"""The reminder kinds added for the guideline rules: PLAN-3 (agreement missing, waiver as a recurring
to-do, overdue agreement review), ACC-4 (overdue access check, to the responsible pAp only) and CLR-4 (the
referring pAp learns every clearing outcome)."""

import datetime as dt

import pytest

from cases import services as case_services
from jobs import daily
from plans import services as plan_services
from reminders.models import Reminder
from tests.api.conftest import clearing, refer
from tests.conftest import give_needs
from tests.factories import CaseFactory, ClientFactory, StaffFactory

D = dt.date
WAIVER = (
    "Die Kundin ist derzeit in einer akuten Krise; eine Vereinbarung wird nach Stabilisierung geschlossen."
)


def run(on):
    return daily.daily_jobs_run(on=on, send_digests=False)


def kinds(kind, **filters):
    return sorted(
        Reminder.objects.filter(kind=kind, **filters).values_list("recipient__username", "due_on"), key=str
    )


@pytest.fixture
def active_case(fm, site):
    return CaseFactory(
        client=ClientFactory(site=site),
        fallmanager=fm,
        state="active",
        admitted_on=D(2026, 9, 1),
        referred_on=D(2026, 8, 1),
        handover_talk_on=D(2026, 7, 31),
    )


def test_plan3_active_case_without_agreement_or_waiver_after_four_weeks(active_case, fm):
    run(D(2026, 9, 14))  # due 29.09.2026: 15 days ahead, nothing yet
    assert kinds("agreement_missing") == []
    run(D(2026, 9, 15))
    assert kinds("agreement_missing") == [("fm.berger", D(2026, 9, 29))]
    run(D(2026, 10, 5))
    assert len(kinds("agreement_missing")) == 1  # once per due date


def test_plan3_waived_agreement_is_a_recurring_to_do(active_case, fm):
    plan_services.agreement_waive(
        case=active_case, acting_user=fm, justification=WAIVER, today=D(2026, 9, 10)
    )
    run(D(2026, 9, 20))
    assert kinds("agreement_missing") == [] and kinds("agreement_waived") == []
    run(D(2026, 9, 26))  # 14 days before the first monthly anniversary of the waiver
    assert kinds("agreement_waived") == [("fm.berger", D(2026, 10, 10))]
    run(D(2026, 10, 27))
    assert kinds("agreement_waived") == [("fm.berger", D(2026, 10, 10)), ("fm.berger", D(2026, 11, 10))]
    # concluding the agreement ends the to-do
    plan_services.agreement_conclude(
        case=active_case,
        acting_user=fm,
        concluded_on=D(2026, 11, 1),
        client_commitments="Bewerbungen",
        jobcenter_commitments="Coaching",
        today=D(2026, 11, 1),
    )
    run(D(2026, 11, 27))
    assert len(kinds("agreement_waived")) == 2


def test_plan3_rev6_agreement_review_overdue(active_case, fm):
    plan_services.agreement_conclude(
        case=active_case,
        acting_user=fm,
        concluded_on=D(2026, 9, 5),
        client_commitments="Bewerbungen",
        jobcenter_commitments="Coaching",
        review_due_on=D(2026, 10, 5),
        today=D(2026, 9, 5),
    )
    run(D(2026, 10, 5))
    assert kinds("agreement_review_due") == [("fm.berger", D(2026, 10, 5))]
    assert kinds("agreement_review_overdue") == []
    run(D(2026, 10, 6))
    assert kinds("agreement_review_overdue") == [("fm.berger", D(2026, 10, 5))]


def test_acc4_periodic_check_reminds_the_responsible_pap_only(site, team, pap, pap2, tl):
    client = ClientFactory(site=site, access_checked_on=D(2026, 1, 10))  # due 10.07.2026
    give_needs(client, ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN"])
    other = ClientFactory(site=site, access_checked_on=D(2026, 1, 10))
    give_needs(other, ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN"])
    case_services.client_responsible_pap_set(client=client, pap=pap2, acting_user=tl, today=D(2026, 6, 1))
    run(D(2026, 7, 1))
    assert kinds("access_check_due", client=client) == [("pap.other", D(2026, 7, 10))]
    # no responsible pAp: every pAp of the site
    assert kinds("access_check_due", client=other) == [
        ("pap.other", D(2026, 7, 10)),
        ("pap.yilmaz", D(2026, 7, 10)),
    ]
    run(D(2026, 7, 11))  # REV-6: again once overdue
    assert kinds("access_check_overdue", client=client) == [("pap.other", D(2026, 7, 10))]


def test_acc4_responsible_pap_set_at_referral_and_changed_by_the_tl_only(
    site, pap, pap2, fm, tl, other_tl, client_eligible
):
    from fallmanagement.errors import InvalidInput, NotPermitted

    refer(pap, fm, client_eligible)
    client_eligible.refresh_from_db()
    assert client_eligible.responsible_pap == pap
    for user in (pap, fm):
        with pytest.raises(NotPermitted):
            case_services.client_responsible_pap_set(client=client_eligible, pap=pap2, acting_user=user)
    with pytest.raises(InvalidInput) as err:
        case_services.client_responsible_pap_set(client=client_eligible, pap=fm, acting_user=tl)
    assert "pap" in err.value.fields
    elsewhere = StaffFactory(role="pap")  # a pAp of another site
    with pytest.raises(InvalidInput):
        case_services.client_responsible_pap_set(client=client_eligible, pap=elsewhere, acting_user=tl)
    case_services.client_responsible_pap_set(client=client_eligible, pap=pap2, acting_user=tl)
    client_eligible.refresh_from_db()
    assert client_eligible.responsible_pap == pap2


def test_acc4_return_to_pap_makes_the_referring_pap_responsible_again(pap, pap2, fm, tl, client_eligible):
    case = clearing(pap, fm, client_eligible)
    case_services.client_responsible_pap_set(client=client_eligible, pap=pap2, acting_user=tl)
    case_services.case_return_to_pap(
        case=case, acting_user=fm, justification="Kein Arbeitsbündnis", today=D(2026, 11, 20)
    )
    client_eligible.refresh_from_db()
    assert client_eligible.responsible_pap == pap


def test_clr4_referring_pap_is_informed_of_every_clearing_outcome(pap, fm, tl, site):
    from tests.conftest import ACCESS_NEEDS

    outcomes = {}
    for name in ("admit", "reject", "return"):
        c = ClientFactory(site=site)
        give_needs(c, ACCESS_NEEDS)
        case = clearing(pap, fm, c)
        if name == "admit":
            case_services.case_admit(case=case, acting_user=fm, on=D(2026, 10, 12), today=D(2026, 11, 20))
        elif name == "reject":
            case_services.case_reject(
                case=case,
                acting_user=fm,
                reason_code="R01",
                justification="x",
                on=D(2026, 10, 12),
                today=D(2026, 11, 20),
            )
        else:
            case_services.case_return_to_pap(
                case=case, acting_user=fm, justification="x", on=D(2026, 10, 12), today=D(2026, 11, 20)
            )
        outcomes[name] = case
    run(D(2026, 10, 12))
    assert sorted(
        Reminder.objects.filter(kind="clearing_outcome").values_list("case_id", "recipient__username")
    ) == sorted((c.pk, "pap.yilmaz") for c in outcomes.values())
    assert not Reminder.objects.filter(kind="clearing_outcome", recipient=fm).exists()

"""demo/duties.py: the demo's appointments show each MIT situation (MIT-1..4)."""

from cases.choices import CaseState
from demo import duties as demo_duties
from duties import selectors
from duties.models import ExamCommission, Notice, Obligation
from tests.conftest import TODAY
from tests.factories import CaseFactory


def test_mit1_to_mit6_demo_has_two_missed_not_reachable_and_a_vulnerable_client(fm, site):
    cases = [CaseFactory(fallmanager=fm, client__site=site, state=CaseState.ACTIVE) for _ in range(4)]
    summary = demo_duties.build(today=TODAY)
    assert fm.username in summary
    status = {c.pk: selectors.summons_status(c) for c in cases}
    assert sorted((s.consecutive_missed_summons, s.reachability) for s in status.values()) == [
        (0, "reachable"),
        (2, "reachable"),
        (2, "reachable"),
        (3, "not_reachable"),
    ]
    assert sorted(Notice.objects.values_list("kind", flat=True)) == ["meldeversaeumnis", "nicht_erreichbar"]
    assert sum(selectors.is_vulnerable(c) for c in cases) == 1
    # MIT-5/MIT-6: one Verpflichtung (the law of TODAY) and one BPS examination with its result
    assert list(Obligation.objects.values_list("kind", flat=True)) == ["verpflichtung"]
    assert list(ExamCommission.objects.values_list("status", flat=True)) == ["completed"]


def test_dp5_anonymise_blanks_the_duties_free_text(fm, site):
    from duties import retention
    from duties.models import Appointment
    from tests.duties.conftest import plan

    case = CaseFactory(fallmanager=fm, client__site=site, state=CaseState.ACTIVE)
    import datetime

    plan(
        case, fm, datetime.date(2026, 11, 10), outcome="missed_with_reason", reason="Krank bei Frau Dr. Meier"
    )
    retention.anonymise(client_ids=[case.client_id])
    a = Appointment.objects.get()
    assert (a.purpose, a.outcome_reason, a.outcome) == ("", "[gelöscht]", "missed_with_reason")

import datetime

from cases import services as intake


def test_refer_and_admit_smoke(pap, fm, client_eligible):
    case = intake.case_refer(
        acting_user=pap,
        client=client_eligible,
        fallmanager=fm,
        reasons="r",
        expected_progress="e",
        handover_talk_on=datetime.date(2026, 11, 1),
        referred_on=datetime.date(2026, 11, 2),
        today=datetime.date(2026, 11, 20),
    )
    case = intake.case_start_clearing(
        case=case, acting_user=fm, on=datetime.date(2026, 11, 3), today=datetime.date(2026, 11, 20)
    )
    case = intake.case_admit(
        case=case, acting_user=fm, on=datetime.date(2026, 11, 10), today=datetime.date(2026, 11, 20)
    )
    assert case.state == "active"
    assert [e.name for e in case.events.all()] == ["refer", "start_clearing", "admit"]

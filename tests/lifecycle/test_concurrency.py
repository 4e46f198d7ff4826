"""Two people (or two tabs) firing the same or conflicting transitions at once: exactly one wins, the
other gets a clear conflict; no lost update. Real threads, real PostgreSQL row locks."""

import datetime as dt
import threading

import pytest
from django.db import connection

from cases import services as intake
from cases.choices import CaseState
from cases.models import Case, CaseEvent
from fallmanagement.errors import Conflict
from tests.conftest import ACCESS_NEEDS, give_needs
from tests.factories import ClientFactory, StaffFactory

TODAY = dt.date(2026, 11, 20)
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def race(*calls):
    """Run the calls in parallel threads released by one barrier; return results/exceptions in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            results[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread got
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return results


@pytest.fixture
def clearing_case(pap, fm, client_eligible):
    case = intake.case_refer(
        acting_user=pap,
        client=client_eligible,
        fallmanager=fm,
        reasons="r",
        expected_progress="e",
        handover_talk_on=dt.date(2026, 10, 1),
        referred_on=dt.date(2026, 10, 2),
        today=TODAY,
    )
    return intake.case_start_clearing(case=case, acting_user=fm, on=dt.date(2026, 10, 5), today=TODAY)


def _outcome(results):
    wins = [r for r in results if isinstance(r, Case)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    others = [r for r in results if not isinstance(r, Case | Conflict)]
    return wins, conflicts, others


def test_same_transition_twice_exactly_one_wins(fm, clearing_case):
    results = race(
        lambda: intake.case_admit(case=clearing_case.pk, acting_user=fm, today=TODAY),
        lambda: intake.case_admit(case=clearing_case.pk, acting_user=fm, today=TODAY),
    )
    wins, conflicts, others = _outcome(results)
    assert (len(wins), len(conflicts), others) == (1, 1, [])
    assert conflicts[0].code in {"transition_not_allowed", "concurrent_update"}
    case = Case.objects.get(pk=clearing_case.pk)
    assert case.state == CaseState.ACTIVE
    assert CaseEvent.objects.filter(case=case, name="admit").count() == 1


def test_conflicting_transitions_admit_vs_reject(fm, clearing_case):
    results = race(
        lambda: intake.case_admit(case=clearing_case.pk, acting_user=fm, today=TODAY),
        lambda: intake.case_reject(
            case=clearing_case.pk, acting_user=fm, reason_code="R03", justification="voll", today=TODAY
        ),
    )
    wins, conflicts, others = _outcome(results)
    assert (len(wins), len(conflicts), others) == (1, 1, [])
    case = Case.objects.get(pk=clearing_case.pk)
    assert case.state == wins[0].state
    assert CaseEvent.objects.filter(case=case).exclude(name__in=["refer", "start_clearing"]).count() == 1


def test_two_tabs_same_version_second_gets_concurrent_update(fm, clearing_case):
    version = clearing_case.version
    results = race(
        lambda: intake.case_admit(
            case=clearing_case.pk, acting_user=fm, expected_version=version, today=TODAY
        ),
        lambda: intake.case_return_to_pap(
            case=clearing_case.pk, acting_user=fm, justification="x", expected_version=version, today=TODAY
        ),
    )
    wins, conflicts, others = _outcome(results)
    assert (len(wins), len(conflicts), others) == (1, 1, [])
    assert conflicts[0].code == "concurrent_update"
    assert Case.objects.get(pk=clearing_case.pk).version == version + 1


def test_two_pap_refer_same_client_at_once_one_open_case(pap, pap2, team, site):
    # DOMAIN ACC-5 under concurrency
    client = ClientFactory(site=site)
    give_needs(client, ACCESS_NEEDS)
    fm_a, fm_b = StaffFactory(team=team), StaffFactory(team=team)

    def refer(who, fm):
        return lambda: intake.case_refer(
            acting_user=who,
            client=client,
            fallmanager=fm,
            reasons="r",
            expected_progress="e",
            handover_talk_on=dt.date(2026, 11, 1),
            referred_on=dt.date(2026, 11, 2),
            today=TODAY,
        )

    results = race(refer(pap, fm_a), refer(pap2, fm_b))
    wins, conflicts, others = _outcome(results)
    assert (len(wins), len(conflicts), others) == (1, 1, [])
    assert conflicts[0].code == "open_case_exists"
    assert Case.objects.filter(client=client).count() == 1

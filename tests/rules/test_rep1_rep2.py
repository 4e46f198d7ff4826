"""REP-1: an exit recorded afterwards for a month whose report is built rebuilds that month (noted in the
report's history). REP-2: "Integrationen je Abgang" and the Integrationsquote (integrations per average
caseload of the month)."""

import datetime as dt

from cases.services import case_close
from reporting.models import MonthlyReport
from reporting.selectors import FIGURES
from reporting.services import monthly_report_build
from tests.factories import CaseFactory, ClientFactory

D = dt.date
TODAY = D(2026, 11, 20)


def _active(fm, site, n):
    return [
        CaseFactory(
            client=ClientFactory(site=site),
            fallmanager=fm,
            state="active",
            admitted_on=D(2026, 9, 1),
            referred_on=D(2026, 8, 1),
            handover_talk_on=D(2026, 7, 31),
        )
        for _ in range(n)
    ]


def _close(case, fm, pap, on, code="B01"):
    return case_close(
        case=case,
        acting_user=fm,
        exit_reason_code=code,
        handover_talk_on=on,
        handover_pap=pap,
        outcome={"medical_service_involved": False},
        on=on,
        today=TODAY,
    )


def test_rep1_backdated_exit_rebuilds_the_built_month(django_capture_on_commit_callbacks, fm, pap, site):
    cases = _active(fm, site, 2)
    report = monthly_report_build(month=D(2026, 10, 1), today=TODAY)
    assert report.data["total"]["exits"] == 0 and len(report.history) == 1
    with django_capture_on_commit_callbacks(execute=True):
        _close(cases[0], fm, pap, D(2026, 10, 20))  # recorded on 20.11. for October
    report = MonthlyReport.objects.get(month=D(2026, 10, 1))
    assert report.data["total"]["exits"] == 1 and report.data["total"]["integrations"] == 1
    assert len(report.history) == 2
    assert "nachträglich erfasster Abgang" in report.history[-1]["reason"]
    # an exit in a month without a report builds nothing
    with django_capture_on_commit_callbacks(execute=True):
        _close(cases[1], fm, pap, D(2026, 11, 5))
    assert not MonthlyReport.objects.filter(month=D(2026, 11, 1)).exists()


def test_rep2_integration_quota_relates_integrations_to_the_average_caseload(fm, pap, site):
    cases = _active(fm, site, 4)
    _close(cases[0], fm, pap, D(2026, 10, 16))  # counted 1.–15.10.: 15 case-days
    total = monthly_report_build(month=D(2026, 10, 1), today=TODAY).data["total"]
    # 3 × 31 + 15 = 108 case-days / 31 days = 3.5 on average
    assert total["caseload_average"] == 3.5
    assert total["integration_rate"] == 100.0  # integrations per exit
    assert total["integration_quota"] == 28.6  # 1 / 3.5
    labels = dict(FIGURES)
    assert labels["integration_rate"] == "Integrationen je Abgang (%)"
    assert labels["integration_quota"] == "Integrationsquote (%)"


def test_rep2_monthly_page_names_both_figures(client, controlling, fm, pap, site):
    _active(fm, site, 1)
    monthly_report_build(month=D(2026, 10, 1), today=TODAY)
    client.force_login(controlling)
    body = client.get("/berichte/monatsbericht/?month=2026-10").content.decode()
    assert "Integrationsquote" in body and "Integrationen je Abgang" in body

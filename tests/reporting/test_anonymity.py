"""EXIT-3 and DP-3: the Wirkungsanalyse and every report output are anonymous by construction."""

import datetime
import io

import pytest
from django.db import models
from openpyxl import load_workbook

from cases import services as case_services
from cases.models import Case
from reporting.models import MonthlyReport, OutcomeRecord
from tests.conftest import give_needs
from tests.factories import CaseFactory, ClientFactory, StaffFactory, TeamFactory
from tests.reporting.conftest import OCTOBER, TODAY

CLOSED_ON = datetime.date(2026, 10, 14)


# DOMAIN EXIT-3, DP-3: no foreign key to client, case, staff or team; no timestamp; random key.
def test_exit3_dp3_outcome_record_has_no_link_back():
    fields = OutcomeRecord._meta.get_fields()
    relations = {f.name: f.related_model._meta.label for f in fields if f.is_relation}
    assert relations == {"area": "org.Area"}
    assert not [f.name for f in fields if isinstance(f, models.DateTimeField | models.TimeField)]
    date_fields = [f.name for f in fields if isinstance(f, models.DateField)]
    assert date_fields == ["month"]
    pk = OutcomeRecord._meta.pk
    assert isinstance(pk, models.UUIDField)
    assert pk.default.__name__ == "uuid4"
    names = {f.name for f in fields}
    assert not names & {
        "client",
        "case",
        "fallmanager",
        "staff",
        "team",
        "customer_number",
        "name",
        "created_at",
    }


# DOMAIN DP-3, DP-7: the snapshot has no relation at all.
def test_dp3_monthly_report_has_no_relation():
    assert not [f for f in MonthlyReport._meta.get_fields() if f.is_relation]


@pytest.fixture
def closed_case(area, site, pap):
    """Zebulon Quastenflosser, cared for by Xaver Unbekannt of "Team Quastenflosser-Mul", closes in October."""
    team = TeamFactory(name="Team Quastenflosser-Mul", site=site)
    fm = StaffFactory(
        username="xaver.unbekannt", first_name="Xaver", last_name="Unbekannt", role="fallmanager", team=team
    )
    client = ClientFactory(
        site=site, first_name="Zebulon", last_name="Quastenflosser", customer_number="K777123456"
    )
    give_needs(client, ["L_PSYCHE", "R_WOHNEN", "R_FINANZEN"], on=datetime.date(2025, 1, 10))
    case = CaseFactory(client=client, fallmanager=fm, state="active", admitted_on=datetime.date(2025, 2, 3))
    case_services.case_close(
        case=case,
        acting_user=fm,
        exit_reason_code="B01",
        handover_talk_on=datetime.date(2026, 10, 10),
        handover_pap=pap,
        on=CLOSED_ON,
        today=CLOSED_ON,
        outcome={
            "medical_service_involved": True,
            "health_need": True,
            "needs_reduced": 2,
            "social_participation_progress": True,
        },
    )
    return case


# DOMAIN EXIT-3: written with the exit, carrying the area and the month only.
def test_exit3_outcome_record_written_at_exit(closed_case, area):
    record = OutcomeRecord.objects.get()
    assert record.area == area
    assert record.month == OCTOBER
    assert (record.exit_reason_code, record.is_integration) == ("B01", True)
    assert (record.medical_service_involved, record.health_need, record.social_participation_progress) == (
        True,
        True,
        True,
    )
    assert (record.needs_at_start, record.needs_reduced) == (3, 2)
    assert record.months_in_case_management == 20  # 03.02.2025 → 14.10.2026


# DOMAIN EXIT-3: an implausible outcome refuses the exit; nothing changes.
def test_exit3_invalid_outcome_refuses_close(area, site, fm, pap):
    case = CaseFactory(
        client=ClientFactory(site=site), fallmanager=fm, state="active", admitted_on=datetime.date(2026, 1, 5)
    )
    from fallmanagement.errors import InvalidInput

    for outcome in (
        {"medical_service_involved": True, "needs_reduced": 5, "needs_at_start": 2},
        {"medical_service_involved": "ja"},
        {"medical_service_involved": True, "needs_reduced": -1},
    ):
        with pytest.raises(InvalidInput):
            case_services.case_close(
                case=case,
                acting_user=fm,
                exit_reason_code="B05",
                handover_talk_on=datetime.date(2026, 10, 10),
                handover_pap=pap,
                on=CLOSED_ON,
                today=CLOSED_ON,
                outcome=outcome,
            )
    case.refresh_from_db()
    assert case.state == "active" and case.closed_on is None
    assert OutcomeRecord.objects.count() == 0
    assert not Case.objects.get(pk=case.pk).events.exists()


# DOMAIN DP-3, DP-7, EXIT-3: no name, customer number, staff or team name in any report output.
def test_dp3_no_personal_or_staff_data_in_any_output(closed_case, api_as, client, controlling, monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)
    forbidden = [
        "Zebulon",
        "Quastenflosser",
        "K777123456",
        "Xaver",
        "Unbekannt",
        "xaver.unbekannt",
        "Team Quastenflosser-Mul",
        "Team Mul 1",
        "Standort Mitte",
        "Yilmaz",
        "pap.yilmaz",
        "1980-05-17",
        "17.05.1980",
    ]
    api = api_as(controlling)
    outputs = {}
    response = api.get("/api/v1/reports/monthly/", {"month": "2026-10"})
    assert response.status_code == 200
    assert response.json()["total"]["exits"] == 1
    outputs["json"] = response.content.decode()
    outputs["csv"] = api.get(
        "/api/v1/reports/monthly/", {"month": "2026-10", "format": "csv"}
    ).content.decode("utf-8-sig")
    wb = load_workbook(
        io.BytesIO(api.get("/api/v1/reports/monthly/", {"month": "2026-10", "format": "xlsx"}).content)
    )
    outputs["xlsx"] = "\n".join(
        str(cell.value)
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value is not None
    )
    client.force_login(controlling)
    page = client.get("/berichte/monatsbericht/", {"month": "2026-10"})
    assert page.status_code == 200
    outputs["html"] = page.content.decode()
    outputs["snapshot"] = str(MonthlyReport.objects.get().data)
    outputs["record"] = str(list(OutcomeRecord.objects.values()))
    for kind, text in outputs.items():
        for needle in forbidden:
            assert needle not in text, f"{needle!r} in {kind}"
    # The area is the finest named unit and does appear.
    assert "Bereich Nord" in outputs["json"] and "Bereich Nord" in outputs["xlsx"]

"""DP-5: purge_expired lists, a second datenschutz user confirms, then clients are anonymised."""

import datetime
import uuid
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.models import AccessLog, CaseHistory, ClientHistory, PurgeRun
from cases.models import Case, Client
from fallmanagement.errors import NotPermitted
from jobs.retention import purge_confirm, purge_prepare
from org.choices import Role
from reporting.models import OutcomeRecord
from tests.conftest import TODAY
from tests.factories import CaseFactory, ClientFactory, StaffFactory

D = datetime.date


@pytest.fixture
def ds2():
    return StaffFactory(username="ds.second", role=Role.DATENSCHUTZ, team=None)


@pytest.fixture
def old_closed(fm, area):
    """Closed 6 years before TODAY (retention 5 years): due."""
    client = ClientFactory(first_name="Alt", last_name="Kunde", birth_date=D(1975, 8, 23))
    case = CaseFactory(
        client=client,
        fallmanager=fm,
        state="closed",
        admitted_on=D(2019, 1, 1),
        closed_on=D(2020, 11, 19),
        exit_justification="Details zur Person",
    )
    OutcomeRecord.objects.create(
        id=uuid.uuid4(),
        area=area,
        month=D(2020, 11, 1),
        exit_reason_code="X",
        is_integration=True,
        medical_service_involved=False,
        health_need=False,
        needs_at_start=3,
        needs_reduced=1,
        social_participation_progress=True,
        months_in_case_management=22,
    )
    return case


@pytest.fixture
def recent_closed(fm):
    return CaseFactory(fallmanager=fm, state="closed", admitted_on=D(2021, 1, 1), closed_on=D(2021, 11, 21))


@pytest.fixture
def old_but_open_again(fm):
    client = ClientFactory()
    CaseFactory(
        client=client, fallmanager=fm, state="closed", admitted_on=D(2015, 1, 1), closed_on=D(2016, 1, 1)
    )
    return CaseFactory(client=client, fallmanager=fm, state="active", admitted_on=D(2026, 1, 1))


def test_dp5_candidates_only_past_retention_and_without_open_case(
    datenschutz, old_closed, recent_closed, old_but_open_again
):
    # DOMAIN DP-5: last case closed > 5 years ago (boundary: 21.11.2021 is within 5 years of 20.11.2026).
    run = purge_prepare(acting_user=datenschutz, today=TODAY)
    assert run.client_ids == [old_closed.client_id]
    assert run.cutoff_on == D(2021, 11, 20)
    assert Client.objects.get(pk=old_closed.client_id).first_name == "Alt"  # nothing changed yet


def test_dp5_four_eyes_preparer_cannot_confirm(datenschutz, old_closed):
    # DOMAIN DP-5: four eyes.
    run = purge_prepare(acting_user=datenschutz, today=TODAY)
    with pytest.raises(NotPermitted) as exc:
        purge_confirm(run=run, acting_user=datenschutz, today=TODAY)
    assert exc.value.code == "four_eyes"
    run.refresh_from_db()
    assert run.confirmed_on is None
    assert Client.objects.get(pk=old_closed.client_id).anonymised_on is None


def test_dp5_only_datenschutz(fm, admin_user, old_closed):
    # DOMAIN DP-5
    for user in (fm, admin_user):
        with pytest.raises(NotPermitted):
            purge_prepare(acting_user=user, today=TODAY)
    assert PurgeRun.objects.count() == 0


def test_dp5_confirm_anonymises_and_keeps_statistics(datenschutz, ds2, old_closed, recent_closed):
    # DOMAIN DP-5: personal data anonymised, anonymous statistics remain, every step logged.
    run = purge_prepare(acting_user=datenschutz, today=TODAY)
    purge_confirm(run=run, acting_user=ds2, today=TODAY)
    client = Client.objects.get(pk=old_closed.client_id)
    assert (
        client.first_name,
        client.last_name,
        client.customer_number,
        client.birth_date,
        client.anonymised_on,
    ) == (
        "Anonymisiert",
        "Anonymisiert",
        f"ANON-{client.pk}",
        D(1975, 1, 1),
        TODAY,
    )
    case = Case.objects.get(pk=old_closed.pk)
    assert (case.exit_justification, case.reasons, case.expected_progress) == ("", "", "")
    assert case.closed_on == D(2020, 11, 19)  # dates needed for statistics stay
    assert OutcomeRecord.objects.count() == 1
    assert Client.objects.get(pk=recent_closed.client_id).anonymised_on is None
    # The history no longer holds the name.
    assert not ClientHistory.objects.filter(pgh_obj_id=client.pk, first_name="Alt").exists()
    assert not CaseHistory.objects.filter(
        pgh_obj_id=case.pk, exit_justification="Details zur Person"
    ).exists()
    assert list(AccessLog.objects.order_by("pk").values_list("action", "username", "client_id")) == [
        ("purge.prepare", "ds.officer", None),
        ("purge.confirm", "ds.second", None),
        ("client.anonymise", "ds.second", client.pk),
    ]
    run.refresh_from_db()
    assert (run.confirmed_by, run.anonymised_count) == (ds2, 1)


def test_dp5_client_with_new_case_since_preparation_is_skipped(datenschutz, ds2, old_closed, fm):
    # DOMAIN DP-5: the list is re-checked at confirmation.
    run = purge_prepare(acting_user=datenschutz, today=TODAY)
    CaseFactory(client=old_closed.client, fallmanager=fm, state="referred")
    purge_confirm(run=run, acting_user=ds2, today=TODAY)
    assert Client.objects.get(pk=old_closed.client_id).anonymised_on is None
    run.refresh_from_db()
    assert run.anonymised_count == 0


def test_dp5_command_dry_run_lists_and_changes_nothing(old_closed, recent_closed):
    # DOMAIN DP-5
    out = StringIO()
    call_command("purge_expired", "--dry-run", "--today", "2026-11-20", stdout=out)
    text = out.getvalue()
    assert f"Kund*in {old_closed.client_id}:" in text
    assert f"Kund*in {recent_closed.client_id}:" not in text
    assert PurgeRun.objects.count() == 0


def test_dp5_command_prepares_run(datenschutz, old_closed):
    # DOMAIN DP-5
    with pytest.raises(CommandError):
        call_command("purge_expired", stdout=StringIO())
    call_command("purge_expired", "--prepared-by", "ds.officer", "--today", "2026-11-20", stdout=StringIO())
    run = PurgeRun.objects.get()
    assert (run.prepared_by, run.client_ids) == (datenschutz, [old_closed.client_id])


@pytest.mark.usefixtures("security_urls")
def test_dp5_ui_confirm_by_second_person(client, datenschutz, ds2, old_closed):
    # DOMAIN DP-5: the confirmation page.
    run = purge_prepare(acting_user=datenschutz, today=datetime.date.today())
    client.force_login(datenschutz)
    page = client.get("/datenschutz/loeschlaeufe/")
    assert page.status_code == 200
    assert "wartet auf Bestätigung durch eine zweite Person" in page.content.decode()
    client.post(f"/datenschutz/loeschlaeufe/{run.pk}/bestaetigen/")
    assert Client.objects.get(pk=old_closed.client_id).anonymised_on is None
    client.force_login(ds2)
    response = client.post(f"/datenschutz/loeschlaeufe/{run.pk}/bestaetigen/")
    assert response.status_code == 302
    assert Client.objects.get(pk=old_closed.client_id).first_name == "Anonymisiert"


@pytest.mark.usefixtures("security_urls")
def test_dp5_ui_forbidden_for_other_roles(client, fm, admin_user):
    for user in (fm, admin_user):
        client.force_login(user)
        assert client.get("/datenschutz/loeschlaeufe/").status_code == 403
        assert client.post("/datenschutz/loeschlaeufe/neu/").status_code == 403
    assert PurgeRun.objects.count() == 0

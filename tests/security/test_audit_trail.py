"""DP-2: change history by database triggers and the append-only access log."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AccessLog, CaseHistory, ClientHistory, ClientNeedHistory, HouseholdHistory
from audit.services import record as access_log_record
from audit.services import record_bulk as access_log_record_bulk
from cases.models import Case, Client
from tests.factories import CaseFactory, ClientFactory


def test_dp2_bulk_update_and_raw_sql_are_captured_by_triggers(case_of_fm):
    # DOMAIN DP-2: a queryset .update() and raw SQL bypass save(), yet the trigger records both.
    client = case_of_fm.client
    assert ClientHistory.objects.filter(pgh_obj_id=client.pk, pgh_label="insert").count() == 1
    Client.objects.filter(pk=client.pk).update(last_name="Neu")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE cases_client SET first_name = %s WHERE id = %s", ["Roh", client.pk])
    updates = list(
        ClientHistory.objects.filter(pgh_obj_id=client.pk, pgh_label="update")
        .order_by("pgh_id")
        .values_list("first_name", "last_name")
    )
    assert updates == [("Erika", "Neu"), ("Roh", "Neu")]


def test_dp2_case_and_need_changes_recorded_with_delete(case_of_fm):
    # DOMAIN DP-2
    Case.objects.filter(pk=case_of_fm.pk).update(reasons="geändert")
    assert list(
        CaseHistory.objects.filter(pgh_obj_id=case_of_fm.pk)
        .order_by("pgh_id")
        .values_list("pgh_label", "reasons")
    ) == [("insert", "Mehrere Vermittlungshemmnisse"), ("update", "geändert")]
    household = case_of_fm.client.household
    assert HouseholdHistory.objects.filter(pgh_obj_id=household.pk, pgh_label="insert").count() == 1
    from tests.conftest import give_needs

    give_needs(case_of_fm.client, ["L_PSYCHE"])
    need = case_of_fm.client.needs.get()
    need.delete()
    assert list(
        ClientNeedHistory.objects.filter(client_id=case_of_fm.client_id)
        .order_by("pgh_id")
        .values_list("pgh_label")
    ) == [("insert",), ("delete",)]


@pytest.mark.parametrize("sql", ["UPDATE {t} SET first_name = 'x'", "DELETE FROM {t}"])
def test_dp2_history_refuses_update_and_delete(case_of_fm, sql):
    # DOMAIN DP-2: nobody can rewrite the change history, not even with raw SQL.
    before = ClientHistory.objects.count()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.format(t=ClientHistory._meta.db_table))
    assert ClientHistory.objects.count() == before
    assert set(ClientHistory.objects.values_list("first_name", flat=True)) == {"Erika"}


@pytest.mark.parametrize(
    "sql", ["UPDATE audit_accesslog SET action = 'client.view'", "DELETE FROM audit_accesslog"]
)
def test_dp2_access_log_refuses_update_and_delete(fm, case_of_fm, sql):
    # DOMAIN DP-2: the access log is append-only in PostgreSQL.
    entry = access_log_record(user=fm, action="case.view", obj=case_of_fm)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    entry.refresh_from_db()
    assert entry.action == "case.view"
    assert AccessLog.objects.count() == 1


def test_dp2_access_log_orm_update_and_delete_refused(fm, case_of_fm):
    # DOMAIN DP-2
    entry = access_log_record(user=fm, action="case.view", obj=case_of_fm)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(action="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    assert list(AccessLog.objects.values_list("action", flat=True)) == ["case.view"]


def test_dp2_opening_a_case_writes_exactly_one_row(fm, case_of_fm):
    # DOMAIN DP-2: who, what, which client, in what capacity.
    access_log_record(user=fm, action="case.view", obj=case_of_fm)
    rows = list(
        AccessLog.objects.values(
            "user_id", "username", "action", "object_type", "object_id", "client_id", "capacity"
        )
    )
    assert rows == [
        {
            "user_id": fm.pk,
            "username": "fm.berger",
            "action": "case.view",
            "object_type": "case",
            "object_id": case_of_fm.pk,
            "client_id": case_of_fm.client_id,
            "capacity": "own_case",
        }
    ]


def test_dp4_export_of_n_cases_writes_n_rows_in_one_insert(fm, django_assert_max_num_queries):
    # DOMAIN DP-4: exports of personal data are logged, one row per case.
    cases = [CaseFactory(fallmanager=fm) for _ in range(7)]
    cases = list(Case.objects.filter(pk__in=[c.pk for c in cases]))
    with django_assert_max_num_queries(1):
        written = access_log_record_bulk(user=fm, action="case.export", objs=cases, capacity="own_case")
    assert written == 7
    assert sorted(
        AccessLog.objects.filter(action="case.export").values_list("object_id", flat=True)
    ) == sorted(c.pk for c in cases)
    assert set(AccessLog.objects.values_list("client_id", flat=True)) == {c.client_id for c in cases}


def test_dp2_client_read_capacities(fm, fm2, tl, bl, pap, pap2, case_of_fm):
    # DOMAIN DP-2: the capacity is derived from the reader's relation to the case.
    from org.models import Substitution
    from tests.conftest import TODAY

    Substitution.objects.create(absent=fm, substitute=fm2, starts_on=TODAY, ends_on=TODAY, set_by=tl)
    got = {
        u.username: access_log_record(
            user=u, action="client.view", obj=case_of_fm.client, today=TODAY
        ).capacity
        for u in (fm, fm2, tl, bl, pap, pap2)
    }
    assert got == {
        "fm.berger": "own_case",
        "fm.klein": "substitution",
        "tl.schmidt": "teamleitung",
        "bl.meyer": "bereichsleitung",
        "pap.yilmaz": "pap_referral",
        "pap.other": "pap_site",
    }
    assert set(AccessLog.objects.values_list("client_id", flat=True)) == {case_of_fm.client_id}


def test_client_without_case_unaffected_by_other_clients(fm):
    ClientFactory()
    assert AccessLog.objects.count() == 0

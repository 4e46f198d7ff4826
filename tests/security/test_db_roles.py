"""DP-2 / issue 15 finding 3: the application's database role cannot alter the logs — no UPDATE, DELETE,
TRUNCATE, no trigger bypass by `pgtrigger.ignore`, no trigger disabling — and the application still works
with it (record, purge through the owner's function)."""

import contextlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit import dbroles
from audit import services as audit
from audit.models import AccessLog, CaseHistory, ClientHistory
from cases.models import Case

APP_ROLE = "fm_app_test"


@pytest.fixture
def app_role(db):
    """The application role in the test database (roles are per cluster; inside the test transaction)."""
    with connection.cursor() as cursor:
        dbroles.ensure_role(cursor, APP_ROLE, password=None, login=False)
        dbroles.harden_trigger_ignore(cursor)
        dbroles.apply_grants(cursor, APP_ROLE)
    return APP_ROLE


@contextlib.contextmanager
def as_app():
    """Run the block as the application role; a failure rolls back to the savepoint (and the role)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL ROLE {APP_ROLE}")
        yield


def _sql(statement: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _refused(statement: str, params=None) -> None:
    with pytest.raises(DatabaseError), as_app():
        _sql(statement, params)


@pytest.fixture
def entry(app_role, fm, case_of_fm):
    return audit.record(user=fm, action="case.view", obj=case_of_fm)


def _ignore_all() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT '{' || string_agg(tgname, ',') || '}' FROM pg_trigger WHERE tgname LIKE 'pgtrigger_%'"
        )
        return cursor.fetchone()[0]


def test_dp2_app_role_cannot_update_the_access_log(entry):
    _refused("UPDATE audit_accesslog SET username = 'x' WHERE id = %s", [entry.pk])


def test_dp2_app_role_cannot_delete_from_the_access_log(entry):
    _refused("DELETE FROM audit_accesslog WHERE id = %s", [entry.pk])


def test_dp2_app_role_cannot_truncate_the_logs(entry):
    _refused("TRUNCATE audit_accesslog")
    _refused("TRUNCATE audit_casehistory")
    _refused("TRUNCATE pghistory_context")


def test_dp2_set_config_trick_does_not_open_the_access_log(entry):
    """Finding 3: `set_config('pgtrigger.ignore', …)` then UPDATE/DELETE succeeded for any role with UPDATE."""
    ignore = _ignore_all()
    with pytest.raises(DatabaseError), as_app():
        _sql("SELECT set_config('pgtrigger.ignore', %s, true)", [ignore])
        _sql("DELETE FROM audit_accesslog WHERE id = %s", [entry.pk])
    assert AccessLog.objects.filter(pk=entry.pk, username=entry.username).exists()


def test_dp2_app_role_cannot_disable_a_trigger(entry):
    _refused("ALTER TABLE audit_accesslog DISABLE TRIGGER USER")
    _refused("SET session_replication_role = replica")


def test_dp2_history_tables_and_context_are_append_only_for_the_app(app_role, case_of_fm):
    assert CaseHistory.objects.filter(pgh_obj_id=case_of_fm.pk).exists()
    _refused("UPDATE audit_casehistory SET reasons = 'x'")
    _refused("DELETE FROM audit_casehistory")
    _refused("DELETE FROM audit_clienthistory")
    _refused("UPDATE pghistory_context SET metadata = '{}'::jsonb")
    _refused("UPDATE cases_caseevent SET payload = '{}'::jsonb")
    _refused("UPDATE audit_accesslogchainhead SET seq = 0")


def test_dp2_ignore_does_not_suppress_the_change_history_for_the_app(app_role, case_of_fm):
    """pgtrigger.ignore is honoured only for the owner: the app cannot change a case without a history row."""
    before = CaseHistory.objects.filter(pgh_obj_id=case_of_fm.pk).count()
    with as_app():
        _sql("SELECT set_config('pgtrigger.ignore', %s, true)", [_ignore_all()])
        _sql("UPDATE cases_case SET reasons = 'geändert' WHERE id = %s", [case_of_fm.pk])
    assert CaseHistory.objects.filter(pgh_obj_id=case_of_fm.pk).count() == before + 1


def test_dp2_app_role_can_still_work(app_role, fm, case_of_fm):
    """The application's everyday writes: an access row, a case change."""
    with as_app():
        audit.record(user=fm, action="case.view", obj=case_of_fm)
        Case.objects.filter(pk=case_of_fm.pk).update(reasons="neu")
    assert AccessLog.objects.filter(action="case.view", object_id=case_of_fm.pk).exists()


def test_dp5_history_shred_only_for_anonymised_clients(app_role, case_of_fm):
    """The owner's function shreds nothing of a living record, and the app may call it only for that."""
    client_id = case_of_fm.client_id
    with as_app():
        _sql("SELECT fm_history_shred(%s)", [[client_id]])
    assert ClientHistory.objects.filter(pgh_obj_id=client_id).exists()
    with as_app():
        _sql("UPDATE cases_client SET anonymised_on = '2026-11-20' WHERE id = %s", [client_id])
        _sql("SELECT fm_history_shred(%s)", [[client_id]])
    assert not ClientHistory.objects.filter(pgh_obj_id=client_id, first_name="Erika").exists()
    assert not CaseHistory.objects.filter(pgh_obj_id=case_of_fm.pk).exists()


def test_dp2_setup_db_roles_is_idempotent(db):
    out = StringIO()
    call_command("setup_db_roles", role="fm_app_test_setup", nologin=True, stdout=out)
    call_command("setup_db_roles", role="fm_app_test_setup", nologin=True, stdout=out)
    assert "angelegt" in out.getvalue() and "aktualisiert" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT has_table_privilege('fm_app_test_setup', 'audit_accesslog', 'UPDATE'),"
            " has_table_privilege('fm_app_test_setup', 'audit_accesslog', 'INSERT'),"
            " has_table_privilege('fm_app_test_setup', 'cases_case', 'UPDATE'),"
            " has_table_privilege('fm_app_test_setup', 'cases_case', 'TRUNCATE'),"
            " rolsuper FROM pg_roles WHERE rolname = 'fm_app_test_setup'"
        )
        assert cursor.fetchone() == (False, True, True, False, False)

"""DP-2 / issue 15 finding 3: the access log's hash chain. Tampering — even by the owner, who can bypass the
append-only trigger — is detected by `verify_audit_log` and the daily job alerts datenschutz."""

import datetime
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection, connections

from audit import chain
from audit import services as audit
from audit.models import AccessLog, AccessLogChainHead


@pytest.fixture
def entries(fm, case_of_fm):
    return [audit.record(user=fm, action="case.view", obj=case_of_fm, context={"n": n}) for n in range(5)]


def _owner_sql(statement: str, params=None) -> None:
    """As the owner, around the append-only trigger (what only the owner can do)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', (SELECT '{' || string_agg(tgname, ',') || '}' FROM pg_trigger"
            " WHERE tgname LIKE 'pgtrigger_append_only_%%'), true)"
        )
        cursor.execute(statement, params)
        cursor.execute("SELECT set_config('pgtrigger.ignore', NULL, true)")


def _seq(entry) -> int:
    return AccessLog.objects.values_list("seq", flat=True).get(pk=entry.pk)


def test_dp2_each_entry_carries_the_hash_of_its_predecessor(entries):
    rows = list(AccessLog.objects.order_by("seq").values("seq", "prev_hash", "hash"))
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["prev_hash"] == ""
    for before, after in zip(rows, rows[1:], strict=False):
        assert after["prev_hash"] == before["hash"] and len(after["hash"]) == 64
    head = AccessLogChainHead.objects.get(pk=1)
    assert (head.seq, head.hash) == (rows[-1]["seq"], rows[-1]["hash"])
    assert chain.verify_chain().ok


def test_dp2_the_application_cannot_choose_the_chain_values(fm, case_of_fm):
    entry = AccessLog.objects.create(
        user=fm,
        username="x",
        action="case.view",
        object_type="case",
        capacity="other",
        seq=999,
        hash="f" * 64,
    )
    assert _seq(entry) != 999 and chain.verify_chain().ok


def test_dp2_changed_entry_is_detected(entries):
    _owner_sql("UPDATE audit_accesslog SET username = 'jemand' WHERE id = %s", [entries[2].pk])
    report = chain.verify_chain()
    assert not report.ok and report.broken_at == _seq(entries[2]) and report.reason == "Eintrag verändert"


def test_dp2_deleted_entry_is_detected(entries):
    seq = _seq(entries[2])
    _owner_sql("DELETE FROM audit_accesslog WHERE id = %s", [entries[2].pk])
    report = chain.verify_chain()
    assert not report.ok and report.broken_at == seq + 1


def test_dp2_deleted_tail_is_detected(entries):
    _owner_sql("DELETE FROM audit_accesslog WHERE id = %s", [entries[-1].pk])
    report = chain.verify_chain()
    assert not report.ok and report.reason == "Einträge am Ende fehlen"


def test_dp2_entry_written_around_the_trigger_is_detected(entries):
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_accesslog DISABLE TRIGGER audit_accesslog_chain")
        AccessLog.objects.create(
            user=entries[0].user, username="x", action="a", object_type="b", capacity="other"
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE audit_accesslog ENABLE TRIGGER audit_accesslog_chain")
    assert not chain.verify_chain().ok


def test_dp2_verify_audit_log_command(entries):
    out = StringIO()
    call_command("verify_audit_log", stdout=out)
    assert "in Ordnung: 5 Einträge" in out.getvalue()
    _owner_sql("UPDATE audit_accesslog SET context = '{}'::jsonb WHERE id = %s", [entries[0].pk])
    with pytest.raises(CommandError, match="unterbrochen bei Eintrag Nr. 1"):
        call_command("verify_audit_log", stdout=out)


def test_dp2_daily_job_alerts_datenschutz_on_a_break(entries, datenschutz, settings):
    from jobs.daily import daily_jobs_run

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    datenschutz.email = "datenschutz@example.org"
    datenschutz.save(update_fields=["email"])
    counts = daily_jobs_run(on=datetime.date(2026, 11, 20), send_digests=False)
    assert counts["audit_chain_breaks"] == 0 and not mail.outbox
    _owner_sql("UPDATE audit_accesslog SET action = 'x' WHERE id = %s", [entries[1].pk])
    counts = daily_jobs_run(on=datetime.date(2026, 11, 21), send_digests=False)
    assert counts["audit_chain_breaks"] == 1
    assert [m.to for m in mail.outbox] == [["datenschutz@example.org"]]
    assert "Zugriffsprotokoll" in mail.outbox[0].subject


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_dp2_concurrent_writers_chain_correctly(fm, case_of_fm):
    """Writers in parallel transactions: the chain head's row lock serialises them; no fork, no gap."""
    errors = []

    def write(n):
        try:
            for i in range(10):
                audit.record(user=fm, action="case.view", obj=case_of_fm, context={"t": n, "i": i})
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert AccessLog.objects.count() == 40
    assert chain.verify_chain().ok


def _purge(before, user) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT fm_access_log_purge(%s, %s, %s, %s)", [before, user.pk, user.username, None])
        return cursor.fetchone()[0]


def test_dp5_access_log_purge_leaves_a_checkpoint_and_the_chain_verifies(fm, datenschutz, case_of_fm):
    from django.utils import timezone

    old = timezone.now() - datetime.timedelta(days=3 * 365)
    for n in range(3):
        AccessLog.objects.create(
            at=old, user=fm, username=fm.username, action="case.view", object_type="case", capacity="other"
        )
    young = [audit.record(user=fm, action="case.view", obj=case_of_fm) for _ in range(2)]
    assert chain.verify_chain().ok
    assert _purge(timezone.now() - datetime.timedelta(days=2 * 365), datenschutz) == 3
    remaining = list(AccessLog.objects.order_by("seq").values_list("action", flat=True))
    assert remaining == ["case.view", "case.view", "audit.checkpoint"]
    checkpoint = AccessLog.objects.get(action="audit.checkpoint")
    assert checkpoint.context["last_purged_seq"] == 3 and checkpoint.context["deleted"] == 3
    assert checkpoint.username == datenschutz.username
    report = chain.verify_chain()
    assert report.ok and report.checked == 3, report
    assert AccessLog.objects.filter(pk__in=[e.pk for e in young]).count() == 2


def test_dp5_access_log_purge_refuses_entries_younger_than_a_year(fm, datenschutz, entries):
    from django.db import DatabaseError, transaction
    from django.utils import timezone

    with pytest.raises(DatabaseError), transaction.atomic():
        _purge(timezone.now() - datetime.timedelta(days=200), datenschutz)
    assert AccessLog.objects.count() == 5

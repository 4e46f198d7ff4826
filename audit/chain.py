"""The access log's hash chain (issue 15, DP-2): checking it and alerting on a break.

Every entry carries `seq` (1, 2, 3, … without gaps), `prev_hash` (the predecessor's `hash`) and `hash` =
sha256(prev_hash || canonical text of the entry), all set by the database trigger `audit_accesslog_chain`
(audit/migrations/0004) under the row lock of the chain head, so concurrent writers chain correctly. A
changed, deleted, inserted-around-the-trigger or reordered entry breaks the chain; a deleted tail shows as a
head that no entry matches. The access log's own retention (DP-5) deletes the oldest entries only through
the owner's function `fm_access_log_purge`, which first appends a checkpoint entry
(`action = "audit.checkpoint"`) recording the seq and hash of the last entry removed: the chain then starts
there.

`verify_chain()` recomputes every hash in Python (independent of the database's hashing) over the canonical
text the database serialises (`audit_accesslog_canonical`)."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from django.db import connection, transaction

logger = logging.getLogger("fallmanagement.audit")

CHECKPOINT_ACTION = "audit.checkpoint"


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    head_seq: int
    broken_at: int | None = None  # the seq (or position) of the first entry that does not fit
    reason: str = ""


def entry_hash(prev_hash: str, canonical: str) -> str:
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def _checkpoints() -> dict[int, str]:
    """last purged seq → its hash, from the checkpoint entries."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT context FROM audit_accesslog WHERE action = %s ORDER BY seq", [CHECKPOINT_ACTION]
        )
        found = {}
        for (context,) in cursor.fetchall():
            if isinstance(context, str):
                import json

                context = json.loads(context)
            try:
                found[int(context["last_purged_seq"])] = str(context["last_purged_hash"])
            except (KeyError, TypeError, ValueError):
                continue
        return found


def _head() -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, hash FROM audit_accesslogchainhead WHERE id = 1")
        row = cursor.fetchone()
    return (int(row[0]), row[1]) if row else (0, "")


@transaction.atomic
def verify_chain(*, batch: int = 5000) -> ChainReport:
    """Walk the whole access log in seq order (server-side cursor) and check every link."""
    checkpoints = _checkpoints()
    head_seq, head_hash = _head()
    checked = 0
    prev_seq: int | None = None
    prev_hash = ""
    with connection.chunked_cursor() as cursor:
        cursor.execute(
            "SELECT a.seq, a.prev_hash, a.hash, audit_accesslog_canonical(a) FROM audit_accesslog a"
            " ORDER BY a.seq NULLS FIRST, a.id"
        )
        while rows := cursor.fetchmany(batch):
            for seq, row_prev, row_hash, canonical in rows:
                position = seq if seq is not None else checked + 1
                if seq is None:
                    return ChainReport(False, checked, head_seq, position, "Eintrag ohne Kettenglied")
                if prev_seq is None:
                    start_ok = (seq == 1 and row_prev == "") or checkpoints.get(seq - 1) == row_prev
                    if not start_ok:
                        return ChainReport(False, checked, head_seq, seq, "Anfang der Kette fehlt")
                elif seq != prev_seq + 1:
                    return ChainReport(False, checked, head_seq, seq, "Lücke in der Kette")
                elif row_prev != prev_hash:
                    return ChainReport(False, checked, head_seq, seq, "Verweis auf den Vorgänger falsch")
                if entry_hash(row_prev, canonical) != row_hash:
                    return ChainReport(False, checked, head_seq, seq, "Eintrag verändert")
                prev_seq, prev_hash = seq, row_hash
                checked += 1
    last_seq = prev_seq or 0
    if (last_seq, prev_hash) != (head_seq, head_hash):
        return ChainReport(False, checked, head_seq, last_seq + 1, "Einträge am Ende fehlen")
    return ChainReport(True, checked, head_seq)


def chain_check_and_alert() -> ChainReport:
    """The daily check: on a break, an error in the log and an e-mail to every active datenschutz account."""
    report = verify_chain()
    if report.ok:
        return report
    logger.error(
        "Zugriffsprotokoll: Prüfsummenkette unterbrochen bei Nr. %s (%s)", report.broken_at, report.reason
    )
    _alert_datenschutz(report)
    return report


def _alert_datenschutz(report: ChainReport) -> int:
    from django.contrib.auth import get_user_model
    from django.core.mail import EmailMessage, get_connection
    from django.utils.translation import gettext as _

    from org.choices import Role

    recipients = list(
        get_user_model()
        .objects.filter(role=Role.DATENSCHUTZ, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return 0
    subject = _("Warnung: Das Zugriffsprotokoll wurde verändert")
    body = _(
        "Die tägliche Prüfung des Zugriffsprotokolls hat eine Unterbrechung der Prüfsummenkette gefunden "
        "(Eintrag Nr. %(seq)s: %(reason)s). Einträge wurden verändert, gelöscht oder am Protokoll vorbei "
        "eingefügt. Bitte prüfen Sie den Vorgang mit der Administration (manage.py verify_audit_log)."
    ) % {"seq": report.broken_at, "reason": report.reason}
    messages = [EmailMessage(subject=subject, body=body, to=[address]) for address in recipients]
    try:
        return get_connection(fail_silently=False).send_messages(messages) or 0
    except Exception:  # the alert must not end the daily job; the error is logged above
        logger.exception("Zugriffsprotokoll: Warnung an den Datenschutz nicht versandt")
        return 0

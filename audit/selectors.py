"""Reads for the audit app: the access log for the data-protection officer (DP-2, DP-4)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from audit.models import AccessLog, Capacity


def access_log_list(
    *, viewer, client_id: int | None = None, user_id: int | None = None
) -> QuerySet[AccessLog]:
    """The access log, readable only by the data-protection role (callers check the role)."""
    qs = AccessLog.objects.select_related("user").order_by("-at", "-pk")
    if client_id is not None:
        qs = qs.filter(client_id=client_id)
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    return qs


# --- the data-protection officer's view: reads and changes together (DP-2) ---------------------------

ACTION_LABELS = {
    "case.view": _("Fall angesehen"),
    "case.list": _("Fall in einer Liste angezeigt"),
    "case.summary.view": _("Fallzusammenfassung angesehen"),
    "case.export": _("Fall exportiert"),
    "client.view": _("Kund*in angesehen"),
    "client.list": _("Kund*in in einer Liste angezeigt"),
    "client.search": _("Kund*in in der Suche angezeigt"),
    "reminder.list": _("In Erinnerungen angezeigt"),
    "report.export": _("Bericht exportiert"),
    "agreement.download": _("Kooperationsplan heruntergeladen"),
    "accesslog.view": _("Im Zugriffsprotokoll angezeigt"),
    "accesslog.export": _("Zugriffsprotokoll exportiert"),
    "purge.prepare": _("Löschlauf vorbereitet"),
    "purge.confirm": _("Löschlauf bestätigt"),
}
OBJECT_LABELS = {"case": _("Fall"), "client": _("Kund*in"), "monthly_report": _("Monatsbericht")}
CHANGE_LABELS = {"insert": _("angelegt"), "update": _("geändert"), "delete": _("gelöscht")}
# The change history of client data (event tables declared by the cases app, kept in this app's schema):
# model name → (German object name, how its rows name the client).
HISTORY_TABLES = {
    "ClientHistory": (_("Kund*in"), "pgh_obj_id"),
    "ClientNeedHistory": (_("Handlungsbedarf"), "client_id"),
    "CaseHistory": (_("Fall"), "client_id"),
}


@dataclass(frozen=True, slots=True)
class ActivityRow:
    at: datetime.datetime
    username: str
    kind: str  # "Lesen" / "Änderung"
    action: str  # German label
    code: str
    object: str
    client_id: int | None
    capacity: str


def action_label(code: str) -> str:
    return str(ACTION_LABELS.get(code, code))


def client_activity(
    *,
    client_ids: list[int] | None = None,
    user_id: int | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    limit: int = 5000,
) -> list[ActivityRow]:
    """Reads (access log) and changes (history triggers) of the given clients — or by the given person —
    in one list, newest first; at most `limit` rows of each source."""
    from django.apps import apps
    from django.contrib.auth import get_user_model

    reads = AccessLog.objects.order_by("-at", "-pk")
    if client_ids is not None:
        reads = reads.filter(client_id__in=client_ids)
    if user_id is not None:
        reads = reads.filter(user_id=user_id)
    if date_from:
        reads = reads.filter(at__date__gte=date_from)
    if date_to:
        reads = reads.filter(at__date__lte=date_to)
    capacity_labels = dict(Capacity.choices)
    rows = [
        ActivityRow(
            at=e.at,
            username=e.username,
            kind=str(_("Lesen")),
            action=action_label(e.action),
            code=e.action,
            object=f"{OBJECT_LABELS.get(e.object_type, e.object_type)} {e.object_id or ''}".strip(),
            client_id=e.client_id,
            capacity=str(capacity_labels.get(e.capacity, e.capacity)),
        )
        for e in reads[:limit]
    ]
    changes = []
    for name, (label, client_field) in HISTORY_TABLES.items():
        model = apps.get_model("audit", name)
        qs = model.objects.select_related("pgh_context").order_by("-pgh_created_at")
        if client_ids is not None:
            qs = qs.filter(**{f"{client_field}__in": client_ids})
        if user_id is not None:
            qs = qs.filter(pgh_context__metadata__user=user_id)
        if date_from:
            qs = qs.filter(pgh_created_at__date__gte=date_from)
        if date_to:
            qs = qs.filter(pgh_created_at__date__lte=date_to)
        for event in qs[:limit]:
            context = event.pgh_context.metadata if event.pgh_context_id else {}
            changes.append((event, label, context.get("user"), getattr(event, client_field)))
    users = dict(
        get_user_model()
        .objects.filter(pk__in={u for *_rest, u, _c in changes if u})
        .values_list("pk", "username")
    )
    for event, label, user, client in changes:
        rows.append(
            ActivityRow(
                at=event.pgh_created_at,
                username=users.get(user, str(_("System"))),
                kind=str(_("Änderung")),
                action=f"{label} {CHANGE_LABELS.get(event.pgh_label, event.pgh_label)}",
                code=f"change.{event.pgh_label}",
                object=f"{label} {event.pgh_obj_id}",
                client_id=client,
                capacity="",
            )
        )
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows

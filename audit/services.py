"""The audit verb (DP-2, DP-4): `record(...)` writes one access-log row, `record_bulk(...)` one per object
in a single INSERT. Services call them for what they do (`purge.confirm`, `case.export`, …); the read gate
(`audit.decorators.audited` for pages, `audit.api.AuditedRetrieveMixin` for the API) calls them for every
read of client data.

A sink low in the app order: nothing here knows a case or a client. An object is described by duck typing
(`audit_object_type` / `audit_client_id` where a model declares them, else its label, `client_id`, `case`),
and *why* the user may read it — the capacity — is answered by the resolver the cases app installs at
start-up (`cases.apps.CasesConfig.ready` → `set_capacity_resolver(cases.access.capacity_for)`)."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterable

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from audit.models import AccessLog, Capacity
from org.choices import Role

CapacityResolver = Callable[..., str]
_capacity_resolver: CapacityResolver | None = None


def set_capacity_resolver(resolver: CapacityResolver) -> None:
    """Install `resolver(user, obj, today=…) -> Capacity` (called once, by the cases app)."""
    global _capacity_resolver
    _capacity_resolver = resolver


def system_capacity(user) -> str:
    """The capacity of an action that reads no particular case (purge runs, exports of figures)."""
    return Capacity.DATENSCHUTZ if user.role == Role.DATENSCHUTZ else Capacity.OTHER


def _object_ref(obj) -> tuple[str, int | None, int | None]:
    """(object_type, object_id, client_id) of a case, a client or any object with `case`/`client`."""
    object_type = getattr(obj, "audit_object_type", None)
    if object_type is None:
        object_type = obj._meta.label_lower if hasattr(obj, "_meta") else type(obj).__name__.lower()
    client_id = getattr(obj, "audit_client_id", None)
    if client_id is None:
        client_id = getattr(obj, "client_id", None)
    if client_id is None:
        client_id = getattr(getattr(obj, "case", None), "client_id", None)
    return object_type, getattr(obj, "pk", None), client_id


def _capacity(user, obj, today: datetime.date | None) -> str:
    if _capacity_resolver is None or obj is None:
        return Capacity.OTHER
    return _capacity_resolver(user, obj, today=today)


def record(
    *,
    user,
    action: str,
    obj=None,
    object_type: str | None = None,
    object_id: int | None = None,
    client_id: int | None = None,
    capacity: str | None = None,
    context: dict | None = None,
    today: datetime.date | None = None,
) -> AccessLog:
    """Write one access row: `user` did `action` (dotted code, e.g. "case.view") on `obj` (or on the
    object named by `object_type`/`object_id`)."""
    if obj is not None:
        object_type, object_id, derived_client = _object_ref(obj)
        client_id = client_id if client_id is not None else derived_client
    return AccessLog.objects.create(
        user=user,
        username=user.get_username(),
        action=action,
        object_type=object_type or "other",
        object_id=object_id,
        client_id=client_id,
        capacity=capacity or _capacity(user, obj, today),
        context=context or {},
    )


def record_bulk(
    *, user, action: str, objs: Iterable, capacity: str | None = None, context: dict | None = None, today=None
) -> int:
    """One row per object in a single INSERT (exports of n cases write n rows, DP-4)."""
    return record_rows(user=user, rows=((action, obj, capacity, context) for obj in objs), today=today)


def record_rows(*, user, rows: Iterable[tuple[str, object, str | None, dict | None]], today=None) -> int:
    """One access-log row per `(action, obj, capacity, context)` of `user`, all in a single INSERT (the read
    gate writes what a page showed in one statement, whatever lists it showed).

    Set-based: the columns go to PostgreSQL as arrays (`unnest`) — a list page logs 150 reads, and building
    150 model instances for `bulk_create` (in a transaction of its own) cost more than the page's queries
    (issue 17: 40 % of the worklist). The hash chain's trigger fills `seq`/`prev_hash`/`hash` per row as for
    `record`."""
    actions: list[str] = []
    types: list[str] = []
    ids: list[int | None] = []
    clients: list[int | None] = []
    capacities: list[str] = []
    contexts: list[str] = []
    encoded: dict[int, str] = {}
    for action, obj, capacity, context in rows:
        object_type, object_id, client_id = _object_ref(obj)
        actions.append(action)
        types.append(object_type)
        ids.append(object_id)
        clients.append(client_id)
        capacities.append(capacity or _capacity(user, obj, today))
        key = id(context)
        if key not in encoded:  # most rows share their list's context dict: encode it once
            encoded[key] = json.dumps(context or {}, cls=DjangoJSONEncoder)
        contexts.append(encoded[key])
    if not types:
        return 0
    assert AccessLog._meta.db_table == "audit_accesslog"  # noqa: S101 - the statement names it
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO audit_accesslog
                    (at, user_id, username, action, object_type, object_id, client_id, capacity, context,
                     prev_hash, hash)
                SELECT %s, %s, %s, t.action, t.object_type, t.object_id, t.client_id, t.capacity, t.context::jsonb,
                       '', ''
                FROM unnest(%s::text[], %s::text[], %s::bigint[], %s::bigint[], %s::text[], %s::text[])
                     WITH ORDINALITY AS t(action, object_type, object_id, client_id, capacity, context, n)
                ORDER BY t.n""",
            [
                timezone.now(),
                user.pk,
                user.get_username(),
                actions,
                types,
                ids,
                clients,
                capacities,
                contexts,
            ],
        )
    return len(types)

"""THE read gate's memory for one request (DP-2): what the request showed of which client.

Scoped selectors (`cases.selectors.case_get`, `client_get`, the list selectors) and the page/API views
(`audit.decorators.audited`, `AuditedRetrieveMixin`) call `shown(...)`; `ReadGateMiddleware` writes the
access log once the response is known — through the one audit verb (`audit.services.record_rows`), one
INSERT per request, one row per object however often the request touched it. Nothing is
written for redirects, 404 and server errors (nothing was shown), nor outside a request (tasks and
commands log their reads themselves)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass

from audit.services import _object_ref, record_rows
from catalog import clock

CapacityOf = str | Callable[[object], str] | None


@dataclass(slots=True)
class _Entry:
    user: object
    obj: object
    action: str
    capacity: str | None
    context: dict
    primary: bool


_shown: ContextVar[dict | None] = ContextVar("audit_gate_shown", default=None)


def active() -> bool:
    return _shown.get() is not None


def shown(
    objs,
    *,
    user,
    action: str,
    capacity: CapacityOf = None,
    context: dict | None = None,
    primary: bool = False,
) -> None:
    """Remember that this request shows `objs` (one object or an iterable of them). A selector's note
    (`primary=False`) yields to the view's own (`primary=True`, with the page's action and context)."""
    bucket = _shown.get()
    if bucket is None or objs is None or not getattr(user, "is_authenticated", False):
        return
    items = objs if isinstance(objs, Iterable) and not isinstance(objs, str | bytes) else [objs]
    for obj in items:
        object_type, object_id, client_id = _object_ref(obj)
        if client_id is None and object_type not in {"case", "client"}:
            continue
        key = (user.pk, object_type, object_id)
        old = bucket.get(key)
        if old is not None and (old.primary or not primary):
            continue
        cap = capacity(obj) if callable(capacity) else capacity
        bucket[key] = _Entry(user, obj, action, cap, dict(context or {}), primary)


def _should_log(response) -> bool:
    status = response.status_code
    return not (300 <= status < 400 or status in (401, 404) or status >= 500)


def flush(response, *, today=None, path: str | None = None) -> int:
    bucket = _shown.get()
    if not bucket:
        return 0
    if not _should_log(response):
        bucket.clear()
        return 0
    by_user: dict[object, list] = defaultdict(list)
    for entry in bucket.values():
        if path and "path" not in entry.context:
            entry.context["path"] = path[:200]
        by_user[entry.user].append(entry)
    bucket.clear()
    written = 0
    for user, entries in by_user.items():  # one user per request in practice: one INSERT
        written += record_rows(
            user=user, rows=((e.action, e.obj, e.capacity, e.context) for e in entries), today=today
        )
    return written


class ReadGateMiddleware:
    """Opens the gate's memory for the request and writes the access log after the view answered."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _shown.set({})
        try:
            response = self.get_response(request)
            flush(response, today=clock.request_day(request), path=request.path)
        finally:
            _shown.reset(token)
        return response

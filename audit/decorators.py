"""THE read gate (DP-2): every read of client data writes the access log through one of these two.

- `audited(action, …)` decorates a page view;
- `AuditedRetrieveMixin` is mixed into a DRF view (retrieve: one row; list: one row per object in one
  INSERT per capacity).

Both hand what was shown to the request's gate (`audit.gate`, written by `ReadGateMiddleware` through
`audit.services.record_bulk` once the response is known); called outside a request they log at once. A gated view or
API class carries `audited_action` (the decorator sets it on the wrapper, the mixin as a class attribute),
which is what a test that enumerates the routes checks."""

from __future__ import annotations

import functools
from collections import defaultdict

from audit import gate
from audit.services import record, record_bulk
from catalog import clock


def audited(action: str, *, get_object=None, context: dict | None = None):
    """Log what the decorated view showed, for every method (a form re-rendered after a POST, an htmx
    fragment): the view names it on the request — `request.audited_object` (one case or client) or
    `request.audited_objects` (a list; `request.audited_capacity` when the capacity is the same for all),
    plus `request.audited_context` for details of this request. Without either, `get_object(request,
    *args, **kwargs)` is asked (already scoped; None means nothing personal was shown). The rows are
    written by the gate (`audit.gate`) once the response is known: none for redirects, 404, 5xx."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if not request.user.is_authenticated or not gate._should_log(response):
                return response
            details = {**(context or {}), **getattr(request, "audited_context", {})}
            objs = getattr(request, "audited_objects", None)
            if objs is None:
                obj = getattr(request, "audited_object", None)
                if obj is None and get_object is not None:
                    obj = get_object(request, *args, **kwargs)
                objs = [obj] if obj is not None else []
            _note(
                request.user,
                objs,
                action=action,
                capacity=getattr(request, "audited_capacity", None),
                context=details,
                today=clock.request_day(request),
            )
            return response

        wrapper.audited_action = action
        return wrapper

    return decorator


def _note(user, objs, *, action, capacity=None, context=None, today=None) -> None:
    """Hand `objs` to the gate of the running request; outside one (a view called directly), log now."""
    objs = list(objs)
    if not objs:
        return
    if gate.active():
        gate.shown(objs, user=user, action=action, capacity=capacity, context=context, primary=True)
    elif callable(capacity):
        for obj in objs:
            record(user=user, action=action, obj=obj, capacity=capacity(obj), context=context, today=today)
    else:
        record_bulk(user=user, action=action, objs=objs, capacity=capacity, context=context, today=today)


class AuditedRetrieveMixin:
    """For DRF views that show a case or client: `audit_object` logs one access row, `audit_objects` one
    per object on list pages (DP-2). Set `audit_action_retrieve` / `audit_action_list` (e.g. "case.view",
    "case.list"), `audit_context`; `audit_list=False` switches list logging off. A view whose list capacity
    follows from the loaded rows overrides `audit_list_capacity` (no query per row)."""

    audit_action_retrieve: str = "case.view"
    audit_action_list: str = "case.list"
    audit_list: bool = True
    audit_context: dict | None = None

    @property
    def audited_action(self) -> str:
        return self.audit_action_retrieve

    def audit_list_capacity(self, user, obj) -> str | None:
        return None  # None: the capacity resolver decides per object

    def audit_object(self, request, obj) -> None:
        _note(
            request.user,
            [obj],
            action=self.audit_action_retrieve,
            context=self.audit_context,
            today=clock.request_day(request),
        )

    def audit_objects(self, request, objs) -> None:
        """One INSERT per capacity, however many rows the page shows."""
        if not self.audit_list or not objs:
            return
        groups: dict[str | None, list] = defaultdict(list)
        for obj in objs:
            groups[self.audit_list_capacity(request.user, obj)].append(obj)
        for capacity, items in groups.items():
            _note(
                request.user,
                items,
                action=self.audit_action_list,
                capacity=capacity,
                context=self.audit_context,
                today=clock.request_day(request),
            )

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        self.audit_object(request, instance)
        return self.get_response_for(instance)

    def get_response_for(self, instance):
        from rest_framework.response import Response

        return Response(self.get_serializer(instance).data)

    def list(self, request, *args, **kwargs):
        from rest_framework.response import Response

        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        objects = list(page if page is not None else queryset)
        self.audit_objects(request, objects)
        data = self.get_serializer(objects, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

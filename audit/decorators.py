"""THE read gate (DP-2): every read of client data writes the access log through one of these two.

- `audited(action, get_object=…)` for pages (a view decorator),
- `AuditedRetrieveMixin` for DRF views (retrieve: one row; list: one row per object in one INSERT).

Both call `audit.services.record` / `record_bulk`. A gated view or API class carries `audited_action`
(the decorator sets it on the wrapper; the mixin has `audit_action_retrieve`), which is what a test that
enumerates the routes can check."""

from __future__ import annotations

import functools

from audit.services import record, record_bulk


def audited(action: str, *, get_object, context: dict | None = None):
    """Decorate a view; `get_object(request, *args, **kwargs)` returns the case/client it showed (already
    scoped — None means nothing personal was shown). One row is written per successful (2xx) GET.

    A view that found the object itself may put it on `request.audited_object` to spare `get_object`."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if (
                request.method == "GET"
                and 200 <= response.status_code < 300
                and request.user.is_authenticated
            ):
                obj = getattr(request, "audited_object", None)
                if obj is None:
                    obj = get_object(request, *args, **kwargs)
                if obj is not None:
                    record(
                        user=request.user,
                        action=action,
                        obj=obj,
                        context=context,
                        today=getattr(request, "audited_day", None),
                    )
            return response

        wrapper.audited_action = action  # the route-enumerating test finds the gate by this attribute
        return wrapper

    return decorator


class AuditedRetrieveMixin:
    """For DRF views that show a case or client: log one access row per retrieve and one per object
    on list pages (DP-2). Set `audit_action_retrieve` / `audit_action_list` (e.g. "case.view",
    "case.list"); `audit_list=False` switches list logging off."""

    audit_action_retrieve: str = "case.view"
    audit_action_list: str = "case.list"
    audit_list: bool = True
    audit_context: dict | None = None

    def retrieve(self, request, *args, **kwargs):
        instance = self.get_object()
        record(user=request.user, action=self.audit_action_retrieve, obj=instance, context=self.audit_context)
        return self.get_response_for(instance)

    def get_response_for(self, instance):
        from rest_framework.response import Response

        return Response(self.get_serializer(instance).data)

    def list(self, request, *args, **kwargs):
        from rest_framework.response import Response

        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        objects = list(page if page is not None else queryset)
        if self.audit_list and objects:
            record_bulk(
                user=request.user, action=self.audit_action_list, objs=objects, context=self.audit_context
            )
        data = self.get_serializer(objects, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)

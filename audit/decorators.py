"""The read gate for pages (DP-2): `audited` logs one access row when a page shows a case or client."""

from __future__ import annotations

import functools

from audit.services import record


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

"""`audited` for UI views: log one access row when a page shows a case or client (DP-2)."""

from __future__ import annotations

import functools

from audit.services import access_log_record


def audited(action: str, *, get_object):
    """Decorate a view; `get_object(request, *args, **kwargs)` returns the case/client it shows (already
    scoped — None means the view answers 404 itself). One row is written per successful (2xx) GET."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if (
                request.method == "GET"
                and 200 <= response.status_code < 300
                and request.user.is_authenticated
            ):
                obj = get_object(request, *args, **kwargs)
                if obj is not None:
                    access_log_record(user=request.user, action=action, obj=obj)
            return response

        return wrapper

    return decorator

"""Reads for the audit app: the access log for the data-protection officer (DP-2, DP-4)."""

from __future__ import annotations

from django.db.models import QuerySet

from audit.models import AccessLog


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

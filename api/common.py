"""What every API module shares: the error body of API.md (`exception_handler`), pagination, the role
permission and the id parser."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from api.pagination import Pagination
from api.parsers import InputRefused
from fallmanagement.errors import DomainError

logger = logging.getLogger("fallmanagement.api")


def _flatten(detail) -> list[str]:
    if isinstance(detail, list):
        out: list[str] = []
        for item in detail:
            out.extend(_flatten(item))
        return out
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            out.extend(f"{key}: {text}" for text in _flatten(value))
        return out
    return [str(detail)]


def error_response(code: str, message: str, http_status: int, fields: dict | None = None) -> Response:
    return Response({"error": {"code": code, "message": message, "fields": fields or {}}}, status=http_status)


def exception_handler(exc, context):
    """Turn every 4xx into `{"error": {"code", "message", "fields"}}` with a German message."""
    if isinstance(exc, DomainError):
        return error_response(exc.code, exc.message, exc.status, exc.fields)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        return error_response("invalid", " ".join(exc.messages), 400, fields)
    if isinstance(exc, Http404 | exceptions.NotFound):
        return error_response("not_found", _("Nicht gefunden."), 404)
    if isinstance(exc, PermissionDenied):
        return error_response("permission_denied", _("Dafür fehlt Ihnen die Berechtigung."), 403)
    if isinstance(exc, exceptions.ValidationError):
        detail = exc.detail
        fields: dict[str, list[str]] = {}
        if isinstance(detail, dict):
            for key, value in detail.items():
                fields[str(key)] = _flatten(value)
            message = _("Die Eingaben sind ungültig.")
        else:
            message = " ".join(_flatten(detail)) or _("Die Eingaben sind ungültig.")
        return error_response("invalid", message, 400, fields)
    if isinstance(exc, InputRefused):
        return error_response("invalid", str(exc.detail), 400)
    if isinstance(exc, exceptions.ParseError):
        return error_response("invalid", _("Der Inhalt ist kein gültiges JSON."), 400)
    if isinstance(exc, exceptions.UnsupportedMediaType):
        return error_response("invalid", _("Nur JSON wird angenommen."), 415)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        response = error_response("not_authenticated", _("Bitte melden Sie sich an."), 401)
        response["WWW-Authenticate"] = "Token"
        return response
    if isinstance(exc, exceptions.PermissionDenied):
        return error_response("permission_denied", _("Dafür fehlt Ihnen die Berechtigung."), 403)
    if isinstance(exc, exceptions.MethodNotAllowed):
        return error_response("method_not_allowed", _("Diese Methode ist hier nicht erlaubt."), 405)
    if isinstance(exc, exceptions.NotAcceptable):
        return error_response("not_acceptable", _("Dieses Format wird nicht angeboten."), 406)
    if isinstance(exc, exceptions.Throttled):
        return error_response("throttled", _("Zu viele Anfragen. Bitte warten Sie kurz."), 429)
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code >= 400:
        return error_response(
            "error", _flatten(response.data)[0] if response.data else "", response.status_code
        )
    return response


__all__ = ["Pagination", "error_response", "exception_handler", "status"]


def role_permission(*roles: str) -> type[permissions.BasePermission]:
    """A DRF permission: signed in and one of `roles` (else 403; not signed in → 401)."""

    class HasRole(permissions.BasePermission):
        message = _("Ihre Rolle darf das nicht.")

        def has_permission(self, request, view) -> bool:
            user = request.user
            return bool(user and user.is_authenticated and getattr(user, "role", None) in roles)

    HasRole.__name__ = f"HasRole_{'_'.join(roles)}"
    return HasRole

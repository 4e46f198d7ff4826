"""What every API module shares: the error body of API.md (`exception_handler`), pagination, the role
permission and the id parser."""

from __future__ import annotations

import logging
import math

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

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


class InputRefused(exceptions.ParseError):
    """A body refused by `SafeJSONParser`; its German message reaches the client."""


class SafeJSONParser(JSONParser):
    """JSON bodies as data, never as a 500 (issue 15 finding 10): nesting deeper than `MAX_DEPTH`, NUL
    characters and lone surrogates (which PostgreSQL cannot store) are refused with 400 before any view
    sees them."""

    MAX_DEPTH = 32

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise InputRefused(_("Der Inhalt ist zu tief verschachtelt.")) from None
        _check_json(data, self.MAX_DEPTH)
        return data


def _check_json(data, max_depth: int) -> None:
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > max_depth:
            raise InputRefused(_("Der Inhalt ist zu tief verschachtelt."))
        if isinstance(value, dict):
            stack.extend((k, depth + 1) for k in value)
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, str):
            if "\x00" in value:
                raise InputRefused(_("Der Inhalt enthält ein unzulässiges Nullzeichen."))
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise InputRefused(_("Der Inhalt enthält ungültige Zeichen.")) from None
        elif isinstance(value, float) and not math.isfinite(value):
            raise InputRefused(_("Der Inhalt enthält eine ungültige Zahl."))


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


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_number(self, request, paginator):
        number = super().get_page_number(request, paginator)
        if isinstance(number, str) and number not in self.last_page_strings and not number.isdigit():
            raise exceptions.ValidationError({"page": [_("Ungültige Seitenzahl.")]})
        return number

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            value = int(raw)
        except ValueError:
            raise exceptions.ValidationError({"page_size": [_("Bitte eine ganze Zahl angeben.")]}) from None
        if not 1 <= value <= self.max_page_size:
            raise exceptions.ValidationError(
                {"page_size": [_("Erlaubt sind 1 bis %(max)s.") % {"max": self.max_page_size}]}
            )
        return value


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

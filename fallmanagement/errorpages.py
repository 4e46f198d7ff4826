"""Error pages (400, 403, 404, 500) — wiring: German pages in the app's layout for people, the API.md error
body for programs under /api/. The templates (`templates/<code>.html`, `templates/errors/layout.html`)
need no database and no session, so even a 500 caused by the database renders."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def _api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _json(code: str, message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)


def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    if _api(request):
        return _json("invalid", _("Die Anfrage ist ungültig."), 400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    if _api(request):
        return _json("permission_denied", _("Dafür fehlt Ihnen die Berechtigung."), 403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    if _api(request):
        return _json("not_found", _("Nicht gefunden."), 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    if _api(request):
        return _json("server_error", _("Ein technischer Fehler ist aufgetreten."), 500)
    return defaults.server_error(request)

"""Session and response hardening (issue 6): absolute session lifetime, no caching of personal data,
and the per-role second factor."""

from __future__ import annotations

import re
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect
from django.urls import reverse

SESSION_LOGIN_AT = "fm_login_at"
_SESSION_KEY = re.compile(r"[a-z0-9]{8,64}")
# Paths a signed-in user may reach before the second factor is verified.
_OTP_EXEMPT_PREFIXES = ("/sicherheit/zwei-faktor/", "/static/", "/abmelden/", "/logout/", "/accounts/logout/")


class AbsoluteSessionTimeoutMiddleware:
    """End every session 12 hours after sign-in, however active it was (idle expiry: SESSION_COOKIE_AGE)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            started = request.session.get(SESSION_LOGIN_AT)
            if started is None:
                request.session[SESSION_LOGIN_AT] = now
            elif now - int(started) > settings.SESSION_ABSOLUTE_SECONDS:
                logout(request)
        return self.get_response(request)


SESSION_SEEN_AT = "fm_seen_at"
IDLE_REFRESH_SECONDS = 60


def _now() -> int:
    return int(time.time())


class IdleSessionRefreshMiddleware:
    """Keep the 30-minute idle expiry sliding without writing the session on every request: the session
    (and so its expiry) is saved at most once a minute, which saves three queries on most page views.
    Replaces SESSION_SAVE_EVERY_REQUEST; the idle limit is then exact to within a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        user = getattr(request, "user", None)
        # Only sessions that exist: a token-authenticated API call must not create one.
        if (
            session is not None
            and session.session_key is not None
            and user is not None
            and user.is_authenticated
            and not session.modified
        ):
            now = _now()
            if now - int(session.get(SESSION_SEEN_AT, 0)) >= IDLE_REFRESH_SECONDS:
                session[SESSION_SEEN_AT] = now
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a signed-in user and on every API response:
    pages with personal data must not land in browser or proxy caches."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        authenticated = user is not None and user.is_authenticated
        if authenticated or request.path.startswith("/api/") or "Authorization" in request.headers:
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class OTPRequiredMiddleware:
    """Roles in settings.FM_OTP_REQUIRED_ROLES must confirm a TOTP code after signing in (django-otp)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        roles = settings.FM_OTP_REQUIRED_ROLES
        if (
            roles
            and user is not None
            and user.is_authenticated
            and getattr(user, "role", None) in roles
            and not user.is_verified()
            and not request.path.startswith(_OTP_EXEMPT_PREFIXES)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse

                return JsonResponse(
                    {
                        "error": {
                            "code": "otp_required",
                            "message": "Bitte bestätigen Sie zuerst Ihren zweiten Faktor.",
                            "fields": {},
                        }
                    },
                    status=403,
                )
            return redirect(f"{reverse('audit:otp')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class SessionCookieSanitizerMiddleware:
    """Before SessionMiddleware: ignore a session cookie that cannot be a session key (Django makes
    32 lowercase letters/digits). A forged cookie with NUL bytes would otherwise reach PostgreSQL
    and end in a 500 instead of an anonymous request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = settings.SESSION_COOKIE_NAME
        value = request.COOKIES.get(name)
        if value is not None and not _SESSION_KEY.fullmatch(value):
            del request.COOKIES[name]
        return self.get_response(request)

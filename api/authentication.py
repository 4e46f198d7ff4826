"""API authentication (issue 15 findings 1, 8). Its own module: DRF imports it while loading its settings,
so it must not import `rest_framework.views` (as `api.common` does)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token, expiring FM_API_TOKEN_HOURS after issue (`audit.signin.token_expired`); an expired
    token is deleted and answered 401. Tokens of the roles with a second factor are issued only with a
    valid TOTP code (`audit.signin.token_issue`), so a token is never a way around it."""

    def authenticate_credentials(self, key):
        from audit import signin

        user, token = super().authenticate_credentials(key)
        if signin.token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(
                _("Ihr Zugangstoken ist abgelaufen. Bitte melden Sie sich erneut an."), code="token_expired"
            )
        return user, token

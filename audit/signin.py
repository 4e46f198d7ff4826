"""Sign-in rules (issue 15 findings 1 and 8, ASVS L2 V2/V3): the second factor on every path, enrolment by a
code another person issued, lockout per account with a growing cool-off, API tokens that expire and are
revoked at logout, password change and lockout.

- `otp_required(user)`: the roles of `FM_OTP_REQUIRED_ROLES` (default: admin, datenschutz, teamleitung,
  bereichsleitung). The session path is guarded by `audit.middleware.OTPRequiredMiddleware`, the token
  path by `token_issue`, which refuses a password without a valid TOTP code for these roles.
- `enrolment_code_issue` / `enrolment_code_redeem`: a one-time code (hash stored, valid
  `FM_OTP_ENROLMENT_HOURS`, default 72 h) issued by an admin for *another* account, or by the operator
  (`manage.py issue_enrolment_code`). Without it nobody can set up a second factor for an account.
- `cool_off(request)`: django-axes' cool-off (AXES_COOLOFF_TIME), growing with the account's failures of
  the last 24 hours: base × 2^(lockouts − 1), capped at `AXES_COOLOFF_MAX` — a lock always ends.
- `tokens_revoke(user)`: deletes the account's API token (called from the signals in `audit.signals`).
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit import services as audit
from audit.models import EnrolmentCode
from fallmanagement.errors import DomainError, InvalidInput, NotPermitted
from org.choices import Role

logger = logging.getLogger("fallmanagement.audit")
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 12


class NotAuthenticated(DomainError):
    """401: the sign-in is incomplete (second factor missing or wrong)."""

    status = 401
    code = "otp_required"


def otp_required(user) -> bool:
    return bool(user is not None and getattr(user, "role", None) in settings.FM_OTP_REQUIRED_ROLES)


def _hash(code: str) -> str:
    normalised = code.strip().upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(normalised.encode()).hexdigest()


@transaction.atomic
def enrolment_code_issue(*, user, acting_user=None, now: datetime.datetime | None = None) -> str:
    """A one-time code for `user` to set up the second factor; earlier unused codes of the user end.
    `acting_user=None` is the operator (management command). Removes the user's existing devices: a new
    code means a new authenticator (lost phone)."""
    if acting_user is not None:
        if getattr(acting_user, "role", None) != Role.ADMIN or not acting_user.is_active:
            raise NotPermitted(_("Nur die Administration kann Einrichtungscodes erstellen."))
        if acting_user.pk == user.pk:
            raise NotPermitted(
                _(
                    "Vier-Augen-Prinzip: Den Einrichtungscode für Ihr eigenes Konto muss eine andere Person erstellen."
                ),
                code="four_eyes",
            )
        from audit import accounts

        if (
            acting_user.pk == accounts.requested_by_of(user)
            or accounts.requested_pending_by(user) == acting_user.pk
        ):
            raise NotPermitted(
                _(
                    "Vier-Augen-Prinzip: Wer das Konto angelegt oder die Rolle beantragt hat, kann den "
                    "Einrichtungscode nicht erstellen."
                ),
                code="four_eyes",
            )
    now = now or timezone.now()
    EnrolmentCode.objects.filter(user=user, used_at__isnull=True).update(expires_at=now)
    TOTPDevice.objects.filter(user=user).delete()
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    EnrolmentCode.objects.create(
        user=user,
        code_hash=_hash(raw),
        issued_by=acting_user,
        issued_at=now,
        expires_at=now + datetime.timedelta(hours=settings.FM_OTP_ENROLMENT_HOURS),
    )
    if acting_user is not None:
        audit.record(
            user=acting_user,
            action="staff.otp_enrolment_code",
            object_type="org.staff",
            object_id=user.pk,
            capacity=audit.system_capacity(acting_user),
        )
    else:
        logger.warning("Einrichtungscode für den zweiten Faktor vom Betrieb erstellt: Konto %s", user.pk)
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def enrolment_code_valid(*, user, code: str, now: datetime.datetime | None = None) -> EnrolmentCode | None:
    now = now or timezone.now()
    return (
        EnrolmentCode.objects.filter(
            user=user, code_hash=_hash(code or ""), used_at__isnull=True, expires_at__gt=now
        )
        .exclude(issued_by=user)
        .first()
    )


@transaction.atomic
def enrolment_complete(*, user, code_id: int, device: TOTPDevice, token: str) -> bool:
    """Confirm the new device with a TOTP code and use up the enrolment code (once)."""
    code = (
        EnrolmentCode.objects.select_for_update().filter(pk=code_id, user=user, used_at__isnull=True).first()
    )
    if code is None or code.expires_at <= timezone.now():
        raise InvalidInput(_("Der Einrichtungscode ist abgelaufen oder wurde schon verwendet."))
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    code.used_at = timezone.now()
    code.save(update_fields=["used_at"])
    return True


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def token_issue(*, request, username: str, password: str, otp: str | None):
    """`POST /api/v1/auth/token/`: the password, and for the roles of FM_OTP_REQUIRED_ROLES a valid TOTP
    code as well (issue 15 finding 1). A wrong code counts as a failed sign-in (django-axes)."""
    from django.contrib.auth import authenticate
    from rest_framework.authtoken.models import Token

    request.fm_signin_username = username  # for the cool-off (`cool_off`)
    user = authenticate(request=request, username=username, password=password)
    if user is None or not user.is_active:
        raise InvalidInput(
            _("Benutzername oder Passwort ist falsch."),
            fields={"non_field_errors": [_("Benutzername oder Passwort ist falsch.")]},
        )
    if otp_required(user):
        device = confirmed_device(user)
        if device is None:
            raise NotAuthenticated(
                _(
                    "Für Ihre Rolle ist ein zweiter Faktor vorgeschrieben. Bitte richten Sie ihn zuerst im "
                    "Browser mit Ihrem Einrichtungscode ein."
                ),
                code="otp_setup_required",
            )
        if not otp:
            raise NotAuthenticated(
                _(
                    "Für Ihre Rolle ist ein zweiter Faktor vorgeschrieben: Bitte geben Sie den Einmalcode (otp) mit."
                ),
                fields={"otp": [_("Einmalcode fehlt.")]},
            )
        if not device.verify_token(str(otp).strip()):
            user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
            raise NotAuthenticated(
                _("Der Einmalcode stimmt nicht."),
                code="otp_invalid",
                fields={"otp": [_("Der Code stimmt nicht.")]},
            )
    token = Token.objects.filter(user=user).first()
    if token is not None and token_expired(token):
        token.delete()
        token = None
    if token is None:
        token = Token.objects.create(user=user)
    return token


def token_expired(token, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) - token.created > datetime.timedelta(hours=settings.FM_API_TOKEN_HOURS)


def tokens_revoke(user) -> int:
    from rest_framework.authtoken.models import Token

    if user is None or getattr(user, "pk", None) is None:
        return 0
    return Token.objects.filter(user_id=user.pk).delete()[0]


def tokens_revoke_username(username: str | None) -> int:
    if not username:
        return 0
    user = get_user_model().objects.filter(username=username).first()
    return tokens_revoke(user)


# --- lockout with a growing cool-off (django-axes) -----------------------------------------------------------


def _signin_username(request) -> str | None:
    if request is None:
        return None
    username = getattr(request, "fm_signin_username", None)
    if username is None:
        username = (getattr(request, "POST", None) or {}).get("username")
    return (username or "")[:255] or None


def cool_off(request=None) -> datetime.timedelta:
    """AXES_COOLOFF_TIME: base × 2^(lockouts of this account in the last 24 hours − 1), at most the cap."""
    base = settings.AXES_COOLOFF_BASE
    username = _signin_username(request)
    if not username:
        return base
    from axes.models import AccessFailureLog

    since = timezone.now() - datetime.timedelta(hours=24)
    failures = AccessFailureLog.objects.filter(username=username, attempt_time__gte=since).count()
    lockouts = failures // max(1, settings.AXES_FAILURE_LIMIT)
    return min(base * (2 ** min(max(0, lockouts - 1), 20)), settings.AXES_COOLOFF_MAX)

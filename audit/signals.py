"""Remember when a session signed in: for the 12-hour absolute session lifetime, and as the first
"seen" mark of the sliding idle expiry (so the first page after sign-in writes no session)."""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from audit import middleware


@receiver(user_logged_in, dispatch_uid="audit_session_login_at")
def remember_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[middleware.SESSION_LOGIN_AT] = int(time.time())
        request.session[middleware.SESSION_SEEN_AT] = middleware._now()


# --- API tokens end with the sign-in they came from (issue 15 finding 8) -------------------------------------
from axes.signals import user_locked_out  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth.signals import user_logged_out  # noqa: E402
from django.db.models.signals import post_save  # noqa: E402

from audit import signin  # noqa: E402


@receiver(user_logged_out, dispatch_uid="audit_tokens_revoke_logout")
def revoke_tokens_at_logout(sender, request, user, **kwargs):
    signin.tokens_revoke(user)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="audit_tokens_revoke_password")
def revoke_tokens_at_password_change(sender, instance, created, **kwargs):
    # AbstractBaseUser.set_password keeps the raw password in `_password` until save() has run.
    if not created and getattr(instance, "_password", None) is not None:
        signin.tokens_revoke(instance)


@receiver(user_locked_out, dispatch_uid="audit_tokens_revoke_lockout")
def revoke_tokens_at_lockout(sender, request, username, **kwargs):
    signin.tokens_revoke_username(username)

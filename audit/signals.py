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

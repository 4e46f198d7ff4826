"""Remember when a session signed in, for the 12-hour absolute session lifetime."""

import time

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from audit.middleware import SESSION_LOGIN_AT


@receiver(user_logged_in, dispatch_uid="audit_session_login_at")
def remember_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_LOGIN_AT] = int(time.time())

"""Settings of the benchmark runs: production settings (DJANGO_DEBUG=0) served over plain HTTP on loopback.

In production TLS ends at the reverse proxy; the benchmark talks to gunicorn directly on 127.0.0.1, so the
cookies must not be `Secure` (a client does not send secure cookies over http) and nothing redirects to
https. Everything else — middleware, sessions saved on every request, Argon2, axes, CSP, the manifest
static storage — stays as in production.
"""

from fallmanagement.settings import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"

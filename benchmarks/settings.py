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

# The framework floor (benchmarks/floor.py): two bench-only pages, in this URLconf only.
ROOT_URLCONF = "benchmarks.urls"
TEMPLATES = [  # noqa: F405
    {**TEMPLATES[0], "DIRS": [*TEMPLATES[0]["DIRS"], BASE_DIR / "benchmarks" / "templates"]},  # noqa: F405
    *TEMPLATES[1:],  # noqa: F405
]

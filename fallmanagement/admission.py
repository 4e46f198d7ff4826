"""Admission control in front of the Django app (WSGI) — wiring: overload is answered, not queued.

A gunicorn worker (gthread) hands every accepted request to a thread. Without a limit, twice the load the
CPUs can serve means every request waits behind all others: latency grows without bound, requests run into
the client's and gunicorn's time-outs, and throughput collapses (benchmarks/results/REPORT.md). Here each
worker process admits at most `FM_ADMISSION_LIMIT` requests at a time (about what its CPU share can work
on); a request that finds no free slot within `FM_ADMISSION_WAIT_MS` is answered at once with 503 and
`Retry-After` — a German page, or the API error body under /api/. The worker has more threads than slots,
so the refusal itself never waits.

Sign-ins (POST of the sign-in form and of the API token endpoint) hash a password with Argon2id (~25 ms of
one core each). They have their own, smaller pool (`FM_SIGNIN_LIMIT` per worker) and do not take a page
slot: 50 people signing in at 08:00 queue among themselves instead of taking every worker from the people
already at work. Static files (whitenoise) pass without a slot.

The admitted requests run on the admission control's own threads — exactly `limit` for pages and
`FM_SIGNIN_LIMIT` for sign-ins — while gunicorn's (many) threads only read requests, wait for a slot and answer.
So gunicorn can have enough threads that every request reaches the admission check at once (with too few, the
excess waited in gunicorn's queue before any check: 503s after 1.2 s and admitted p95 1.4 s at 4× the peak),
and still only `limit + FM_SIGNIN_LIMIT` threads per worker ever hold a database connection (Django keeps one
per thread for CONN_MAX_AGE: 64 gunicorn threads held 68 PostgreSQL connections per instance, two
instances more than PostgreSQL's default 100). Measurements: benchmarks/results/REPORT.md.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

SIGNIN_PATHS = ("/anmelden/", "/api/v1/auth/token/")
RETRY_AFTER_SECONDS = "2"


def _int_env(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


class AdmissionControl:
    def __init__(self, app, *, limit: int | None = None, wait_ms: int | None = None,
                 signin_limit: int | None = None, signin_wait_ms: int | None = None):  # fmt: skip
        self.app = app
        self.limit = limit if limit is not None else _int_env("FM_ADMISSION_LIMIT", 4)
        self.wait = (wait_ms if wait_ms is not None else _int_env("FM_ADMISSION_WAIT_MS", 100)) / 1000
        signin = signin_limit if signin_limit is not None else _int_env("FM_SIGNIN_LIMIT", 1)
        self.signin_wait = (
            signin_wait_ms if signin_wait_ms is not None else _int_env("FM_SIGNIN_WAIT_MS", 5000)
        ) / 1000
        self.pages = threading.BoundedSemaphore(self.limit) if self.limit > 0 else None
        self.signins = threading.BoundedSemaphore(signin) if signin > 0 else None
        # As many threads as slots: a request that holds a slot always finds its thread free.
        self._runners = {
            id(pool): ThreadPoolExecutor(max_workers=n, thread_name_prefix=name)
            for pool, n, name in ((self.pages, self.limit, "fm-page"), (self.signins, signin, "fm-signin"))
            if pool is not None
        }
        self._bodies: dict[str, bytes] = {}

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if self.pages is None or path.startswith("/static/"):
            return self.app(environ, start_response)
        is_signin = environ.get("REQUEST_METHOD") == "POST" and path in SIGNIN_PATHS
        pool, wait = (self.signins, self.signin_wait) if is_signin else (self.pages, self.wait)
        if pool is None:
            return self.app(environ, start_response)
        if not pool.acquire(timeout=wait):
            return self._refuse(path, start_response)
        try:
            return [self._runners[id(pool)].submit(self._run, environ, start_response).result()]
        finally:
            pool.release()

    def _run(self, environ, start_response) -> bytes:
        """On a runner thread: the whole response, closed (Django's request_finished, which returns the
        thread's database connection when it is too old, runs here too)."""
        result = self.app(environ, start_response)
        try:
            return b"".join(result)  # the slot is held until the response is complete
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    def _refuse(self, path: str, start_response):
        api = path.startswith("/api/")
        content_type = "application/json" if api else "text/html; charset=utf-8"
        body = self._body(api)
        start_response(
            "503 Service Unavailable",
            [
                ("Content-Type", content_type),
                ("Content-Length", str(len(body))),
                ("Retry-After", RETRY_AFTER_SECONDS),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body]

    def _body(self, api: bool) -> bytes:
        key = "api" if api else "html"
        if key not in self._bodies:  # rendered once per process, then served from memory
            if api:
                import json

                from django.utils.translation import gettext, override

                with override("de"):
                    message = gettext(
                        "Das System ist gerade ausgelastet. Bitte versuchen Sie es gleich erneut."
                    )
                self._bodies[key] = json.dumps(
                    {"error": {"code": "overloaded", "message": message, "fields": {}}}, ensure_ascii=False
                ).encode()
            else:
                from django.template.loader import render_to_string
                from django.utils.translation import override

                with override("de"):
                    self._bodies[key] = render_to_string("503.html").encode()
        return self._bodies[key]

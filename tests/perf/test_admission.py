"""Admission control (issue 17 "Overload"): at most `limit` requests per worker at a time; the excess is
answered at once with 503 + Retry-After; sign-ins have their own pool; static files pass."""

import threading

import pytest

from fallmanagement.admission import AdmissionControl


class _SlowApp:
    """A WSGI app whose requests block until released, counting how many run at once."""

    def __init__(self):
        self.release = threading.Event()
        self.running = 0
        self.max_running = 0
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        with self.lock:
            self.running += 1
            self.max_running = max(self.max_running, self.running)
        self.release.wait(5)
        with self.lock:
            self.running -= 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def _call(app, path="/", method="GET"):
    seen = {}

    def start_response(status, headers):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(app({"PATH_INFO": path, "REQUEST_METHOD": method}, start_response))
    return seen["status"], seen["headers"], body


def _in_threads(app, n, **kwargs):
    results, threads = [], []
    for _ in range(n):
        t = threading.Thread(target=lambda: results.append(_call(app, **kwargs)))
        t.start()
        threads.append(t)
    return results, threads


@pytest.mark.django_db(databases=[])
def test_excess_requests_get_503_at_once_and_admitted_ones_complete():
    inner = _SlowApp()
    app = AdmissionControl(inner, limit=2, wait_ms=20, signin_limit=1, signin_wait_ms=20)
    results, threads = _in_threads(app, 5)
    for _ in range(100):  # the three refused ones come back while the two admitted still run
        if len(results) == 3:
            break
        threading.Event().wait(0.02)
    assert len(results) == 3
    assert all(status.startswith("503") for status, _h, _b in results)
    headers, body = results[0][1], results[0][2].decode()
    assert headers["Retry-After"] == "2" and '<html lang="de">' in body and "ausgelastet" in body
    inner.release.set()
    for t in threads:
        t.join(5)
    assert [r[0] for r in results].count("200 OK") == 2
    assert inner.max_running == 2


@pytest.mark.django_db(databases=[])
def test_api_refusal_is_the_json_error_body():
    inner = _SlowApp()
    app = AdmissionControl(inner, limit=1, wait_ms=10)
    results, threads = _in_threads(app, 2, path="/api/v1/cases/")
    for _ in range(100):
        if results:
            break
        threading.Event().wait(0.02)
    inner.release.set()
    for t in threads:
        t.join(5)
    refused = [r for r in results if r[0].startswith("503")]
    assert len(refused) == 1
    assert refused[0][1]["Content-Type"] == "application/json"
    assert b'"code": "overloaded"' in refused[0][2]


@pytest.mark.django_db(databases=[])
def test_sign_ins_use_their_own_pool_and_never_take_a_page_slot():
    inner = _SlowApp()
    app = AdmissionControl(inner, limit=1, wait_ms=10, signin_limit=1, signin_wait_ms=10)
    signins, s_threads = _in_threads(app, 3, path="/anmelden/", method="POST")
    pages, p_threads = _in_threads(app, 1, path="/")
    for _ in range(100):
        if len(signins) == 2:
            break
        threading.Event().wait(0.02)
    assert [r[0][:3] for r in signins] == ["503", "503"]  # two of three sign-ins wait their turn elsewhere
    assert pages == []  # the page request runs in its own slot beside the sign-in
    inner.release.set()
    for t in s_threads + p_threads:
        t.join(5)
    assert pages[0][0] == "200 OK"
    assert inner.max_running == 2


@pytest.mark.django_db(databases=[])
def test_static_files_pass_without_a_slot():
    inner = _SlowApp()
    inner.release.set()
    app = AdmissionControl(inner, limit=1, wait_ms=0)
    assert _call(app, path="/static/fm/app.css")[0] == "200 OK"


@pytest.mark.django_db(databases=[])
def test_admitted_requests_run_on_at_most_limit_threads():
    """Only the admission control's own threads run the app: per worker at most `limit` (+ the sign-in pool)
    threads ever open a database connection, however many threads gunicorn has."""
    seen, lock = set(), threading.Lock()

    def app(environ, start_response):
        with lock:
            seen.add(threading.get_ident())
        threading.Event().wait(0.005)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    control = AdmissionControl(app, limit=2, wait_ms=5000, signin_limit=1, signin_wait_ms=5000)
    results, threads = [], []
    for i in range(24):
        kwargs = {"path": "/anmelden/", "method": "POST"} if i % 4 == 0 else {}
        t = threading.Thread(target=lambda kw=kwargs: results.append(_call(control, **kw)))
        t.start()
        threads.append(t)
    for t in threads:
        t.join(10)
    assert len(results) == 24 and all(status.startswith("200") for status, _h, _b in results)
    assert len(seen) <= 3  # 2 page runners + 1 sign-in runner, not 24 caller threads

"""The `make run` path end to end (issue 12): the launcher starts the embedded PostgreSQL, migrates, loads the
demo, serves with gunicorn and runs the scheduler — then, from each demo role's start page, every same-site
link is followed (GET): no page answers 5xx and every page is German (`lang="de"`). Ctrl+C stops it all.

Slow (about two minutes: a fresh database and the demo); `-m "not slow"` leaves it out."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Demo-Passwort-2026"
# The crawl signs in with exactly the logins `make run` prints (one of each demo role).
EXPECTED_ROLES = {"pAp", "Fallmanager*in", "Vertretung", "Teamleitung", "Bereichsleitung", "Controlling",
                  "Datenschutz", "Administration"}  # fmt: skip
# Pages of one URL shape (ids replaced) visited per role: enough to meet every template and state.
PER_SHAPE = 8
MAX_PAGES_PER_ROLE = 400

pytestmark = [pytest.mark.slow, pytest.mark.django_db(databases=[])]


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.lang: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Browser:
    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect())

    def get(self, path: str) -> tuple[int, str, str]:
        try:
            with self.opener.open(self.base + path, timeout=30) as response:
                content_type = response.headers.get("Content-Type", "")
                body = response.read()
                return response.status, content_type, body.decode() if "text/html" in content_type else ""
        except urllib.error.HTTPError as err:
            return err.code, err.headers.get("Content-Type", ""), err.read().decode(errors="replace")

    def login(self, username: str) -> None:
        status, _type, body = self.get("/anmelden/")
        assert status == 200, status
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        data = urllib.parse.urlencode(
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token, "next": "/"}
        ).encode()
        request = urllib.request.Request(self.base + "/anmelden/", data=data, headers={"Referer": self.base})
        try:
            self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as err:
            assert err.code == 302, f"{username}: Anmeldung {err.code}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _shape(path: str) -> str:
    return re.sub(r"\d+", "#", path.split("?")[0]) + ("?" if "?" in path else "")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`make run` as a user starts it (no DATABASE_URL, no REDIS_URL), with a smaller demo."""
    local = tmp_path_factory.mktemp("local")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_DEBUG")}
    env.update(FM_LOCAL_DIR=str(local), PORT=str(port), FM_DEMO_CLIENTS="400")
    log = (local / "run.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "fallmanagement.devserver", "run"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 420
    text = ""
    while "Fallmanagement läuft" not in text:
        assert proc.poll() is None, (local / "run.log").read_text()[-3000:]
        assert time.monotonic() < deadline, "make run ist nicht rechtzeitig gestartet"
        time.sleep(1)
        text = (local / "run.log").read_text()
    yield f"http://127.0.0.1:{port}", proc, local
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        proc.wait(timeout=60)


def printed_logins(log: str) -> dict[str, str]:
    """Role label → username from the login table `make run` prints on every start."""
    table = log.rsplit("Demo-Zugänge", 1)[1].splitlines()[3:]
    rows = {}
    for line in table:
        parts = [part.strip() for part in line.strip().split("  ") if part.strip()]
        if len(parts) < 2 or not re.fullmatch(r"[a-z.]+", parts[1]):
            break
        rows[parts[0]] = parts[1]
    return rows


def test_every_page_of_every_demo_role_is_german_and_never_5xx(served):
    base, proc, local = served
    visited_total = 0
    failures: list[str] = []
    logins = printed_logins((local / "run.log").read_text())
    assert set(logins) >= EXPECTED_ROLES, logins
    for username in logins.values():
        browser = _Browser(base)
        browser.login(username)
        queue, seen, shapes = ["/"], set(), {}
        while queue and len(seen) < MAX_PAGES_PER_ROLE:
            path = queue.pop(0)
            if path in seen:
                continue
            seen.add(path)
            status, content_type, body = browser.get(path)
            if status >= 500:
                failures.append(f"{username} {path}: {status}")
                continue
            if "text/html" not in content_type or status >= 300:
                continue
            parser = _Links()
            parser.feed(body)
            if parser.lang != "de":
                failures.append(f"{username} {path}: lang={parser.lang!r}")
            for href in parser.links:
                target = urllib.parse.urljoin(path, href).split("#")[0]
                if not target.startswith("/") or target.startswith("//") or target.startswith("/abmelden"):
                    continue
                shape = _shape(target)
                if target not in seen and shapes.get(shape, 0) < PER_SHAPE:
                    shapes[shape] = shapes.get(shape, 0) + 1
                    queue.append(target)
        visited_total += len(seen)
        assert len(seen) >= 3, f"{username}: nur {len(seen)} Seiten erreichbar"
    print(f"\nCrawl: {visited_total} Seiten über {len(logins)} Anmeldungen")
    assert not failures, "\n".join(failures[:40])


def test_a_second_make_run_and_a_busy_port_say_what_to_do(served):
    base, proc, local = served
    port = base.rsplit(":", 1)[1]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    second = subprocess.run(
        [sys.executable, "-m", "fallmanagement.devserver", "run"],
        cwd=ROOT, env={**env, "FM_LOCAL_DIR": str(local), "PORT": port}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert second.returncode == 2
    assert "läuft bereits" in second.stdout and "Traceback" not in second.stdout + second.stderr
    other = local.parent / "other-local"
    other.mkdir(exist_ok=True)
    busy = subprocess.run(
        [sys.executable, "-m", "fallmanagement.devserver", "run"],
        cwd=ROOT, env={**env, "FM_LOCAL_DIR": str(other), "PORT": port}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert busy.returncode == 2
    assert f"Port {port} ist belegt" in busy.stdout and "Traceback" not in busy.stdout + busy.stderr


def test_ctrl_c_stops_web_server_scheduler_and_database(served):
    base, proc, local = served
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=60) == 0
    log = (local / "run.log").read_text()
    assert "Eingebettete Datenbank gestoppt." in log
    assert not (local / "postgres" / "postmaster.pid").exists()
    assert not (local / "run.pid").exists()

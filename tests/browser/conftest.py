"""Playwright (sync API) against pytest-django's live server on PostgreSQL, in Debian's Chromium.

The Playwright-downloaded browsers are not available in jobcenter networks and CI; the tests drive
`/usr/bin/chromium` (apt package `chromium`) headless. axe-core comes from npm (`npm ci` in this folder).

Set SAVE_SCREENSHOTS=1 to (re)write the PNGs under docs/screenshots/ while the journeys run."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an asyncio loop in this thread; Django's ORM refuses to run inside one
# unless told that this is deliberate (the tests never share a connection with the loop).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("FM_CHROMIUM", "/usr/bin/chromium")
HERE = Path(__file__).resolve().parent
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOT_DIR = HERE.parent.parent / "docs" / "screenshots"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=de-DE",  # German date pickers (tt.mm.jjjj) in the screenshots, as on the users' machines
]


def _missing() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"Chromium fehlt unter {CHROMIUM} (apt-get install chromium)"
    return None


def pytest_collection_modifyitems(config, items):
    """Without Chromium the journeys fail loudly (`make test` installs it); `BROWSER_TESTS=0` skips them."""
    browser_items = [item for item in items if "browser" in item.keywords]
    if not browser_items:
        return
    if os.environ.get("BROWSER_TESTS", "1") == "0":
        skip = pytest.mark.skip(reason="BROWSER_TESTS=0")
        for item in browser_items:
            item.add_marker(skip)
        return
    reason = _missing()
    if reason is not None:
        raise pytest.UsageError(f"{reason}; oder BROWSER_TESTS=0 setzen, um die Browser-Tests auszulassen.")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """Keep `serialized_rollback` working once Playwright runs.

    Django keeps the serialized test database (the catalogue rows of the data migrations) on the
    connection object, and connections live in context variables. Playwright's sync API switches
    greenlets inside asyncio callbacks, so after it started the tests see fresh connection objects
    without that attribute: the rollback emulation would silently restore nothing, for these tests and
    for every transactional test after them. Putting the contents on the connection class makes them
    visible to every connection object of the session."""
    from django.db import connections

    patched = []
    for alias in connections:
        conn = connections[alias]
        contents = getattr(conn, "_test_serialized_contents", None)
        if contents is not None and not hasattr(type(conn), "_test_serialized_contents"):
            type(conn)._test_serialized_contents = contents
            patched.append(type(conn))
    yield django_db_setup
    for cls in patched:
        del cls._test_serialized_contents


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright launches this browser once per session."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "headless": True, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # bypass_csp: the app's CSP (script-src 'self') would block the injected axe-core script; the
    # app's own scripts are unaffected either way. German locale so that the browser asks for German.
    return {
        **browser_context_args,
        "bypass_csp": True,
        "locale": "de-DE",
        "timezone_id": "Europe/Berlin",
        "viewport": {"width": 1280, "height": 900},
        "accept_downloads": True,
    }


@pytest.fixture
def axe_check():
    """`axe_check(page, "label")`: zero WCAG 2.1 A/AA violations on the page as it is now."""
    if not AXE_JS.exists():
        pytest.fail(f"axe-core fehlt: {AXE_JS} (npm ci in tests/browser)")
    checked: list[str] = []

    def check(page, label: str = "") -> None:
        page.wait_for_load_state("domcontentloaded")
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.add_script_tag(path=str(AXE_JS))
        result = page.evaluate(
            "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})"
            ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
            " nodes: v.nodes.map(n => ({target: n.target, summary: n.failureSummary}))})))",
            AXE_TAGS,
        )
        # WCAG 2.1 SC 4.1.1 (Parsing): axe-core 4.10 no longer checks duplicate ids, so do it here; a
        # label or aria reference to a duplicated id names the wrong control.
        duplicates = page.evaluate(
            "(() => { const seen = {}; document.querySelectorAll('[id]').forEach(e => {"
            " seen[e.id] = (seen[e.id] || 0) + 1; });"
            " return Object.keys(seen).filter(k => seen[k] > 1); })()"
        )
        if duplicates:
            result.append(
                {
                    "id": "duplicate-id",
                    "impact": "serious",
                    "help": "IDs müssen auf der Seite eindeutig sein (WCAG 2.1 SC 4.1.1)",
                    "nodes": [{"target": [f"#{d}"], "summary": "mehrfach vergeben"} for d in duplicates],
                }
            )
        checked.append(label or page.url)
        if result:
            lines = [f"axe: {len(result)} Verstöße auf {label or page.url} ({page.url})"]
            for v in result:
                lines.append(f"- {v['id']} [{v['impact']}]: {v['help']}")
                for node in v["nodes"]:
                    lines.append(f"    {json.dumps(node['target'])}: {node['summary']}")
            pytest.fail("\n".join(lines), pytrace=False)

    check.checked = checked
    return check


@pytest.fixture
def shoot():
    """`shoot(page, "name")` saves docs/screenshots/name.png when SAVE_SCREENSHOTS=1."""
    enabled = os.environ.get("SAVE_SCREENSHOTS") == "1"

    def save(page, name: str) -> None:
        if not enabled:
            return
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)

    return save


@pytest.fixture
def login(live_server, axe_check):
    """`login(page, user)`: sign in through the real form (checked by axe once per test)."""

    def sign_in(page, user, password: str = "geheim-123"):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/anmelden/")
        if len(axe_check.checked) == 0:
            axe_check(page, "Anmeldung")
        page.get_by_label("Benutzername").fill(user.username)
        page.get_by_label("Passwort").fill(password)
        page.get_by_role("button", name="Anmelden").click()
        page.wait_for_url(f"{live_server.url}/")
        return page

    return sign_in

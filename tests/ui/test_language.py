"""Language (issue 13): no rule IDs or catalogue codes in what a caseworker reads — they stay in code and
tests. Renders the main pages of every role and fails if a rule ID (`CAP-1`, `(EXIT-1)`, `DP-6`, …) or a
catalogue code (`Q_SCHULE`, `L_PSYCHE`, `R_…`) appears in the visible text."""

import re

import pytest

from followups import services as followup_services
from jobs import daily
from plans import services as plan_services
from tests.conftest import TODAY

RULE_ID = re.compile(r"\b(?:CAP|EXIT|DP|CLR|REV|PLAN|ACC|READ|SUB|WORK|HH|MIT)-\d+\b")
CATALOGUE_CODE = re.compile(r"\b[QLR]_[A-ZÄÖÜ]{3,}")
TAG = re.compile(r"<script\b.*?</script>|<style\b.*?</style>|<[^>]+>", re.S)


def visible_text(html: str) -> str:
    return TAG.sub(" ", html)


def offending(html: str) -> list[str]:
    text = visible_text(html)
    return sorted(set(RULE_ID.findall(text)) | set(CATALOGUE_CODE.findall(text)))


@pytest.fixture(autouse=True)
def _pinned_today(monkeypatch):
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)


def test_visible_text_ignores_markup():
    assert offending('<input value="Q_SCHULE"><a href="/x/REV-1/">ok</a>') == []
    assert offending("<p>Zielwert (CAP-3)</p><li>Q_SCHULE – Schule</li>") == ["CAP-3", "Q_SCHULE"]


@pytest.fixture
def busy_fm_day(active_case, fm):
    plan_services.contact_create(case=active_case, acting_user=fm, kind="office", date=TODAY, today=TODAY)
    followup_services.followup_create(
        case=active_case, acting_user=fm, due_on=TODAY, note="Anruf", today=TODAY
    )
    daily.daily_jobs_run(on=TODAY, send_digests=False)
    return active_case


PAGES = {
    "fm": ["/", "/faelle/", "/erinnerungen/", "/pruefungen/", "/faelle/{case}/",
           "/faelle/{case}/zusammenfassung/", "/faelle/{case}/schritt/close/"],
    "tl": ["/", "/faelle/", "/pruefungen/", "/leitung/", "/widersprueche/", "/team/vertretungen/",
           "/faelle/{case}/"],
    "pap": ["/", "/faelle/", "/kunden/", "/kunden/{client}/zuweisen/"],
    "bl": ["/", "/leitung/"],
    "controlling": ["/", "/berichte/monatsbericht/"],
}  # fmt: skip


@pytest.mark.parametrize("role", sorted(PAGES))
def test_no_rule_ids_or_catalogue_codes_on_main_pages(
    role, request, client, busy_fm_day, tl, pap, bl, controlling
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    found = {}
    for pattern in PAGES[role]:
        url = pattern.format(case=busy_fm_day.pk, client=busy_fm_day.client_id)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        bad = offending(response.content.decode())
        if bad:
            found[url] = bad
    assert found == {}


def test_htmx_saves_confirm_in_german(client, fm, active_case):
    """Every htmx save answers with a German confirmation in the re-rendered section."""
    from django.urls import reverse

    client.force_login(fm)
    r = client.post(
        reverse("plans:contact-create", args=[active_case.pk]),
        {"date": TODAY.isoformat(), "kind": "office", "note": "Gespräch"},
        HTTP_HX_REQUEST="true",
    )
    assert r.status_code == 200
    assert '<p class="msg msg-success" role="status">Der Kontakt ist gespeichert.</p>' in r.content.decode()
    # A refused save shows no confirmation.
    r = client.post(
        reverse("plans:contact-create", args=[active_case.pk]),
        {"date": "2030-01-01", "kind": "office"},
        HTTP_HX_REQUEST="true",
    )
    assert "gespeichert" not in r.content.decode()

"""WORK-3: the caseload list — paginated, sortable, filterable (state, due, team, FM), state in the URL,
scoped (DP-1), query count pinned."""

import datetime

import pytest
from django.urls import reverse

from cases.choices import CaseState
from tests.conftest import TODAY
from tests.desk.conftest import case_for
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caseload(fm, other_fm, site):
    cases = [case_for(fm, site, last_name=f"Kunde{i:02d}", first_name="Test") for i in range(30)]
    clearing = case_for(fm, site, state=CaseState.CLEARING, last_name="Clearing", first_name="Alt")
    clearing.clearing_started_on = datetime.date(2026, 8, 1)  # ended 2026-10-01: overdue
    clearing.save()
    fresh = case_for(fm, site, state=CaseState.CLEARING, last_name="Clearing", first_name="Neu")
    fresh.clearing_started_on = datetime.date(2026, 9, 25)  # ends 2026-11-25: within 14 days
    fresh.save()
    case_for(other_fm, site, last_name="Fremd", first_name="Team2")
    return cases


def body(response):
    return response.content.decode()


def test_work3_caseload_paginated_with_state_in_url(client, fm, caseload):
    client.force_login(fm)
    first = body(client.get("/faelle/"))
    assert "32 Fälle" in first and "Seite 1 von 2" in first and "Fremd" not in first
    second = body(client.get("/faelle/", {"page": 2}))
    assert "Kunde29" in second and "Kunde00" not in second
    assert body(client.get("/faelle/", {"page": "abc"})).count("<tr>") > 1  # a bad page number: page 1


def test_work3_caseload_sortable(client, fm, caseload):
    client.force_login(fm)
    html = body(client.get("/faelle/", {"sort": "-name"}))
    assert html.index("Kunde29") < html.index("Kunde28")
    assert 'aria-sort="descending"' in html
    assert "sort=name" in html  # the header link toggles the direction


def test_work3_caseload_filter_by_state_and_due(client, fm, caseload):
    client.force_login(fm)
    html = body(client.get("/faelle/", {"state": "clearing"}))
    assert "2 Fälle" in html and "Clearing, Alt" in html
    html = body(client.get("/faelle/", {"due": "clearing_overdue"}))
    assert "1 Fall" in html and "Clearing, Alt" in html and "Clearing, Neu" not in html
    html = body(client.get("/faelle/", {"due": "clearing_due_14"}))
    assert "Clearing, Neu" in html and "Clearing, Alt" not in html
    html = body(client.get("/faelle/", {"q": "Kunde0"}))
    assert "10 Fälle" in html


def test_work3_caseload_filter_by_fm_and_team_for_bl(client, bl, fm, other_fm, caseload):
    client.force_login(bl)
    html = body(client.get("/faelle/"))
    assert "33 Fälle" in html
    html = body(client.get("/faelle/", {"fallmanager": other_fm.pk}))
    assert "1 Fall" in html and "Fremd" in html
    html = body(client.get("/faelle/", {"team": fm.team_id}))
    assert "32 Fälle" in html


def test_work3_caseload_bad_filter_input_is_400_german(client, tl, caseload):
    client.force_login(tl)
    response = client.get("/faelle/", {"state": "nonsense"})
    assert response.status_code == 400
    stranger = StaffFactory(username="fm.x", role="fallmanager")
    response = client.get("/faelle/", {"fallmanager": stranger.pk})  # outside the scope: not offered
    assert response.status_code == 400
    response = client.get("/faelle/", {"q": "x" * 200, "due": "soon"})
    assert response.status_code == 400


def test_work3_caseload_scope(client, other_fm, pap, caseload):
    client.force_login(other_fm)
    assert "1 Fall" in body(client.get("/faelle/"))
    client.force_login(pap)
    assert "Keine Fälle" in body(client.get("/faelle/"))  # none referred by this pAp


def test_work3_caseload_query_count_pinned(client, fm, tl, caseload, django_assert_max_num_queries):
    client.force_login(fm)
    with django_assert_max_num_queries(9):
        client.get("/faelle/", {"state": ["active", "clearing"], "sort": "-admitted", "page": 2})
    client.force_login(tl)
    with django_assert_max_num_queries(13):
        client.get("/faelle/")


# --- reminders -------------------------------------------------------------------------------------------


@pytest.fixture
def reminders(fm, caseload):
    from reminders.choices import ReminderKind
    from reminders.models import Reminder

    rows = []
    for i, case in enumerate(caseload[:60]):
        rows.append(
            Reminder(
                recipient=fm,
                case=case,
                client=case.client,
                kind=ReminderKind.REVIEW_DUE if i % 2 else ReminderKind.CLEARING_DUE,
                due_on=TODAY + datetime.timedelta(days=i - 10),
                created_on=TODAY - datetime.timedelta(days=5),
            )
        )
    return Reminder.objects.bulk_create(rows)


def test_work3_reminders_filter_sort_paginate(client, fm, reminders, django_assert_max_num_queries):
    client.force_login(fm)
    with django_assert_max_num_queries(10):
        html = body(client.get("/erinnerungen/"))
    assert "30 Erinnerungen" in html
    html = body(client.get("/erinnerungen/", {"due": "overdue"}))
    assert "10 Erinnerungen" in html
    html = body(client.get("/erinnerungen/", {"due": "today", "kind": "clearing_due"}))
    assert "1 Erinnerung" in html
    html = body(client.get("/erinnerungen/", {"sort": "-due"}))
    assert html.index("09.12.2026") < html.index("10.11.2026")
    assert client.get("/erinnerungen/", {"kind": "nonsense"}).status_code == 400


# --- access log ------------------------------------------------------------------------------------------


def test_work3_access_log_paginated_with_the_filter_in_the_url(client, datenschutz, fm, etzold_case):
    """The data-protection officer's log (DP-2 view) pages through a client's entries, the filter kept."""
    from audit.services import record

    for _ in range(60):
        record(user=fm, action="case.view", obj=etzold_case)
    client.force_login(datenschutz)
    url = reverse("audit:access-log")
    first = body(client.get(url, {"client": etzold_case.client_id}))
    assert "Seite 1 von 2" in first
    assert f"client={etzold_case.client_id}" in first and "page=2" in first
    second = body(client.get(url, {"client": etzold_case.client_id, "page": 2}))
    assert "Seite 2 von 2" in second
    assert client.get(url, {"client": "abc"}).status_code in (200, 400)  # a form error, never a 500

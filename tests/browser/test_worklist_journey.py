"""WORK-1 in a real browser: the FM works her worklist "Heute" top to bottom — each item one click from
where it is done — until nothing is overdue or due today; axe-core 0 violations on every page visited.
The live server's "today" is the real date: the data are made relative to `timezone.localdate()`."""

from __future__ import annotations

import datetime
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from cases.choices import CaseState
from followups import services as followup_services
from jobs import daily
from plans import services as plan_services
from tests.factories import PASSWORD, CaseFactory, ClientFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def fm_day(fm, site):
    """A review 3 days overdue, a contact gap, an overdue follow-up, one for today and one next week."""
    today = timezone.localdate()

    def case(last_name, admitted_on, *, contact=True):
        c = CaseFactory(
            client=ClientFactory(site=site, last_name=last_name, first_name="Test"),
            fallmanager=fm,
            state=CaseState.ACTIVE,
            referred_on=admitted_on - datetime.timedelta(days=20),
            handover_talk_on=admitted_on - datetime.timedelta(days=21),
            clearing_started_on=admitted_on - datetime.timedelta(days=10),
            admitted_on=admitted_on,
        )
        if contact:
            plan_services.contact_create(
                case=c, acting_user=fm, kind="office", date=today - datetime.timedelta(days=5), today=today
            )
        return c

    review = case("Prüfling", today - relativedelta(months=6) - datetime.timedelta(days=3))
    case("Lücke", today - datetime.timedelta(days=40), contact=False)
    late = case("Später", today - datetime.timedelta(days=90))
    now = case("Heutig", today - datetime.timedelta(days=100))
    followup_services.followup_create(
        case=late, acting_user=fm, due_on=today - datetime.timedelta(days=2), note="Unterlagen anfordern",
        today=today - datetime.timedelta(days=9),
    )  # fmt: skip
    followup_services.followup_create(
        case=now, acting_user=fm, due_on=today, note="Rückruf Jobcoach", today=today
    )
    followup_services.followup_create(
        case=review, acting_user=fm, due_on=today + datetime.timedelta(days=7), note="Praktikum", today=today
    )
    daily.daily_jobs_run(on=today, send_digests=False)


def _first_open_item(page):
    """The first row of "Überfällig", else of "Heute" (None when both are empty)."""
    for key in ("overdue", "today"):
        rows = page.locator(f'table[aria-labelledby="worklist-{key}"] tr.worklist-item')
        if rows.count():
            return rows.first
    return None


def test_journey_fm_works_her_worklist_top_to_bottom(page, live_server, login, axe_check, shoot, fm, fm_day):
    login(page, fm, password=PASSWORD)
    worklist = page.locator("#worklist")
    expect(worklist).to_contain_text("Überfällig")
    expect(page.locator('[data-kind="review_due"]')).to_contain_text("Prüfling")
    axe_check(page, "Heute (Arbeitsliste)")
    shoot(page, "worklist")
    dates = page.locator("tr.worklist-item td:first-child").all_inner_texts()
    as_days = [datetime.datetime.strptime(d.strip(), "%d.%m.%Y").date() for d in dates]
    assert as_days == sorted(as_days)  # sorted by date

    done = []
    for _ in range(6):
        row = _first_open_item(page)
        if row is None:
            break
        kind = row.get_attribute("data-kind")
        row.get_by_role("link").click()  # one click to where it is done
        page.wait_for_load_state("domcontentloaded")
        if kind == "contact_gap":
            section = page.locator("#plans-contacts")
            section.get_by_label("Notiz").fill("Telefonat zum Stand")
            section.get_by_role("button", name="Kontakt erfassen").click()
            expect(page.locator("#plans-contacts")).to_contain_text("Der Kontakt ist gespeichert.")
        elif kind == "followup_due":
            section = page.locator("#followups")
            section.get_by_role("button", name="Erledigt").first.click()
            expect(page.locator("#followups")).to_contain_text("als erledigt gespeichert")
        elif kind == "review_due":
            anchor = page.url.split("#", 1)[1]
            item = page.locator(f"#{anchor}")
            item.get_by_label(re.compile("Begründung")).fill("Stabilisierung gelungen, Praktikum geplant")
            item.get_by_label(re.compile("Prognose")).fill("Aufnahme einer Beschäftigung in 6 Monaten")
            item.get_by_role("button", name="Prüfung dokumentieren").click()
            expect(page.locator(f"#{anchor}")).to_contain_text("Die Fortführungsprüfung ist dokumentiert.")
        else:
            pytest.fail(f"unerwartete Aufgabe {kind}")
        axe_check(page, f"Erledigt: {kind}")
        done.append(kind)
        page.goto(f"{live_server.url}/")
    assert sorted(done) == ["contact_gap", "followup_due", "followup_due", "review_due"]
    assert _first_open_item(page) is None  # nothing overdue or due today any more
    expect(page.locator('table[aria-labelledby="worklist-soon"]')).to_contain_text("Praktikum")
    axe_check(page, "Heute (abgearbeitet)")


def test_journey_tl_worklist_approval_one_click_away(page, live_server, login, axe_check, fm, tl, site):
    """The TL's start page lists the continuation waiting for her approval; one click leads to it."""
    from reviews import services as review_services
    from reviews.models import Review

    today = timezone.localdate()
    admitted = today - relativedelta(months=24) - datetime.timedelta(days=2)
    case = CaseFactory(
        client=ClientFactory(site=site, last_name="Langzeit", first_name="Test"),
        fallmanager=fm,
        state=CaseState.ACTIVE,
        referred_on=admitted - datetime.timedelta(days=20),
        handover_talk_on=admitted - datetime.timedelta(days=21),
        clearing_started_on=admitted - datetime.timedelta(days=10),
        admitted_on=admitted,
    )
    daily.daily_jobs_run(on=today, send_digests=False)
    # REV-7: the earlier undocumented reviews are missed; the open one is the 24-month review.
    for review in Review.objects.filter(case=case, state="due").order_by("month"):
        review_services.review_document(
            review=review, acting_user=fm, decision="continue", reasons="Fortschritte", prognosis="gut",
            today=today,
        )  # fmt: skip
        review.refresh_from_db()
        if review.month < 24 and review.state == "documented" and review.gate == "inform_teamleitung":
            review_services.review_acknowledge(review=review, acting_user=tl, today=today)
    login(page, tl, password=PASSWORD)
    row = page.locator('tr[data-kind="review_approval"]')
    expect(row).to_contain_text("Langzeit")
    axe_check(page, "Heute (Teamleitung)")
    row.get_by_role("link").click()
    expect(page.get_by_role("button", name="Fortführung genehmigen").first).to_be_visible()
    axe_check(page, "Prüfungen (Teamleitung)")

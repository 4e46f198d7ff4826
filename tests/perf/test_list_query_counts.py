"""Query counts of the list pages do not grow with their rows (issue 8): each page is loaded with 1 and with
10 rows and must issue the same number of queries, within the page budget. The FM start page and the case
page are pinned by the UI tests; the TL review inbox by tests/reviews."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseState
from reminders.models import Reminder
from reviews.models import Review
from tests.factories import CaseFactory, ClientFactory

D = datetime.date
BUDGET = 12  # the case page's budget; a list page must not need more


def _today():
    return timezone.localdate()


def _count(client, url, must_contain: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert must_contain in response.content.decode()
    return len(ctx)


def _case(*, fm, pap, site, state, last_name, **extra):
    client = ClientFactory(site=site, last_name=last_name)
    return CaseFactory(client=client, fallmanager=fm, referred_by=pap, state=state, **extra)


@pytest.fixture
def make_disputed(fm, pap, site):
    from catalog.models import RejectionReason

    reason = RejectionReason.objects.order_by("pk").first()

    def make(i):
        return _case(
            fm=fm, pap=pap, site=site, state=CaseState.DISPUTED, last_name=f"Widerspruch{i:02d}",
            decided_on=_today() - datetime.timedelta(days=10), rejection_reason=reason,
            decision_justification="Termine nicht wahrgenommen", disputed_on=_today() - datetime.timedelta(days=5),
            dispute_comment="Kundin war im Krankenhaus",
        )  # fmt: skip

    return make


def test_tl_dispute_list_queries_constant(client, tl, make_disputed):
    client.force_login(tl)
    make_disputed(0)
    one = _count(client, reverse("dispute-list"), "Widerspruch00")
    for i in range(1, 10):
        make_disputed(i)
    ten = _count(client, reverse("dispute-list"), "Widerspruch09")
    assert ten == one
    assert one <= BUDGET


def _due_review(case, month=6):
    return Review.objects.create(
        case=case, month=month, due_on=_today() - datetime.timedelta(days=3), gate="document", state="due"
    )


def test_fm_review_inbox_queries_constant(client, fm, pap, site):
    client.force_login(fm)
    admitted = _today() - datetime.timedelta(days=200)

    def add(i):
        case = _case(fm=fm, pap=pap, site=site, state=CaseState.ACTIVE, last_name=f"Pruefung{i:02d}",
                     admitted_on=admitted)  # fmt: skip
        _due_review(case)

    add(0)
    one = _count(client, reverse("reviews:inbox"), "Pruefung00")
    for i in range(1, 10):
        add(i)
    ten = _count(client, reverse("reviews:inbox"), "Pruefung09")
    assert ten == one
    assert one <= BUDGET


def test_reminder_inbox_queries_constant(client, fm, pap, site):
    client.force_login(fm)

    def add(i):
        case = _case(fm=fm, pap=pap, site=site, state=CaseState.ACTIVE, last_name=f"Erinnerung{i:02d}",
                     admitted_on=_today() - datetime.timedelta(days=170))  # fmt: skip
        Reminder.objects.create(
            kind="review_due", due_on=_today() + datetime.timedelta(days=i), created_on=_today(), case=case,
            client=case.client, recipient=fm,
        )  # fmt: skip

    add(0)
    one = _count(client, reverse("reviews:reminders"), "Erinnerung00")
    for i in range(1, 10):
        add(i)
    ten = _count(client, reverse("reviews:reminders"), "Erinnerung09")
    assert ten == one
    assert one <= BUDGET


def test_client_search_queries_constant(client, pap, fm, site):
    client.force_login(pap)
    # One hit with an open case, the others without: the open state comes from a subquery, not per row.
    _case(fm=fm, pap=pap, site=site, state=CaseState.ACTIVE, last_name="Suchname00",
          admitted_on=_today() - datetime.timedelta(days=30))  # fmt: skip
    url = reverse("client-search") + "?q=Suchname"
    one = _count(client, url, "Suchname00")
    for i in range(1, 10):
        ClientFactory(site=site, last_name=f"Suchname{i:02d}")
    ten = _count(client, url, "Suchname09")
    assert ten == one
    assert one <= BUDGET

"""Login, start page per role, navigation, client search and creation."""

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.choices import CaseState
from cases.models import Client
from tests.factories import PASSWORD, CaseFactory, ClientFactory, SiteFactory

D = datetime.date


def test_login_page_renders_and_login_works(client, fm):
    page = client.get("/anmelden/")
    assert page.status_code == 200
    assert '<input type="password" name="password" id="id_password"' in page.content.decode()

    response = client.post("/anmelden/", {"username": "fm.berger", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert "Willkommen, Anna Berger" in home.content.decode()


def test_login_with_wrong_password_stays_on_login_page(client, fm):
    response = client.post("/anmelden/", {"username": "fm.berger", "password": "falsch"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_home_requires_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/anmelden/?next=/"


def test_logout_ends_the_session(client, fm):
    client.force_login(fm)
    response = client.post("/abmelden/")
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_fm_home_shows_own_cases_with_overdue_clearing_and_caseload(client, fm, active_case, site):
    # DOMAIN CLR-2, CAP-1: overdue clearing is flagged; clearing does not count towards the caseload.
    overdue_client = ClientFactory(
        site=site, first_name="Otto", last_name="Überfällig", customer_number="K777"
    )
    CaseFactory(
        client=overdue_client, fallmanager=fm, state=CaseState.CLEARING, clearing_started_on=D(2026, 8, 1)
    )
    client.force_login(fm)
    body = client.get("/faelle/uebersicht/").content.decode()
    assert "Meine Fälle" in body
    assert "Musterfrau, Maria" in body
    assert active_case.client.customer_number in body
    assert '<span class="badge badge-active">Im Fallmanagement</span>' in body
    assert "Überfällig, Otto" in body
    assert "Clearing bis 01.10.2026" in body
    assert "überfällig" in body
    assert '<p class="kpi">1 / 75</p>' in body
    assert "Dazu 1 Kund*in in der Clearingphase (zählt nicht)." in body
    assert "10.11.2026" in body  # admitted
    assert "10.05.2027" in body  # first review due 6 months after admission (REV-1)


def test_fm_home_flags_overdue_review(client, fm, site):
    # DOMAIN REV-1: the open review is shown, flagged when overdue; REV-7: it is the latest one that fell
    # due (18 months on 05.07.2026), the earlier undocumented ones are missed.
    CaseFactory(
        client=ClientFactory(site=site, last_name="Lange"),
        fallmanager=fm,
        state=CaseState.ACTIVE,
        admitted_on=D(2025, 1, 5),
    )
    client.force_login(fm)
    body = client.get("/faelle/uebersicht/").content.decode()
    assert '<td>05.07.2026 <span class="badge badge-bad">überfällig</span>' in body


def test_fm_home_flags_caseload_over_target(client, fm, site):
    # DOMAIN CAP-3: beyond the target is allowed but highlighted.
    fm.weekly_hours = Decimal("1.0")  # target 75 * 1 / 39 = 1.92 → 2
    fm.save(update_fields=["weekly_hours"])
    for _ in range(3):
        CaseFactory(
            client=ClientFactory(site=site), fallmanager=fm, state=CaseState.ACTIVE, admitted_on=D(2026, 6, 1)
        )
    client.force_login(fm)
    body = client.get("/").content.decode()
    assert '<p class="kpi over">3 / 2</p>' in body
    assert "Über dem Zielwert." in body


def test_fm_home_does_not_list_other_fms_cases(client, fm, other_fm, site):
    CaseFactory(
        client=ClientFactory(site=site, last_name="Fremdfall"), fallmanager=other_fm, state=CaseState.ACTIVE
    )
    client.force_login(fm)
    body = client.get("/faelle/uebersicht/").content.decode()
    assert "Fremdfall" not in body
    assert "Sie haben zurzeit keine offenen Fälle." in body


def _fm_home_queries(client, fm):
    client.force_login(fm)
    client.get("/")  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/").status_code == 200
    return len(ctx.captured_queries)


def test_fm_home_query_count_is_constant(client, fm, site):
    CaseFactory(
        client=ClientFactory(site=site), fallmanager=fm, state=CaseState.ACTIVE, admitted_on=D(2026, 1, 5)
    )
    one = _fm_home_queries(client, fm)
    for i in range(9):
        state = [CaseState.ACTIVE, CaseState.CLEARING, CaseState.REFERRED][i % 3]
        CaseFactory(
            client=ClientFactory(site=site),
            fallmanager=fm,
            state=state,
            admitted_on=D(2026, 1, 5) if state == CaseState.ACTIVE else None,
            clearing_started_on=D(2026, 2, 1) if state == CaseState.CLEARING else None,
        )
    ten = _fm_home_queries(client, fm)
    assert ten == one, (one, ten)


def test_pap_home_shows_rejection_and_dispute_action(client, pap, rejected_case):
    # DOMAIN CLR-4: the pAp is informed of the outcome and may dispute a rejection.
    client.force_login(pap)
    body = client.get("/").content.decode()
    assert "Meine Zuweisungen" in body
    assert "Musterfrau, Maria" in body
    assert '<span class="badge badge-rejected">Abgelehnt</span>' in body
    assert (
        "<strong>Abgelehnt: Kein belastbares Arbeitsbündnis.</strong> Begründung: Termine dreimal nicht wahrgenommen"
        in body
    )
    assert f'href="/faelle/{rejected_case.pk}/schritt/dispute/">Widerspruch einlegen</a>' in body
    assert 'href="/kunden/"' in body
    assert 'href="/kunden/neu/"' in body


def test_pap_home_shows_return_reason(client, pap, clearing_case, fm):
    from cases.services import case_return_to_pap

    case_return_to_pap(
        case=clearing_case, acting_user=fm, justification="Kein Arbeitsbündnis möglich", on=D(2026, 11, 5)
    )
    client.force_login(pap)
    body = client.get("/").content.decode()
    assert "<strong>An Sie zurückgegeben.</strong> Begründung: Kein Arbeitsbündnis möglich" in body
    assert "Widerspruch einlegen" not in body


def test_pap_home_final_rejection_has_no_dispute_action(client, pap, tl, disputed_case):
    # DOMAIN CLR-4: after the TL's decision the rejection is final.
    from cases.services import case_decide_dispute

    case_decide_dispute(
        case=disputed_case, acting_user=tl, admit=False, comment="Ablehnung bleibt", on=D(2026, 11, 14)
    )
    client.force_login(pap)
    body = client.get("/").content.decode()
    assert "Widerspruch am 14.11.2026 zurückgewiesen – die Ablehnung ist endgültig." in body
    assert "Widerspruch einlegen" not in body


def test_tl_home_shows_open_disputes_and_team_caseload(client, tl, fm, fm2, other_fm, disputed_case, site):
    # DOMAIN CAP-3: the TL sees counted vs target per FM, over target flagged.
    fm2.weekly_hours = Decimal("1.0")
    fm2.save(update_fields=["weekly_hours"])
    for _ in range(3):
        CaseFactory(client=ClientFactory(site=site), fallmanager=fm2, state=CaseState.ACTIVE)
    client.force_login(tl)
    body = client.get("/").content.decode()
    # WORK-1: the open dispute is an item of her worklist, one click from the decision.
    assert "Musterfrau, Maria" in body
    assert f'href="/faelle/{disputed_case.pk}/schritt/decide_dispute/"' in body
    assert "<td>Anna Berger</td>" in body
    assert "<td>Jonas Klein</td>" in body
    assert '<td class="over">3 <span class="badge badge-bad">über Zielwert</span></td>' in body
    assert str(other_fm) not in body


def test_controlling_home_explains_role(client, controlling):
    client.force_login(controlling)
    body = client.get("/").content.decode()
    assert "Sie sehen ausschließlich anonyme Auswertungen" in body


def test_navigation_by_role(client, fm, pap, tl):
    client.force_login(fm)
    assert '<a href="/faelle/">Meine Fälle</a>' in client.get("/").content.decode()
    client.force_login(pap)
    body = client.get("/").content.decode()
    assert '<a href="/kunden/">Kund*innen suchen</a>' in body
    assert '<a href="/faelle/">Meine Zuweisungen</a>' in body
    client.force_login(tl)
    body = client.get("/").content.decode()
    assert '<a href="/widersprueche/">Widersprüche</a>' in body
    assert '<a href="/faelle/">Team</a>' in body


def test_case_list_pages_by_role(client, fm, pap, tl, controlling, active_case):
    client.force_login(fm)
    assert "Musterfrau, Maria" in client.get("/faelle/uebersicht/").content.decode()
    client.force_login(pap)
    assert "Musterfrau, Maria" in client.get("/faelle/uebersicht/").content.decode()
    client.force_login(tl)
    assert "<td>Anna Berger</td>" in client.get("/faelle/uebersicht/").content.decode()
    client.force_login(controlling)
    assert client.get("/faelle/uebersicht/").status_code == 403


def test_client_search_within_own_site(client, pap, client_eligible):
    elsewhere = ClientFactory(site=SiteFactory(), last_name="Musterfrau", first_name="Andere")
    client.force_login(pap)
    body = client.get("/kunden/", {"q": "muster"}).content.decode()
    assert "Musterfrau, Maria" in body
    assert elsewhere.customer_number not in body
    assert f'href="/kunden/{client_eligible.pk}/zuweisen/"' in body
    by_number = client.get("/kunden/", {"q": client_eligible.customer_number}).content.decode()
    assert "Musterfrau, Maria" in by_number


def test_client_search_marks_open_case(client, pap, referred_case):
    # DOMAIN ACC-5: a client with an open episode cannot be referred again.
    client.force_login(pap)
    body = client.get("/kunden/", {"q": "Musterfrau"}).content.decode()
    assert "offener Fall vorhanden" in body
    assert "/zuweisen/" not in body


def test_client_search_is_for_pap_only(client, fm):
    client.force_login(fm)
    assert client.get("/kunden/").status_code == 403


def test_client_create_via_form(client, pap, site):
    client.force_login(pap)
    page = client.get("/kunden/neu/")
    assert page.status_code == 200
    assert "Leistungsfähigkeit" in page.content.decode()
    response = client.post(
        "/kunden/neu/",
        {
            "customer_number": "K-4711",
            "first_name": "Erika",
            "last_name": "Beispiel",
            "birth_date": "1985-03-02",
            "household_number": "BG-1",
            "needs": ["L_PSYCHE", "R_WOHNEN"],
        },
    )
    created = Client.objects.get(customer_number="K-4711")
    assert response.status_code == 302
    assert response["Location"] == reverse("referral", args=[created.pk])
    assert created.site == site
    assert sorted(created.needs.values_list("need__code", flat=True)) == ["L_PSYCHE", "R_WOHNEN"]


def test_client_create_duplicate_number_shows_message(client, pap, client_eligible):
    client.force_login(pap)
    response = client.post(
        "/kunden/neu/",
        {
            "customer_number": client_eligible.customer_number,
            "first_name": "Erika",
            "last_name": "Beispiel",
            "birth_date": "1985-03-02",
            "household_number": "BG-1",
        },
    )
    assert response.status_code == 400
    assert "Die Kundennummer ist bereits vergeben." in response.content.decode()
    assert Client.objects.count() == 1


def test_client_create_future_birth_date_and_unknown_need(client, pap):
    client.force_login(pap)
    future = (datetime.date.today() + datetime.timedelta(days=10)).isoformat()
    response = client.post(
        "/kunden/neu/",
        {
            "customer_number": "K-1",
            "first_name": "E",
            "last_name": "B",
            "birth_date": future,
            "household_number": "BG-1",
        },
    )
    assert response.status_code == 400
    assert "Das Geburtsdatum darf nicht in der Zukunft liegen." in response.content.decode()
    response = client.post(
        "/kunden/neu/",
        {
            "customer_number": "K-1",
            "first_name": "E",
            "last_name": "B",
            "birth_date": "1980-01-01",
            "household_number": "BG-1",
            "needs": ["GIBTSNICHT"],
        },
    )
    assert response.status_code == 400
    assert (
        "Bitte eine gültige Auswahl treffen. GIBTSNICHT ist keine gültige Auswahl."
        in response.content.decode()
    )
    assert Client.objects.count() == 0


def test_fm_home_lists_reviews_due_and_substituted_cases(client, fm, fm2, tl, site):
    # DOMAIN REV-6, SUB-1: the reviews panel lists the undocumented reviews due within the lead time (from
    # the rows the caseload table read), and a substitute sees whose case she is covering.
    from django.utils import timezone

    from org.models import Substitution
    from reviews.models import Review

    today = timezone.localdate()
    own = CaseFactory(
        client=ClientFactory(site=site, last_name="Fällig", first_name="Fritz"),
        fallmanager=fm,
        state=CaseState.ACTIVE,
        admitted_on=D(2025, 1, 5),
    )
    Review.objects.create(case=own, month=6, due_on=today - datetime.timedelta(days=3), gate="document")
    Review.objects.create(case=own, month=12, due_on=today + datetime.timedelta(days=60), gate="document")
    covered = CaseFactory(
        client=ClientFactory(site=site, last_name="Vertreten"),
        fallmanager=fm2,
        state=CaseState.ACTIVE,
        admitted_on=D(2026, 5, 27),
    )
    Review.objects.create(case=covered, month=6, due_on=today + datetime.timedelta(days=5), gate="document")
    Substitution.objects.create(
        absent=fm2, substitute=fm, starts_on=today, ends_on=today + datetime.timedelta(days=7), set_by=tl
    )
    client.force_login(fm)
    # WORK-1: the worklist ("Heute") lists both reviews, the covered FM's as well (SUB-1).
    home = client.get("/").content.decode()
    panel = home[home.index('<div id="worklist">') :]
    assert panel.count("Fortführungsprüfung nach 6 Monaten dokumentieren") == 2
    assert "Fällig, Fritz" in panel and "Fortführungsprüfung nach 6 Monaten dokumentieren" in panel
    assert "Vertreten, " in panel
    body = client.get("/faelle/uebersicht/").content.decode()
    assert "Vertretung für Jonas Klein" in body


def test_fm_home_rows_escape_what_users_typed(client, fm, fm2, tl, site):
    # DP-1/security: the open-cases rows are built in Python (speed) and must escape every stored value
    from django.utils import timezone

    from org.models import Substitution

    fm2.first_name = "<b>Jonas</b>"
    fm2.save(update_fields=["first_name"])
    CaseFactory(
        client=ClientFactory(
            site=site,
            first_name="<script>alert(1)</script>",
            last_name="O'Brien & Co",
            customer_number="K<1>",
        ),
        fallmanager=fm2,
        state=CaseState.CLEARING,
        clearing_started_on=D(2026, 8, 1),
    )
    today = timezone.localdate()
    Substitution.objects.create(absent=fm2, substitute=fm, starts_on=today, ends_on=today, set_by=tl)
    client.force_login(fm)
    body = client.get("/faelle/uebersicht/").content.decode()
    assert "<script>alert(1)</script>" not in body and "<b>Jonas</b>" not in body
    assert "O&#39;Brien &amp; Co, &lt;script&gt;alert(1)&lt;/script&gt;</a>" in body  # the Jinja2 rows
    assert "<td>K&lt;1&gt;</td>" in body
    assert "Vertretung für &lt;b&gt;Jonas&lt;/b&gt; Klein" in body
    assert "Clearing bis 01.10.2026 <span" in body

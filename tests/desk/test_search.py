"""WORK-2: the client search in the header of every page and `GET /api/v1/clients/?search=`."""

import pytest
from django.urls import reverse

from audit.models import AccessLog
from cases.search import clients_search, parse_search
from fallmanagement.errors import InvalidInput
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def names(user, text):
    _query, hits, _more = clients_search(user, text, today=TODAY)
    return [f"{h.client.first_name} {h.client.last_name}" for h in hits]


def test_work2_search_tolerates_typo(fm, etzold_case, mueller_case):
    assert names(fm, "Etsold") == ["Maria Etzold"]


def test_work2_search_folds_umlauts(fm, etzold_case, mueller_case):
    assert names(fm, "Muller") == ["Jürgen Müller"]
    assert names(fm, "müller") == ["Jürgen Müller"]
    assert names(fm, "Mueller") == ["Jürgen Müller"]
    assert names(fm, "Juergen") == ["Jürgen Müller"]
    assert names(fm, "Jurgen Mul") == ["Jürgen Müller"]


def test_work2_search_by_name_prefix(fm, etzold_case, mueller_case):
    assert names(fm, "Etz") == ["Maria Etzold"]
    assert names(fm, "Mar Etz") == ["Maria Etzold"]


def test_work2_search_by_customer_number_is_exact(fm, etzold_case, mueller_case):
    assert names(fm, "955D100123") == ["Maria Etzold"]
    assert names(fm, "955d100123") == ["Maria Etzold"]
    assert names(fm, "955D10012") == []


def test_work2_search_by_household_number(fm, etzold_case, mueller_case):
    assert names(fm, "95501BG0000042") == ["Jürgen Müller"]


def test_work2_search_by_german_and_iso_birth_date(fm, etzold_case, mueller_case):
    assert names(fm, "09.03.1975") == ["Jürgen Müller"]
    assert names(fm, "9.3.1975") == ["Jürgen Müller"]
    assert names(fm, "1975-03-09") == ["Jürgen Müller"]


def test_work2_search_outside_scope_finds_nothing(fm, other_fm, tl, other_tl, etzold_case, other_team_case):
    assert names(fm, "Etzold") == ["Maria Etzold"]
    assert names(other_fm, "Etzold") == ["Erika Etzold"]
    assert names(fm, "955D100999") == []
    assert names(tl, "Etzold") == ["Maria Etzold"]
    assert names(other_tl, "Maria") == []


def test_work2_search_finds_nothing_for_roles_without_scope(controlling, admin_user, etzold_case):
    assert names(controlling, "Etzold") == []
    assert names(admin_user, "Etzold") == []


@pytest.mark.parametrize(
    "text",
    ["", "   ", "a", "x" * 10_000, "Etz\x00old", "%%%", "31.02.1990", "*", "\\", "_"],
)
def test_work2_search_refuses_bad_input_in_german(text):
    with pytest.raises(InvalidInput) as err:
        parse_search(text)
    assert err.value.status == 400
    assert err.value.message


def test_work2_search_odd_syntax_inside_a_name_is_harmless(fm, etzold_case):
    assert names(fm, "Etz%") == ["Maria Etzold"]
    assert names(fm, "' OR 1=1 --") == []
    assert names(fm, "Etzold'; DROP TABLE cases_client; --") == []
    assert names(fm, "(Etzold)") == ["Maria Etzold"]


def test_work2_search_page_lists_hits_links_case_and_logs_reads(client, fm, etzold_case, mueller_case):
    client.force_login(fm)
    response = client.get(reverse("search"), {"q": "Etsold"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Etzold" in html and "Müller" not in html
    assert reverse("case-detail", args=[etzold_case.pk]) in html
    log = AccessLog.objects.filter(action="client.search", user=fm)
    assert [(row.client_id, row.capacity) for row in log] == [(etzold_case.client_id, "own_case")]
    assert "Etsold" not in str(log[0].context)


def test_work2_search_form_is_in_the_header_of_every_page(client, fm):
    client.force_login(fm)
    html = client.get(reverse("home")).content.decode()
    assert 'role="search"' in html and reverse("search") in html


@pytest.mark.parametrize("text", ["", "x" * 10_000, "Etz\x00old", "31.02.1990", "%"])
def test_work2_search_page_answers_bad_input_with_400_in_german(client, fm, text):
    client.force_login(fm)
    response = client.get(reverse("search"), {"q": text})
    assert response.status_code == 400
    html = response.content.decode()
    if "\x00" in text:  # refused before any view runs (NUL guard): the German error page
        assert '<html lang="de">' in html
    else:
        assert 'class="msg msg-error" role="alert"' in html


def test_work2_search_page_forbidden_for_controlling(client, controlling):
    client.force_login(controlling)
    assert client.get(reverse("search"), {"q": "Etzold"}).status_code == 403


def test_work2_search_page_query_count_is_pinned(
    client, fm, etzold_case, mueller_case, django_assert_max_num_queries
):
    client.force_login(fm)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("search"), {"q": "Mul"}).status_code == 200


def test_work2_search_htmx_live_results(client, fm, etzold_case):
    client.force_login(fm)
    response = client.get(reverse("search"), {"q": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


def test_work2_api_search_in_scope(api_as, fm, other_fm, etzold_case, mueller_case, other_team_case):
    response = api_as(fm).get("/api/v1/clients/", {"search": "Etsold"})
    assert response.status_code == 200
    assert [r["last_name"] for r in response.json()["results"]] == ["Etzold"]
    assert response.json()["results"][0]["id"] == etzold_case.client_id
    response = api_as(fm).get("/api/v1/clients/", {"search": "1975-03-09"})
    assert [r["first_name"] for r in response.json()["results"]] == ["Jürgen"]
    assert AccessLog.objects.filter(user=fm, client_id=etzold_case.client_id).exists()
    response = api_as(other_fm).get("/api/v1/clients/", {"search": "955D100123"})
    assert response.json()["count"] == 0


@pytest.mark.parametrize("text", ["", "x" * 10_000, "a\x00b", "31.02.1990", "***"])
def test_work2_api_search_bad_input_is_400_with_error_body(api_as, fm, text):
    response = api_as(fm).get("/api/v1/clients/", {"search": text})
    assert response.status_code == 400
    body = response.json()["error"]
    assert body["code"] == "invalid" and body["message"]


def test_work2_pap_client_search_page_uses_the_same_search_and_logs(client, pap, etzold_case):
    client.force_login(pap)
    html = client.get("/kunden/", {"q": "Etsold"}).content.decode()
    assert "Etzold, Maria" in html
    assert AccessLog.objects.filter(
        action="client.search", user=pap, client_id=etzold_case.client_id
    ).exists()
    html = client.get("/kunden/", {"q": "%"}).content.decode()
    assert "Bitte suchen Sie nach einem Namen" in html

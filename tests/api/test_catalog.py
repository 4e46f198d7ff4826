"""API.md "Catalogues": any signed-in user reads needs, exit reasons and rejection reasons."""

import datetime

import pytest

from catalog.models import Need


@pytest.mark.parametrize("persona", ["fm", "pap", "tl", "controlling", "datenschutz", "admin_user"])
def test_needs_for_every_signed_in_role(api_as, request, persona):
    body = api_as(request.getfixturevalue(persona)).get("/api/v1/catalog/needs/").json()
    assert body["count"] == 22 and body["previous"] is None and body["next"] is None
    psyche = next(n for n in body["results"] if n["code"] == "L_PSYCHE")
    assert psyche == {
        "code": "L_PSYCHE",
        "label": "Psychische Gesundheit",
        "key_group": "leistungsfaehigkeit",
        "life_area": "gesundheit",
    }
    assert {n["key_group"] for n in body["results"]} == {
        "qualifikation",
        "leistungsfaehigkeit",
        "motivation",
        "rahmenbedingungen",
        "arbeitsmarkt",
    }


def test_inactive_or_expired_needs_are_not_offered(api_as, fm):
    Need.objects.filter(code="A_MARKT").update(active=False)
    Need.objects.filter(code="Q_SCHULE").update(valid_to=datetime.date(2020, 1, 1))
    codes = [n["code"] for n in api_as(fm).get("/api/v1/catalog/needs/").json()["results"]]
    assert len(codes) == 20 and "A_MARKT" not in codes and "Q_SCHULE" not in codes


def test_exit_reasons(api_as, fm):
    body = api_as(fm).get("/api/v1/catalog/exit-reasons/").json()
    assert body["count"] == 15
    by_code = {r["code"]: r for r in body["results"]}
    # DOMAIN EXIT-2: integration reasons are flagged.
    assert by_code["B01"] == {
        "code": "B01",
        "label": "Integration: sozialversicherungspflichtige Beschäftigung",
        "is_integration": True,
        "is_employment": True,
        "requires_justification": False,
    }
    assert [c for c, r in by_code.items() if r["is_integration"]] == ["B01", "B02", "B03"]
    assert by_code["B99"]["requires_justification"] is True


def test_rejection_reasons(api_as, pap):
    body = api_as(pap).get("/api/v1/catalog/rejection-reasons/").json()
    assert [r["code"] for r in body["results"]] == ["R01", "R02", "R03", "R04", "R05", "R99"]
    assert body["results"][2] == {
        "code": "R03",
        "label": "Keine Kapazität im Fallmanagement",
        "requires_justification": False,
    }


def test_catalog_list_has_constant_queries(api_as, fm, django_assert_max_num_queries):
    client = api_as(fm)
    with django_assert_max_num_queries(2):
        assert client.get("/api/v1/catalog/needs/").status_code == 200

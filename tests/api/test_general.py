"""API.md "General": token, authentication, error body, schema, pagination limits, path ids."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from tests.api.conftest import error
from tests.factories import PASSWORD

ENDPOINTS = [
    ("get", "/api/v1/catalog/needs/"),
    ("get", "/api/v1/catalog/exit-reasons/"),
    ("get", "/api/v1/catalog/rejection-reasons/"),
    ("get", "/api/v1/clients/"),
    ("post", "/api/v1/clients/"),
    ("get", "/api/v1/clients/1/"),
    ("patch", "/api/v1/clients/1/"),
    ("get", "/api/v1/cases/"),
    ("post", "/api/v1/cases/"),
    ("get", "/api/v1/cases/1/"),
    ("post", "/api/v1/cases/import/"),
    ("post", "/api/v1/cases/1/transitions/admit/"),
    ("post", "/api/v1/cases/1/transitions/bogus/"),
    ("get", "/api/v1/areas/"),
    ("post", "/api/v1/areas/"),
    ("post", "/api/v1/sites/"),
    ("post", "/api/v1/teams/"),
    ("post", "/api/v1/staff/"),
    ("get", "/api/v1/staff/1/caseload/"),
]


def test_token_for_right_credentials_and_it_authenticates(api, fm):
    response = api.post("/api/v1/auth/token/", {"username": "fm.berger", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    assert response.json() == {"token": Token.objects.get(user=fm).key}
    again = api.post("/api/v1/auth/token/", {"username": "fm.berger", "password": PASSWORD}, format="json")
    assert again.json() == response.json()  # get_or_create: one token per user

    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/v1/cases/").status_code == 200


def test_token_wrong_password_is_400_with_error_body_and_no_token(api, fm):
    response = api.post("/api/v1/auth/token/", {"username": "fm.berger", "password": "falsch"}, format="json")
    assert response.status_code == 400
    body = error(response)
    assert body["code"] == "invalid"
    assert body["message"] == "Benutzername oder Passwort ist falsch."
    assert not Token.objects.filter(user=fm).exists()


@pytest.mark.parametrize("payload", [{}, {"username": "fm.berger"}, {"username": ["x"], "password": 5}, []])
def test_token_bad_shape_is_400(api, fm, payload):
    response = api.post("/api/v1/auth/token/", payload, format="json")
    assert response.status_code == 400
    assert error(response)["code"] == "invalid"


def test_token_inactive_user_refused(api, fm):
    fm.is_active = False
    fm.save(update_fields=["is_active"])
    response = api.post("/api/v1/auth/token/", {"username": "fm.berger", "password": PASSWORD}, format="json")
    assert response.status_code == 400


def test_invalid_token_is_401(api, fm):
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef")
    response = api.get("/api/v1/cases/")
    assert response.status_code == 401
    assert error(response)["code"] == "not_authenticated"


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_without_authentication_401(api, method, path):
    response = getattr(api, method)(path, {}, format="json")
    assert response.status_code == 401
    assert error(response)["code"] == "not_authenticated"


def test_session_login_works(api, fm):
    api.force_login(fm)
    response = api.get("/api/v1/catalog/rejection-reasons/")
    assert response.status_code == 200
    assert response.json()["count"] == 6


def test_malformed_json_is_400(api_as, pap):
    response = api_as(pap).post(
        "/api/v1/clients/", data='{"customer_number": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert error(response) == {
        "code": "invalid",
        "message": "Der Inhalt ist kein gültiges JSON.",
        "fields": {},
    }


def test_non_json_content_type_is_refused_not_500(api_as, pap):
    response = api_as(pap).post(
        "/api/v1/clients/", data="a=b", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 415
    assert error(response)["code"] == "invalid"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/cases/abc/",
        "/api/v1/clients/abc/",
        "/api/v1/cases/1.5/",
        "/api/v1/cases/99999999999999999999999/",
        "/api/v1/staff/abc/caseload/",
        "/api/v1/cases/-1/",
    ],
)
def test_non_numeric_path_id_is_json_404(api_as, tl, path):
    response = api_as(tl).get(path)
    assert response.status_code == 404
    assert error(response)["code"] == "not_found"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("page_size=1000", "page_size"),
        ("page_size=0", "page_size"),
        ("page_size=abc", "page_size"),
        ("page=abc", "page"),
    ],
)
def test_bad_pagination_is_400(api_as, fm, query, field):
    response = api_as(fm).get(f"/api/v1/catalog/needs/?{query}")
    assert response.status_code == 400
    assert field in error(response)["fields"]


def test_page_size_up_to_200_and_paging(api_as, fm):
    client = api_as(fm)
    body = client.get("/api/v1/catalog/needs/?page_size=200").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 22 and len(body["results"]) == 22 and body["next"] is None
    first = client.get("/api/v1/catalog/needs/?page_size=5").json()
    assert len(first["results"]) == 5 and first["next"].endswith("page=2&page_size=5")
    assert client.get("/api/v1/catalog/needs/?page=99").status_code == 404


MY_PATHS = [
    "/api/v1/auth/token/",
    "/api/v1/areas/",
    "/api/v1/sites/",
    "/api/v1/teams/",
    "/api/v1/staff/",
    "/api/v1/staff/{id}/caseload/",
    "/api/v1/catalog/needs/",
    "/api/v1/catalog/exit-reasons/",
    "/api/v1/catalog/rejection-reasons/",
    "/api/v1/clients/",
    "/api/v1/clients/{id}/",
    "/api/v1/cases/",
    "/api/v1/cases/import/",
    "/api/v1/cases/{id}/",
    *[
        f"/api/v1/cases/{{id}}/transitions/{name}/"
        for name in [
            "start_clearing",
            "admit",
            "reject",
            "return_to_pap",
            "forward",
            "dispute",
            "decide_dispute",
            "close",
        ]
    ],
]


def test_schema_serves_openapi_with_these_paths(api_as, fm):
    response = api_as(fm).get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in MY_PATHS:
        assert path in schema["paths"], path
    assert "/api/v1/cases/{id}/transitions/{name}/" not in schema["paths"]
    close = schema["paths"]["/api/v1/cases/{id}/transitions/close/"]["post"]
    assert close["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/CloseRequest")


def test_schema_of_these_endpoints_has_no_warnings_or_errors():
    from django.urls import include, path

    patterns = [path("api/v1/", include(f"api.{app}.urls")) for app in ("org", "catalog", "cases")]
    GENERATOR_STATS.reset()
    with GENERATOR_STATS.silence():
        schema = SchemaGenerator(patterns=patterns).get_schema(request=None, public=True)
    assert not GENERATOR_STATS._warn_cache and not GENERATOR_STATS._error_cache, (
        dict(GENERATOR_STATS._warn_cache),
        dict(GENERATOR_STATS._error_cache),
    )
    assert set(MY_PATHS) <= set(schema["paths"])


@pytest.mark.parametrize("path", ["/api/schema/?format=json", "/api/docs/"])
def test_dp1_schema_and_docs_require_sign_in(api, path):
    # issue 15 finding 11: the OpenAPI schema and docs are not public.
    assert api.get(path).status_code == 401


def test_docs_page(api_as, fm):
    response = api_as(fm).get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()

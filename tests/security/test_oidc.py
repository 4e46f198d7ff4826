"""OpenID Connect beside local accounts, roles from a claim — against a stub provider (no network)."""

import time
from urllib.parse import parse_qs, urlparse

import jwt
import pytest
from django.urls import include, path

from audit.oidc import role_from_claims
from org.choices import Role
from tests.security import urls as security_urls

SECRET = "stub-provider-client-secret-0123456789"

urlpatterns = [*security_urls.urlpatterns, path("oidc/", include("mozilla_django_oidc.urls"))]


class StubResponse:
    status_code = 200
    headers = {"Content-Type": "application/json"}

    def __init__(self, data):
        self._data = data

    def json(self):
        return self._data

    def raise_for_status(self):
        return None


@pytest.fixture
def oidc(settings, monkeypatch):
    settings.ROOT_URLCONF = __name__
    settings.OIDC_RP_CLIENT_ID = "fallmanagement"
    settings.OIDC_RP_CLIENT_SECRET = SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = "https://idp.jobcenter.example/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = "https://idp.jobcenter.example/token"
    settings.OIDC_OP_USER_ENDPOINT = "https://idp.jobcenter.example/userinfo"
    settings.OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
    settings.OIDC_ROLE_CLAIM = "groups"
    settings.OIDC_ROLE_MAP = {"GG-JC-Teamleitung": "teamleitung", "GG-JC-FM": "fallmanager"}
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "audit.oidc.RoleMappingOIDCBackend",
    ]
    provider = {"claims": {}}

    def fake_post(url, **kwargs):
        assert url == settings.OIDC_OP_TOKEN_ENDPOINT
        now = int(time.time())
        id_token = jwt.encode(
            {
                "iss": "stub",
                "aud": "fallmanagement",
                "sub": "u1",
                "iat": now,
                "exp": now + 300,
                "nonce": provider["nonce"],
            },
            SECRET,
            algorithm="HS256",
        )
        return StubResponse({"id_token": id_token, "access_token": "stub-access-token"})

    def fake_get(url, **kwargs):
        assert url == settings.OIDC_OP_USER_ENDPOINT
        return StubResponse(provider["claims"])

    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", fake_post)
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.get", fake_get)
    return provider


def sign_in(client, provider, claims):
    start = client.get("/oidc/authenticate/")
    assert start.status_code == 302
    query = parse_qs(urlparse(start["Location"]).query)
    provider["nonce"] = query["nonce"][0]
    provider["claims"] = claims
    return client.get("/oidc/callback/", {"code": "stub-code", "state": query["state"][0]})


def test_oidc_sign_in_maps_role_from_claim(client, oidc, fm):
    response = sign_in(
        client,
        oidc,
        {
            "preferred_username": "fm.berger",
            "email": "x@jobcenter.invalid",
            "groups": ["Alle", "GG-JC-Teamleitung"],
        },
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(fm.pk)
    fm.refresh_from_db()
    assert fm.role == Role.TEAMLEITUNG


def test_oidc_without_mappable_role_is_refused(client, oidc, fm):
    response = sign_in(
        client, oidc, {"preferred_username": "fm.berger", "email": "x@jobcenter.invalid", "groups": ["Alle"]}
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    fm.refresh_from_db()
    assert fm.role == Role.FALLMANAGER


def test_oidc_unknown_user_not_created_by_default(client, oidc, settings):
    settings.OIDC_CREATE_USER = False
    from org.models import Staff

    before = Staff.objects.count()
    sign_in(
        client, oidc, {"preferred_username": "neu", "email": "neu@jobcenter.invalid", "groups": ["GG-JC-FM"]}
    )
    assert "_auth_user_id" not in client.session
    assert Staff.objects.count() == before


def test_local_accounts_keep_working(client, oidc, fm):
    from tests.factories import PASSWORD

    response = client.post(
        "/anmelden/", {"username": "fm.berger", "password": PASSWORD}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(fm.pk)


def test_role_from_claims_accepts_role_codes(settings):
    settings.OIDC_ROLE_CLAIM = "roles"
    settings.OIDC_ROLE_MAP = {}
    assert role_from_claims({"roles": "datenschutz"}) == "datenschutz"
    assert role_from_claims({"roles": ["superuser", "pap"]}) == "pap"
    assert role_from_claims({"roles": ["superuser"]}) is None
    assert role_from_claims({}) is None

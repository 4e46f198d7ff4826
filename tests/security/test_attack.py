"""Attack tests (issue 6 "Bad input and attack"): every object-bound URL of the UI and the API answers
404/403 to users outside the scope (DP-1); CSRF-less posts fail; script in text fields is escaped."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from cases.models import Case
from tests.factories import CaseFactory, ClientFactory

# Not bound to a case or client: the admin (staff only), docs, and the caseload of a person (org tests).
SKIP_PREFIXES = ("admin/", "api/schema", "api/docs", "static/", "oidc/", "api/v1/staff/")
OUTSIDERS = ["other_fm", "other_tl", "pap2", "controlling"]
_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(patterns, prefix=""):
    for entry in patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = prefix + str(entry.pattern._route)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def _is_id(match) -> bool:
    name = match.group("name")
    return match.group("conv") == "int" or name == "pk" or name.endswith("_id")


def object_bound_routes():
    routes = []
    for route in _walk(get_resolver().url_patterns):
        if route.startswith(SKIP_PREFIXES):
            continue
        if any(_is_id(m) for m in _PARAM.finditer(route)):
            routes.append(route)
    return sorted(set(routes))


def fill(route: str, *, case: Case) -> str:
    value = case.client_id if _client_bound(route) else case.pk

    def repl(match):
        if _is_id(match):
            return str(value)
        return "L_PSYCHE" if match.group("name") == "code" else "admit"

    return "/" + _PARAM.sub(repl, route)


def _client_bound(route: str) -> bool:
    return route.startswith(("kunden/", "api/v1/clients/"))


ROUTES = object_bound_routes()


def test_sweep_finds_routes():
    # The sweep must actually cover something: at least this app's object-bound pages.
    assert any(r.startswith("datenschutz/loeschlaeufe/") for r in ROUTES)
    assert any(r.startswith("team/faelle/") for r in ROUTES)
    assert any(r.startswith("api/v1/cases/") for r in ROUTES) or not any(
        r.startswith("api/v1/cases/") for r in _walk(get_resolver().url_patterns)
    )


@pytest.fixture
def target(fm, pap, site):
    """fm's case (ids shifted so case, client and other ids differ) with data worth protecting."""
    ClientFactory()
    case = CaseFactory(
        client=ClientFactory(site=site, last_name="Geheimname"),
        fallmanager=fm,
        referred_by=pap,
        state="clearing",
        reasons="Vertrauliche Zuweisungsgründe",
    )
    return case


@pytest.mark.parametrize("persona", OUTSIDERS)
@pytest.mark.parametrize("route", ROUTES)
def test_dp1_sweep_outsiders_get_404_or_403(request, client, api, persona, route, target):
    # DOMAIN DP-1: objects outside one's scope are "not found" (or the role may never do this: 403).
    if persona == "pap2" and _client_bound(route):
        pytest.skip("pAp of the same site may look up clients to refer them")
    user = request.getfixturevalue(persona)
    url = fill(route, case=target)
    if route.startswith("api/"):
        api.force_authenticate(user)
        get = api.get(url)
        post = api.post(url, {}, format="json")
    else:
        client.force_login(user)
        get = client.get(url)
        post = client.post(url, {})
    statuses = (get.status_code, post.status_code)
    assert all(s in (403, 404, 405) for s in statuses), f"{url}: {statuses}"
    assert statuses != (405, 405), url
    for response in (get, post):
        body = response.content.decode(errors="replace")
        assert "Geheimname" not in body and "Vertrauliche" not in body
    target.refresh_from_db()
    assert (target.state, target.fallmanager_id, target.version) == ("clearing", target.fallmanager_id, 1)


def test_csrf_less_post_to_ui_action_refused(fm, tl, target):
    # A state-changing UI post without the CSRF token is refused with 403 and changes nothing.
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(fm)
    ui_action = next((r for r in ROUTES if r.startswith("faelle/") and "schritt" in r), None)
    url = fill(ui_action, case=target) if ui_action else None
    if url:
        response = browser.post(url, {"date": "2026-11-20"})
        assert response.status_code == 403
    browser.force_login(tl)
    response = browser.post("/team/vertretungen/", {"absent": fm.pk, "substitute": fm.pk})
    assert response.status_code == 403
    target.refresh_from_db()
    assert (target.state, target.version) == ("clearing", 1)


def test_script_and_overlong_input_rendered_escaped(client, fm, tl, target):
    # Text from users is escaped where it is shown; overlong form input gives the form again, not a 500.
    from django.urls import NoReverseMatch, reverse

    Case.objects.filter(pk=target.pk).update(reasons='<script>alert("x")</script>' + "ä" * 20_000)
    client.force_login(fm)
    try:
        url = reverse("case-detail", kwargs={"pk": target.pk})
    except NoReverseMatch:
        pytest.skip("case page not wired yet")
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<script>alert("x")</script>' not in html
    if "alert" in html:
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    client.force_login(tl)
    response = client.post(
        "/team/vertretungen/", {"absent": "x" * 100_000, "substitute": "<script>", "starts_on": "9" * 5000}
    )
    assert response.status_code == 400
    assert "<script>" not in response.content.decode().split("<main", 1)[1]

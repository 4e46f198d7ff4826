"""DP-2 / DP-1: ONE read gate. Every URL pattern of the project (pages, fragments, JSON API, admin) is
called with demo data as every role; any response that shows a client's data must have written an
access-log row for that client in the same request.

Generic on purpose: the routes come from the resolver walk (new pages are covered the day they are added);
path parameters are filled from the demo objects, guided by the URL segment in front of them; the only
hand-made list is `EXEMPT` (a route and why it may show client data without logging it)."""

from __future__ import annotations

import io
import re
from collections import defaultdict

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from audit.models import AccessLog
from cases.choices import CaseState
from cases.models import Case, Client
from cases.transitions import TRANSITIONS
from org.choices import Role
from org.models import Staff
from tests.conftest import TODAY

# route (as the resolver spells it) -> why it may show client data without an access-log row of its own.
EXEMPT: dict[str, str] = {
    "api/v1/audit/": "the access log itself (datenschutz): it names clients by id only, never by name",
}
# Routes that cannot be called generically.
SKIP_PREFIXES = ("static/", "oidc/", "abmelden/", "api/v1/auth/")

_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
_MARK = re.compile(r"QQM(\d+)Z\d+Q")

# Which objects a path parameter may name, read from the URL segment in front of it (German page
# paths and English API paths). An unknown segment gets every candidate.
SEGMENT_KINDS = {
    "faelle": "case",
    "cases": "case",
    "kunden": "client",
    "clients": "client",
    "pruefungen": "review",
    "reviews": "review",
    "erinnerungen": "reminder",
    "reminders": "reminder",
    "goals": "goal",
    "ziele": "goal",
    "services": "service",
    "leistungen": "service",
    "agreements": "agreement",
    "vereinbarungen": "agreement",
    "consents": "consent",
    "einwilligungen": "consent",
    "weiterbetreuung": "grant",
    "continued-care": "grant",
    "vertretungen": "substitution",
    "staff": "staff",
    "loeschlaeufe": "purgerun",
}


def walk(patterns, prefix=""):
    for entry in patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # regex routes: the admin's app index and catch-alls (no client data)
        route = prefix + str(entry.pattern._route)
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def all_routes() -> list[str]:
    return sorted({r for r in walk(get_resolver().url_patterns) if not r.startswith(SKIP_PREFIXES)})


# --- the demo world ------------------------------------------------------------------------------------


def plant_markers(cases: list[Case]) -> None:
    """Every free-text field of the subject cases, their clients and everything hanging off them carries
    a marker naming the client, so a response that shows a finding or a goal is recognised."""
    counter = 0
    for model in apps.get_models():
        if model._meta.app_label not in {"cases", "plans", "reviews", "reminders"}:
            continue
        texts = [f.name for f in model._meta.concrete_fields if isinstance(f, models.TextField)]
        if not texts:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        for case in cases:
            if model is Case:
                qs = model.objects.filter(pk=case.pk)
            elif model is Client:
                qs = model.objects.filter(pk=case.client_id)
            elif "case" in names:
                qs = model.objects.filter(case=case)
            elif "client" in names:
                qs = model.objects.filter(client_id=case.client_id)
            elif "goal" in names:
                qs = model.objects.filter(goal__case=case)
            else:
                continue
            for pk in qs.values_list("pk", flat=True):
                counter += 1
                marker = f"QQM{case.client_id}Z{counter}Q"
                model.objects.filter(pk=pk).update(**dict.fromkeys(texts, marker))


def candidates(cases: list[Case]) -> dict[str, list[str]]:
    from org.models import Substitution
    from plans.models import Agreement, Consent, Goal, ServiceReferral
    from reminders.models import Reminder
    from reviews.models import Review

    ids = {c.pk for c in cases}
    clients = {c.client_id for c in cases}

    def first(qs, n=2):
        return [str(pk) for pk in qs.order_by("pk").values_list("pk", flat=True)[:n]]

    from cases.models import CaseGrant

    kinds = {
        "case": [str(pk) for pk in sorted(ids)],
        "client": [str(pk) for pk in sorted(clients)],
        "review": first(Review.objects.filter(case__in=ids), 4),
        "reminder": first(Reminder.objects.filter(case__in=ids), 4),
        "goal": first(Goal.objects.filter(case__in=ids)),
        "service": first(ServiceReferral.objects.filter(case__in=ids)),
        "agreement": first(Agreement.objects.filter(case__in=ids)),
        "consent": first(Consent.objects.filter(client__in=clients)),
        "grant": first(CaseGrant.objects.filter(case__in=ids)),
        "substitution": first(Substitution.objects.all()),
        "staff": [str(c.fallmanager_id) for c in cases],
        "purgerun": [],
    }
    return kinds


def fills(route: str, kinds: dict[str, list[str]], cases: list[Case]) -> list[str]:
    """Concrete paths for a route: each parameter takes the candidates its segment suggests."""
    from cases.models import ClientNeed

    codes = sorted(
        set(
            ClientNeed.objects.filter(client__in=[c.client_id for c in cases]).values_list(
                "need__code", flat=True
            )
        )
    )[:3]
    every = sorted({v for values in kinds.values() for v in values}, key=int)
    paths = [""]
    position = 0
    for match in _PARAM.finditer(route):
        literal = route[position : match.start()]
        position = match.end()
        segment = literal.strip("/").split("/")[-1] if literal.strip("/") else ""
        name = match.group("name")
        if route.startswith("admin/") and name == "object_id":
            values = admin_objects(segment, cases)
        elif name == "code":
            values = codes
        elif name == "name":
            values = [t.name for t in TRANSITIONS]
        elif name.endswith("_id") and name[:-3] in kinds:
            values = kinds[name[:-3]]
        elif segment in SEGMENT_KINDS:
            values = kinds[SEGMENT_KINDS[segment]]
        else:
            values = every
        paths = [p + literal + v for p in paths for v in values]
    result = ["/" + p + route[position:] for p in paths]
    # At most MAX_FILLS ids per route, spread over the subject cases (each lifecycle state is still met by
    # the routes together): the walk stays a few minutes on CI instead of growing with routes × cases.
    if len(result) > MAX_FILLS:
        step = len(result) / MAX_FILLS
        result = [result[int(i * step)] for i in range(MAX_FILLS)]
    if position == 0:  # a list or search page: also with a search term (the subject clients' names)
        result += [
            f"/{route}?q={cases[0].client.last_name}",
            f"/{route}?q={cases[-1].client.customer_number}",
        ]
    return result


MAX_FILLS = 4


def admin_objects(model_name: str, cases: list[Case]) -> list[str]:
    """The admin's change pages: objects of the subject cases where the model hangs off a case or client."""
    for model in apps.get_models():
        if model._meta.model_name != model_name:
            continue
        names = {f.name for f in model._meta.concrete_fields}
        qs = model.objects.all()
        if model is Case:
            qs = qs.filter(pk__in=[c.pk for c in cases])
        elif model is Client:
            qs = qs.filter(pk__in=[c.client_id for c in cases])
        elif "case" in names:
            qs = qs.filter(case__in=cases)
        elif "client" in names:
            qs = qs.filter(client__in=[c.client_id for c in cases])
        return [str(pk) for pk in qs.order_by("pk").values_list("pk", flat=True)[:2]]
    return []


def subject_cases() -> list[Case]:
    """One case per lifecycle state that has one, the richest of each (needs, goals, reviews, …)."""
    chosen = []
    for state in CaseState.values:
        case = (
            Case.objects.filter(state=state, referred_by__isnull=False)
            .annotate(n=models.Count("goals", distinct=True) + models.Count("reviews", distinct=True))
            .order_by("-n", "pk")
            .first()
        )
        if case is not None:
            chosen.append(case)
    return chosen


def personas(cases: list[Case]) -> list[Staff]:
    people: dict[int, Staff] = {}
    for case in cases:
        for user in (case.fallmanager, case.referred_by):
            if user is not None:
                people[user.pk] = user
        team = case.fallmanager.team
        for lead in team.leads.all():
            people[lead.pk] = lead
        for lead in team.site.area.leads.all():
            people[lead.pk] = lead
    for role in (Role.DATENSCHUTZ, Role.CONTROLLING, Role.ADMIN):
        user = Staff.objects.filter(role=role, is_active=True).order_by("pk").first()
        if user is not None:
            people[user.pk] = user
    superuser = Staff.objects.filter(is_superuser=True).order_by("pk").first()
    if superuser is None:
        superuser = Staff.objects.create_superuser("root.test", "root@example.org", "x", role=Role.ADMIN)
    people[superuser.pk] = superuser
    return list(people.values())


def shown_clients(body: str, names: dict[str, int]) -> set[int]:
    found = {int(m) for m in _MARK.findall(body)}
    found |= {client for text, client in names.items() if text in body}
    return found


def client_texts() -> dict[str, int]:
    staff_names = {f"{first} {last}" for first, last in Staff.objects.values_list("first_name", "last_name")}
    texts = {}
    for pk, number, first_name, last_name in Client.objects.values_list(
        "pk", "customer_number", "first_name", "last_name"
    ):
        texts[number] = pk
        for text in (f"{first_name} {last_name}", f"{last_name}, {first_name}"):
            if text not in staff_names:
                texts[text] = pk
    return texts


@pytest.fixture
def world(settings, monkeypatch):
    settings.FM_OTP_REQUIRED_ROLES = []
    monkeypatch.setattr("catalog.clock.request_day", lambda request=None: TODAY)
    call_command(
        "load_demo", "--clients", "40", "--seed", "11", "--today", TODAY.isoformat(), stdout=io.StringIO()
    )
    cases = subject_cases()
    plant_markers(cases)
    return cases


def unlogged_reads(routes, cases, method="get") -> dict[str, list[str]]:
    kinds = candidates(cases)
    names = client_texts()
    people = personas(cases)
    browsers = {}
    for user in people:
        browser = HttpClient(raise_request_exception=False)
        browser.force_login(user)
        browsers[user] = browser
    failures: dict[str, list[str]] = defaultdict(list)
    import time

    for route in routes:
        if route in EXEMPT:
            continue
        started = time.monotonic()
        for path in fills(route, kinds, cases):
            for user, browser in browsers.items():
                before = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
                response = getattr(browser, method)(path, HTTP_ACCEPT="text/html,application/json")
                if 300 <= response.status_code < 400 or response.streaming:
                    continue
                body = response.content.decode("utf-8", "replace")
                if "?q=" in path:  # the search box repeats the term: that is not a read
                    body = body.replace(path.split("?q=")[1], "")
                shown = shown_clients(body, names)
                if not shown:
                    continue
                logged = set(
                    AccessLog.objects.filter(pk__gt=before, user=user).values_list("client_id", flat=True)
                )
                missing = shown - logged
                if missing:
                    failures[route].append(f"{method.upper()} {path} as {user.role}: {len(missing)} unlogged")
        print(f"TIMING {time.monotonic() - started:.1f}s {route}")
    return failures


def test_dp2_every_route_that_shows_client_data_logs_the_read(world):
    """DP-2 (issue 15 finding 2): 0 unlogged reads of client data, over every route the resolver knows."""
    failures = unlogged_reads(all_routes(), world)
    report = "\n".join(
        f"{route}: {lines[0]} (+{len(lines) - 1})" for route, lines in sorted(failures.items())
    )
    assert not failures, f"{len(failures)} routes show client data without an access-log row:\n{report}"


def test_dp2_read_gate_walk_covers_api_and_pages(world):
    """The walk is not vacuous: it reaches the API sub-resources and the lists."""
    routes = all_routes()
    for expected in ("api/v1/cases/<str:case_id>/assessment/", "faelle/", "pruefungen/", "erinnerungen/"):
        assert expected in routes

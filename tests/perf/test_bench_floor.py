"""The framework floor of the benchmarks (issue 17) is a bench-only page: it exists in the benchmark
URLconf (benchmarks/urls.py, set by benchmarks/settings.py), never in production's."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import NoReverseMatch, resolve, reverse
from django.urls.exceptions import Resolver404

from benchmarks.floor import FLOOR_BARE_URL, FLOOR_URL

BENCH_TEMPLATES = Path(__file__).resolve().parents[2] / "benchmarks" / "templates"


def test_floor_page_is_not_routed_in_production():
    assert django_settings.ROOT_URLCONF == "fallmanagement.urls"
    with pytest.raises(NoReverseMatch):
        reverse("bench-floor")
    for url in (FLOOR_URL, FLOOR_BARE_URL):
        with pytest.raises(Resolver404):
            resolve(url)


@pytest.fixture
def bench_urls(settings):
    settings.ROOT_URLCONF = "benchmarks.urls"
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], BENCH_TEMPLATES]},
        *settings.TEMPLATES[1:],
    ]


def test_floor_page_goes_through_the_stack_and_renders_the_layout(bench_urls, fm):
    client = Client()
    assert client.get(FLOOR_URL).status_code == 302  # login_required, as every page
    client.force_login(fm, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(FLOOR_URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"  # audit.middleware.NoStoreMiddleware ran
    assert "Content-Security-Policy" in response  # the CSP middleware ran
    assert "<nav" in response.content.decode()  # the layout (base.html) with its navigation
    bare = client.get(FLOOR_BARE_URL)
    assert bare.status_code == 200 and "<nav" not in bare.content.decode()

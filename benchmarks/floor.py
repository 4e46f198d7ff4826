"""The framework floor (issue 17): what any page of this app costs before it does its own work.

An authenticated GET through the whole middleware stack as configured (session, CSRF, auth, OTP, the audit
app's session and no-store middleware, pghistory, CSP, htmx, axes) to a `login_required` view that renders
a trivial template extending the app's layout (`base.html`: navigation, assets). A second view renders the
same without the layout (`bare`), so the report can show what the layout itself costs.

Reachable only under the benchmark settings (`benchmarks.settings` sets `ROOT_URLCONF = "benchmarks.urls"`);
production's URLconf (`fallmanagement.urls`) does not know these paths."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

FLOOR_URL = "/bench/floor/"
FLOOR_BARE_URL = "/bench/floor/bare/"


@login_required
def floor(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/floor.html", {})


@login_required
def floor_bare(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/floor_bare.html", {})

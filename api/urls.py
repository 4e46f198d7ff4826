"""Every JSON route of API.md under /api/v1/, by area (each keeps its namespace: `cases_api:…`, …)."""

from django.urls import include, path

urlpatterns = [
    path("", include("api.org.urls")),
    path("", include("api.catalog.urls")),
    path("", include("api.cases.urls")),
    path("", include("api.reviews.urls")),
    path("", include("api.plans.urls")),
    path("", include("api.reporting.urls")),
    path("", include("api.audit.urls")),
    path("", include("api.oversight.urls")),  # ACC-2, ACC-4, CLR-4 (beside API.md)
]

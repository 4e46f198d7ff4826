"""Every JSON route of API.md under /api/v1/, by area (each keeps its namespace: `cases_api:…`, …)."""

from django.urls import include, path

urlpatterns = [
    path("", include("api.org.urls")),
    path("", include("api.catalog.urls")),
    path("", include("api.cases.urls")),
    path("", include("api.reviews.urls")),
    path("", include("api.plans.urls")),
    path("", include("api.duties.urls")),
    path("", include("api.reporting.urls")),
    path("", include("api.audit.urls")),
    path("", include("api.worklist.urls")),  # WORK-1 worklist
    path("", include("api.followups.urls")),  # WORK-1 Wiedervorlagen
    path("", include("api.clients.urls")),  # household (HH-1)
    path("", include("api.records.urls")),  # notes and documents (WORK-5)
    path("", include("api.oversight.urls")),  # ACC-2, ACC-4, CLR-4 (beside API.md)
]

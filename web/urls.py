"""Every HTML route, by area (each area's module keeps its URL namespace: `org:…`, `reviews:…`, …)."""

from django.urls import include, path

urlpatterns = [
    path("", include("web.org.urls")),
    path("", include("web.cases.urls")),
    path("", include("web.intake.urls")),
    path("", include("web.reviews.urls")),
    path("", include("web.plans.urls")),
    path("", include("web.duties.urls")),
    path("", include("web.reporting.urls")),
    path("", include("web.audit.urls")),
    path("", include("web.followups.urls")),  # WORK-1 Wiedervorlagen
    path("", include("web.search.urls")),  # client search (WORK-2)
    path("", include("web.clients.urls")),  # contact data, household (WORK-4, HH-1)
    path("", include("web.records.urls")),  # notes and documents (WORK-5)
    path("", include("web.oversight.urls")),  # ACC-2, ACC-4, CLR-4, TL quality view
]

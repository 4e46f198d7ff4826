from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import IsAuthenticated

urlpatterns = [
    path("admin/", admin.site.urls),
    # The schema and its docs only for signed-in users (issue 15 finding 11).
    path("api/schema/", SpectacularAPIView.as_view(permission_classes=[IsAuthenticated]), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerView.as_view(url_name="api-schema", permission_classes=[IsAuthenticated]),
        name="api-docs",
    ),
    # The two front apps: the JSON API (api/urls.py) and the pages (web/urls.py). Wiring only.
    path("api/v1/", include("api.urls")),
    path("", include("web.urls")),
]

# German error pages for people, the API.md error body under /api/ (fallmanagement/errorpages.py).
handler400 = "fallmanagement.errorpages.bad_request"
handler403 = "fallmanagement.errorpages.permission_denied"
handler404 = "fallmanagement.errorpages.page_not_found"
handler500 = "fallmanagement.errorpages.server_error"

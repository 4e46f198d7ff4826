from importlib.util import find_spec

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

# Each app contributes `api_urls.py` (under /api/v1/) and `urls.py` (UI); wiring only, no logic here.
for _app in ["org", "catalog", "cases", "intake", "reviews", "plans", "reporting", "audit"]:
    for _module, _prefix in (("api_urls", "api/v1/"), ("urls", "")):
        if find_spec(f"{_app}.{_module}") is None:
            continue
        urlpatterns.append(path(_prefix, include(f"{_app}.{_module}")))

# German error pages for people, the API.md error body under /api/ (fallmanagement/errorpages.py).
handler400 = "fallmanagement.errorpages.bad_request"
handler403 = "fallmanagement.errorpages.permission_denied"
handler404 = "fallmanagement.errorpages.page_not_found"
handler500 = "fallmanagement.errorpages.server_error"

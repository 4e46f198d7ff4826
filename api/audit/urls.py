from django.urls import path

from api.audit.views import AccessLogListView

urlpatterns = [
    path("audit/", AccessLogListView.as_view(), name="api-audit-log"),
]

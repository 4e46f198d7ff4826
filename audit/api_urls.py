from django.urls import path

from audit.api import AccessLogListView

urlpatterns = [
    path("audit/", AccessLogListView.as_view(), name="api-audit-log"),
]

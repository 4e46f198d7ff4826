from django.urls import path

from api.audit.views import AccessLogListView, SubjectAccessView

urlpatterns = [
    path("audit/", AccessLogListView.as_view(), name="api-audit-log"),
    path("clients/<str:pk>/subject-access/", SubjectAccessView.as_view(), name="api-subject-access"),
]

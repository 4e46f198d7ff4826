from django.urls import path

from reporting import api

app_name = "reporting_api"

urlpatterns = [
    path("reports/monthly/", api.MonthlyReportView.as_view(), name="reports-monthly"),
]

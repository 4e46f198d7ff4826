from django.urls import path

from api.reporting import views as api

app_name = "reporting_api"

urlpatterns = [
    path("reports/monthly/", api.MonthlyReportView.as_view(), name="reports-monthly"),
]

from django.urls import path

from web.reporting import views

app_name = "reporting"

urlpatterns = [
    path("berichte/monatsbericht/", views.monthly_report, name="monthly"),
    path("leitung/", views.dashboard, name="dashboard"),
    path("leitung/faelle/", views.dashboard_case_list, name="dashboard-cases"),
    path("leitung/qualitaet/", views.quality, name="quality"),  # Handlungsleitlinie V
]

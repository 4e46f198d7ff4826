from django.urls import path

from api.clients import views

app_name = "clients_api"

urlpatterns = [
    path("cases/<str:pk>/household/", views.CaseHousehold.as_view(), name="case-household"),
]

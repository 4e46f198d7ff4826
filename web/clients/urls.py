"""UI routes of the client area (WORK-4)."""

from django.urls import path

from web.clients import views

app_name = "clients"

urlpatterns = [
    path("faelle/<int:pk>/kontaktdaten/", views.contact_edit, name="contact"),
    path("faelle/<int:pk>/bedarfsgemeinschaft/", views.household, name="household"),
]

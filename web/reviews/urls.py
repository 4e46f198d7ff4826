from django.urls import path

from web.reviews import views

app_name = "reviews"

urlpatterns = [
    path("pruefungen/", views.inbox, name="inbox"),
    path("pruefungen/<int:pk>/dokumentieren/", views.review_document_view, name="review-document"),
    path("pruefungen/<int:pk>/teamleitung/", views.review_teamleitung_view, name="review-teamleitung"),
    path("erinnerungen/", views.reminders, name="reminders"),
    path("erinnerungen/<int:pk>/erledigt/", views.reminder_done_view, name="reminder-done"),
    path("kunden/<int:pk>/zugangspruefung/", views.access_check_view, name="access-check"),
]

"""UI routes of notes and documents (WORK-5)."""

from django.urls import path

from web.records import views

app_name = "records"

urlpatterns = [
    path("faelle/<int:pk>/vermerke/", views.section, name="section"),
    path("faelle/<int:pk>/vermerke/neu/", views.note_create, name="note-create"),
    path("vermerke/<int:pk>/berichtigung/", views.note_correct, name="note-correct"),
    path("faelle/<int:pk>/dokumente/neu/", views.document_upload, name="document-upload"),
    path("dokumente/<int:pk>/", views.document_download, name="document-download"),
]

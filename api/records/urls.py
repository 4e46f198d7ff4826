from django.urls import path

from api.records import views

app_name = "records_api"

urlpatterns = [
    path("cases/<str:pk>/notes/", views.CaseNotes.as_view(), name="case-notes"),
    path("notes/<str:pk>/corrections/", views.NoteCorrections.as_view(), name="note-corrections"),
    path("cases/<str:pk>/documents/", views.CaseDocuments.as_view(), name="case-documents"),
    path("documents/<str:pk>/download/", views.DocumentDownload.as_view(), name="document-download"),
]

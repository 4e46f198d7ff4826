from django.urls import path

from api.cases import views as api
from api.transitions import SERIALIZERS

app_name = "cases_api"

# Path ids are matched as strings and parsed in the view, so that `/cases/abc/` answers with the
# JSON error body (404) instead of Django's HTML page.
urlpatterns = [
    path("clients/", api.ClientListCreate.as_view(), name="clients"),
    path("clients/<str:pk>/", api.ClientDetail.as_view(), name="client-detail"),
    path("cases/", api.CaseListCreate.as_view(), name="cases"),
    path("cases/import/", api.CaseImport.as_view(), name="case-import"),
    path("cases/<str:pk>/", api.CaseDetail.as_view(), name="case-detail"),
    path("cases/<str:pk>/handover-note/", api.CaseHandoverNote.as_view(), name="case-handover-note"),
    *[
        path(f"cases/<str:pk>/transitions/{name}/", api.transition_view(name), name=f"case-transition-{name}")
        for name in SERIALIZERS
    ],
    path("cases/<str:pk>/transitions/<str:name>/", api.unknown_transition_view, name="case-transition"),
]

from django.urls import path

from api.oversight import views as api

app_name = "oversight_api"

urlpatterns = [
    path("individual-decisions/", api.IndividualDecisionList.as_view(), name="individual-decisions"),
    path(
        "cases/<str:pk>/individual-decision/confirm/",
        api.IndividualDecisionConfirm.as_view(),
        name="individual-decision-confirm",
    ),
    path("cases/<str:pk>/rejection-talk/", api.RejectionTalk.as_view(), name="rejection-talk"),
    path("clients/<str:pk>/responsible-pap/", api.ResponsiblePap.as_view(), name="responsible-pap"),
]

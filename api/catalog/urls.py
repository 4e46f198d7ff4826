from django.urls import path

from api.catalog import views as api

app_name = "catalog_api"

urlpatterns = [
    path("catalog/needs/", api.NeedList.as_view(), name="needs"),
    path("catalog/exit-reasons/", api.ExitReasonList.as_view(), name="exit-reasons"),
    path("catalog/rejection-reasons/", api.RejectionReasonList.as_view(), name="rejection-reasons"),
]

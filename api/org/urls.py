from django.urls import path

from api.org import views as api

app_name = "org_api"

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="token"),
    path("areas/", api.AreaListCreate.as_view(), name="areas"),
    path("sites/", api.SiteListCreate.as_view(), name="sites"),
    path("teams/", api.TeamListCreate.as_view(), name="teams"),
    path("staff/", api.StaffListCreate.as_view(), name="staff"),
    path("staff/<str:pk>/confirm/", api.StaffConfirm.as_view(), name="staff-confirm"),
    path("staff/<str:pk>/caseload/", api.StaffCaseloadView.as_view(), name="staff-caseload"),
    path("continued-care/", api.ContinuedCareListCreate.as_view(), name="continued-care"),
    path(
        "continued-care/<str:pk>/approve/", api.ContinuedCareApprove.as_view(), name="continued-care-approve"
    ),
]

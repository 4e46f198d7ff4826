from django.urls import path

from api.plans import views as api

app_name = "plans_api"

# Ids are matched as strings and parsed in the selectors, so that `/cases/abc/goals/` answers with the
# JSON error body (404) instead of Django's HTML page.
urlpatterns = [
    path("cases/<str:case_id>/assessment/", api.AssessmentView.as_view(), name="assessment"),
    path("cases/<str:case_id>/goals/", api.GoalListCreate.as_view(), name="goals"),
    path("goals/<str:pk>/", api.GoalDetail.as_view(), name="goal-detail"),
    path("cases/<str:case_id>/agreements/", api.AgreementListCreate.as_view(), name="agreements"),
    path("agreements/<str:pk>/pdf/", api.AgreementPDF.as_view(), name="agreement-pdf"),
    path("cases/<str:case_id>/services/", api.ServiceListCreate.as_view(), name="services"),
    path("services/<str:pk>/", api.ServiceDetail.as_view(), name="service-detail"),
    path("cases/<str:case_id>/contacts/", api.ContactListCreate.as_view(), name="contacts"),
    path("cases/<str:case_id>/needs/<str:code>/resolve/", api.NeedResolve.as_view(), name="need-resolve"),
    path("cases/<str:case_id>/consents/", api.ConsentListCreate.as_view(), name="consents"),
    path("cases/<str:case_id>/consents/<str:pk>/revoke/", api.ConsentRevoke.as_view(), name="consent-revoke"),
]

from django.urls import path

from api.duties import views as api

app_name = "duties_api"

# Ids are matched as strings and parsed in the selectors (a bad id → the JSON 404 body).
urlpatterns = [
    path("cases/<str:case_id>/appointments/", api.AppointmentListCreate.as_view(), name="appointments"),
    path("appointments/<str:pk>/outcome/", api.AppointmentOutcome.as_view(), name="appointment-outcome"),
    path("appointments/<str:pk>/invitation/", api.InvitationPDF.as_view(), name="invitation"),
    path("cases/<str:case_id>/notices/", api.NoticeListCreate.as_view(), name="notices"),
    path("cases/<str:case_id>/obligations/", api.ObligationListCreate.as_view(), name="obligations"),
    path("obligations/<str:pk>/pdf/", api.ObligationPDF.as_view(), name="obligation-pdf"),
    path(
        "obligations/<str:pk>/conciliation/",
        api.ObligationConciliation.as_view(),
        name="obligation-conciliation",
    ),
    path("cases/<str:case_id>/exams/", api.ExamListCreate.as_view(), name="exams"),
    path("exams/<str:pk>/result/", api.ExamResult.as_view(), name="exam-result"),
    path("notices/<str:pk>/answer/", api.NoticeAnswer.as_view(), name="notice-answer"),
]

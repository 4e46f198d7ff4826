from django.urls import path

from web.duties import views

app_name = "duties"

urlpatterns = [
    path("faelle/<int:pk>/termine/", views.appointments, name="appointments"),
    path("faelle/<int:pk>/termine/neu/", views.appointment_create, name="appointment-create"),
    path("termine/<int:appointment_id>/ergebnis/", views.appointment_outcome, name="appointment-outcome"),
    path("termine/<int:appointment_id>/einladung.pdf", views.invitation_download, name="invitation-pdf"),
    path("termine/<int:appointment_id>/meldung/", views.notice_create, name="notice-create"),
    path("faelle/<int:pk>/mitwirkung/", views.obligation_create, name="obligation-create"),
    path("faelle/<int:pk>/untersuchung/", views.exam_create, name="exam-create"),
    path("mitwirkung/<int:obligation_id>/entwurf.pdf", views.obligation_download, name="obligation-pdf"),
    path("teams/mitwirkung/", views.team_duties, name="team-duties"),
    path("kalender/", views.calendar_page, name="calendar"),
    path("kalender/abo/erneuern/", views.calendar_feed_renew, name="calendar-feed-renew"),
    path("kalender/abo/widerrufen/", views.calendar_feed_revoke, name="calendar-feed-revoke"),
    path("kalender/abo/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path("meldungen/<int:notice_id>/antwort/", views.notice_answer, name="notice-answer"),
    path("mitwirkung/<int:obligation_id>/schlichtung/", views.conciliation_record, name="conciliation"),
    path("mitwirkung/<int:obligation_id>/meldung/", views.duty_notice_create, name="duty-notice-create"),
    path("untersuchung/<int:exam_id>/ergebnis/", views.exam_result, name="exam-result"),
]

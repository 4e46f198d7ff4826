from django.urls import path

from web.plans import views

app_name = "plans"

urlpatterns = [
    path("faelle/<int:pk>/zusammenfassung/", views.case_summary, name="case-summary"),
    path("faelle/<int:pk>/plan/assessment/", views.assessment_save, name="assessment-save"),
    path("faelle/<int:pk>/plan/bedarfe/", views.need_add, name="need-add"),
    path("faelle/<int:pk>/plan/bedarfe/<str:code>/", views.need_resolve, name="need-resolve"),
    path("faelle/<int:pk>/plan/ziele/", views.goal_create, name="goal-create"),
    path("faelle/<int:pk>/plan/ziele/<int:goal_id>/status/", views.goal_status, name="goal-status"),
    path("faelle/<int:pk>/plan/vereinbarung/", views.agreement_conclude, name="agreement-conclude"),
    path("faelle/<int:pk>/plan/vereinbarung/verzicht/", views.agreement_waive, name="agreement-waive"),
    path("vereinbarungen/<int:agreement_id>/pdf/", views.agreement_download, name="agreement-pdf"),
    path("faelle/<int:pk>/plan/leistungen/", views.service_create, name="service-create"),
    path("faelle/<int:pk>/plan/leistungen/<int:service_id>/", views.service_update, name="service-update"),
    path(
        "faelle/<int:pk>/plan/einwilligungen/<int:consent_id>/widerruf/",
        views.consent_revoke,
        name="consent-revoke",
    ),
    path("faelle/<int:pk>/plan/kontakte/", views.contact_create, name="contact-create"),
    path("netzwerkpartner/", views.partner_list, name="partners"),
]

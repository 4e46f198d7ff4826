"""UI routes of the TL's oversight around the referral (ACC-2, ACC-4, CLR-4) and her quality view."""

from django.urls import path

from web.oversight import views

app_name = "oversight"
urlpatterns = [
    path("einzelfallentscheidungen/", views.individual_decisions, name="individual-decisions"),
    path(
        "faelle/<int:pk>/einzelfallentscheidung/bestaetigen/",
        views.individual_decision_confirm_view,
        name="individual-decision-confirm",
    ),
    path("faelle/<int:pk>/ablehnungsgespraech/", views.rejection_talk_view, name="rejection-talk"),
    path("kunden/<int:pk>/zustaendige-pap/", views.responsible_pap_view, name="responsible-pap"),
]

"""UI routes of the intake app: client search, new client, referral with live access check, disputes."""

from django.urls import path

from web.intake import views

urlpatterns = [
    path("kunden/", views.client_search, name="client-search"),
    path("kunden/neu/", views.client_create, name="client-create"),
    path("kunden/<int:pk>/zuweisen/", views.referral, name="referral"),
    path(
        "kunden/<int:pk>/zuweisen/zugangspruefung/", views.access_check_fragment, name="referral-access-check"
    ),
    path("widersprueche/", views.dispute_list, name="dispute-list"),
]

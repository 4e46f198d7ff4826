"""UI routes of the cases app; also the login/logout pages and the start page (base.html needs them)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from web.cases import handover_views, views
from web.cases.signin_form import SignInForm
from web.lists import views as list_views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(template_name="registration/login.html", authentication_form=SignInForm),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("faelle/", list_views.caseload, name="case-list"),  # WORK-3: paginated, sortable, filterable
    path("faelle/uebersicht/", views.case_overview, name="case-overview"),
    path("faelle/<int:pk>/", views.case_detail, name="case-detail"),
    path("faelle/<int:pk>/schritt/<slug:name>/", views.case_action, name="case-action"),
    path("faelle/<int:pk>/uebergabevermerk/", handover_views.handover_note, name="case-handover-note"),
]

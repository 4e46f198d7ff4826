"""UI routes of the cases app; also the login/logout pages and the start page (base.html needs them)."""

from django.contrib.auth import views as auth_views
from django.urls import path

from web.cases import views
from web.cases.signin_form import SignInForm

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "anmelden/",
        auth_views.LoginView.as_view(template_name="registration/login.html", authentication_form=SignInForm),
        name="login",
    ),
    path("abmelden/", auth_views.LogoutView.as_view(), name="logout"),
    path("faelle/", views.case_list, name="case-list"),
    path("faelle/<int:pk>/", views.case_detail, name="case-detail"),
    path("faelle/<int:pk>/schritt/<slug:name>/", views.case_action, name="case-action"),
]

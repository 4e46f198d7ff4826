from django.urls import path

from web.org import views

app_name = "org"

urlpatterns = [
    path("team/vertretungen/", views.substitutions, name="substitutions"),
    path("team/vertretungen/<int:pk>/beenden/", views.substitution_stop, name="substitution-stop"),
    path(
        "team/vertretungen/<int:pk>/zustimmen/", views.substitution_approve_view, name="substitution-approve"
    ),
    path("team/faelle/<int:case_id>/abgabe/", views.transfer, name="case-transfer"),
    path(
        "team/weiterbetreuung/<int:pk>/zustimmen/",
        views.continued_care_approve_view,
        name="continued-care-approve",
    ),
    path(
        "team/weiterbetreuung/<int:pk>/beenden/",
        views.continued_care_revoke_view,
        name="continued-care-revoke",
    ),
]

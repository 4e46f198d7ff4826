from django.urls import path

from org import views

app_name = "org"

urlpatterns = [
    path("team/vertretungen/", views.substitutions, name="substitutions"),
    path("team/vertretungen/<int:pk>/beenden/", views.substitution_stop, name="substitution-stop"),
    path("team/faelle/<int:case_id>/abgabe/", views.transfer, name="case-transfer"),
]

from django.urls import path

from web.followups import views

app_name = "followups"

urlpatterns = [
    path("faelle/<int:pk>/wiedervorlagen/", views.followup_create, name="create"),
    path("wiedervorlagen/<int:pk>/erledigt/", views.followup_done, name="done"),
    path("wiedervorlagen/<int:pk>/verwerfen/", views.followup_cancel, name="cancel"),
]

from django.urls import path

from api.followups import views

app_name = "followups_api"

# Ids are matched as strings and parsed in the selectors (a bad id answers with the JSON 404 body).
urlpatterns = [
    path("cases/<str:case_id>/follow-ups/", views.CaseFollowUps.as_view(), name="case-followups"),
    path("follow-ups/<str:pk>/done/", views.FollowUpDone.as_view(), name="followup-done"),
    path("follow-ups/<str:pk>/cancel/", views.FollowUpCancel.as_view(), name="followup-cancel"),
]

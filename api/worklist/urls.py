from django.urls import path

from api.worklist import views

app_name = "worklist_api"

urlpatterns = [path("worklist/", views.Worklist.as_view(), name="worklist")]

from django.urls import path

from api.reviews import views as api

app_name = "reviews_api"

# Ids are matched as strings and parsed in the view, so `/reviews/abc/…` answers with the JSON 404 body.
urlpatterns = [
    path("cases/<str:pk>/reviews/", api.CaseReviews.as_view(), name="case-reviews"),
    path("reviews/<str:pk>/document/", api.ReviewDocument.as_view(), name="review-document"),
    path("reviews/<str:pk>/acknowledge/", api.ReviewAcknowledge.as_view(), name="review-acknowledge"),
    path("reviews/<str:pk>/decide/", api.ReviewDecide.as_view(), name="review-decide"),
    path("reminders/", api.ReminderList.as_view(), name="reminders"),
    path("reminders/<str:pk>/done/", api.ReminderDone.as_view(), name="reminder-done"),
]

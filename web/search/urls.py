"""UI route of the client search in the page header (WORK-2)."""

from django.urls import path

from web.search import views

urlpatterns = [path("suche/", views.search, name="search")]

"""URLconf of the benchmark settings only: production's routes plus the framework floor (benchmarks/floor.py)."""

from django.urls import path

from benchmarks import floor
from fallmanagement.urls import handler400, handler403, handler404, handler500
from fallmanagement.urls import urlpatterns as app_urls

urlpatterns = [
    path(floor.FLOOR_URL.strip("/") + "/", floor.floor, name="bench-floor"),
    path(floor.FLOOR_BARE_URL.strip("/") + "/", floor.floor_bare, name="bench-floor-bare"),
    *app_urls,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]

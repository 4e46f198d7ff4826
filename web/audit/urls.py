from django.conf import settings
from django.urls import include, path

from web.audit import views

app_name = "audit"

urlpatterns = [
    path("datenschutz/protokoll/", views.access_log, name="access-log"),
    path("datenschutz/loeschlaeufe/", views.purge_runs, name="purge-runs"),
    path("datenschutz/loeschlaeufe/neu/", views.purge_run_prepare, name="purge-run-prepare"),
    path("datenschutz/loeschlaeufe/<int:pk>/bestaetigen/", views.purge_run_confirm, name="purge-run-confirm"),
    path("sicherheit/zwei-faktor/", views.otp, name="otp"),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

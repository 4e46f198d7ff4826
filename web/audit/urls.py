from django.conf import settings
from django.urls import include, path

from web.audit import accounts_views, subject_access_views, views

app_name = "audit"

urlpatterns = [
    path("datenschutz/protokoll/", views.access_log, name="access-log"),
    path("datenschutz/loeschlaeufe/", views.purge_runs, name="purge-runs"),
    path("datenschutz/loeschlaeufe/neu/", views.purge_run_prepare, name="purge-run-prepare"),
    path(
        "datenschutz/loeschlaeufe/protokoll/neu/",
        views.access_log_purge_run_prepare,
        name="access-log-purge-run-prepare",
    ),
    path("datenschutz/loeschlaeufe/<int:pk>/bestaetigen/", views.purge_run_confirm, name="purge-run-confirm"),
    path("sicherheit/zwei-faktor/", views.otp, name="otp"),
    path("datenschutz/auskunft/", subject_access_views.subject_access, name="subject-access"),
    path("verwaltung/konten/", accounts_views.accounts_page, name="accounts"),
    path("verwaltung/konten/<int:pk>/freigeben/", accounts_views.account_confirm, name="account-confirm"),
]

if settings.OIDC_ENABLED:
    urlpatterns.append(path("oidc/", include("mozilla_django_oidc.urls")))

"""Deploy checks of the sign-in and database-role setup (issue 15): `manage.py check --deploy`."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

PRIVILEGED = ("admin", "datenschutz", "teamleitung", "bereichsleitung")


@checks.register(checks.Tags.security, deploy=True)
def second_factor_roles(app_configs=None, **kwargs):
    missing = [role for role in PRIVILEGED if role not in settings.FM_OTP_REQUIRED_ROLES]
    if settings.DEBUG or not missing:
        return []
    return [
        checks.Warning(
            "Zweiter Faktor nicht für alle privilegierten Rollen vorgeschrieben: " + ", ".join(missing),
            hint="FM_OTP_REQUIRED_ROLES=admin,datenschutz,teamleitung,bereichsleitung (Standard) setzen.",
            id="fallmanagement.W101",
        )
    ]


@checks.register(checks.Tags.database, deploy=True)
def application_database_role(app_configs=None, **kwargs):
    if settings.DEBUG or settings.FM_DB_APP_ROLE:
        return []
    return [
        checks.Info(
            "Die Anwendung verbindet sich als Eigentümerin der Datenbank: das Zugriffsprotokoll ist nur durch "
            "die Prüfsummenkette geschützt.",
            hint="DATABASE_OWNER_URL (Eigentümer) und DATABASE_URL (Anwendungsrolle) setzen, dann setup_db_roles.",
            id="fallmanagement.I102",
        )
    ]

"""`python manage.py setup_db_roles`: create (or update) the application's database role and grant it
exactly what it needs (audit/dbroles.py). Idempotent; connects as the owner (DATABASE_OWNER_URL).

The role name and password come from DATABASE_URL (or `--role` / `--password`)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from audit import dbroles


class Command(BaseCommand):
    help = "Legt die Datenbankrolle der Anwendung an und vergibt ihr nur die nötigen Rechte."

    def add_arguments(self, parser):
        parser.add_argument(
            "--role", default="", help="Name der Anwendungsrolle (Standard: aus DATABASE_URL)"
        )
        parser.add_argument("--password", default=None, help="Passwort (Standard: aus DATABASE_URL)")
        parser.add_argument("--nologin", action="store_true", help="Rolle ohne Anmeldung (für Tests)")

    def handle(self, *args, role: str, password: str | None, nologin: bool, **options):
        role = role or dbroles.app_role()
        if not role:
            raise CommandError(
                "Keine Anwendungsrolle: DATABASE_OWNER_URL (Eigentümer) und DATABASE_URL (Anwendung) "
                "mit verschiedenen Benutzern setzen, oder --role angeben."
            )
        if password is None and role == dbroles.app_role() and settings.DATABASE_OWNER_URL:
            import environ

            password = environ.Env.db_url_config(self._app_url()).get("PASSWORD") or None
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            owner = cursor.fetchone()[0]
            if owner == role:
                raise CommandError(
                    "Die Anwendungsrolle darf nicht der Eigentümer sein (DATABASE_OWNER_URL setzen)."
                )
            created = dbroles.ensure_role(cursor, role, password=password, login=not nologin)
            dbroles.harden_trigger_ignore(cursor)
            dbroles.apply_grants(cursor, role)
        if options["verbosity"]:
            self.stdout.write(
                f"Datenbankrolle {role} {'angelegt' if created else 'aktualisiert'}; Eigentümer: {owner}."
            )

    @staticmethod
    def _app_url() -> str:
        import os

        return os.environ.get("DATABASE_URL", "")

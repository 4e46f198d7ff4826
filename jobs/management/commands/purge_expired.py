"""DP-5: list the clients due for anonymisation and prepare a purge run that a second
data-protection user confirms in the UI (Datenschutz → Löschläufe)."""

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from catalog import clock, periods
from fallmanagement.errors import DomainError
from jobs.retention import purge_candidates, purge_prepare
from org.choices import Role


class Command(BaseCommand):
    help = "Listet Kund*innen, deren letzter Fall länger als die Aufbewahrungsfrist beendet ist (DP-5)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Nur auflisten, keinen Löschlauf anlegen.")
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, help="Stichtag-Basis (JJJJ-MM-TT), Standard heute."
        )
        parser.add_argument(
            "--prepared-by", help="Benutzername der Datenschutz-Person, die den Löschlauf vorbereitet."
        )

    def handle(self, *args, dry_run=False, prepared_by=None, today=None, **options):
        today = clock.today(today)
        candidates = list(purge_candidates(today=today).values_list("pk", "last_ended_on"))
        self.stdout.write(f"Stichtag: {periods.retention_cutoff(today):%d.%m.%Y} – fällig: {len(candidates)}")
        for pk, ended in candidates:
            self.stdout.write(f"  Kund*in {pk}: letzter Fall beendet am {ended:%d.%m.%Y}")
        if dry_run:
            self.stdout.write("Probelauf: nichts geändert.")
            return
        if not prepared_by:
            raise CommandError(
                "Bitte --prepared-by <Benutzername> (Rolle Datenschutz) oder --dry-run angeben."
            )
        user = (
            get_user_model()
            .objects.filter(username=prepared_by, role=Role.DATENSCHUTZ, is_active=True)
            .first()
        )
        if user is None:
            raise CommandError(f"Keine aktive Datenschutz-Person mit dem Benutzernamen {prepared_by!r}.")
        try:
            run = purge_prepare(acting_user=user, today=today)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Löschlauf {run.pk} mit {len(run.client_ids)} Kund*innen angelegt. "
                "Eine zweite Datenschutz-Person muss ihn unter Datenschutz → Löschläufe bestätigen."
            )
        )

import datetime

from django.core.management.base import BaseCommand, CommandError

from catalog import clock
from fallmanagement.errors import DomainError
from jobs.daily import daily_jobs_run


class Command(BaseCommand):
    help = "Tägliche Jobs (Prüfungen, Erinnerungen, E-Mail-Zusammenfassung) zum Stichtag – wie der Beat-Task."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Stichtag JJJJ-MM-TT (Standard: heute, Europe/Berlin)")
        parser.add_argument("--no-digests", action="store_true", help="keine E-Mail-Zusammenfassungen senden")

    def handle(self, *args, date=None, no_digests=False, **options):
        try:
            on = datetime.date.fromisoformat(date) if date else clock.today()
        except ValueError:
            raise CommandError("Ungültiges Datum, bitte JJJJ-MM-TT angeben.") from None
        try:
            counts = daily_jobs_run(on=on, send_digests=not no_digests)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for key, value in counts.items():
            self.stdout.write(f"{key}: {value}")

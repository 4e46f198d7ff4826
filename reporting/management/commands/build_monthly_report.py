from django.core.management.base import BaseCommand, CommandError

from fallmanagement.errors import DomainError
from reporting.services import monthly_report_run


class Command(BaseCommand):
    help = "Monatsbericht (REP-1) für --month JJJJ-MM erstellen – wie der monatliche Beat-Task."

    def add_arguments(self, parser):
        parser.add_argument("--month", help="Monat JJJJ-MM (Standard: Vormonat)")

    def handle(self, *args, month=None, **options):
        try:
            built = monthly_report_run(month=month)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Monatsbericht erstellt: {built[:7]}")

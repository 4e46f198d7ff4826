"""`python manage.py verify_audit_log`: check the access log's hash chain (audit/chain.py). Exit status 1
on a break (for monitoring); `--alert` also e-mails the datenschutz accounts, as the daily job does."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from audit import chain


class Command(BaseCommand):
    help = "Prüft die Prüfsummenkette des Zugriffsprotokolls."

    def add_arguments(self, parser):
        parser.add_argument(
            "--alert", action="store_true", help="Bei einem Bruch den Datenschutz benachrichtigen"
        )

    def handle(self, *args, alert: bool, **options):
        report = chain.chain_check_and_alert() if alert else chain.verify_chain()
        if not report.ok:
            raise CommandError(
                f"Prüfsummenkette unterbrochen bei Eintrag Nr. {report.broken_at}: {report.reason} "
                f"({report.checked} Einträge davor in Ordnung)."
            )
        self.stdout.write(
            f"Zugriffsprotokoll in Ordnung: {report.checked} Einträge, Kopf Nr. {report.head_seq}."
        )

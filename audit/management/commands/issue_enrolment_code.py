"""`python manage.py issue_enrolment_code USERNAME`: the operator (a second person with access to the server)
issues the one-time code with which USERNAME sets up the second factor — for the first admin, or when no
other admin is available. Otherwise admins issue codes on the page "Konten und zweiter Faktor"."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from audit import signin


class Command(BaseCommand):
    help = "Erstellt einen einmaligen Einrichtungscode für den zweiten Faktor eines Kontos."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Kein Konto mit dem Benutzernamen {username}.")
        code = signin.enrolment_code_issue(user=user)
        self.stdout.write(f"Einrichtungscode für {username} (einmalig, persönlich übergeben): {code}")

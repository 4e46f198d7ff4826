"""`manage.py load_demo [--if-empty] [--seed N] [--clients N]`: the demo jobcenter (see demo/builder.py)."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from cases.choices import CaseState
from catalog import clock
from demo.builder import DEFAULT_CLIENTS, DEFAULT_SEED, DEMO_PASSWORD, JOBCENTER, demo_data_exists, demo_load
from demo.story import demo_logins
from org.choices import Role


class Command(BaseCommand):
    help = "Lädt das Demo-Jobcenter „Jobcenter Region Musterstadt“ (Organisation, Mitarbeitende, Kund*innen, Fälle)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="Nichts tun, wenn bereits Mitarbeitende angelegt sind."
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Zufallsstartwert (Standard: 2026)."
        )
        parser.add_argument(
            "--clients", type=int, default=DEFAULT_CLIENTS, help="Anzahl der Kund*innen (Standard: 3000)."
        )
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="Stichtag JJJJ-MM-TT (Standard: heute); alle Daten liegen davor.",
        )

    def handle(
        self, *args, if_empty=False, seed=DEFAULT_SEED, clients=DEFAULT_CLIENTS, today=None, **options
    ):
        if demo_data_exists():
            if if_empty:
                self.stdout.write(
                    "Demodaten: Es sind bereits Mitarbeitende angelegt – es wird nichts geladen."
                )
                self._logins(demo_logins(clock.today(today)))
                return
            raise CommandError(
                "Die Datenbank enthält bereits Mitarbeitende. Demodaten werden nur in eine leere Datenbank geladen "
                "(mit --if-empty wird dieser Fall still übersprungen)."
            )
        if clients < 20 or clients > 100_000:
            raise CommandError("--clients muss zwischen 20 und 100000 liegen.")
        self.stdout.write(f"Lade Demodaten „{JOBCENTER}“ (Seed {seed}, {clients} Kund*innen) …")
        result = demo_load(seed=seed, clients=clients, today=today, log=self.stdout.write)
        self._summary(result)

    def _summary(self, result) -> None:
        c = result.counts
        w = self.stdout.write
        staff = c["staff"]
        w("")
        w(self.style.SUCCESS(f"Demodaten geladen in {result.seconds:.1f} s."))
        w(f"  Organisation: {c['areas']} Bereiche, {c['sites']} Standorte, {c['teams']} Teams")
        w(
            f"  Mitarbeitende: {staff.get(Role.FALLMANAGER, 0)} Fallmanager*innen "
            f"({c['fms_part_time']} in Teilzeit, {c['fms_over_target']} über Soll), "
            f"{staff.get(Role.PAP, 0)} pAp, {staff.get(Role.TEAMLEITUNG, 0)} Teamleitungen, "
            f"{staff.get(Role.BEREICHSLEITUNG, 0)} Bereichsleitungen, Controlling, Datenschutz, Administration"
        )
        w(
            f"  Kund*innen: {c['clients']} in {c['households']} Bedarfsgemeinschaften "
            f"({c['multi_households']} mit mehreren eLb), {c['needs']} Handlungsbedarfe"
        )
        w(
            f"  Fälle: {c['cases']} ({c['imported']} aus dem Altverfahren, {c['individual']} per Einzelfallentscheidung)"
        )
        for state in CaseState:
            w(f"    {state.label:<38} {c['states'][state.value]:>6}")
        w(
            f"  Aktive Fälle über 12 / 24 / 36 Monate: {c['active_over_12']} / {c['active_over_24']} / "
            f"{c['active_over_36']}; Clearing überfällig: {c['clearing_overdue']}"
        )
        w(f"  Fallereignisse: {c['events']}, Wirkungsanalysen: {c['outcomes']}")
        for line in result.hooks:
            w(f"  {line}")
        self._logins(result.logins)

    def _logins(self, logins) -> None:
        w = self.stdout.write
        if not logins:
            return
        w("")
        w(f"Demo-Zugänge (Passwort für alle: {DEMO_PASSWORD})")
        rows = [("Rolle", "Benutzername", "Hinweis"), *logins]
        widths = [max(len(row[i]) for row in rows) for i in range(2)]
        for index, (role, username, hint) in enumerate(rows):
            w(f"  {role:<{widths[0]}}  {username:<{widths[1]}}  {hint}")
            if index == 0:
                w(f"  {'-' * widths[0]}  {'-' * widths[1]}  {'-' * 30}")

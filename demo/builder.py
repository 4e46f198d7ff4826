"""Demo data: a believable "Jobcenter Region Musterstadt" for demos and manual testing.

Used by `manage.py load_demo`. Organisation, staff, clients, households and needs are bulk-created
(fast); every case runs its lifecycle through the services (`cases.services.case_refer`, …,
`cases.services.case_close`) with explicit past dates, so events, history and outcome records are
consistent. Cases admitted before the system's go-live (`GO_LIVE_MONTHS` ago) are taken over with
`cases.services.case_import`, as a real jobcenter would do when it migrates from a legacy system.
Everything is drawn from one seeded random generator: the same seed and day give the same data.
"""

from __future__ import annotations

import datetime
import random
import time
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count

from cases import services as case_services
from cases.choices import CaseState, ForwardTarget, HandoverKind, NeedStatus
from cases.models import Case, CaseEvent, Client, ClientNeed, Household
from cases.selectors import fallmanagers_with_caseload
from catalog import clock
from catalog.models import ACCESS_KEY_GROUPS, Need
from demo import duties as demo_duties
from demo import rules as demo_rules
from demo import worklist as demo_worklist
from demo.desk import desk_demo
from demo.story import demo_logins, story_build
from fallmanagement.errors import DomainError
from jobs.daily import daily_jobs_run
from org.choices import Role
from org.models import Area, Site, Staff, Team
from plans import services as plan_services
from plans.choices import ContactKind, GoalKind
from reporting.models import OutcomeRecord

DEMO_PASSWORD = "Demo-Passwort-2026"
DEFAULT_SEED = 2026
DEFAULT_CLIENTS = 3000
JOBCENTER = "Jobcenter Region Musterstadt"
EMAIL_DOMAIN = "jobcenter-musterstadt.invalid"
# Cases admitted before this many months ago come from the legacy system (case_import).
GO_LIVE_MONTHS = 12

# area → sites (town districts of "Musterstadt")
STRUCTURE = {
    "Bereich Nord": ["Nordstadt", "Lindenhof"],
    "Bereich Süd": ["Südstadt", "Am Kirchberg"],
}
# site index → TL layout: one TL for both teams, or one TL per team (ORG-3: a TL may lead several teams)
TL_LEADS_BOTH = {0: True, 1: False, 2: True, 3: False}
PART_TIME_HOURS = [Decimal("19.5"), Decimal("30.0"), Decimal("32.0")]

# Share of clients per scenario; `active` takes the rest.
SCENARIO_SHARES = {
    "referred": 0.02,
    "clearing": 0.03,
    "rejected": 0.015,
    "disputed": 0.005,
    "forwarded": 0.01,
    "returned": 0.01,
    "closed": 0.15,
    "none": 0.03,
}
# Active cases: months since admission (from, to) and share; the long-running buckets always get ≥ 1.
ACTIVE_MONTH_BUCKETS = [
    ((0, 6), 0.28),
    ((6, 12), 0.24),
    ((12, 18), 0.18),
    ((18, 24), 0.14),
    ((24, 30), 0.07),
    ((30, 36), 0.05),
    ((36, 38), 0.01),
]
EXIT_WEIGHTS = {
    "B01": 26,
    "B02": 5,
    "B03": 3,
    "B04": 8,
    "B05": 12,
    "B06": 10,
    "B07": 6,
    "B08": 11,
    "B09": 4,
    "B10": 3,
    "B11": 5,
    "B12": 1,
    "B13": 1,
    "B14": 1,
    "B99": 3,
}
REJECTION_WEIGHTS = {"R01": 30, "R02": 20, "R03": 20, "R04": 12, "R05": 10, "R99": 8}

EXPECTED_PROGRESS = [
    "Stabilisierung der Wohnsituation und Anbindung an die Schuldnerberatung innerhalb von sechs Monaten.",
    "Klärung der gesundheitlichen Leistungsfähigkeit über den Ärztlichen Dienst, danach Einstieg in eine Maßnahme.",
    "Tagesstruktur aufbauen, Kinderbetreuung sichern und eine Teilzeitbeschäftigung vorbereiten.",
    "Anbindung an die Suchtberatung und schrittweise Heranführung an eine Arbeitsgelegenheit.",
    "Regelmäßige Termine wahrnehmen, Bewerbungsunterlagen erstellen und ein Praktikum aufnehmen.",
    "Aufenthaltsrechtliche Fragen klären, Sprachkurs abschließen und Berufserfahrung anerkennen lassen.",
    "Mobilität herstellen (Führerschein/Deutschlandticket) und eine Beschäftigung im Lager anbahnen.",
]
REFERRAL_TAILS = [
    "Im Regelgeschäft der Arbeitsvermittlung sind keine Fortschritte erreichbar.",
    "Die Kundin / der Kunde wünscht eine intensivere Begleitung.",
    "Mehrere Vermittlungsversuche sind an den Rahmenbedingungen gescheitert.",
    "Die Problemlagen bedingen sich gegenseitig und brauchen eine ganzheitliche Begleitung.",
]
INDIVIDUAL_REASONS = [
    "Ein schwerwiegendes Vermittlungshemmnis (drohender Wohnungsverlust) überlagert alle weiteren Schritte.",
    "Akute familiäre Krise bei ansonsten marktnahem Profil; intensive Begleitung für einige Monate nötig.",
    "Erhebliche Verhaltensauffälligkeiten im Kontakt; Vermittlung im Regelgeschäft ist wiederholt gescheitert.",
    "Nach Haftentlassung ist eine engmaschige Begleitung zur Stabilisierung erforderlich.",
]
REJECTION_TEXTS = {
    "R01": "Trotz mehrerer Gespräche konnte kein belastbares Arbeitsbündnis hergestellt werden.",
    "R02": "Im Clearing haben sich die Handlungsbedarfe nicht in dem angenommenen Umfang bestätigt.",
    "R03": "Die Fallzahl im Team liegt über dem Soll; eine Übernahme ist derzeit nicht möglich.",
    "R04": "Vorrangig ist eine medizinische Rehabilitation über die Rentenversicherung.",
    "R05": "Die Problemlage erfordert das spezialisierte Fallmanagement für junge Erwachsene.",
    "R99": "Die Kundin / der Kunde zieht in wenigen Wochen in einen anderen Zuständigkeitsbereich.",
}
DISPUTE_COMMENTS = [
    "Aus Sicht der Arbeitsvermittlung sind die Zugangsvoraussetzungen erfüllt; bitte erneut prüfen.",
    "Die Kundin / der Kunde ist inzwischen zur Mitwirkung bereit; ein Arbeitsbündnis erscheint möglich.",
    "Ohne Fallmanagement droht der Abbruch aller laufenden Hilfen.",
]
DISPUTE_DECISIONS_ADMIT = [
    "Nach Rücksprache mit pAp und FM wird der Fall übernommen.",
    "Der Widerspruch ist begründet; Übernahme in das Fallmanagement.",
]
DISPUTE_DECISIONS_REJECT = [
    "Die Ablehnung bleibt bestehen; die Gründe aus dem Clearing tragen weiterhin.",
    "Keine neuen Gesichtspunkte; die Ablehnung ist endgültig.",
]
FORWARD_TEXTS = {
    ForwardTarget.SPECIALISED: (
        "Team U25 – spezialisiertes Fallmanagement",
        "Unter 25 Jahre mit komplexer Problemlage; das spezialisierte Fallmanagement ist zuständig.",
    ),
    ForwardTarget.THIRD_PARTY: (
        "Träger „Neue Wege gGmbH“",
        "Eine aufsuchende Begleitung durch den beauftragten Träger ist besser geeignet.",
    ),
}
RETURN_TEXTS = [
    "Termine wurden wiederholt nicht wahrgenommen; ein Arbeitsbündnis kam nicht zustande.",
    "Die Kundin / der Kunde lehnt die Begleitung im Fallmanagement ab.",
]
EXIT_TEXTS = {
    "B01": "Arbeitsvertrag als Lagerhelfer*in, sozialversicherungspflichtig, unbefristet.",
    "B02": "Beginn einer betrieblichen Ausbildung.",
    "B03": "Gründung eines Kleingewerbes mit tragfähigem Konzept.",
    "B99": "Die Kundin / der Kunde ist ins Ausland verzogen.",
}


@dataclass
class Episode:
    """One planned FM episode of a client and the dates of its steps."""

    path: str  # referred | clearing | admit | import | reject | forward | return
    talk_on: datetime.date | None = None
    referred_on: datetime.date | None = None
    clearing_on: datetime.date | None = None
    decided_on: datetime.date | None = None  # reject / forward / return
    admitted_on: datetime.date | None = None
    dispute: str = ""  # "" | open | admit | reject
    disputed_on: datetime.date | None = None
    dispute_decided_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    exit_code: str = ""
    reason_code: str = ""
    forward_to: str = ""

    @property
    def first_on(self) -> datetime.date:
        return self.talk_on or self.admitted_on


@dataclass
class ClientPlan:
    scenario: str
    site: Site
    fm: Staff | None = None
    pap: Staff | None = None
    episodes: list[Episode] = field(default_factory=list)
    need_codes: list[str] = field(default_factory=list)
    profiling: bool = False
    individual: bool = False
    work_taken_up_on: datetime.date | None = None
    access_checked_on: datetime.date | None = None
    client: Client | None = None


@dataclass
class DemoResult:
    seconds: float
    counts: dict
    logins: list[tuple[str, str, str]]
    hooks: list[str]
    loaded: bool = True


def _ascii(text: str) -> str:
    text = text.lower().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text if ch.isalnum())


def _months_ago(today: datetime.date, months: float, rng: random.Random) -> datetime.date:
    """A date about `months` months before today (whole months back, then a random day within)."""
    whole = int(months)
    base = today - relativedelta(months=whole)
    return base - datetime.timedelta(days=rng.randint(0, 27))


class DemoBuilder:
    def __init__(self, *, seed: int, clients: int, today: datetime.date, log=None):
        from faker import Faker  # dev dependency (factory-boy); imported late so the app does not need it

        self.rng = random.Random(seed)
        self.fake = Faker("de_DE")
        self.fake.seed_instance(seed)
        self.n_clients = clients
        self.today = today
        self.go_live = today - relativedelta(months=GO_LIVE_MONTHS)
        self.log = log or (lambda msg: None)
        self.hooks: list[str] = []

    # --- organisation and staff ---------------------------------------------------------------------
    def _staff_name(self, used: set[str], prefix: str) -> tuple[str, str, str]:
        for _attempt in range(200):
            female = self.rng.random() < 0.6
            first = self.fake.first_name_female() if female else self.fake.first_name_male()
            last = self.fake.last_name()
            slug = _ascii(last)
            if " " in last or "-" in last or not slug or f"{prefix}.{slug}" in used:
                continue
            used.add(f"{prefix}.{slug}")
            return f"{prefix}.{slug}", first, last
        raise RuntimeError("no unique staff name found")  # pragma: no cover

    def build_org(self) -> None:
        rng = self.rng
        password = make_password(DEMO_PASSWORD)  # hashed once (Argon2 is slow), reused for every demo user
        used: set[str] = set()
        self.areas, self.sites, self.teams = [], [], []
        for area_name, site_names in STRUCTURE.items():
            area = Area.objects.create(name=area_name)
            self.areas.append(area)
            for site_name in site_names:
                site = Site.objects.create(name=f"Standort {site_name}", area=area)
                self.sites.append(site)
                for number in (1, 2):
                    team = Team.objects.create(
                        name=f"Mul-Team {site_name} {number}", site=site, rucksack_fallmanagement=number == 1
                    )
                    self.teams.append(team)

        staff: list[Staff] = []

        def add(username, first, last, role, team=None, hours=Decimal("39.0"), **extra) -> Staff:
            user = Staff(
                username=username,
                first_name=first,
                last_name=last,
                email=f"{username}@{EMAIL_DOMAIN}",
                role=role,
                team=team,
                weekly_hours=hours,
                password=password,
                **extra,
            )
            staff.append(user)
            return user

        self.fms_by_team: dict[int, list[Staff]] = defaultdict(list)
        self.paps_by_team: dict[int, list[Staff]] = defaultdict(list)
        self.tl_of_team: dict[int, Staff] = {}
        tl_teams: list[tuple[Staff, list[Team]]] = []
        for index, team in enumerate(self.teams):
            for slot in range(5):
                # a few part-timers per team; slot 2 of team 0 is always 19.5 h (CAP-2: target 38)
                if index == 0 and slot == 2:
                    hours = Decimal("19.5")
                elif slot in (2, 4) and rng.random() < 0.55:
                    hours = rng.choice(PART_TIME_HOURS)
                else:
                    hours = Decimal("39.0")
                self.fms_by_team[index].append(
                    add(*self._staff_name(used, "fm"), Role.FALLMANAGER, team, hours)
                )
            for _pap in range(1 if index % 2 else 2):
                self.paps_by_team[index].append(add(*self._staff_name(used, "pap"), Role.PAP, team))
        for site_index in range(len(self.sites)):
            first, second = self.teams[2 * site_index], self.teams[2 * site_index + 1]
            groups = [[first, second]] if TL_LEADS_BOTH[site_index] else [[first], [second]]
            for group in groups:
                tl = add(*self._staff_name(used, "tl"), Role.TEAMLEITUNG, group[0])
                tl_teams.append((tl, group))
        bl_nord = add("bl.nord", *self._staff_name(set(), "x")[1:], Role.BEREICHSLEITUNG, self.teams[0])
        bl_sued = add("bl.sued", *self._staff_name(set(), "x")[1:], Role.BEREICHSLEITUNG, self.teams[4])
        add("controlling", "Conny", "Controlling", Role.CONTROLLING)
        add("datenschutz", "Dana", "Datenschutz", Role.DATENSCHUTZ)
        self.admin = add("admin", "Ada", "Admin", Role.ADMIN, is_staff=True, is_superuser=True)
        Staff.objects.bulk_create(staff)

        for tl, group in tl_teams:
            for team in group:
                team.leads.add(tl)
                self.tl_of_team[self.teams.index(team)] = tl
        self.areas[0].leads.add(bl_nord)
        self.areas[1].leads.add(bl_sued)
        self.demo_tl = tl_teams[0][0]  # leads both teams of the first site
        self.team_index = {team.pk: i for i, team in enumerate(self.teams)}

    # --- planning -------------------------------------------------------------------------------------
    def _scenario_counts(self) -> dict[str, int]:
        n = self.n_clients
        counts = {name: max(1, round(share * n)) for name, share in SCENARIO_SHARES.items()}
        counts["active"] = n - sum(counts.values())
        if counts["active"] < 1:
            raise ValueError("Zu wenige Kund*innen für alle Fallstatus (mindestens 20).")
        return counts

    def _active_quota(self, total: int) -> dict[int, int]:
        """Active cases per FM (CAP-1/2): most below target, a few over it (CAP-3). The designated
        over-target FMs are served first, so that even a small demo shows one."""
        rng = self.rng
        fms = [fm for i in range(len(self.teams)) for fm in self.fms_by_team[i]]
        over = [self.fms_by_team[0][2], self.fms_by_team[3][0], self.fms_by_team[6][1]]
        quota: dict[int, int] = {}
        remaining = total
        for fm in over:
            want = min(remaining, fm.caseload_target + rng.randint(3, 12))
            quota[fm.pk] = want
            remaining -= want
        others = [fm for fm in fms if fm.pk not in quota]
        weights = [fm.caseload_target * rng.uniform(0.62, 1.1) for fm in others]
        scale = remaining / sum(weights)
        shares = [w * scale for w in weights]
        floors = [int(s) for s in shares]
        rest = remaining - sum(floors)
        order = sorted(range(len(others)), key=lambda i: shares[i] - floors[i], reverse=True)
        for i in order[:rest]:
            floors[i] += 1
        for fm, count in zip(others, floors, strict=True):
            quota[fm.pk] = count
        return quota

    def _pick_fm(self, teams: list[int] | None = None) -> Staff:
        pool = [fm for i in (teams or range(len(self.teams))) for fm in self.fms_by_team[i]]
        return self.rng.choices(pool, weights=[float(fm.weekly_hours) for fm in pool])[0]

    def _plan_for(self, scenario: str, fm: Staff) -> ClientPlan:
        team_index = self.team_index[fm.team_id]
        pap = self.rng.choice(self.paps_by_team[team_index])
        return ClientPlan(scenario=scenario, site=self.sites[team_index // 2], fm=fm, pap=pap)

    def _days(self, low: int, high: int) -> datetime.timedelta:
        return datetime.timedelta(days=self.rng.randint(low, high))

    def _referral_before(self, ep: Episode, start: datetime.date) -> None:
        """Fill talk, referral and clearing dates before `start` (the first clearing outcome)."""
        ep.clearing_on = start - self._days(7, 50)
        ep.referred_on = ep.clearing_on - self._days(0, 14)
        ep.talk_on = ep.referred_on - self._days(0, 10)

    def _closed_episode(
        self, closed_on: datetime.date, exit_code: str, *, duration: int | None = None
    ) -> Episode:
        rng = self.rng
        if exit_code == "B10":
            months = 36
        elif duration is not None:
            months = duration
        else:
            months = rng.choice([2, 3, 4, 5, 6, 6, 7, 8, 8, 9, 10, 11, 12, 14, 16, 18, 21, 24, 28, 33])
        admitted = closed_on - relativedelta(months=months) - self._days(0, 20)
        ep = Episode(path="import" if admitted < self.go_live else "admit", admitted_on=admitted)
        ep.closed_on = closed_on
        ep.exit_code = exit_code
        if ep.path == "admit":
            self._referral_before(ep, admitted)
        return ep

    def _exit_code(self) -> str:
        return self.rng.choices(list(EXIT_WEIGHTS), weights=list(EXIT_WEIGHTS.values()))[0]

    def plan(self) -> list[ClientPlan]:
        rng, today = self.rng, self.today
        counts = self._scenario_counts()
        self.scenario_counts = counts
        plans: list[ClientPlan] = []

        # active: quota per FM, admission months stratified so that long-running buckets always exist
        quota = self._active_quota(counts["active"])
        fms = {fm.pk: fm for team_fms in self.fms_by_team.values() for fm in team_fms}
        active = [self._plan_for("active", fms[pk]) for pk, n in quota.items() for _ in range(n)]
        rng.shuffle(active)
        bucket_sizes = [
            max(1, round(share * len(active))) if low >= 24 else round(share * len(active))
            for (low, _high), share in ACTIVE_MONTH_BUCKETS
        ]
        bucket_sizes[0] += len(active) - sum(bucket_sizes)
        position = 0
        for ((low, high), _share), size in zip(ACTIVE_MONTH_BUCKETS, bucket_sizes, strict=True):
            for plan in active[position : position + size]:
                admitted = _months_ago(today, rng.uniform(low, high), rng)
                admitted = min(admitted, today - datetime.timedelta(days=1))
                ep = Episode(path="import" if admitted < self.go_live else "admit", admitted_on=admitted)
                if ep.path == "admit":
                    self._referral_before(ep, admitted)
                    if rng.random() < 0.02:  # admitted by the TL after a dispute (CLR-4)
                        ep.dispute = "admit"
                        ep.dispute_decided_on = admitted
                        ep.disputed_on = admitted - self._days(3, 20)
                        ep.decided_on = ep.disputed_on - self._days(1, 14)
                        ep.reason_code = rng.choice(["R01", "R02", "R03"])
                        self._referral_before(ep, ep.decided_on)
                plan.episodes.append(ep)
            position += size
        plans.extend(active)

        for _ in range(counts["referred"]):
            plan = self._plan_for("referred", self._pick_fm())
            ep = Episode(path="referred", referred_on=today - self._days(0, 14))
            ep.talk_on = ep.referred_on - self._days(0, 7)
            plan.episodes.append(ep)
            plans.append(plan)

        overdue = max(1, round(counts["clearing"] * 0.3))
        for i in range(counts["clearing"]):
            plan = self._plan_for("clearing", self._pick_fm())
            # CLR-2: some clearings run beyond 2 months
            started = today - (self._days(63, 95) if i < overdue else self._days(0, 55))
            ep = Episode(path="clearing", clearing_on=started)
            ep.referred_on = started - self._days(0, 14)
            ep.talk_on = ep.referred_on - self._days(0, 7)
            plan.episodes.append(ep)
            plans.append(plan)

        for i in range(counts["disputed"]):
            # open disputes: at least half with the demo TL
            demo_teams = [self.teams.index(t) for t in self.demo_tl.led_teams.all()]
            plan = self._plan_for("disputed", self._pick_fm(demo_teams if i % 2 == 0 else None))
            ep = Episode(path="reject", dispute="open", reason_code=rng.choice(["R01", "R02", "R03"]))
            ep.disputed_on = today - self._days(0, 12)
            ep.decided_on = ep.disputed_on - self._days(1, 14)
            self._referral_before(ep, ep.decided_on)
            plan.episodes.append(ep)
            plans.append(plan)

        for scenario, path in (("rejected", "reject"), ("forwarded", "forward"), ("returned", "return")):
            for _ in range(counts[scenario]):
                plan = self._plan_for(scenario, self._pick_fm())
                ep = Episode(path=path, decided_on=today - self._days(1, 330))
                if path == "reject":
                    ep.reason_code = rng.choices(
                        list(REJECTION_WEIGHTS), weights=list(REJECTION_WEIGHTS.values())
                    )[0]
                    if rng.random() < 0.3 and ep.decided_on < today - datetime.timedelta(days=20):
                        ep.dispute = "reject"  # the TL upheld the rejection: final (CLR-4)
                        ep.disputed_on = ep.decided_on + self._days(1, 7)
                        ep.dispute_decided_on = ep.disputed_on + self._days(1, 10)
                if path == "forward":
                    ep.forward_to = rng.choice([ForwardTarget.SPECIALISED, ForwardTarget.THIRD_PARTY])
                self._referral_before(ep, ep.decided_on)
                plan.episodes.append(ep)
                plans.append(plan)

        for _ in range(counts["closed"]):
            plan = self._plan_for("closed", self._pick_fm())
            exit_code = self._exit_code()
            # exits over the last two years, more of them recent (monthly reports, REP-1)
            closed_on = today - (self._days(0, 365) if rng.random() < 0.65 else self._days(366, 730))
            plan.episodes.append(self._closed_episode(closed_on, exit_code))
            if exit_code in {"B01", "B02", "B03"}:
                plan.work_taken_up_on = closed_on
            plans.append(plan)

        for _ in range(counts["none"]):
            site = rng.choice(self.sites)
            plan = ClientPlan(scenario="none", site=site)
            roll = rng.random()
            if roll < 0.5:
                plan.access_checked_on = today - self._days(5, 170)
            elif roll < 0.8:
                plan.access_checked_on = today - self._days(190, 400)  # ACC-4 check due
            plans.append(plan)

        # earlier episodes (READ-1/READ-2) for some clients whose current case went through the services
        for plan in plans:
            current = plan.episodes[0] if plan.episodes else None
            if not current or current.path == "import" or current.talk_on is None or rng.random() > 0.1:
                continue
            if rng.random() < 0.25:  # work taken up after the last episode: earlier readmission allowed
                closed_on = current.talk_on - self._days(60, 150)
                work = closed_on + self._days(5, 40)
                if work >= current.talk_on:
                    continue
                plan.work_taken_up_on = work
                exit_code = rng.choice(["B05", "B08", "B09"])
            else:
                closed_on = current.talk_on - relativedelta(months=6) - self._days(1, 240)
                exit_code = rng.choice(["B04", "B05", "B06", "B07", "B08", "B11"])
            plan.episodes.insert(0, self._closed_episode(closed_on, exit_code, duration=rng.randint(4, 20)))

        self._plan_needs(plans)
        return plans

    def _plan_needs(self, plans: list[ClientPlan]) -> None:
        rng = self.rng
        needs = list(Need.objects.filter(active=True))
        access = [n.code for n in needs if n.key_group in ACCESS_KEY_GROUPS]
        other = [n.code for n in needs if n.key_group not in ACCESS_KEY_GROUPS]
        for plan in plans:
            individual_like = rng.random() < (0.4 if plan.scenario == "none" else 0.1)
            if individual_like:
                if rng.random() < 0.3:
                    plan.profiling = True  # integration expected within 12 months (ACC-1 not met)
                    k = rng.randint(3, 4)
                else:
                    k = rng.randint(1, 2)
            else:
                k = rng.choice([3, 3, 4, 4, 4, 5, 5, 6])
            plan.need_codes = rng.sample(access, k) + rng.sample(other, rng.randint(0, 2))
            plan.individual = individual_like and plan.scenario != "none"

    # --- bulk creation of households, clients and needs ---------------------------------------------
    def create_clients(self, plans: list[ClientPlan]) -> None:
        rng, fake = self.rng, self.fake
        by_site: dict[int, list[ClientPlan]] = defaultdict(list)
        for plan in plans:
            by_site[plan.site.pk].append(plan)
        households: list[Household] = []
        members: list[tuple[int, list[ClientPlan]]] = []
        serial = 0
        for site_pk in sorted(by_site):
            group = by_site[site_pk]
            rng.shuffle(group)
            i = 0
            while i < len(group):
                size = rng.choices([1, 2, 3], weights=[78, 16, 6])[0]
                serial += 1
                households.append(Household(number=f"95501BG{serial:07d}"))
                members.append((len(households) - 1, group[i : i + size]))
                i += size
        Household.objects.bulk_create(households, batch_size=1000)

        clients: list[Client] = []
        number = 0
        for index, group in members:
            family_name = fake.last_name()
            for plan in group:
                number += 1
                female = rng.random() < 0.5
                last = family_name if rng.random() < 0.75 else fake.last_name()
                age_days = rng.randint(19 * 365, 62 * 365)
                client = Client(
                    customer_number=f"955D{100000 + number * 7:06d}",
                    first_name=fake.first_name_female() if female else fake.first_name_male(),
                    last_name=last,
                    birth_date=self.today - datetime.timedelta(days=age_days),
                    household=households[index],
                    site=plan.site,
                    integration_expected_within_12_months=plan.profiling,
                    work_taken_up_on=plan.work_taken_up_on,
                    access_checked_on=plan.access_checked_on,
                    access_check_result=(
                        "Geprüft: derzeit keine Zuweisung, Kontaktdichte in der Arbeitsvermittlung erhöht."
                        if plan.access_checked_on
                        else ""
                    ),
                    created_by=plan.pap or self.admin,
                )
                plan.client = client
                clients.append(client)
        Client.objects.bulk_create(clients, batch_size=1000)

        need_ids = dict(Need.objects.values_list("code", "pk"))
        rows = []
        for plan in plans:
            first = min((ep.first_on for ep in plan.episodes), default=self.today - self._days(30, 600))
            for code in plan.need_codes:
                rows.append(
                    ClientNeed(
                        client=plan.client,
                        need_id=need_ids[code],
                        identified_on=first - self._days(7, 200),
                        priority=rng.randint(1, 3),
                    )
                )
        ClientNeed.objects.bulk_create(rows, batch_size=2000)
        self.need_labels = dict(Need.objects.values_list("code", "label"))

    # --- lifecycle through the services --------------------------------------------------------------
    def run_cases(self, plans: list[ClientPlan]) -> None:
        for number, plan in enumerate(plans, start=1):
            for ep in plan.episodes:
                self._run_episode(plan, ep)
            if number % 500 == 0:
                self.log(f"  … {number} Kund*innen verarbeitet")

    def _tl(self, fm: Staff) -> Staff:
        return self.tl_of_team[self.team_index[fm.team_id]]

    def _run_episode(self, plan: ClientPlan, ep: Episode) -> None:
        rng, today, fm, pap = self.rng, self.today, plan.fm, plan.pap
        if ep.path == "import":
            case = case_services.case_import(
                acting_user=self.admin,
                client=plan.client,
                fallmanager=fm,
                admitted_on=ep.admitted_on,
                # REV-7: taken over 7 months ago — reviews due since then are this system's work
                today=max(ep.admitted_on, today - relativedelta(months=7)),
            )
        else:
            labels = ", ".join(self.need_labels[c] for c in plan.need_codes[:4])
            individual = None
            if plan.individual:
                individual = {
                    "reason": rng.choice(INDIVIDUAL_REASONS),
                    "teamleitung_consulted_on": ep.referred_on - self._days(0, 5),
                    "teamleitung": self._tl(pap),  # ACC-2: which TL was consulted
                }
            case = case_services.case_refer(
                acting_user=pap,
                client=plan.client,
                fallmanager=fm,
                reasons=f"Handlungsbedarfe: {labels}. {rng.choice(REFERRAL_TAILS)}",
                expected_progress=rng.choice(EXPECTED_PROGRESS),
                handover_talk_on=ep.talk_on,
                handover_kind=HandoverKind.JOINT if rng.random() < 0.3 else HandoverKind.PERSONAL,
                referred_on=ep.referred_on,
                individual_decision=individual,
                today=today,
            )
            if ep.path == "referred":
                return
            case = case_services.case_start_clearing(
                case=case, acting_user=fm, on=ep.clearing_on, today=today
            )
            if ep.path == "clearing":
                return
            if ep.path == "forward":
                detail, text = FORWARD_TEXTS[ep.forward_to]
                case_services.case_forward(
                    case=case,
                    acting_user=fm,
                    to=ep.forward_to,
                    detail=detail,
                    justification=text,
                    on=ep.decided_on,
                    today=today,
                )
                return
            if ep.path == "return":
                case_services.case_return_to_pap(
                    case=case,
                    acting_user=fm,
                    justification=rng.choice(RETURN_TEXTS),
                    on=ep.decided_on,
                    today=today,
                )
                return
            if ep.path == "reject" or ep.dispute:
                case = case_services.case_reject(
                    case=case,
                    acting_user=fm,
                    reason_code=ep.reason_code,
                    justification=REJECTION_TEXTS[ep.reason_code],
                    on=ep.decided_on,
                    today=today,
                )
                if ep.dispute:
                    case = case_services.case_dispute(
                        case=case,
                        acting_user=pap,
                        comment=rng.choice(DISPUTE_COMMENTS),
                        on=ep.disputed_on,
                        today=today,
                    )
                if ep.dispute in ("admit", "reject"):
                    admit = ep.dispute == "admit"
                    case = case_services.case_decide_dispute(
                        case=case,
                        acting_user=self._tl(fm),
                        admit=admit,
                        comment=rng.choice(DISPUTE_DECISIONS_ADMIT if admit else DISPUTE_DECISIONS_REJECT),
                        on=ep.dispute_decided_on,
                        today=today,
                    )
                if ep.path == "reject":
                    return
            else:
                case = case_services.case_admit(case=case, acting_user=fm, on=ep.admitted_on, today=today)
        if ep.closed_on:
            self._close(plan, ep, case)

    def _close(self, plan: ClientPlan, ep: Episode, case: Case) -> None:
        rng, fm = self.rng, plan.fm
        is_last = ep is plan.episodes[-1]
        if is_last:  # PLAN-6: needs reduced during the episode count in the Wirkungsanalyse (EXIT-3)
            integration = ep.exit_code in {"B01", "B02", "B03"}
            k = rng.randint(1, 3) if integration else rng.randint(0, 2)
            span = max(0, (ep.closed_on - ep.admitted_on).days)
            chosen = rng.sample(plan.need_codes, min(k, len(plan.need_codes)))
            for code in chosen:
                changed = ep.admitted_on + datetime.timedelta(days=rng.randint(0, span))
                ClientNeed.objects.filter(client=plan.client, need__code=code).update(
                    status=rng.choice([NeedStatus.REDUCED, NeedStatus.RESOLVED]), status_changed_on=changed
                )
        talk = max(ep.admitted_on, ep.closed_on - self._days(0, 10))
        case_services.case_close(
            case=case,
            acting_user=fm,
            exit_reason_code=ep.exit_code,
            handover_talk_on=talk,
            handover_pap=plan.pap,
            justification=EXIT_TEXTS.get(ep.exit_code, ""),
            handover_note=demo_rules.handover_note(ep.exit_code),  # EXIT-1 (demo/rules.py)
            outcome={
                "medical_service_involved": rng.random() < 0.3,
                "social_participation_progress": rng.random() < 0.45,
            },
            on=ep.closed_on,
            today=self.today,
        )

    def progress_on_active_cases(self, plans: list[ClientPlan]) -> None:
        """PLAN-6: in longer-running active cases some needs are already reduced or resolved."""
        rng, today = self.rng, self.today
        updates = []
        by_client = defaultdict(list)
        candidates = [
            p
            for p in plans
            if p.scenario == "active" and p.episodes[-1].admitted_on < today - relativedelta(months=4)
        ]
        client_ids = [p.client.pk for p in candidates]
        for cn in ClientNeed.objects.filter(client_id__in=client_ids, status=NeedStatus.OPEN):
            by_client[cn.client_id].append(cn)
        for plan in candidates:
            if rng.random() > 0.35:
                continue
            admitted = plan.episodes[-1].admitted_on
            for cn in rng.sample(
                by_client[plan.client.pk], min(len(by_client[plan.client.pk]), rng.randint(1, 2))
            ):
                cn.status = rng.choice([NeedStatus.REDUCED, NeedStatus.RESOLVED])
                cn.status_changed_on = admitted + datetime.timedelta(
                    days=rng.randint(30, max(30, (today - admitted).days))
                )
                cn.status_changed_on = min(cn.status_changed_on, today)
                updates.append(cn)
        ClientNeed.objects.bulk_update(updates, ["status", "status_changed_on"], batch_size=1000)

    # --- plan content and the daily job: through the services ---------------------------------------
    def _step(self, label: str, run) -> None:
        """One demo step in its own transaction; a rule that refuses it is reported, not raised."""
        try:
            with transaction.atomic():
                outcome = run()
        except DomainError as exc:
            self.hooks.append(f"{label}: übersprungen ({type(exc).__name__}: {exc})")
            return
        if outcome is not None:
            self.hooks.append(f"{label}: {outcome}")

    def run_hooks(self, plans: list[ClientPlan]) -> None:
        self._step("Vereinbarungen, Ziele und Kontakte", lambda: self._plans_content(plans))
        self._step("Kontaktdaten, Haushalte, Vermerke und Dokumente", lambda: desk_demo(self))  # issue 13 B
        self._step("Termine und Meldeaufforderungen", lambda: demo_duties.build(today=self.today))  # MIT-1..4

        self._step("Leitlinien-Regeln", lambda: demo_rules.build(today=self.today))  # demo/rules.py

        def daily_jobs() -> str:
            result = daily_jobs_run(on=self.today, send_digests=False)
            return f"ausgeführt ({result})"

        self._step("Arbeitsalltag", lambda: story_build(today=self.today, rng=self.rng))
        self._step("Tägliche Jobs (Fortführungsprüfungen, Erinnerungen)", daily_jobs)
        self._step(
            "Arbeitsliste (Prüfungen, Kontakte, Wiedervorlagen)",
            lambda: demo_worklist.build(today=self.today),
        )

    def _plans_content(self, plans: list[ClientPlan]) -> str | None:
        """PLAN-2/3/5: a few goals, agreements and contacts, so the case pages are not empty."""
        rng, today = self.rng, self.today
        made: Counter = Counter()
        picked = [p for p in plans if p.scenario == "active" and p.episodes[-1].path == "admit"][:60]
        for plan in picked:
            case = Case.objects.select_related("client", "fallmanager").get(
                client=plan.client, state=CaseState.ACTIVE
            )
            admitted = case.admitted_on
            span = max(1, (today - admitted).days)
            concluded = min(today, max(admitted + self._days(7, 30), today - self._days(10, 170)))
            plan_services.agreement_conclude(
                case=case,
                acting_user=plan.fm,
                concluded_on=concluded,
                client_commitments="Termine wahrnehmen, Beratungsangebote nutzen, Unterlagen vorlegen.",
                jobcenter_commitments="Begleitung im Fallmanagement, Übernahme der Fahrtkosten, Vermittlung an Netzwerkpartner.",
                today=today,
            )
            made["Vereinbarungen"] += 1
            plan_services.goal_create(
                case=case,
                acting_user=plan.fm,
                text=rng.choice(EXPECTED_PROGRESS),
                target_date=today + self._days(30, 180),
                kind=rng.choice([GoalKind.INTEGRATION, GoalKind.INTEGRATION, GoalKind.SOCIAL_PARTICIPATION]),
                agreed_on=concluded,
                today=today,
            )
            made["Ziele"] += 1
            days = sorted(rng.randint(0, span) for _ in range(rng.randint(1, 4)))
            for offset in days:
                plan_services.contact_create(
                    case=case,
                    acting_user=plan.fm,
                    kind=rng.choice(ContactKind.values),
                    date=admitted + datetime.timedelta(days=offset),
                    note="Gespräch zur aktuellen Situation und zu den nächsten Schritten.",
                    today=today,
                )
                made["Kontakte"] += 1
        return ", ".join(f"{n} {key}" for key, n in made.items()) or None

    # --- summary -------------------------------------------------------------------------------------
    def summary(self) -> tuple[dict, list[tuple[str, str, str]]]:
        today = self.today
        states = Counter(
            dict(Case.objects.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
        )
        active = Case.objects.filter(state=CaseState.ACTIVE)
        clearing_limit = today - relativedelta(months=2)
        fms = list(fallmanagers_with_caseload(queryset=real_staff().filter(role=Role.FALLMANAGER)))
        over = [fm for fm in fms if fm.counted > fm.caseload_target]
        counts = {
            "areas": Area.objects.count(),
            "sites": Site.objects.count(),
            "teams": Team.objects.count(),
            "staff": dict(Counter(real_staff().values_list("role", flat=True))),
            "clients": Client.objects.count(),
            "households": Household.objects.count(),
            "multi_households": Household.objects.annotate(n=Count("members")).filter(n__gt=1).count(),
            "needs": ClientNeed.objects.count(),
            "cases": sum(states.values()),
            "states": {state.value: states.get(state.value, 0) for state in CaseState},
            "events": CaseEvent.objects.count(),
            "outcomes": OutcomeRecord.objects.count(),
            "clearing_overdue": Case.objects.filter(
                state=CaseState.CLEARING, clearing_started_on__lt=clearing_limit
            ).count(),
            "active_over_12": active.filter(admitted_on__lte=today - relativedelta(months=12)).count(),
            "active_over_24": active.filter(admitted_on__lte=today - relativedelta(months=24)).count(),
            "active_over_36": active.filter(admitted_on__lte=today - relativedelta(months=36)).count(),
            "imported": Case.objects.filter(imported=True).count(),
            "individual": Case.objects.exclude(individual_decision_reason="").count(),
            "fms": len(fms),
            "fms_over_target": len(over),
            "fms_part_time": sum(1 for fm in fms if fm.weekly_hours < Decimal("39")),
        }

        return counts, demo_logins(today)


def real_staff():
    """Staff without django-guardian's "AnonymousUser" row (created by migrate unless disabled)."""
    anonymous = getattr(settings, "ANONYMOUS_USER_NAME", "AnonymousUser")
    return Staff.objects.exclude(username=anonymous) if anonymous else Staff.objects.all()


def demo_data_exists() -> bool:
    return real_staff().exists()


def demo_load(
    *, seed: int = DEFAULT_SEED, clients: int = DEFAULT_CLIENTS, today: datetime.date | None = None, log=None
) -> DemoResult:
    """Load the demo jobcenter into an empty database, in one transaction."""
    started = time.monotonic()
    today = clock.today(today)
    builder = DemoBuilder(seed=seed, clients=clients, today=today, log=log)
    with transaction.atomic():
        builder.build_org()
        plans = builder.plan()
        builder.create_clients(plans)
        builder.log(
            f"  Organisation, Mitarbeitende und Kund*innen angelegt ({time.monotonic() - started:.1f} s)"
        )
        builder.run_cases(plans)
        builder.progress_on_active_cases(plans)
        builder.log(f"  Fälle angelegt ({time.monotonic() - started:.1f} s)")
        builder.run_hooks(plans)
    counts, logins = builder.summary()
    return DemoResult(seconds=time.monotonic() - started, counts=counts, logins=logins, hooks=builder.hooks)

"""The demo's story: what makes the printed logins work together.

The builder creates the jobcenter (organisation, clients, case histories). This module adds what a
working day needs around them, through the services where a rule is involved:
- Netzwerkpartner per area (debt, addiction, psychosocial counselling, a measure provider, …) and a few
  consents and referrals to them;
- contacts at a realistic rhythm on every active case, so a contact gap means something;
- a substitution (the TL names a substitute for the printed FM);
- documented reviews waiting for the printed TL (12/18 months: acknowledgement, 24/30: approval);
- twelve completed monthly reports for controlling;
- reads in the access log for the data-protection officer.

`demo_logins()` derives the printed logins from the database, so `load_demo --if-empty` prints the same
table on every start."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Max, Q

from audit import services as audit
from cases.choices import CaseState
from cases.models import Case
from cases.selectors import fallmanagers_with_caseload
from catalog import periods
from org.choices import Role
from org.models import Area, Staff, Substitution
from org.substitutions import substitution_set
from plans import services as plan_services
from plans.choices import ContactKind, PartnerKind, ServiceKind
from plans.models import Contact, Partner
from reporting.services import monthly_report_build
from reviews import services as review_services
from reviews.choices import ReviewDecision, ReviewGate, ReviewState
from reviews.models import Review, waits_for_teamleitung_q

PARTNERS = [
    (PartnerKind.DEBT, "Schuldner- und Insolvenzberatung {area}", "Tel. 0511 4711-20, Sprechzeiten Mo–Do"),
    (PartnerKind.ADDICTION, "Fachstelle für Sucht und Suchtprävention {area}", "Tel. 0511 4711-30"),
    (PartnerKind.PSYCHOSOCIAL, "Psychosoziale Beratungsstelle {area}", "Tel. 0511 4711-40"),
    (PartnerKind.TRAINING, "Bildungswerk {area} gGmbH (Maßnahmeträger)", "Tel. 0511 4711-50"),
    (PartnerKind.HOUSING, "Wohnungsnotfallhilfe {area}", "Tel. 0511 4711-60"),
    (PartnerKind.CHILDCARE, "Familienservicebüro {area} (Kinderbetreuung)", "Tel. 0511 4711-70"),
]
CONTACT_NOTES = [
    "Gespräch zur aktuellen Situation und zu den nächsten Schritten.",
    "Nachgefragt, wie die Beratung läuft; Unterlagen besprochen.",
    "Bewerbungsunterlagen gemeinsam überarbeitet.",
    "Rückmeldung zur Maßnahme eingeholt; Teilnahme läuft.",
    "Kurzes Telefonat, nächster Termin vereinbart.",
]
REVIEW_REASONS = (
    "Die Stabilisierung ist erkennbar; die Schuldnerberatung läuft, die Maßnahme beginnt im Folgemonat."
)
REVIEW_PROGNOSIS = "Integration in Arbeit innerhalb der nächsten sechs Monate realistisch."


@dataclass
class Chain:
    """The printed logins that belong together."""

    tl: Staff
    teams: list
    fm_over: Staff | None
    fm_part: Staff | None
    substitute: Staff | None
    pap: Staff | None
    bl: Staff | None


def story_chain() -> Chain | None:
    """The TL with the most open disputes in her teams, her FMs, the pAp who refers to them most, the
    substitute of her FM and the BL of her area — all read from the database."""
    tl = (
        Staff.objects.filter(role=Role.TEAMLEITUNG, is_active=True)
        .annotate(
            disputes=Count(
                "led_teams__members__fm_cases",
                filter=Q(led_teams__members__fm_cases__state=CaseState.DISPUTED),
            ),
            teams=Count("led_teams", distinct=True),
        )
        .order_by("-teams", "-disputes", "username")
        .first()
    )
    if tl is None:
        return None
    teams = list(tl.led_teams.order_by("name"))
    fms = list(
        fallmanagers_with_caseload(
            queryset=Staff.objects.filter(role=Role.FALLMANAGER, is_active=True, team__in=teams)
        )
    )
    full = [fm for fm in fms if fm.weekly_hours >= 39]
    fm_over = max(full or fms, key=lambda fm: (fm.counted - fm.caseload_target, fm.username), default=None)
    part = [fm for fm in fms if fm.weekly_hours < 39 and fm != fm_over]
    fm_part = max(part, key=lambda fm: (fm.counted, fm.username), default=None)
    substitution = (
        Substitution.objects.filter(absent=fm_over)
        .select_related("substitute")
        .order_by("-starts_on")
        .first()
        if fm_over
        else None
    )
    pap = (
        Staff.objects.filter(role=Role.PAP, is_active=True, team__in=teams)
        .annotate(n=Count("referred_cases", filter=Q(referred_cases__fallmanager__team__in=teams)))
        .order_by("-n", "username")
        .first()
    )
    area = teams[0].site.area if teams else None
    bl = area.leads.order_by("username").first() if area else None
    return Chain(
        tl=tl,
        teams=teams,
        fm_over=fm_over,
        fm_part=fm_part,
        substitute=substitution.substitute if substitution else None,
        pap=pap,
        bl=bl,
    )


def demo_logins(today: datetime.date) -> list[tuple[str, str, str]]:
    """The login table printed after loading and on every later start."""
    chain = story_chain()
    rows: list[tuple[str, str, str]] = []
    if chain is None:
        return rows
    team_names = ", ".join(team.name for team in chain.teams)
    if chain.pap:
        rows.append(("pAp", chain.pap.username, f"weist an die Fallmanager*innen von {team_names} zu"))
    if chain.fm_over:
        fm = chain.fm_over
        rows.append(
            (
                "Fallmanager*in",
                fm.username,
                f"{fm.counted} Fälle bei Zielwert {fm.caseload_target}; {fm.team}",
            )
        )
    if chain.fm_part:
        fm = chain.fm_part
        hours = str(fm.weekly_hours).replace(".", ",")
        rows.append(
            (
                "Fallmanager*in in Teilzeit",
                fm.username,
                f"{hours} h, {fm.counted} Fälle bei Zielwert {fm.caseload_target}",
            )
        )
    if chain.substitute and chain.fm_over:
        rows.append(
            ("Vertretung", chain.substitute.username, f"vertritt {chain.fm_over.username} in dieser Woche")
        )
    cases = Case.objects.filter(fallmanager__team__in=chain.teams)
    disputes = cases.filter(state=CaseState.DISPUTED).count()
    waiting = Counter(
        Review.objects.filter(waits_for_teamleitung_q(), case__fallmanager__team__in=chain.teams).values_list(
            "gate", flat=True
        )
    )
    rows.append(
        (
            "Teamleitung",
            chain.tl.username,
            f"{team_names}: {disputes} Widersprüche, {waiting[ReviewGate.INFORM_TEAMLEITUNG]} Kenntnisnahmen, "
            f"{waiting[ReviewGate.TEAMLEITUNG_APPROVAL]} Zustimmungen offen",
        )
    )
    if chain.bl:
        rows.append(("Bereichsleitung", chain.bl.username, str(chain.teams[0].site.area)))
    rows.append(
        ("Controlling", "controlling", "nur anonyme Auswertungen, Monatsberichte der letzten 12 Monate")
    )
    rows.append(("Datenschutz", "datenschutz", "Zugriffsprotokoll, Löschfristen"))
    rows.append(("Administration", "admin", "Stammdaten"))
    return rows


class StoryBuilder:
    def __init__(self, *, today: datetime.date, rng: random.Random):
        self.today = today
        self.rng = rng
        self.made: Counter = Counter()

    def run(self) -> str:
        partners = self.partners()
        self.contacts()
        chain = story_chain()
        if chain is not None:
            self.substitution(chain)
            self.partner_work(chain, partners)
            self.reviews_for_tl(chain)
            self.reads(chain)
        self.monthly_reports()
        return ", ".join(f"{n} {key}" for key, n in self.made.items())

    def partners(self) -> dict[int, list[Partner]]:
        by_area: dict[int, list[Partner]] = {}
        for area in Area.objects.order_by("pk"):
            short = area.name.replace("Bereich ", "")
            by_area[area.pk] = Partner.objects.bulk_create(
                Partner(area=area, kind=kind, name=name.format(area=short), contact=contact)
                for kind, name, contact in _shuffled_partners(self.rng)
            )
            self.made["Netzwerkpartner"] += len(by_area[area.pk])
        return by_area

    def contacts(self) -> None:
        """A contact every two to five weeks since admission; about one case in eight has a real gap."""
        today, rng = self.today, self.rng
        last = dict(
            Contact.objects.values_list("case_id").annotate(last=Max("date")).values_list("case_id", "last")
        )
        rows = []
        active = Case.objects.filter(state=CaseState.ACTIVE, admitted_on__isnull=False).values_list(
            "pk", "admitted_on", "fallmanager_id"
        )
        for case_id, admitted_on, fm_id in active.order_by("pk"):
            day = last.get(case_id, admitted_on)
            gap_case = rng.random() < 0.12
            stop = today - datetime.timedelta(days=rng.randint(35, 80)) if gap_case else today
            while True:
                day = day + datetime.timedelta(days=rng.randint(12, 35))
                if day > stop:
                    break
                rows.append(
                    Contact(
                        case_id=case_id,
                        date=day,
                        kind=rng.choices(ContactKind.values, weights=[6, 1, 3, 1, 1])[0],
                        note=rng.choice(CONTACT_NOTES),
                        created_by_id=fm_id,
                    )
                )
        Contact.objects.bulk_create(rows, batch_size=2000)
        self.made["Kontakte"] += len(rows)

    def substitution(self, chain: Chain) -> None:
        if chain.fm_over is None:
            return
        others = Staff.objects.filter(role=Role.FALLMANAGER, is_active=True, team=chain.fm_over.team).exclude(
            pk__in=[chain.fm_over.pk, getattr(chain.fm_part, "pk", 0)]
        )
        substitute = others.order_by("username").first()
        if substitute is None:
            return
        monday = self.today - datetime.timedelta(days=self.today.weekday())
        substitution_set(
            acting_user=chain.tl,
            absent=chain.fm_over,
            substitute=substitute,
            starts_on=max(self.today, monday),
            ends_on=monday + datetime.timedelta(days=4 if self.today.weekday() < 5 else 11),
            today=self.today,
        )
        self.made["Vertretung"] += 1

    def partner_work(self, chain: Chain, partners: dict[int, list[Partner]]) -> None:
        """Consents and referrals to partners on some of the printed FM's cases."""
        fm = chain.fm_over
        if fm is None:
            return
        cases = list(
            Case.objects.filter(fallmanager=fm, state=CaseState.ACTIVE)
            .select_related("client__site")
            .order_by("admitted_on")[:8]
        )
        for case in cases:
            pool = partners.get(case.client.site.area_id) or []
            if not pool:
                continue
            partner = self.rng.choice(pool)
            given_on = max(case.admitted_on, self.today - datetime.timedelta(days=self.rng.randint(10, 120)))
            consent = plan_services.consent_record(
                case=case, acting_user=fm, partner=partner, given_on=given_on, today=self.today
            )
            plan_services.service_referral_create(
                case=case,
                acting_user=fm,
                kind=ServiceKind.FLANKING if partner.kind != PartnerKind.TRAINING else ServiceKind.MEASURE,
                title=partner.get_kind_display(),
                partner=partner,
                consent=consent,
                on=given_on,
                today=self.today,
            )
            self.made["Vermittlungen an Netzwerkpartner"] += 1

    def reviews_for_tl(self, chain: Chain) -> None:
        """The FMs of the printed TL document a few current reviews: 12/18 months wait for her
        acknowledgement, 24/30 months with "continue" for her approval."""
        wanted = {ReviewGate.INFORM_TEAMLEITUNG: 4, ReviewGate.TEAMLEITUNG_APPROVAL: 3}
        # The daily job runs after the story; these cases need their review rows now.
        for case in Case.objects.filter(fallmanager__team__in=chain.teams, state=CaseState.ACTIVE):
            review_services.reviews_ensure_for_case(case=case, today=self.today)
        for gate, count in wanted.items():
            latest = (
                Review.objects.filter(
                    case__fallmanager__team__in=chain.teams,
                    case__state=CaseState.ACTIVE,
                    gate=gate,
                    state=ReviewState.DUE,
                    due_on__lte=self.today + datetime.timedelta(days=periods.reminder_lead_days()),
                    due_on__gte=self.today - relativedelta(months=5),
                )
                .select_related("case__fallmanager")
                .order_by("-due_on", "pk")
            )
            done = 0
            for review in latest:
                if done >= count:
                    break
                # Only the case's newest due review: the older ones are history.
                if Review.objects.filter(case_id=review.case_id, month__gt=review.month).exists():
                    continue
                review_services.review_document(
                    review=review,
                    acting_user=review.case.fallmanager,
                    reasons=REVIEW_REASONS,
                    prognosis=REVIEW_PROGNOSIS,
                    decision=ReviewDecision.CONTINUE,
                    today=self.today,
                )
                done += 1
            self.made["Prüfungen bei der Teamleitung"] += done

    def reads(self, chain: Chain) -> None:
        """Case reads by the printed people, so the data-protection officer's log is not empty."""
        people = [p for p in (chain.fm_over, chain.fm_part, chain.substitute) if p]
        for person in people:
            for case in Case.objects.filter(fallmanager=person).order_by("pk")[:15]:
                audit.record(user=person, action="case.view", obj=case, today=self.today)
                self.made["Protokolleinträge"] += 1
        for case in Case.objects.filter(fallmanager__team__in=chain.teams, state=CaseState.DISPUTED)[:10]:
            audit.record(user=chain.tl, action="case.view", obj=case, today=self.today)
            self.made["Protokolleinträge"] += 1
        if chain.pap:
            for case in Case.objects.filter(referred_by=chain.pap).order_by("-pk")[:10]:
                audit.record(user=chain.pap, action="case.view", obj=case, today=self.today)
                self.made["Protokolleinträge"] += 1

    def monthly_reports(self) -> None:
        first = self.today.replace(day=1)
        for back in range(12, 0, -1):
            monthly_report_build(month=first - relativedelta(months=back), today=self.today)
            self.made["Monatsberichte"] += 1


def _shuffled_partners(rng: random.Random) -> list:
    """All partner kinds; the order varies per area."""
    rows = list(PARTNERS)
    rng.shuffle(rows)
    return rows


def story_build(*, today: datetime.date, rng: random.Random) -> str:
    return StoryBuilder(today=today, rng=rng).run()

"""Demo data for the worklist "Heute" (WORK-1), so that an FM's list is the handful of a real working day:
- reviews documented in time (and acknowledged or approved by the TL) except a couple per FM and those
  falling due these days — otherwise every case of the generated history shows an overdue review;
- recent contacts on most working cases (the contact gaps are the few a real caseload has);
- a handful of Wiedervorlagen per FM: one overdue, one for today, two in the next days;
then the daily job again (reminders for the follow-ups, settled reminders of the documented reviews).
Through the services; its own random generator, so the rest of the demo stays as it was. Called by one
line in `demo.builder`, after the first daily job (which made the review rows)."""

from __future__ import annotations

import datetime
import random
from collections import Counter

from django.conf import settings
from django.db.models import Max

from cases.choices import CaseState
from cases.models import Case
from followups import services as followup_services
from jobs.daily import daily_jobs_run
from org.models import Staff
from plans import services as plan_services
from plans.choices import ContactKind
from reviews import services as review_services
from reviews.choices import ReviewGate, ReviewState
from reviews.models import Review

NOTES = (
    "Rückmeldung des Jobcoaches zum Praktikum einholen",
    "Nachweise zur Schuldnerberatung anfordern",
    "Termin bei der Suchtberatung nachhalten",
    "Bewerbungsunterlagen gemeinsam überarbeiten",
    "Rückruf wegen Kinderbetreuungsplatz",
    "Stand des Antrags auf Wohnraumhilfe erfragen",
)
KEEP_GAP = 0.04  # share of working cases left with a contact gap
KEEP_OVERDUE = 1  # cases per FM whose overdue review stays open
RECENT_DAYS = 3  # reviews due within these last days stay open (the FM is on it)


def _document_reviews(*, today: datetime.date, rng: random.Random) -> int:
    """Every review due more than RECENT_DAYS ago, documented a few days after its date (and taken note of
    or approved by the TL), except on KEEP_OVERDUE cases per FM and at the final gate (36 months)."""
    leads = {}
    for tl in Staff.objects.filter(role="teamleitung").prefetch_related("led_teams"):
        for team in tl.led_teams.all():
            leads.setdefault(team.pk, tl)
    due = list(
        Review.objects.filter(
            state=ReviewState.DUE, case__state=CaseState.ACTIVE,
            due_on__lt=today - datetime.timedelta(days=RECENT_DAYS),
        )
        .exclude(gate=ReviewGate.FINAL)
        .select_related("case", "case__fallmanager")
        .order_by("case__fallmanager_id", "case_id", "month")
    )  # fmt: skip
    keep: dict[int, set[int]] = {}
    for review in due:
        keep.setdefault(review.case.fallmanager_id, set())
    for fm_id in keep:
        cases = sorted({r.case_id for r in due if r.case.fallmanager_id == fm_id})
        keep[fm_id] = set(rng.sample(cases, min(KEEP_OVERDUE, len(cases))))
    done = 0
    for review in due:
        fm = review.case.fallmanager
        if review.case_id in keep[fm.pk]:
            continue
        on = min(today, review.due_on + datetime.timedelta(days=rng.randint(0, 6)))
        review = review_services.review_document(
            review=review, acting_user=fm, decision="continue", today=on,
            reasons="Stabilisierung erreicht, nächste Schritte vereinbart.",
            prognosis="Weitere Annäherung an den Arbeitsmarkt erwartet.",
        )  # fmt: skip
        tl = leads.get(fm.team_id)
        if (
            tl is not None
            and review.state == ReviewState.DOCUMENTED
            and review.gate == ReviewGate.INFORM_TEAMLEITUNG
        ):
            review_services.review_acknowledge(
                review=review, acting_user=tl, today=min(today, on + datetime.timedelta(days=2))
            )
        elif tl is not None and review.state == ReviewState.APPROVAL_PENDING:
            review_services.review_decide(
                review=review, acting_user=tl, approve=True, comment="Einverstanden.",
                today=min(today, on + datetime.timedelta(days=2)),
            )  # fmt: skip
        done += 1
    return done


def build(*, today: datetime.date, seed: int = 13) -> str:
    rng = random.Random(seed)
    made: Counter = Counter()
    made["dokumentierte Prüfungen"] = _document_reviews(today=today, rng=rng)
    gap = int(settings.FM["CONTACT_GAP_DAYS"])
    cases = list(
        Case.objects.filter(state__in=(CaseState.CLEARING, CaseState.ACTIVE))
        .select_related("fallmanager", "client")
        .annotate(last_contact_on=Max("contacts__date"))
        .order_by("fallmanager_id", "pk")
    )
    for case in cases:
        start = case.admitted_on or case.clearing_started_on
        if start is None or rng.random() < KEEP_GAP:
            continue
        if case.last_contact_on and (today - case.last_contact_on).days <= gap:
            continue
        day = max(start, today - datetime.timedelta(days=rng.randint(2, gap - 4)))
        plan_services.contact_create(
            case=case, acting_user=case.fallmanager, kind=rng.choice(ContactKind.values),
            date=day, note="Gespräch zum Stand der Ziele.", today=today,
        )  # fmt: skip
        made["Kontakte"] += 1
    by_fm: dict[int, list[Case]] = {}
    for case in cases:
        if case.state == CaseState.ACTIVE:
            by_fm.setdefault(case.fallmanager_id, []).append(case)
    for fm_cases in by_fm.values():
        picked = rng.sample(fm_cases, min(4, len(fm_cases)))
        offsets = [-3, 0, 4, 11][: len(picked)]  # overdue, today, soon, later in the two weeks
        for case, offset in zip(picked, offsets, strict=True):
            set_on = today + datetime.timedelta(days=min(offset, 0) - 7)  # set a week before
            followup_services.followup_create(
                case=case, acting_user=case.fallmanager, due_on=today + datetime.timedelta(days=offset),
                note=rng.choice(NOTES), today=set_on,
            )  # fmt: skip
            made["Wiedervorlagen"] += 1
    daily_jobs_run(on=today, send_digests=False)  # follow-up reminders; settles the documented reviews
    return ", ".join(f"{n} {key}" for key, n in made.items()) or None

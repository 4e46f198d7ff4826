"""Demo data for the worklist "Heute" (WORK-1): recent contacts on most working cases (so the contact gaps
are the few a real caseload has, not every case) and a handful of Wiedervorlagen per FM — one overdue,
one for today, a few in the next days. Through the services; its own random generator, so the rest of
the demo stays as it was. Called by one line in `demo.builder`."""

from __future__ import annotations

import datetime
import random
from collections import Counter

from django.conf import settings
from django.db.models import Max

from cases.choices import CaseState
from cases.models import Case
from followups import services as followup_services
from plans import services as plan_services
from plans.choices import ContactKind

NOTES = (
    "Rückmeldung des Jobcoaches zum Praktikum einholen",
    "Nachweise zur Schuldnerberatung anfordern",
    "Termin bei der Suchtberatung nachhalten",
    "Bewerbungsunterlagen gemeinsam überarbeiten",
    "Rückruf wegen Kinderbetreuungsplatz",
    "Stand des Antrags auf Wohnraumhilfe erfragen",
)
KEEP_GAP = 0.08  # share of working cases left with a contact gap


def build(*, today: datetime.date, seed: int = 13) -> str:
    rng = random.Random(seed)
    made: Counter = Counter()
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
    return ", ".join(f"{n} {key}" for key, n in made.items()) or None

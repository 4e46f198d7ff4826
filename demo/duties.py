"""Demo data of the duties app (MIT-1..4), through the services: for the FM with the most active cases —
past and future appointments (one held without outcome: the reminder), a client with two missed
summonses and a notice, a client "nicht erreichbar", and a vulnerable client (open L_PSYCHE need) with two
missed summonses, for whom the case page prompts the ÄD/BPS offer; the ordinary client also has an
Aufforderung/Verpflichtung and a BPS examination with its result (MIT-5/MIT-6)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from cases.choices import CaseState, NeedStatus
from cases.models import Case, ClientNeed
from catalog.models import Need
from duties import services
from duties.selectors import VULNERABLE_NEEDS
from org.choices import Role
from org.models import Staff


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _appointment(
    case, fm, today, days: int, *, hour=10, kind="office", summons=True, outcome=None, reason=""
):
    day = today + datetime.timedelta(days=days)
    invited_on = min(today, day - datetime.timedelta(days=10))
    appointment = services.appointment_create(
        case=case,
        acting_user=fm,
        starts_at=_at(day, hour),
        kind=kind,
        is_summons=summons,
        invited_on=invited_on,
        purpose="Gespräch zur beruflichen Situation" if summons else "Beratungsgespräch",
        today=invited_on if days < 0 else today,
    )
    if outcome:
        services.appointment_outcome_record(
            appointment=appointment,
            acting_user=fm,
            outcome=outcome,
            reason=reason,
            now=_at(day, 18),
            today=day,
        )
    return appointment


def _obligation_and_exam(case, fm, today: datetime.date) -> None:
    """MIT-5/MIT-6: an Aufforderung/Verpflichtung (the instrument of its date; not before the current
    Kooperationsplan) and a commissioned BPS examination with its result (limitations, no diagnosis)."""
    from plans.models import Agreement

    issued_on = today - datetime.timedelta(days=10)
    plan = Agreement.objects.filter(case=case, waived=False, superseded_on__isnull=True).first()
    if plan is not None and plan.concluded_on and plan.concluded_on > issued_on:
        issued_on = min(plan.concluded_on, today)
    services.obligation_create(
        case=case,
        acting_user=fm,
        issued_on=issued_on,
        steps="Bis Monatsende drei Bewerbungen schreiben und die Nachweise vorlegen.",
        hearing_on=issued_on,
        today=today,
    )
    exam = services.exam_commission_create(
        case=case,
        acting_user=fm,
        service="bps",
        question="Welche Tätigkeiten sind derzeit zumutbar, in welchem Umfang?",
        offered_on=today - datetime.timedelta(days=30),
        consent_given_on=today - datetime.timedelta(days=28),
        commissioned_on=today - datetime.timedelta(days=27),
        today=today,
    )
    services.exam_result_record(
        exam=exam,
        acting_user=fm,
        result_on=today - datetime.timedelta(days=5),
        limitations="Keine Arbeit unter Zeitdruck, kein Schichtdienst",
        capacity="Leichte Tätigkeiten, bis sechs Stunden täglich",
        today=today,
    )


def build(*, today: datetime.date) -> str:
    fm = (
        Staff.objects.filter(role=Role.FALLMANAGER)
        .annotate(n=Count("fm_cases", filter=Q(fm_cases__state=CaseState.ACTIVE)))
        .order_by("-n", "username")
        .first()
    )
    if fm is None:
        return "keine Fallmanager*in"
    vulnerable_ids = ClientNeed.objects.filter(
        need__code__in=VULNERABLE_NEEDS, status=NeedStatus.OPEN
    ).values("client_id")
    cases = Case.objects.filter(fallmanager=fm, state=CaseState.ACTIVE).order_by("pk")
    plain = list(cases.exclude(client_id__in=vulnerable_ids)[:4])
    vulnerable = cases.filter(client_id__in=vulnerable_ids).first()
    if vulnerable is None and len(plain) == 4:
        vulnerable = plain.pop()
        ClientNeed.objects.get_or_create(
            client=vulnerable.client,
            need=Need.objects.get(code="L_PSYCHE"),
            defaults={"identified_on": today},
        )
    if len(plain) < 3 or vulnerable is None:
        return "zu wenige aktive Fälle"
    ordinary, two_missed, unreachable = plain[:3]
    # Past and future appointments; one held without outcome (reminder after 3 working days).
    _appointment(ordinary, fm, today, -40, outcome="attended")
    _appointment(ordinary, fm, today, -20, kind="phone", summons=False, outcome="cancelled")
    _appointment(ordinary, fm, today, -8, summons=False)
    _appointment(ordinary, fm, today, 0, hour=14, kind="video", summons=False)
    _appointment(ordinary, fm, today, 6)
    _appointment(ordinary, fm, today, 12, kind="home_visit", summons=False)
    # Two missed summonses: the second (a repeated one) was notified after the hearing.
    _appointment(two_missed, fm, today, -35, outcome="missed")
    second = _appointment(two_missed, fm, today, -21, outcome="missed")
    services.notice_create(
        case=two_missed,
        acting_user=fm,
        kind="meldeversaeumnis",
        appointment_id=second.pk,
        hearing_on=today - datetime.timedelta(days=14),
        sent_on=today - datetime.timedelta(days=7),
        today=today,
    )
    _appointment(two_missed, fm, today, 8)
    # Three in a row: "nicht erreichbar".
    for days in (-49, -35, -21):
        last = _appointment(unreachable, fm, today, days, outcome="missed")
    services.notice_create(
        case=unreachable,
        acting_user=fm,
        kind="nicht_erreichbar",
        appointment_id=last.pk,
        hearing_on=today - datetime.timedelta(days=12),
        sent_on=today - datetime.timedelta(days=5),
        today=today,
    )
    # A vulnerable client with two missed summonses: the ÄD/BPS offer comes first.
    _appointment(vulnerable, fm, today, -30, outcome="missed")
    _appointment(vulnerable, fm, today, -16, outcome="missed")
    _obligation_and_exam(ordinary, fm, today)
    return (
        f"{fm.username}: Termine, Verpflichtung und ÄD/BPS-Ergebnis bei {ordinary.client.customer_number}, "
        f"zwei Versäumnisse "
        f"{two_missed.client.customer_number}, nicht erreichbar {unreachable.client.customer_number}, "
        f"ÄD/BPS-Hinweis {vulnerable.client.customer_number}"
    )
